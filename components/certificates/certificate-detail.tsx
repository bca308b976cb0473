"use client";

import Link from "next/link";
import { useState } from "react";
import { useCertificate, useRevokeCertificate } from "@/lib/client/hooks";
import { isoMinute } from "@/lib/client/format";
import type { CertificateDetail } from "@/lib/client/types";
import { Alert } from "../ui/alert";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";
import { LoadingRows } from "../ui/skeleton";
import { useToast } from "../ui/toast";
import { CertificateDecoded } from "./certificate-decoded";
import { Pkcs12Panel } from "./pkcs12-panel";
import { RevokePanel } from "./revoke-panel";
import { PendingRevocationPanel } from "./pending-revocation-panel";
import { RenewPanel } from "./renew-panel";

const KIND = { "root-ca": "Root CA", "org-ca": "Organization CA", plugin: "Plugin certificate", "ocsp-responder": "OCSP responder" } as const;
const LINK = "font-medium text-brand-700 hover:underline dark:text-brand-300";

function ValidityBar({ c }: { c: CertificateDetail }) {
  const v = c.decoded?.validity;
  if (!v) return null;
  // A revoked certificate's remaining days mean nothing to a verifier: no green bar, no countdown.
  const revoked = c.status === "revoked";
  const live = v.state === "valid" && !revoked;
  const remaining = live && v.totalDays ? Math.min(100, Math.max(2, (v.daysLeft / v.totalDays) * 100)) : 0;
  const alarm = !live || v.daysLeft <= 30;
  const words = revoked ? "revoked: no longer valid" : v.state === "expired" ? "expired" : v.state === "not-yet-valid" ? "not valid yet" : `${v.daysLeft} day${v.daysLeft === 1 ? "" : "s"} left`;
  return (
    <div className="sm:col-span-2">
      <dt className="text-slate-500">Validity</dt>
      <dd>
        <span className="flex flex-wrap justify-between gap-2">
          <span>{isoMinute(v.notBefore)} → {isoMinute(v.notAfter)} ({v.totalDays} days)</span>
          <span className={`font-semibold ${alarm ? "text-red-700 dark:text-red-300" : ""}`} data-testid="days-left">{words}</span>
        </span>
        <span className="mt-1.5 block h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800" aria-hidden data-testid="validity-bar" data-state={revoked ? "revoked" : v.state}>
          <span className={`block h-full ${alarm ? "bg-red-500" : "bg-emerald-500"}`} style={{ width: `${remaining}%` }} />
        </span>
      </dd>
    </div>
  );
}

