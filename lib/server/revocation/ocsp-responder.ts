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
const pendingFailure = (caId: string) => {
  const f = failures.get(caId);
  return f && f.retryAt > Date.now() ? f : undefined;
};
const attemptFailed = (caId: string, err: unknown): Failure["answer"] => {
  // not_found: the CA row is gone; conflict: the CA is revoked, expired or not ours to sign for.
  const answer = err instanceof AppError && (err.code === "conflict" || err.code === "not_found") ? "unauthorized" : "tryLater";
  failures.set(caId, { retryAt: Date.now() + RETRY_AFTER_MS, answer });
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
 * an external-key org CA (Signet holds no key to certify a responder with, and RFC 6960 §4.2.2.2
 * requires the responder certificate to come from the CA itself, so anything we signed would be
 * rightly refused), or a CA that is revoked or expired and holds no valid responder. "tryLater":
 * issuing the responder failed for a reason that may pass (RFC 6960 §2.3).
 */
export async function responderFor(issuer: OcspIssuer, now: Date): Promise<OcspResponderSigning | "unauthorized" | "tryLater"> {
  if (!issuer.keyId) return "unauthorized";
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
