"use client";

// Store targets (operators): which store formats this store signs for, and their keys. Rotation is
// next → active (both sign where the format allows) → retired; hosts install a key while it is "next".
import { useState, type ReactNode } from "react";
import { STORE_NAME } from "@/lib/client/artifacts";
import { useStoreTargets, useTargetAction, type StoreTargetJson } from "@/lib/client/settings-hooks";
import { Alert } from "../ui/alert";
import { Badge, statusTone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Select } from "../ui/field";
import { Identifier } from "../ui/identifier";
import { LoadingRows } from "../ui/skeleton";
import { useToast } from "../ui/toast";
import { DifySettingsForm, GrafanaSettingsForm } from "./target-settings-forms";

const ALGORITHMS: Record<string, string[]> = {
  mattermost: ["rsa-4096", "rsa-3072", "ecdsa-p256", "ecdsa-p384"],
  grafana: ["rsa-4096", "rsa-3072", "ecdsa-p256", "ecdsa-p384"],
  dify: ["rsa-4096"],
  mender: ["rsa-3072", "rsa-4096", "ecdsa-p256"],
};

/** What enabling each store means for its hosts (they install the key from /trust). */
const ABOUT: Record<string, ReactNode> = {
  jami: "Plugins (.jpl) are signed with each plugin's certificate; Jami hosts trust the Root CA.",
  mattermost: <>Bundles (.tar.gz) get a .sig by the store&apos;s OpenPGP key; servers list the key in <Identifier>PluginSettings.SignaturePublicKeyFiles</Identifier>.</>,
  grafana: <>Plugin zips get a signed MANIFEST.txt; Grafana fetches the store&apos;s key from Signet once its <Identifier>[grafana_com] url</Identifier> points here.</>,
  dify: <>Packages (.difypkg) are signed with the store&apos;s RSA key; the plugin daemon lists its key file in <Identifier>THIRD_PARTY_SIGNATURE_VERIFICATION_PUBLIC_KEYS</Identifier>.</>,
  mender: <>Artifacts (.mender) get manifest.sig by the store&apos;s key; devices list its key file in <Identifier>ArtifactVerifyKeys</Identifier>.</>,
};

function TargetRow({ t }: { t: StoreTargetJson }) {
  const action = useTargetAction();
  const toast = useToast();
  const [algorithm, setAlgorithm] = useState(ALGORITHMS[t.target]?.[0] ?? "rsa-4096");
  const [error, setError] = useState<string>();
  const run = (a: Parameters<typeof action.mutate>[0], done: string) => {
    setError(undefined);
    action.mutate(a, { onSuccess: () => toast(done), onError: (err) => setError(err instanceof Error ? err.message : String(err)) });
  };
  const hasNext = t.keys.some((k) => k.status === "next");
  // The last active key of an enabled target cannot be retired (the server says 409): no button for it.
  const activeKeys = t.keys.filter((k) => k.status === "active").length;
  const name = STORE_NAME[t.target] ?? t.target;
  return (
    <section className="border-t border-slate-100 py-4 first:border-t-0 dark:border-slate-800" aria-label={`Target ${t.target}`}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-2">
          <h3 className="font-semibold">{name}</h3>
          <Badge tone={t.enabled ? "green" : "slate"}>{t.enabled ? "enabled" : "off"}</Badge>
          {!t.supported ? <Badge tone="amber">not available yet</Badge> : null}
        </div>
        {t.target === "jami" ? (
          <span className="text-sm text-slate-500">Always on</span>
        ) : t.supported ? (
          <Button variant={t.enabled ? "secondary" : "primary"} disabled={action.isPending} onClick={() => run({ kind: "update", target: t.target, body: { enabled: !t.enabled, ...(t.grafana ? { grafana: t.grafana } : {}), ...(t.dify ? { dify: t.dify } : {}) } }, t.enabled ? `${name} disabled` : `${name} enabled`)} aria-label={`${t.enabled ? "Disable" : "Enable"} ${name}`}>
            {t.enabled ? "Disable" : "Enable"}
          </Button>
        ) : null}
      </div>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{ABOUT[t.target]}</p>
      {error ? <div className="mt-2"><Alert>{error}</Alert></div> : null}
      {t.keys.length > 0 ? (
        <table className="mt-3 w-full text-left text-sm" aria-label={`${t.target} store keys`}>
          <thead className="sr-only">
            <tr>
              <th>Key id</th>
              <th>Algorithm</th>
              <th>Status</th>
              <th className="hidden sm:table-cell">Created</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {t.keys.map((k) => (
              <tr key={k.keyId} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-1.5 pr-3 font-mono text-xs" title={k.fingerprint}>{k.keyId}</td>
                <td className="py-1.5 pr-3 whitespace-nowrap">{k.algorithm}</td>
                <td className="py-1.5 pr-3"><Badge tone={k.status === "next" ? "blue" : statusTone(k.status)}>{k.status}</Badge></td>
                <td className="hidden py-1.5 pr-3 text-xs whitespace-nowrap text-slate-500 sm:table-cell">{k.createdAt.slice(0, 10)}</td>
                <td className="py-1.5 text-right">
                  <div className="flex flex-wrap justify-end gap-1">
                  {k.status === "next" ? <Button variant="secondary" disabled={action.isPending} onClick={() => run({ kind: "activate", target: t.target, keyId: k.keyId }, `Key ${k.keyId} is active`)}>Activate</Button> : null}
                  {k.status === "next" || (k.status === "active" && (activeKeys > 1 || !t.enabled)) ? <Button variant="ghost" disabled={action.isPending} onClick={() => run({ kind: "retire", target: t.target, keyId: k.keyId }, `Key ${k.keyId} retired`)}>Retire</Button> : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {t.enabled && t.target !== "jami" && !hasNext ? (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <label htmlFor={`next-key-${t.target}`} className="text-sm text-slate-600 dark:text-slate-400">Next key&apos;s algorithm</label>
          <div className="w-36">
          <Select id={`next-key-${t.target}`} value={algorithm} onChange={(e) => setAlgorithm(e.target.value)}>
            {(ALGORITHMS[t.target] ?? []).map((a) => <option key={a} value={a}>{a}</option>)}
          </Select>
          </div>
          <Button variant="secondary" disabled={action.isPending} onClick={() => run({ kind: "create-key", target: t.target, algorithm }, `Next ${name} key published`)}>Publish a next key</Button>
        </div>
      ) : null}
      {t.target === "grafana" && t.grafana && t.enabled ? <GrafanaSettingsForm t={{ ...t, grafana: t.grafana }} /> : null}
      {t.target === "dify" && t.dify && t.enabled ? <DifySettingsForm t={{ ...t, dify: t.dify }} /> : null}
    </section>
  );
}

export function TargetsPanel() {
  const targets = useStoreTargets();
  return (
    <Card title="Store targets" description={<>The store formats this store signs for. Enabling one creates its signing key, published on <a className="font-medium text-brand-700 underline dark:text-brand-300" href="/trust">/trust</a> with what each host installs. To rotate: publish a next key, let hosts install it, activate it (both keys sign where the format allows), then retire the old one.</>}>
      {targets.isLoading ? <LoadingRows rows={3} /> : null}
      {targets.error ? <Alert>{targets.error.message}</Alert> : null}
      {targets.data?.map((t) => <TargetRow key={t.target} t={t} />)}
    </Card>
  );
}
