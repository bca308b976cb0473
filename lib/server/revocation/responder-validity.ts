// How long a responder certificate an organization signs offline may last. It carries
// id-pkix-ocsp-nocheck, so once issued it cannot be revoked in any way a client checks (RFC 6960
// §4.2.2.2.1): keep it short, but long enough that a person renews it by hand, not a cron job.
export const EXTERNAL_RESPONDER_DEFAULT_DAYS = 30;
export const EXTERNAL_RESPONDER_MAX_DAYS = 90;
/** Backdating, so a client with a slow clock does not see a "not yet valid" responder. */
export const RESPONDER_BACKDATE_MS = 5 * 60_000;
