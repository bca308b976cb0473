import type { Certificate, Revocation } from "../../generated/prisma/client";
import { toPem } from "../../pki/certificate/issue";

export type CertificateRow = Certificate & {
  revocation: Revocation | null;
  org: { slug: string; name: string } | null;
};

const KIND = { root_ca: "root-ca", org_ca: "org-ca", plugin: "plugin", ocsp_responder: "ocsp-responder" } as const;

export function certificateStatus(c: Pick<Certificate, "status" | "notAfter">, now = new Date()): string {
  if (c.status === "issued" && c.notAfter.getTime() <= now.getTime()) return "expired";
  return c.status;
}

export function serializeCertificate(c: CertificateRow, chainDer: Uint8Array[] = []) {
  return {
    id: c.id,
    serial: c.serialHex,
    kind: KIND[c.kind],
    subject: c.subject,
    issuerCaId: c.issuerCaId,
    orgSlug: c.org?.slug ?? null,
    pluginId: c.pluginId,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status: certificateStatus(c),
    keyMode: c.keyId ? "hosted" : "external",
    fingerprintSha256: c.fingerprintSha256,
    revocation: c.revocation
      ? { reason: c.revocation.reason, revokedAt: c.revocation.revokedAt.toISOString(), invalidityDate: c.revocation.invalidityDate?.toISOString() ?? null }
      : undefined,
    pem: c.der ? toPem(c.der, "CERTIFICATE") : null,
    chainPem: c.der ? [c.der, ...chainDer].map((d) => toPem(d, "CERTIFICATE")).join("") : null,
  };
}
