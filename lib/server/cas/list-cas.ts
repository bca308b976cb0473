import { db } from "../../db";
import { toPem } from "../../pki/certificate/issue";
import { AppError } from "../errors";

export type CaSummary = {
  id: string;
  kind: "root" | "org";
  subject: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  status: "active" | "revoked" | "expired";
  parentId: string | null;
  orgId: string | null;
  certificatePem: string;
};

/** CA certificates are public: plugin hosts fetch them to build chains. */
export async function listCas(now = new Date()): Promise<CaSummary[]> {
  const client = await db();
  const cas = await client.certificateAuthority.findMany({
    orderBy: [{ kind: "desc" }, { createdAt: "asc" }],
    select: {
      id: true,
      kind: true,
      status: true,
      subject: true,
      parentId: true,
      orgId: true,
      certificate: { select: { serialHex: true, notBefore: true, notAfter: true, der: true } },
    },
  });
  return cas
    .filter((ca) => ca.certificate?.der)
    .map((ca) => {
      const cert = ca.certificate!;
      const expired = cert.notAfter.getTime() <= now.getTime();
      return {
        id: ca.id,
        kind: ca.kind,
        subject: ca.subject,
        serial: cert.serialHex,
        notBefore: cert.notBefore.toISOString(),
        notAfter: cert.notAfter.toISOString(),
        status: ca.status === "active" && expired ? "expired" : ca.status,
        parentId: ca.parentId,
        orgId: ca.orgId,
        certificatePem: toPem(cert.der!, "CERTIFICATE"),
      };
    });
}

// Each CA certificate read is kept in memory, so /ca/{caId} keeps answering while the database is away
// (a few KB per CA). A CA renewed on its key gets a new certificate under the same id: the change is
// announced (lib/server/db/notify.ts) and forgetCaCertificate drops the old one on every instance.
const caCertificates = ((globalThis as { __signetCaCertificates?: Map<string, Uint8Array> }).__signetCaCertificates ??= new Map());

export async function getCaCertificateDer(caId: string): Promise<Uint8Array> {
  const known = caCertificates.get(caId);
  if (known) return known;
  const client = await db();
  const ca = await client.certificateAuthority.findUnique({
    where: { id: caId },
    select: { certificate: { select: { der: true } } },
  });
  if (!ca?.certificate?.der) throw new AppError("not_found", "No such certificate authority");
  caCertificates.set(caId, ca.certificate.der);
  return ca.certificate.der;
}

export function forgetCaCertificate(caId?: string): void {
  if (caId) caCertificates.delete(caId);
  else caCertificates.clear();
}

/** The certificate as /ca/{caId}.pem serves it. */
export async function getCaCertificatePem(caId: string): Promise<string> {
  return toPem(await getCaCertificateDer(caId), "CERTIFICATE");
}

/** Reads every CA certificate into memory (at start), so that those never asked for yet are served during an outage too. */
export async function rememberCaCertificates(): Promise<number> {
  const client = await db();
  const cas = await client.certificateAuthority.findMany({ select: { id: true, certificate: { select: { der: true } } } });
  for (const ca of cas) if (ca.certificate?.der) caCertificates.set(ca.id, ca.certificate.der);
  return caCertificates.size;
}
