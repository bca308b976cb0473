// Every field and extension of a certificate in plain words (decoded on the server by
// lib/server/certificates/describe-certificate.ts).
import type { DecodedCertificate } from "@/lib/client/types";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";

function NameFields({ title, name }: { title: string; name: DecodedCertificate["subject"] }) {
  return (
    <div>
      <h3 className="text-sm font-semibold">{title}</h3>
      <dl className="mt-1.5 space-y-1 text-sm">
        {name.attributes.map((a, i) => (
          <div key={`${a.label}-${i}`} className="flex gap-2">
            <dt className="w-40 shrink-0 text-slate-500">{a.label}</dt>
            <dd className="min-w-0 wrap-anywhere">{a.value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

export function CertificateDecoded({ decoded }: { decoded: DecodedCertificate }) {
  return (
    <>
      <Card title="Fields" description={`X.509 version ${decoded.version}`}>
        <div className="grid gap-6 md:grid-cols-2">
          <NameFields title="Subject (who this certificate names)" name={decoded.subject} />
          <NameFields title={decoded.selfSigned ? "Issuer (itself: self-signed)" : "Issuer (who signed it)"} name={decoded.issuer} />
        </div>
        <dl className="mt-6 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
          <div><dt className="text-slate-500">Public key</dt><dd>{decoded.publicKey.summary}</dd></div>
          <div><dt className="text-slate-500">Signature algorithm</dt><dd>{decoded.signatureAlgorithm}</dd></div>
          <div className="sm:col-span-2"><dt className="text-slate-500">Serial number</dt><dd className="font-mono text-xs break-all">{decoded.serial}</dd></div>
          <div className="sm:col-span-2"><dt className="text-slate-500">SHA-256 fingerprint</dt><dd className="font-mono text-xs break-all">{decoded.fingerprints.sha256}</dd></div>
          <div className="sm:col-span-2"><dt className="text-slate-500">SHA-1 fingerprint</dt><dd className="font-mono text-xs break-all">{decoded.fingerprints.sha1}</dd></div>
          <div className="sm:col-span-2"><dt className="text-slate-500">SHA-256 of the public key (SPKI)</dt><dd className="font-mono text-xs break-all">{decoded.publicKey.spkiSha256}</dd></div>
        </dl>
      </Card>
      <Card title="Extensions" description="Critical ones must be understood by a client, or it rejects the certificate">
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="extensions">
          {decoded.extensions.map((e) => (
            <li key={e.oid} className="py-3 first:pt-0 last:pb-0">
              <div className="flex flex-wrap items-center gap-2">
                <h3 className="text-sm font-semibold">{e.name}</h3>
                {e.critical ? <Badge tone="amber">critical</Badge> : <Badge>non-critical</Badge>}
                <span className="font-mono text-xs text-slate-500">{e.oid}</span>
              </div>
              <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">{e.meaning}</p>
              {e.values.length ? (
                <ul className="mt-1.5 list-disc space-y-0.5 pl-5 text-sm">
                  {e.values.map((v, i) => <li key={i} className="wrap-anywhere">{v}</li>)}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
