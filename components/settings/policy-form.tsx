"use client";

// Store policy: who approves plugin certificates, and default validities. Operators edit it; org
// members see it read-only (it decides who approves their requests).
import { useEffect, useState, type FormEvent } from "react";
import { useStorePolicy, useUpdateStorePolicy, type StorePolicy } from "@/lib/client/settings-hooks";
import { formErrors } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Select, TextInput } from "../ui/field";
import { LoadingRows } from "../ui/skeleton";
import { useToast } from "../ui/toast";

export function PolicyForm({ editable }: { editable: boolean }) {
  const policy = useStorePolicy();
  const update = useUpdateStorePolicy();
  const toast = useToast();
  const [draft, setDraft] = useState<StorePolicy>();

  // The form starts from the server's values and follows them until the user edits.
  useEffect(() => {
    if (policy.data && !draft) setDraft(policy.data);
  }, [policy.data, draft]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!draft) return;
    update.mutate(draft, {
      onSuccess: (saved) => {
        setDraft(saved);
        toast("Store policy saved");
      },
      onError: (err) => toast(`Not saved: ${err.message}`, "error"),
    });
  }

  const errors = formErrors(update.error, {"orgCaValidityDays": "Organization CA validity (days)", "pluginCertValidityDays": "Plugin certificate validity (days)", "orgCaApprovals": "Operators who must approve an organization CA", "requireSecondFactor": "Second factor required"}, "The policy was not saved");

  return (
    <Card title="Store policy" description={editable ? "Applies to requests approved from now on." : "Set by the store operators."}>
      {policy.isLoading || !draft ? <LoadingRows rows={3} label="Loading the policy…" /> : null}
      {policy.error ? <Alert>{policy.error.message}</Alert> : null}
      {draft ? (
        <form onSubmit={submit} aria-label="Store policy" className="space-y-5">
          {errors.summary ? <Alert>{errors.summary}</Alert> : null}
          <label className="flex items-start gap-3 text-sm">
            <input
              type="checkbox"
              className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-brand-600"
              checked={draft.pluginApprovalRequiresOperator}
              disabled={!editable}
              onChange={(e) => setDraft({ ...draft, pluginApprovalRequiresOperator: e.target.checked })}
            />
            <span>
              <span className="font-medium">Plugin certificates need a store operator&apos;s approval</span>
              <span className="block text-slate-500">Otherwise an organization&apos;s admins approve their own members&apos; requests.</span>
            </span>
          </label>
          <Field label="Second factor required" htmlFor="requireSecondFactor" error={errors.message("requireSecondFactor")} hint="Who must have signed in with an authenticator app, a recovery code or a passkey before approving, rejecting, revoking, signing archives or creating API tokens.">
            <Select id="requireSecondFactor" {...errors.control("requireSecondFactor", "requireSecondFactor")} disabled={!editable} value={draft.requireSecondFactor} onChange={(e) => setDraft({ ...draft, requireSecondFactor: e.target.value as StorePolicy["requireSecondFactor"] })}>
              <option value="none">Nobody</option>
              <option value="operators">Store operators</option>
              <option value="admins">Store operators and organization admins</option>
            </Select>
          </Field>
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="Organization CA validity (days)" htmlFor="orgCaValidityDays" error={errors.message("orgCaValidityDays")} hint="30 to 3650; default 365.">
              <TextInput id="orgCaValidityDays" {...errors.control("orgCaValidityDays", "orgCaValidityDays")} type="number" min={30} max={3650} required disabled={!editable} value={draft.orgCaValidityDays} onChange={(e) => setDraft({ ...draft, orgCaValidityDays: Number(e.target.value) })} />
            </Field>
            <Field label="Plugin certificate validity (days)" htmlFor="pluginCertValidityDays" error={errors.message("pluginCertValidityDays")} hint="1 to 3650; default 365.">
              <TextInput id="pluginCertValidityDays" {...errors.control("pluginCertValidityDays", "pluginCertValidityDays")} type="number" min={1} max={3650} required disabled={!editable} value={draft.pluginCertValidityDays} onChange={(e) => setDraft({ ...draft, pluginCertValidityDays: Number(e.target.value) })} />
            </Field>
            <Field label="Renew hosted plugin keys automatically (days before expiry)" htmlFor="autoRenewDays" hint="0 to 365; 0 (the default) never renews by itself. Same key, same plugin id.">
              <TextInput id="autoRenewDays" type="number" min={0} max={365} required disabled={!editable} value={draft.autoRenewDays} onChange={(e) => setDraft({ ...draft, autoRenewDays: Number(e.target.value) })} />
            </Field>
            <Field label="Operators who must approve an organization CA" htmlFor="orgCaApprovals" error={errors.message("orgCaApprovals")} hint="1 to 10 distinct operators; the last approval issues. Default 1.">
              <TextInput id="orgCaApprovals" {...errors.control("orgCaApprovals", "orgCaApprovals")} type="number" min={1} max={10} required disabled={!editable} value={draft.orgCaApprovals} onChange={(e) => setDraft({ ...draft, orgCaApprovals: Number(e.target.value) })} />
            </Field>
            <Field label="Operators who must approve revoking an organization CA" htmlFor="orgCaRevocationApprovals" hint="1 to 10 distinct operators; the last approval revokes. Default 1.">
              <TextInput id="orgCaRevocationApprovals" type="number" min={1} max={10} required disabled={!editable} value={draft.orgCaRevocationApprovals} onChange={(e) => setDraft({ ...draft, orgCaRevocationApprovals: Number(e.target.value) })} />
            </Field>
          </div>
          {editable ? <Button type="submit" disabled={update.isPending}>{update.isPending ? "Saving…" : "Save policy"}</Button> : null}
        </form>
      ) : null}
    </Card>
  );
}
