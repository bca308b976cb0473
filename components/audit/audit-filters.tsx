"use client";

// The audit log's filter form. Filters apply on submit, so typing an actor's name does not fire a
// query per keystroke; the applied filters live in the page's URL (see AuditBrowser).
import { useEffect, useState, type FormEvent } from "react";
import type { OrgItem } from "@/lib/client/types";
import { Button } from "../ui/button";
import { Select, TextInput } from "../ui/field";

export type AuditFilter = { actor: string; org: string; action: string; outcome: string; subject: string; from: string; to: string };
export const NO_FILTER: AuditFilter = { actor: "", org: "", action: "", outcome: "", subject: "", from: "", to: "" };
export const AUDIT_FILTER_KEYS = Object.keys(NO_FILTER) as (keyof AuditFilter)[];

// Families end with "." (the API matches every action that starts with it).
const ACTIONS = [
  ["certificate.", "Certificates: any"],
  ["certificate.issued", "Certificate issued"],
  ["certificate.revoked", "Certificate revoked"],
  ["request.", "Requests: any"],
  ["request.created", "Request created"],
  ["request.approved", "Request approved"],
  ["request.rejected", "Request rejected"],
  ["artifact.", "Artifacts: any"],
  ["artifact.signed", "Artifact signed"],
  ["artifact.revoked", "Artifact revoked"],
  ["crl.", "CRLs: any"],
  ["org.", "Organizations: any"],
  ["member.", "Members: any"],
  ["key.", "Keys: any"],
  ["token.", "API tokens: any"],
  ["webhook.", "Webhooks: any"],
  ["settings.", "Settings: any"],
  ["setup.", "Setup: any"],
  ["http.forbidden", "Refused: not allowed (403)"],
  ["http.conflict", "Refused: conflict (409)"],
  ["auth.sign_in_refused", "Sign-in refused"],
  ["audit.denials_suppressed", "Refusals counted, not listed"],
] as const;

const LABEL = "block text-xs font-medium text-slate-600 dark:text-slate-300";

/** datetime-local has no zone: it is the browser's local time, sent as an absolute instant. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : "");
const pad = (n: number) => String(n).padStart(2, "0");
const toLocal = (iso: string) => {
  const d = new Date(iso);
  return iso && !Number.isNaN(d.getTime()) ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}` : "";
};
const asDraft = (f: AuditFilter): AuditFilter => ({ ...f, from: toLocal(f.from), to: toLocal(f.to) });

export function AuditFilters({ orgs, value, onApply }: { orgs: OrgItem[]; value: AuditFilter; onApply: (filter: AuditFilter) => void }) {
  const [draft, setDraft] = useState<AuditFilter>(() => asDraft(value));
  // Back/Forward or a shared link changed the applied filters: show them.
  useEffect(() => setDraft(asDraft(value)), [value]);
  const set = (key: keyof AuditFilter) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  function submit(e: FormEvent) {
    e.preventDefault();
    onApply({ ...draft, actor: draft.actor.trim(), subject: draft.subject.trim(), from: toIso(draft.from), to: toIso(draft.to) });
  }

  return (
    <form onSubmit={submit} aria-label="Filter the audit log" className="grid grid-cols-2 gap-3 lg:grid-cols-6 lg:items-end">
      <div className="col-span-2 lg:col-span-2">
        <label htmlFor="audit-actor" className={LABEL}>Actor</label>
        <TextInput id="audit-actor" type="search" value={draft.actor} onChange={set("actor")} placeholder="email or system:…" className="mt-1" />
      </div>
      <div>
        <label htmlFor="audit-org" className={LABEL}>Organization</label>
        <Select id="audit-org" value={draft.org} onChange={set("org")} className="mt-1">
          <option value="">Any</option>
          {orgs.map((o) => <option key={o.slug} value={o.slug}>{o.name}</option>)}
        </Select>
      </div>
      <div>
        <label htmlFor="audit-action" className={LABEL}>Action</label>
        <Select id="audit-action" value={draft.action} onChange={set("action")} className="mt-1">
          <option value="">Any</option>
          {ACTIONS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </Select>
      </div>
      <div>
        <label htmlFor="audit-outcome" className={LABEL}>Outcome</label>
        <Select id="audit-outcome" value={draft.outcome} onChange={set("outcome")} className="mt-1">
          <option value="">Any</option>
          <option value="success">Success</option>
          <option value="failure">Failure</option>
          <option value="denied">Denied</option>
          <option value="problems">Failures and denials</option>
        </Select>
      </div>
      <div className="col-span-2 flex gap-2 lg:col-span-1">
        <Button type="submit" className="flex-1">Apply</Button>
        <Button type="button" variant="secondary" onClick={() => { setDraft(NO_FILTER); onApply(NO_FILTER); }}>Reset</Button>
      </div>
      <div className="col-span-2">
        <label htmlFor="audit-subject" className={LABEL}>About</label>
        <TextInput id="audit-subject" type="search" value={draft.subject} onChange={set("subject")} placeholder="serial, plugin id or organization" className="mt-1" />
      </div>
      <div>
        <label htmlFor="audit-from" className={LABEL}>From</label>
        <TextInput id="audit-from" type="datetime-local" value={draft.from} onChange={set("from")} className="mt-1" />
      </div>
      <div>
        <label htmlFor="audit-to" className={LABEL}>To</label>
        <TextInput id="audit-to" type="datetime-local" value={draft.to} onChange={set("to")} className="mt-1" />
      </div>
    </form>
  );
}
