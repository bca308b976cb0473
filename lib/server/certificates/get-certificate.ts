import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { AppError } from "../errors";
import { certificateScope, issuerChain, requireUserPrincipal } from "./list-certificates";
import { serializeCertificate } from "./serialize-certificate";

const SERIAL_HEX = /^[0-9a-f]{1,40}$/;

/** The stored form (serialToHex): whole octets, lowercase, no leading zero octets. */
export function normalizeSerial(serialHex: string): string {
  let s = serialHex.toLowerCase().replace(/:/g, "");
  if (!SERIAL_HEX.test(s)) throw new AppError("bad_request", "A serial is 1–40 hexadecimal digits");
  if (s.length % 2) s = `0${s}`;
  return s.replace(/^(?:00)+(?=..)/, "");
}

export async function findVisibleCertificate(actor: Principal, serialHex: string) {
  const user = requireUserPrincipal(actor);
  const client = await db();
  const row = await client.certificate.findFirst({
    where: { ...certificateScope(user), serialHex: normalizeSerial(serialHex), status: { in: ["issued", "revoked"] } },
    include: { revocation: true, org: { select: { slug: true, name: true } } },
  });
  if (!row) throw new AppError("not_found", "Certificate not found");
  return row;
}

export async function getCertificate(actor: Principal, serialHex: string) {
  const row = await findVisibleCertificate(actor, serialHex);
  return serializeCertificate(row, await issuerChain(await db(), row.issuerCaId));
}
