import type { Artifact } from "../../generated/prisma/client";

export type ArtifactRow = Omit<Artifact, "signature" | "storeSignature"> & {
  org: { slug: string };
  certificate: SigningCertificate;
};

type SigningCertificate = { serialHex: string; status: string; issuerCa: { status: string } | null };

/**
 * An archive is only as good as the certificate that signed it: revoking that certificate, or the
 * organization CA above it, makes every verifier reject the archive even though the archive itself
 * was never revoked — so the console must not call it active.
 */
export function signerRevoked(certificate: SigningCertificate): boolean {
  return certificate.status === "revoked" || certificate.issuerCa?.status === "revoked";
}

export const signingCertificateSelect = { select: { serialHex: true, status: true, issuerCa: { select: { status: true } } } } as const;

export type ArtifactFile = { path: string; size: number };

/** Formats whose store signature is a file beside the artifact (Mattermost's detached .sig). */
export const DETACHED_STORE_SIGNATURE_TARGETS = new Set(["mattermost"]);

export function artifactUrls(id: string, target = "jami") {
  return {
    downloadUrl: `/api/v1/artifacts/${id}/download`,
    signatureUrl: `/api/v1/artifacts/${id}/signature.p7s`,
    ...(DETACHED_STORE_SIGNATURE_TARGETS.has(target) ? { storeSignatureUrl: `/api/v1/artifacts/${id}/store-signature.sig` } : {}),
  };
}

export function serializeArtifact(row: ArtifactRow, opts: { withFiles: boolean }) {
  const files = row.files as ArtifactFile[];
  return {
    id: row.id,
    target: row.target,
    orgSlug: row.org.slug,
    pluginId: row.pluginId,
    version: row.version,
    sha256: row.sha256,
    size: Number(row.size),
    fileCount: files.length,
    ...(opts.withFiles ? { files } : {}),
    certificateSerial: row.certificate.serialHex,
    certificateRevoked: signerRevoked(row.certificate),
    createdAt: row.createdAt.toISOString(),
    revocation: row.revokedAt ? { reason: row.revocationReason, revokedAt: row.revokedAt.toISOString() } : null,
    ...artifactUrls(row.id, row.target),
  };
}

export const artifactSelect = {
  id: true,
  orgId: true,
  pluginId: true,
  version: true,
  sha256: true,
  size: true,
  files: true,
  certificateId: true,
  storagePath: true,
  storage: true,
  uploadedById: true,
  revokedAt: true,
  revocationReason: true,
  revokedById: true,
  createdAt: true,
  target: true,
  storeKeyIds: true,
  org: { select: { slug: true } },
  certificate: signingCertificateSelect,
} as const;
