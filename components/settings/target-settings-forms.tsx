"use client";

// What an operator configures for the Grafana and Dify targets (PUT /api/v1/settings/targets/{target}):
// Grafana's signature type, the catalog the /grafana/api base URL forwards to, and Grafana Labs' own keys
// (the keys endpoint must list them, or Grafana hosts delete them and official plugins stop verifying);
// Dify's authorized category. The server's zod schema decides what is valid; its answer is shown here.
import { useState, type FormEvent } from "react";
import { useTargetAction, type DifyTargetSettings, type GrafanaTargetSettings, type StoreTargetJson, type TargetUpdateBody } from "@/lib/client/settings-hooks";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field, Select, TextInput } from "../ui/field";
import { useToast } from "../ui/toast";

const DEFAULT_UPSTREAM = "https://grafana.com";
const AREA =
  "block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700";

type KeyDraft = { keyId: string; public: string; since: string };

function useSave(target: string) {
  const action = useTargetAction();
  const toast = useToast();
  const [error, setError] = useState<string>();
  const save = (body: TargetUpdateBody, done: string) => {
    setError(undefined);
    action.mutate({ kind: "update", target, body }, { onSuccess: () => toast(done), onError: (err) => setError(err instanceof Error ? err.message : String(err)) });
  };
  return { save, error, pending: action.isPending };
}

export function GrafanaSettingsForm({ t }: { t: StoreTargetJson & { grafana: GrafanaTargetSettings } }) {
  const { save, error, pending } = useSave(t.target);
  const [signatureType, setSignatureType] = useState(t.grafana.signatureType);
  const [upstreamUrl, setUpstreamUrl] = useState(t.grafana.upstreamUrl ?? "");
  const [keys, setKeys] = useState<KeyDraft[]>(t.grafana.grafanaKeys.map((k) => ({ keyId: k.keyId, public: k.public, since: k.since === undefined ? "" : String(k.since) })));
  const setKey = (i: number, patch: Partial<KeyDraft>) => setKeys((all) => all.map((k, j) => (j === i ? { ...k, ...patch } : k)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const grafana: GrafanaTargetSettings = {
      signatureType,
      ...(upstreamUrl.trim() ? { upstreamUrl: upstreamUrl.trim() } : {}),
      grafanaKeys: keys.map((k) => ({ keyId: k.keyId.trim(), public: k.public, ...(k.since.trim() ? { since: Number(k.since.trim()) } : {}) })),
    };
    save({ enabled: t.enabled, grafana }, "Grafana settings saved");
  };
  return (
    <form onSubmit={submit} className="mt-4 space-y-4 rounded-md bg-slate-50 p-4 dark:bg-slate-900/50" aria-label="Grafana settings">
      <h4 className="text-sm font-semibold">Grafana settings</h4>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Signature type" htmlFor="grafana-signature-type" hint="What Signet's manifests claim. Private types bind a plugin to each organization's Grafana root URLs. Never “grafana” or “commercial”: those are Grafana Labs' own.">
          <Select id="grafana-signature-type" value={signatureType} onChange={(e) => setSignatureType(e.target.value as GrafanaTargetSettings["signatureType"])}>
            <option value="private">private</option>
            <option value="private-glob">private-glob</option>
            <option value="community">community</option>
          </Select>
        </Field>
        <Field label="Catalog upstream URL" htmlFor="grafana-upstream" hint={`Every /grafana/api request other than the keys endpoint is forwarded here, so Grafana's plugin catalog keeps working. Empty: ${DEFAULT_UPSTREAM}.`}>
          <TextInput id="grafana-upstream" type="url" inputMode="url" placeholder={DEFAULT_UPSTREAM} value={upstreamUrl} onChange={(e) => setUpstreamUrl(e.target.value)} />
        </Field>
      </div>
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Grafana Labs keys</legend>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Copy them from the keys endpoint of the catalog above (<code className="font-mono">/api/plugins/ci/keys</code>). Grafana deletes every cached key this store&apos;s endpoint omits: without them, official plugins stop verifying.
        </p>
        {keys.length === 0 ? <p className="text-sm text-slate-600 dark:text-slate-300">No Grafana Labs key configured.</p> : null}
        {keys.map((k, i) => (
          <div key={i} className="space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700" aria-label={`Grafana Labs key ${i + 1}`} role="group">
            <div className="grid gap-3 sm:grid-cols-[1fr_12rem_auto] sm:items-end">
              <Field label="Key ID" htmlFor={`grafana-key-${i}-id`} hint="16 hex digits">
                <TextInput id={`grafana-key-${i}-id`} required value={k.keyId} spellCheck={false} className="font-mono" onChange={(e) => setKey(i, { keyId: e.target.value })} />
              </Field>
              <Field label="Since (unix seconds, optional)" htmlFor={`grafana-key-${i}-since`}>
                <TextInput id={`grafana-key-${i}-since`} inputMode="numeric" pattern="[0-9]*" value={k.since} onChange={(e) => setKey(i, { since: e.target.value })} />
              </Field>
              <Button type="button" variant="ghost" onClick={() => setKeys((all) => all.filter((_, j) => j !== i))}>
                Remove
              </Button>
            </div>
            <Field label="Public key (armored)" htmlFor={`grafana-key-${i}-public`}>
              <textarea id={`grafana-key-${i}-public`} required rows={4} spellCheck={false} className={AREA} placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----" value={k.public} onChange={(e) => setKey(i, { public: e.target.value })} />
            </Field>
          </div>
        ))}
        <Button type="button" variant="secondary" onClick={() => setKeys((all) => [...all, { keyId: "", public: "", since: "" }])}>
          Add a Grafana Labs key
        </Button>
      </fieldset>
      {error ? <Alert>{error}</Alert> : null}
      <Button type="submit" disabled={pending}>
        Save Grafana settings
      </Button>
    </form>
  );
}

export function DifySettingsForm({ t }: { t: StoreTargetJson & { dify: DifyTargetSettings } }) {
  const { save, error, pending } = useSave(t.target);
  const [category, setCategory] = useState(t.dify.authorizedCategory);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save({ enabled: t.enabled, dify: { authorizedCategory: category } }, "Dify settings saved");
      }}
      className="mt-4 flex flex-wrap items-end gap-3 rounded-md bg-slate-50 p-4 dark:bg-slate-900/50"
      aria-label="Dify settings"
    >
      <div className="min-w-56">
        <Field label="Authorized category" htmlFor="dify-category" hint="Written into .verification.dify.json of every package. Never “langgenius”: that is Dify's own.">
          <Select id="dify-category" value={category} onChange={(e) => setCategory(e.target.value as "community" | "partner")}>
            <option value="community">community</option>
            <option value="partner">partner</option>
          </Select>
        </Field>
      </div>
      <Button type="submit" disabled={pending}>
        Save Dify settings
      </Button>
      {error ? <div className="w-full"><Alert>{error}</Alert></div> : null}
    </form>
  );
}
