// The signing side of the responder, in memory per CA: the delegated certificate, its key hash
// (ResponderID byKey) and a signer parsed once. Renewal runs in the background while the current
// certificate is still valid, so no request waits for it.
import { keyIdentifierOf } from "../../pki/certificate/extensions";
import type { Signer } from "../../pki/signer";
import { db } from "../../db";
import { AppError } from "../errors";
import { signerForKey } from "../keys/signer-for-key";
import { obtainOcspResponder, renewAfter } from "./issue-ocsp-responder";
import type { OcspIssuer } from "./ocsp-issuers";
import { reportOcspFailure } from "./ocsp-failures";
import { isDatabaseUnavailable } from "../db/unavailable";

export type OcspResponderSigning = {
  caId: string;
  responderKeyHash: Uint8Array;
  /** The responder certificate, then its issuing CA's unless that is a root (RFC 6960 §4.2.1 certs). */
  certs: Uint8Array[];
  signer: Signer;
  notAfter: Date;
  renewAfter: Date;
};

const responders = new Map<string, OcspResponderSigning>();
const renewing = new Map<string, Promise<OcspResponderSigning>>();
// After a failed issuance (CA revoked or expired, database trouble) the CA is not tried again for a
// minute: anonymous requests must not each open a write transaction that is bound to fail.
type Failure = { retryAt: number; answer: "unauthorized" | "tryLater" };
const failures = new Map<string, Failure>();
const RETRY_AFTER_MS = 60_000;
const DATABASE_RETRY_MS = 2_000;
const pendingFailure = (caId: string) => {
  const f = failures.get(caId);
  return f && f.retryAt > Date.now() ? f : undefined;
};
const attemptFailed = (caId: string, err: unknown): Failure["answer"] => {
  // not_found: the CA row is gone; conflict: the CA is revoked, expired or not ours to sign for.
  const answer = err instanceof AppError && (err.code === "conflict" || err.code === "not_found") ? "unauthorized" : "tryLater";
  // An unreachable database is retried within seconds: it must not keep OCSP at tryLater for a
  // minute after the database is back (test/database-outage.test.ts).
  failures.set(caId, { retryAt: Date.now() + (isDatabaseUnavailable(err) ? DATABASE_RETRY_MS : RETRY_AFTER_MS), answer });
  if (answer === "tryLater") reportOcspFailure("responder issuance", err);
  return answer;
};

async function load(issuer: OcspIssuer, now: Date): Promise<OcspResponderSigning> {
  const record = await obtainOcspResponder(issuer.caId, issuer.caNotAfter, now);
  const signer = await signerForKey(await db(), record.keyId);
  const signing = {
    caId: issuer.caId,
    responderKeyHash: keyIdentifierOf(signer.publicKeySpki),
    certs: issuer.intermediateDer ? [record.certificateDer, issuer.intermediateDer] : [record.certificateDer],
    signer,
    notAfter: record.notAfter,
    renewAfter: renewAfter(record, issuer.caNotAfter),
  };
  responders.set(issuer.caId, signing);
  return signing;
}

/** Renews (once per CA at a time) and resolves with the responder to use from now on. */
export function ensureOcspResponder(issuer: OcspIssuer, now: Date): Promise<OcspResponderSigning> {
  let pending = renewing.get(issuer.caId);
  if (!pending) {
    pending = load(issuer, now).finally(() => renewing.delete(issuer.caId));
    renewing.set(issuer.caId, pending);
  }
  return pending;
}

/**
 * The responder that signs for `issuer`, or the error status to answer instead. "unauthorized":
 * an external-key org CA whose organization has not certified a responder key (Signet holds no key
 * to certify one with, and RFC 6960 §4.2.2.2 requires the responder certificate to come from the
 * CA itself), or a CA that is revoked or expired and holds no valid responder. "tryLater":
 * issuing the responder failed for a reason that may pass (RFC 6960 §2.3).
 */
export async function responderFor(issuer: OcspIssuer, now: Date): Promise<OcspResponderSigning | "unauthorized" | "tryLater"> {
  if (!issuer.keyId) return externalResponderFor(issuer, now);
  const current = responders.get(issuer.caId);
  if (current && now < current.renewAfter) return current;
  if (current && now < current.notAfter) {
    if (!pendingFailure(issuer.caId)) ensureOcspResponder(issuer, now).catch((err) => attemptFailed(issuer.caId, err));
    return current;
  }
  const failed = pendingFailure(issuer.caId);
  if (failed) return failed.answer;
  try {
    return await ensureOcspResponder(issuer, now);
  } catch (err) {
    return attemptFailed(issuer.caId, err);
  }
}

// External-key CAs: the responder certificate their organization signed and uploaded. Nothing is
// renewed here; the stored record is re-read every minute (an install on another instance, or an
// expiry, shows within that), and a CA without one is re-checked every few seconds. Held on
// globalThis like the OCSP cache: the node:http OCSP handler and the route that installs a
// responder are bundled apart, and an install must reach both at once.
type ExternalState = { signing: Map<string, OcspResponderSigning>; missingUntil: Map<string, number> };
const external: ExternalState = ((globalThis as { __signetExternalResponders?: ExternalState }).__signetExternalResponders ??= { signing: new Map(), missingUntil: new Map() });
const EXTERNAL_RECHECK_MS = 60_000;
const EXTERNAL_MISSING_RECHECK_MS = 5_000;

async function externalResponderFor(issuer: OcspIssuer, now: Date): Promise<OcspResponderSigning | "unauthorized" | "tryLater"> {
  const current = external.signing.get(issuer.caId);
  if (current && now < current.renewAfter) return current;
  if ((external.missingUntil.get(issuer.caId) ?? 0) > now.getTime()) return "unauthorized";
  try {
    const client = await db();
    const row = await client.ocspResponder.findUnique({ where: { caId: issuer.caId }, select: { keyId: true, certificateId: true } });
    const cert = row ? await client.certificate.findUnique({ where: { id: row.certificateId }, select: { der: true, status: true, notAfter: true } }) : null;
    if (!row || !cert?.der || cert.status !== "issued" || cert.notAfter.getTime() <= now.getTime()) {
      external.signing.delete(issuer.caId);
      external.missingUntil.set(issuer.caId, now.getTime() + EXTERNAL_MISSING_RECHECK_MS);
      return "unauthorized";
    }
    const signer = await signerForKey(client, row.keyId);
    const signing: OcspResponderSigning = {
      caId: issuer.caId,
      responderKeyHash: keyIdentifierOf(signer.publicKeySpki),
      certs: issuer.intermediateDer ? [cert.der, issuer.intermediateDer] : [cert.der],
      signer,
      notAfter: cert.notAfter,
      renewAfter: new Date(Math.min(cert.notAfter.getTime(), now.getTime() + EXTERNAL_RECHECK_MS)),
    };
    external.signing.set(issuer.caId, signing);
    return signing;
  } catch (err) {
    reportOcspFailure("external responder", err);
    return "tryLater";
  }
}

/**
 * A responder changed for this CA (here or on another instance, lib/server/db/notify.ts): the next
 * request reads the stored one afresh, and a remembered failure is forgotten.
 */
export function forgetResponder(caId: string): void {
  responders.delete(caId);
  failures.delete(caId);
  forgetExternalResponder(caId);
}

/** After an install: the next request for this CA reads the new responder. */
export function forgetExternalResponder(caId: string): void {
  external.signing.delete(caId);
  external.missingUntil.delete(caId);
}
