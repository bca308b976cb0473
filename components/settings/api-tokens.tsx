"use client";

// A person's API tokens (for CI pipelines and the CLI): create one (shown once), see when each was
// last used, revoke (removed from the list at once, restored if the server refuses).
import { useState, type FormEvent } from "react";
import { isoDay, isoMinute } from "@/lib/client/format";
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from "@/lib/client/settings-hooks";
import { formErrors } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Field, Select, TextInput } from "../ui/field";
import { LoadingRows } from "../ui/skeleton";
import { useToast } from "../ui/toast";
import { SecretOnce } from "./secret-once";

export function ApiTokens() {
  const tokens = useApiTokens();
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const toast = useToast();
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState("90");
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [confirming, setConfirming] = useState<string>();

  const errors = formErrors(create.error, { name: "Token name", expiresInDays: "Expires" }, "The token was not created");

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(
      { name: name.trim(), expiresInDays: Number(expiry) },
      {
        onSuccess: (t) => {
          setCreated({ name: t.name, token: t.token });
          setName("");
          toast(`Token “${t.name}” created`);
        },
      },
    );
  }

  function revokeToken(id: string, tokenName: string) {
    setConfirming(undefined);
    revoke.mutate(id, {
      onSuccess: () => toast(`Token “${tokenName}” revoked`),
      onError: (err) => toast(`Could not revoke: ${err.message}`, "error"),
    });
  }

  return (
    <Card title="API tokens" description="For CI pipelines and the CLI: send as Authorization: Bearer <token>. A token acts with your rights.">
      <div className="space-y-5">
        {created ? <SecretOnce label={`Your new token “${created.name}”.`} kept="Signet keeps only a hash of it" value={created.token} testId="new-token" onDone={() => setCreated(undefined)} /> : null}
        <form onSubmit={submit} aria-label="Create an API token" className="grid gap-3 sm:grid-cols-[1fr_12rem_auto] sm:items-end">
          <Field label="Token name" htmlFor="token-name" error={errors.message("name")}>
            <TextInput id="token-name" {...errors.control("name", "token-name")} required maxLength={64} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. release pipeline" />
          </Field>
          <Field label="Expires" htmlFor="token-expiry" error={errors.message("expiresInDays")}>
            <Select id="token-expiry" {...errors.control("expiresInDays", "token-expiry")} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              <option value="30">in 30 days</option>
              <option value="90">in 90 days</option>
              <option value="365">in a year</option>
            </Select>
          </Field>
          <Button type="submit" disabled={create.isPending || !name.trim()}>{create.isPending ? "Creating…" : "Create token"}</Button>
        </form>
        {errors.summary ? <Alert>{errors.summary}</Alert> : null}
        {tokens.isLoading ? <LoadingRows rows={3} label="Loading your tokens…" /> : null}
        {tokens.error ? <Alert>{tokens.error.message}</Alert> : null}
        {tokens.data && tokens.data.length === 0 ? <EmptyState title="No API tokens">Create one for each pipeline, so each can be revoked alone.</EmptyState> : null}
        {tokens.data?.length ? (
          <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Your API tokens">
            {tokens.data.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                <span className="min-w-0">
                  <span className="font-medium">{t.name}</span> <code className="text-xs text-slate-500">{t.start}…</code>
                  {t.expired ? <> <Badge tone="red">expired</Badge></> : null}
                  <span className="block text-xs text-slate-500">
                    created {isoDay(t.createdAt)} · {t.lastUsedAt ? `last used ${isoMinute(t.lastUsedAt)}` : "never used"} · {t.expiresAt ? `expires ${isoDay(t.expiresAt)}` : "no expiry"}
                  </span>
                </span>
                {confirming === t.id ? (
                  <span className="flex gap-2">
                    <Button variant="danger" onClick={() => revokeToken(t.id, t.name)} aria-label={`Confirm revoking ${t.name}`}>Revoke</Button>
                    <Button variant="secondary" onClick={() => setConfirming(undefined)}>Cancel</Button>
                  </span>
                ) : (
                  <Button variant="secondary" onClick={() => setConfirming(t.id)} aria-label={`Revoke token ${t.name}`}>Revoke…</Button>
                )}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </Card>
  );
}
