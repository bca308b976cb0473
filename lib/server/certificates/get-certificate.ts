import { db } from "../../db";
import { isOperator, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { certificateScope, issuerChain } from "./list-certificates";
import { requireUser } from "../auth/principal";
import { describeCertificate } from "./describe-certificate";
import { serializeCertificate } from "./serialize-certificate";
import { pendingRevocationOf } from "./pending-revocations";

const SERIAL_HEX = /^[0-9a-f]{1,40}$/;

/** The stored form (serialToHex): whole octets, lowercase, no leading zero octets. */
export function normalizeSerial(serialHex: string): string {
  let s = serialHex.toLowerCase().replace(/:/g, "");
  if (!SERIAL_HEX.test(s)) throw new AppError("bad_request", "A serial is 1–40 hexadecimal digits");
  if (s.length % 2) s = `0${s}`;
  return s.replace(/^(?:00)+(?=..)/, "");
}

export async function findVisibleCertificate(actor: Principal, serialHex: string) {
  const user = requireUser(actor);
  const client = await db();
  const row = await client.certificate.findFirst({
    // The Root CA certificate is public (GET /ca/…) and ends every member's chain, so anyone signed in may open it.
    // (Prisma reads an empty object inside OR as "false", hence no OR for operators' empty scope.)
    where: { ...(isOperator(user) ? {} : { OR: [certificateScope(user), { kind: "root_ca" as const }] }), serialHex: normalizeSerial(serialHex), status: { in: ["issued", "revoked"] } },
    include: { revocation: true, org: { select: { slug: true, name: true } } },
  });
  if (!row) throw new AppError("not_found", "Certificate not found");
  return row;
}

export async function getCertificate(actor: Principal, serialHex: string) {
  const row = await findVisibleCertificate(actor, serialHex);
  const client = await db();
  // The issuer's certificate is visible to whoever sees this one (CA certificates are public).
  const issuerCa = row.issuerCaId
    ? await client.certificateAuthority.findUnique({ where: { id: row.issuerCaId }, select: { subject: true, certificate: { select: { serialHex: true } } } })
    : null;
  return {
    ...serializeCertificate(row, await issuerChain(client, row.issuerCaId)),
    issuer: issuerCa ? { subject: issuerCa.subject, serial: issuerCa.certificate?.serialHex ?? null } : null,
    decoded: row.der ? describeCertificate(row.der) : null,
    ...(row.kind === "org_ca" && row.status === "issued" ? { pendingRevocation: await pendingRevocationOf(client, actor, row.id) } : {}),
  };
}