export function CertificateDetailView({ serial, isOperator, adminOf, memberOf = adminOf, pluginApprover = "org-admin", selfEmail }: { serial: string; isOperator: boolean; adminOf: string[]; memberOf?: string[]; pluginApprover?: "operator" | "org-admin"; selfEmail?: string }) {
  const { data: c, isLoading, error } = useCertificate(serial);
  const toast = useToast();
  const revoke = useRevokeCertificate();
  const [affects, setAffects] = useState<{ certificatesBelow: number; artifacts: number }>();

  if (isLoading) return <Card><LoadingRows rows={6} label="Loading the certificate…" /></Card>;
  if (error || !c) return <Alert>{error?.message ?? "Certificate not found"}</Alert>;
  const renewable = c.status === "issued" && (c.kind === "plugin" || c.kind === "org-ca") && c.orgSlug !== null && (isOperator || memberOf.includes(c.orgSlug));
  // Who would approve the renewal request (the same rule as for requests): then it is issued at once.
  const canDecideRenewal = isOperator || (c.kind === "plugin" && pluginApprover === "org-admin" && c.orgSlug !== null && adminOf.includes(c.orgSlug));
  const canRevoke = c.status === "issued" && c.kind !== "root-ca" && (isOperator || (c.kind === "plugin" && c.orgSlug !== null && adminOf.includes(c.orgSlug)));

  function revokeWith(reason: string, invalidityDate: string | undefined) {
    revoke.mutate(
      { serial: c!.serial, reason, invalidityDate },
      {
        onSuccess: (r) => {
          if (r.pendingRevocation) {
            const { have, need } = r.pendingRevocation.approvals;
            toast(`Your approval is recorded (${have} of ${need}): ${need - have === 1 ? "another operator must approve" : `${need - have} more operators must approve`} before the CA is revoked.`);
            return;
          }
          setAffects(r.affects);
          toast("Certificate revoked. CRL and OCSP answers are being updated.");
        },
        onError: (err) => toast(`Revocation failed: ${err.message}`, "error"),
      },
    );
  }

  async function copyPem() {
    await navigator.clipboard.writeText(c!.pem);
    toast("PEM copied to the clipboard");
  }

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href="/certificates" className="hover:underline">Certificates</Link> / {KIND[c.kind]}
        </p>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-bold wrap-anywhere">{c.subject}</h1>
          <Badge tone={statusTone(c.status)}>{c.status}</Badge>
        </div>
      </div>
      {affects ? <Alert tone="success">Revoked. Affected: {affects.certificatesBelow} certificate(s) below it and {affects.artifacts} signed artifact(s). The CRL and OCSP answers are being updated.</Alert> : null}
      <Card title="Summary">
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
          <div><dt className="text-slate-500">Kind</dt><dd>{KIND[c.kind]}{c.pluginId ? " · " : ""}{c.pluginId && c.orgSlug ? <Link className={`${LINK} wrap-anywhere`} href={`/orgs/${c.orgSlug}/plugins/${encodeURIComponent(c.pluginId)}`}>{c.pluginId}</Link> : null}</dd></div>
          <div><dt className="text-slate-500">Organization</dt><dd>{c.orgSlug ? <Link className={LINK} href={`/orgs/${c.orgSlug}`}>{c.orgSlug}</Link> : "— (the store)"}</dd></div>
          <div><dt className="text-slate-500">Issued by</dt><dd className="wrap-anywhere">{c.issuer?.serial ? <Link className={LINK} href={`/certificates/${c.issuer.serial}`}>{c.issuer.subject}</Link> : "itself (self-signed root)"}</dd></div>
          <div><dt className="text-slate-500">Key</dt><dd>{c.keyMode === "hosted" ? "Held by Signet" : "Held by the organization"}</dd></div>
          <ValidityBar c={c} />
          {c.revocation ? (
            <div className="sm:col-span-2">
              <dt className="text-slate-500">Revocation</dt>
              <dd className="text-red-800 dark:text-red-300">{c.revocation.reason} at {isoMinute(c.revocation.revokedAt)}{c.revocation.invalidityDate ? ` (invalid since ${isoMinute(c.revocation.invalidityDate)})` : ""}</dd>
            </div>
          ) : null}
        </dl>
        <div className="mt-4 flex flex-wrap gap-x-4 gap-y-2 text-sm">
          <a className={LINK} href={`/api/v1/certificates/${c.serial}?format=pem`} download>Download PEM</a>
          <a className={LINK} href={`/api/v1/certificates/${c.serial}?format=der`} download>Download DER</a>
          <a className={LINK} href={`/api/v1/certificates/${c.serial}?format=chain`} download>Download chain</a>
        </div>
      </Card>
      {c.decoded ? <CertificateDecoded decoded={c.decoded} /> : null}
      <Card title="PEM" actions={<button type="button" onClick={copyPem} className={`text-sm ${LINK}`}>Copy</button>}>
        <details>
          <summary className="cursor-pointer text-sm text-slate-600 dark:text-slate-400">Show the certificate in PEM form</summary>
          <pre className="mt-3 overflow-x-auto rounded-md bg-slate-100 p-3 text-xs dark:bg-slate-800">{c.pem}</pre>
        </details>
      </Card>
      {c.kind === "plugin" && c.keyMode !== "hosted" && c.status === "issued" && c.chainPem ? <Pkcs12Panel chainPem={c.chainPem} name={c.pluginId ?? c.serial} /> : null}
      {renewable ? <RenewPanel serial={c.serial} kind={c.kind as "plugin" | "org-ca"} keyMode={c.keyMode} canDecide={canDecideRenewal} /> : null}
      {canRevoke && c.pendingRevocation ? (
        <PendingRevocationPanel pending={c.pendingRevocation} mine={c.pendingRevocation.approvals.by.some((a) => a.email === selfEmail)} busy={revoke.isPending} error={revoke.error} onApprove={revokeWith} />
      ) : null}
      {canRevoke && !c.pendingRevocation ? <RevokePanel serial={c.serial} kind={c.kind} pending={revoke.isPending} error={revoke.error} onRevoke={revokeWith} /> : null}
    </div>
  );
}
