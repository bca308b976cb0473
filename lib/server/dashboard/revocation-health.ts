// Whether relying parties can learn about revocations: each CA's latest CRL (number, age, whether
// nextUpdate has passed) and its delegated OCSP responder certificate's expiry.
import type { Db } from "../../db";

export type CaRevocationHealth = {
  caId: string;
  subject: string;
  kind: "root" | "org";
  status: string;
  keyMode: "hosted" | "external";
  crl: { number: string; thisUpdate: string; nextUpdate: string; entries: number; ageHours: number; state: "fresh" | "aging" | "expired" } | null;
  responder: { notAfter: string; daysLeft: number } | null;
};

const HOUR_MS = 3_600_000;

export async function getRevocationHealth(client: Db, now: Date): Promise<CaRevocationHealth[]> {
  const cas = await client.certificateAuthority.findMany({
    where: { certificateId: { not: null } },
    orderBy: [{ kind: "desc" }, { createdAt: "asc" }],
    select: { id: true, subject: true, kind: true, status: true, keyId: true, responder: { select: { notAfter: true } } },
  });
  const latest = await Promise.all(cas.map((ca) => client.crl.findFirst({ where: { caId: ca.id }, orderBy: { crlNumber: "desc" }, select: { crlNumber: true, thisUpdate: true, nextUpdate: true, entries: true } })));
  return cas.map((ca, i) => {
    const crl = latest[i];
    const ageHours = crl ? Math.floor((now.getTime() - crl.thisUpdate.getTime()) / HOUR_MS) : 0;
    return {
      caId: ca.id,
      subject: ca.subject,
      kind: ca.kind,
      status: ca.status,
      keyMode: ca.keyId ? "hosted" : "external",
      crl: crl
        ? {
            number: crl.crlNumber.toString(),
            thisUpdate: crl.thisUpdate.toISOString(),
            nextUpdate: crl.nextUpdate.toISOString(),
            entries: crl.entries,
            ageHours,
            // Signet re-issues its own daily (revocation/publish-crl.ts): older than two days means the job
            // is stuck. An external-key CA's CRL comes from its organization on its own schedule.
            state: crl.nextUpdate <= now ? "expired" : ca.keyId && ageHours > 48 ? "aging" : "fresh",
          }
        : null,
      responder: ca.responder ? { notAfter: ca.responder.notAfter.toISOString(), daysLeft: Math.max(0, Math.ceil((ca.responder.notAfter.getTime() - now.getTime()) / 86_400_000)) } : null,
    };
  });
}
