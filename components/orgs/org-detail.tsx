"use client";

import { useOrg } from "@/lib/client/hooks";
import { ArtifactList } from "../artifacts/artifact-list";
import { ArtifactUpload } from "../artifacts/artifact-upload";
import { CertificateTable } from "../certificates/certificate-table";
import { RequestQueue } from "../requests/request-queue";
import { Alert } from "../ui/alert";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";
import { ExternalCaSteps } from "./external-ca-steps";
import { OrgMembers } from "./org-members";
import { PluginCertRequestForm } from "./plugin-cert-request-form";
import { PluginList } from "./plugin-list";
import { ReapplyButton } from "./reapply-button";
import { SuspendPanel } from "./suspend-panel";
import { WebhooksPanel } from "../settings/webhooks-panel";

export function OrgDetail({ slug, isMember, isAdmin, isOperator, selfEmail = "", publicUrl, pluginApprover }: { slug: string; isMember: boolean; isAdmin: boolean; isOperator: boolean; selfEmail?: string; publicUrl: string; pluginApprover: "operator" | "org-admin" }) {
  const { data: org, isLoading, error } = useOrg(slug);
  if (isLoading) return <p className="text-sm text-slate-500">Loading…</p>;
  if (error || !org) return <Alert>{error?.message ?? "Organization not found"}</Alert>;
  // An org that keeps its CA key issues, revokes and signs offline: no hosted keys, no server signing.
  const externalCa = org.ca?.keyMode === "external" ? org.ca : undefined;
  const hostedApproved = org.status === "approved" && !externalCa;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">{org.name}</h1>
        <Badge tone={statusTone(org.status)}>{org.status}</Badge>
      </div>
      {org.status === "pending" ? <Alert tone="info">Your registration is waiting for a store operator. You can request plugin certificates once it is approved.</Alert> : null}
      {org.status === "rejected" ? <Alert>Registration rejected: {org.rejectionReason}</Alert> : null}
      {org.status === "rejected" && isAdmin ? <ReapplyButton slug={slug} /> : null}
      {org.status === "suspended" ? <Alert>Suspended{org.suspendedAt ? ` on ${new Date(org.suspendedAt).toLocaleDateString()}` : ""}: {org.suspensionReason}. Its certificates and signed archives are revoked; it can no longer request certificates or sign.</Alert> : null}
      {org.status === "pending" && !org.contactVerified ? (
        <Alert tone="info">The contact address {org.contactEmail} is not verified yet: follow the link mailed to it. An operator cannot approve the organization before.</Alert>
      ) : null}
      <Card title="Organization CA">
        <dl className="grid gap-3 text-sm sm:grid-cols-3">
          <div><dt className="text-xs text-slate-500">Plugin id prefix</dt><dd className="font-mono">{org.pluginIdPrefix}</dd></div>
          <div><dt className="text-xs text-slate-500">CA</dt><dd>{org.ca ? <Badge tone={statusTone(org.ca.status)}>{org.ca.status} · key {org.ca.keyMode}</Badge> : "not issued yet"}</dd></div>
          <div><dt className="text-xs text-slate-500">Valid until</dt><dd>{org.ca?.notAfter ? new Date(org.ca.notAfter).toLocaleDateString() : "—"}</dd></div>
        </dl>
        {org.ca ? (
          <div className="mt-3 flex gap-4">
            <a className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-300" href={`/ca/${org.ca.id}.pem`}>Download CA certificate (PEM)</a>
            <a className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-300" href={`/ca/${org.ca.id}.crt`}>DER</a>
          </div>
        ) : null}
      </Card>
      {isMember && hostedApproved ? <PluginCertRequestForm slug={slug} prefix={org.pluginIdPrefix} approver={pluginApprover} /> : null}
      {externalCa && org.status === "approved" ? <ExternalCaSteps slug={slug} orgName={org.name} prefix={org.pluginIdPrefix} caId={externalCa.id} publicUrl={publicUrl} isAdmin={isAdmin} /> : null}
      {isAdmin || isOperator ? (
        <section className="space-y-3">
          <h2 className="text-lg font-semibold">Requests</h2>
          <RequestQueue org={slug} />
        </section>
      ) : null}
      {isAdmin || isOperator ? <OrgMembers slug={slug} canManage={isAdmin} selfEmail={selfEmail} /> : null}
      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Certificates</h2>
        <CertificateTable filter={{ org: slug }} />
      </section>
      <PluginList slug={slug} />
      {isMember && hostedApproved ? <ArtifactUpload slug={slug} isAdmin={isAdmin || isOperator} grafanaRootUrls={org.grafanaRootUrls ?? []} /> : null}
      {externalCa ? null : (
        <section className="space-y-3">
          <h2 className="text-lg font-semibold">Signed archives</h2>
          <ArtifactList slug={slug} canRevoke={isAdmin || isOperator} />
        </section>
      )}
      {isAdmin && org.status === "approved" ? <WebhooksPanel slug={slug} /> : null}
      {isOperator && (org.status === "approved" || org.status === "pending") ? <SuspendPanel slug={slug} name={org.name} /> : null}
    </div>
  );
}
