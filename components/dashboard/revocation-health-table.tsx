// CRL and OCSP health per CA (operators): the last CRL's number and age, and when the delegated
// OCSP responder certificate runs out ("not yet issued" until a responder exists). A table on wide
// screens, a list of cards on phones.
import Link from "next/link";
import type { CaRevocationHealth } from "@/lib/server/dashboard/revocation-health";
import { ageOf, isoMinute } from "@/lib/client/format";
import { Badge } from "../ui/badge";

const CRL_TONE = { fresh: "green", aging: "amber", expired: "red" } as const;

function CrlNumber({ ca }: { ca: CaRevocationHealth }) {
  if (!ca.crl) return <span className="text-slate-500">{ca.keyMode === "external" ? "External key: the organization publishes its own CRL" : "No CRL published yet"}</span>;
  return (
    <>
      <a href={`/crl/${ca.caId}.crl`} className="font-mono text-brand-700 hover:underline dark:text-brand-300">#{ca.crl.number}</a>
      <span className="block text-xs text-slate-500">{ca.crl.entries} revoked</span>
    </>
  );
}

function NextUpdate({ crl }: { crl: NonNullable<CaRevocationHealth["crl"]> }) {
  return (
    <>
      <Badge tone={CRL_TONE[crl.state]}>{crl.state === "expired" ? "overdue" : crl.state}</Badge>
      <span className="block text-xs text-slate-500">{isoMinute(crl.nextUpdate)}</span>
    </>
  );
}

function Responder({ ca }: { ca: CaRevocationHealth }) {
  if (!ca.responder) return <span className="text-slate-500">not yet issued</span>;
  const days = ca.responder.daysLeft;
  return <Badge tone={days <= 1 ? "red" : days <= 3 ? "amber" : "green"}>expires in {days} d</Badge>;
}

const caKind = (ca: CaRevocationHealth) => `${ca.kind === "root" ? "Root CA" : "Organization CA"}${ca.status !== "active" ? ` · ${ca.status}` : ""}`;

export function RevocationHealthTable({ rows, now }: { rows: CaRevocationHealth[]; now: number }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500">No certificate authority yet.</p>;
  return (
    <div>
      <table className="hidden w-full text-left text-sm md:table">
        <caption className="sr-only">CRL and OCSP status per certificate authority</caption>
        <thead className="text-xs text-slate-500 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Certificate authority</th>
            <th scope="col" className="py-2 pr-4 font-medium">Last CRL</th>
            <th scope="col" className="py-2 pr-4 font-medium">Issued</th>
            <th scope="col" className="py-2 pr-4 font-medium">Next update</th>
            <th scope="col" className="py-2 font-medium">OCSP responder</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rows.map((ca) => (
            <tr key={ca.caId}>
              <td className="py-2 pr-4">
                <span className="font-medium">{ca.subject}</span>
                <span className="block text-xs text-slate-500">{caKind(ca)}</span>
              </td>
              <td className="py-2 pr-4" colSpan={ca.crl ? 1 : 3}><CrlNumber ca={ca} /></td>
              {ca.crl ? <td className="py-2 pr-4 whitespace-nowrap">{ageOf(ca.crl.thisUpdate, now)}</td> : null}
              {ca.crl ? <td className="py-2 pr-4 whitespace-nowrap"><NextUpdate crl={ca.crl} /></td> : null}
              <td className="py-2 whitespace-nowrap"><Responder ca={ca} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="divide-y divide-slate-100 md:hidden dark:divide-slate-800" aria-label="CRL and OCSP status per certificate authority">
        {rows.map((ca) => (
          <li key={ca.caId} className="space-y-2 py-3 text-sm">
            <p>
              <span className="font-medium">{ca.subject}</span>
              <span className="block text-xs text-slate-500">{caKind(ca)}</span>
            </p>
            <dl className="grid grid-cols-2 gap-2">
              <div><dt className="text-xs text-slate-500">Last CRL</dt><dd><CrlNumber ca={ca} />{ca.crl ? <span className="block text-xs text-slate-500">issued {ageOf(ca.crl.thisUpdate, now)}</span> : null}</dd></div>
              <div><dt className="text-xs text-slate-500">OCSP responder</dt><dd><Responder ca={ca} /></dd></div>
              {ca.crl ? <div className="col-span-2"><dt className="text-xs text-slate-500">Next update</dt><dd><NextUpdate crl={ca.crl} /></dd></div> : null}
            </dl>
          </li>
        ))}
      </ul>
      <p className="mt-2 text-xs text-slate-500">
        CRLs are re-issued daily and within minutes of a revocation. See also the <Link href="/hierarchy" className="underline">hierarchy</Link>.
      </p>
    </div>
  );
}
