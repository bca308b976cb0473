// What the database says about a serial, and the pre-signed answers shared by all instances.
import { db } from "../../db";
import type { CertStatus } from "../../pki/ocsp/basic-ocsp-response";
import { toBytes } from "../db/bytes";
import type { CertIdForm } from "./ocsp-cache";

/**
 * issued → good; revoked → revoked with its time and reason; anything else — never issued, or a
 * serial only reserved or whose signing failed — is "unknown" (RFC 6960 §2.2).
 */
export async function lookupCertStatus(caId: string, serialHex: string): Promise<CertStatus> {
  const client = await db();
  const cert = await client.certificate.findUnique({
    where: { issuerCaId_serialHex: { issuerCaId: caId, serialHex } },
    select: { status: true, revocation: { select: { revokedAt: true, reason: true } } },
  });
  if (cert?.status === "issued") return { kind: "good" };
  if (cert?.status === "revoked") {
    if (!cert.revocation) throw new Error(`certificate ${serialHex} is revoked without a revocation record`);
    return { kind: "revoked", revokedAt: cert.revocation.revokedAt, reason: cert.revocation.reason };
  }
  return { kind: "unknown" };
}

export type StoredOcsp = { der: Uint8Array; certStatus: string; thisUpdate: Date; nextUpdate: Date };

export async function loadStoredOcsp(caId: string, serialHex: string, certIdForm: CertIdForm): Promise<StoredOcsp | null> {
  const client = await db();
  return client.ocspResponse.findUnique({
    where: { caId_serialHex_certIdForm: { caId, serialHex, certIdForm } },
    select: { der: true, certStatus: true, thisUpdate: true, nextUpdate: true },
  });
}

export async function storeOcsp(caId: string, serialHex: string, certIdForm: CertIdForm, answer: StoredOcsp): Promise<void> {
  const client = await db();
  const data = { certStatus: answer.certStatus, der: toBytes(answer.der), thisUpdate: answer.thisUpdate, nextUpdate: answer.nextUpdate };
  await client.ocspResponse.upsert({ where: { caId_serialHex_certIdForm: { caId, serialHex, certIdForm } }, create: { caId, serialHex, certIdForm, ...data }, update: data });
}

/** Answers past their nextUpdate are of no use to anyone. */
export async function pruneExpiredOcsp(now: Date): Promise<number> {
  const client = await db();
  return (await client.ocspResponse.deleteMany({ where: { nextUpdate: { lt: now } } })).count;
}
