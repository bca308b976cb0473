import type { Artifact } from "../../generated/prisma/client";

export type ArtifactRow = Omit<Artifact, "signature"> & {
  org: { slug: string };
  certificate: { serialHex: string };
};

export type ArtifactFile = { path: string; size: number };

export function artifactUrls(id: string) {
  return { downloadUrl: `/api/v1/artifacts/${id}/download`, signatureUrl: `/api/v1/artifacts/${id}/signature.p7s` };
}

export function serializeArtifact(row: ArtifactRow, opts: { withFiles: boolean }) {
  const files = row.files as ArtifactFile[];
  return {
    id: row.id,
    orgSlug: row.org.slug,
    pluginId: row.pluginId,
    version: row.version,
    sha256: row.sha256,
    size: Number(row.size),
    fileCount: files.length,
    ...(opts.withFiles ? { files } : {}),
    certificateSerial: row.certificate.serialHex,
    createdAt: row.createdAt.toISOString(),
    revocation: row.revokedAt ? { reason: row.revocationReason, revokedAt: row.revokedAt.toISOString() } : null,
    ...artifactUrls(row.id),
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
  uploadedById: true,
  revokedAt: true,
  revocationReason: true,
  revokedById: true,
  createdAt: true,
  org: { select: { slug: true } },
  certificate: { select: { serialHex: true } },
} as const;
