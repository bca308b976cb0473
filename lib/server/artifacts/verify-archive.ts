// Verification as the store sees it: trust anchors are the store's active root CAs, revocation is
// read live from the database (no CRL lag), and the artifact's own revocation is looked up by the
// archive's SHA-256. The checks themselves are lib/pki's, shared with the CLI.
import type { ParsedCertificate } from "../../pki/chain/parse-certificate";
import { verifyPluginArchive, type ArtifactStatus, type CertificateStatus, type VerificationReport } from "../../pki/jpl/verify-plugin-archive";
import { db, type Db } from "../../db";
import { detectStoreFormat, verifyStoreArtifact, type StoreFormat, type StoreVerificationReport } from "../../pki/targets/verify-store-artifact";
import { OpenPgpError } from "../../pki/openpgp/packets";
import { AppError } from "../errors";
import { archiveProblem } from "./archive-problem";
import { MAX_UPLOAD_BYTES, receiveUpload } from "./receive-upload";
import { ANONYMOUS_VERIFY_BUDGET } from "./upload-budget";

export async function storeTrustAnchors(client: Db): Promise<Uint8Array[]> {
  const roots = await client.certificateAuthority.findMany({ where: { kind: "root", status: "active" }, select: { certificate: { select: { der: true } } } });
  return roots.map((r) => r.certificate?.der).filter((der): der is Uint8Array<ArrayBuffer> => Boolean(der));
}

export function databaseCertificateStatus(client: Db) {
  return async (cert: ParsedCertificate): Promise<CertificateStatus> => {
    const row = await client.certificate.findFirst({
      where: { fingerprintSha256: cert.fingerprintSha256, status: { in: ["issued", "revoked"] } },
      select: { status: true, revocation: { select: { reason: true, revokedAt: true } } },
    });
    if (!row) return { status: "unknown", source: "database", detail: "this certificate was not issued by this store" };
    if (row.status === "revoked") return { status: "revoked", reason: row.revocation?.reason, revokedAt: row.revocation?.revokedAt.toISOString(), source: "database" };
    return { status: "good", source: "database" };
  };
}

/** Public: whether an archive with this SHA-256 was signed here and later revoked. */
export async function artifactStatusBySha256(sha256Hex: string): Promise<ArtifactStatus | null> {
  if (!/^[0-9a-f]{64}$/.test(sha256Hex)) return null;
  const rows = await (await db()).artifact.findMany({ where: { sha256: sha256Hex }, select: { revokedAt: true, revocationReason: true }, orderBy: { createdAt: "asc" }, take: 10 });
  if (rows.length === 0) return null;
  const revoked = rows.find((r) => r.revokedAt);
  return revoked ? { revoked: true, reason: revoked.revocationReason ?? undefined, revokedAt: revoked.revokedAt!.toISOString() } : { revoked: false };
}

/** What a host following this store trusts for `target`: every key it published, retired ones marked. */
async function storeVerifyKeys(client: Db, target: string) {
  const keys = await client.storeKey.findMany({ where: { target }, orderBy: { createdAt: "asc" }, select: { publicKeySpki: true, createdAt: true, status: true, retiredAt: true } });
  return keys.map((k) => ({ spki: k.publicKeySpki, createdAt: k.createdAt, status: k.status, retiredAt: k.retiredAt ?? undefined }));
}

type VerifyOptions = { detachedSignature?: Uint8Array; storeSignature?: Uint8Array; target?: string | null; appUrl?: string; now?: Date };

export async function verifyArchiveAt(archivePath: string, opts: VerifyOptions = {}): Promise<VerificationReport | StoreVerificationReport> {
  const client = await db();
  const target = opts.target && opts.target !== "jami" ? opts.target : opts.target === "jami" ? undefined : await detectStoreFormat(archivePath);
  if (target !== undefined && !["mattermost", "grafana", "dify", "mender"].includes(target)) {
    throw new AppError("bad_request", `Unknown target '${target}': jami, mattermost, grafana, dify or mender`);
  }
  if (target) {
    return verifyStoreArtifact(archivePath, {
      target: target as StoreFormat,
      keys: await storeVerifyKeys(client, target),
      storeSignature: opts.storeSignature,
      detachedSignature: opts.detachedSignature,
      appUrl: opts.appUrl,
      trustedRoots: await storeTrustAnchors(client),
      now: opts.now ?? new Date(),
      certificateStatus: databaseCertificateStatus(client),
      artifactStatus: artifactStatusBySha256,
    }).catch((err) => {
      if (err instanceof OpenPgpError) throw new AppError("bad_request", err.message);
      throw archiveProblem(err);
    });
  }
  return verifyPluginArchive(archivePath, {
    trustedRoots: await storeTrustAnchors(client),
    now: opts.now ?? new Date(),
    certificateStatus: databaseCertificateStatus(client),
    artifactStatus: artifactStatusBySha256,
    detachedSignature: opts.detachedSignature,
  }).catch((err) => {
    throw archiveProblem(err);
  });
}

/** POST /api/v1/verify: anyone may verify an archive (raw body, or multipart `file` + optional `signature`). */
export async function verifyUploadedArchive(req: Request, now = new Date(), budget = ANONYMOUS_VERIFY_BUDGET): Promise<VerificationReport | StoreVerificationReport> {
  const query = new URL(req.url).searchParams;
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  // An over-size declaration is receiveUpload's 413, not a "come back later".
  const lease = budget.acquire(Number.isFinite(declared) ? Math.min(declared, MAX_UPLOAD_BYTES) : undefined);
  try {
    const upload = await receiveUpload(req, { acceptSignature: true, lease });
    try {
      return await verifyArchiveAt(upload.archivePath, { detachedSignature: upload.signature, storeSignature: upload.storeSignature, target: query.get("target"), appUrl: query.get("appUrl") ?? undefined, now });
    } finally {
      await upload.cleanup();
    }
  } finally {
    lease.release();
  }
}
