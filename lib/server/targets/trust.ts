// What plugin hosts install, served to anyone: per target the keys (with a URL to the byte-exact key file)
// and the host configuration that names them (FORMATS.md §1, §5–8). Jami and CMS verifiers trust the Root CA.
import { db } from "../../db";
import { env } from "../../env";
import { grafanaKeysDocument, type GrafanaPublishedKey } from "../../pki/grafana/keys-endpoint";
import { OpenPgpError } from "../../pki/openpgp/packets";
import { AppError } from "../errors";
import { keyUrl } from "./manage-targets";
import { STORE_TARGETS, readGrafanaSettings, type StoreTargetName } from "./store-targets";

type TrustKey = { keyId: string; algorithm: string; status: string; createdAt: string; fingerprint?: string; url: string };

/** File name a host stores a key file under (what its configuration then lists). */
export function keyFileName(target: string, keyId: string): string {
  return target === "jami" ? `signet-root-${keyId}.pem` : `signet-${target}-${keyId}.${target === "mattermost" || target === "grafana" ? "asc" : "pem"}`;
}

export function grafanaBaseUrl(): string {
  return `${env().publicUrl}/grafana`;
}

function hostConfig(target: StoreTargetName, keys: TrustKey[]): { format: string; text: string } {
  // Retired keys stay listed (their file carries the revocation) but a host installs only next + active.
  const installed = keys.filter((k) => k.status !== "retired").map((k) => keyFileName(target, k.keyId));
  switch (target) {
    case "jami":
      return { format: "text", text: `# Jami daemon and CMS verifiers: trust Signet's Root CA\n${installed.map((f) => `# ${f}`).join("\n")}\nopenssl cms -verify -binary -inform DER -in PLUGIN.p7s -content PLUGIN -CAfile ${installed[0] ?? "signet-root.pem"} -purpose any -out /dev/null` };
    case "mattermost":
      // config.json; each file is uploaded first (System Console › Plugins › Public keys, or mmctl plugin add key).
      return { format: "json", text: JSON.stringify({ PluginSettings: { RequirePluginSignature: true, SignaturePublicKeyFiles: installed } }, null, 2) };
    case "grafana":
      return { format: "ini", text: `[grafana_com]\nurl = ${grafanaBaseUrl()}\n\n[plugins]\npublic_key_retrieval_on_startup = true` };
    case "dify":
      return { format: "env", text: `THIRD_PARTY_SIGNATURE_VERIFICATION_ENABLED=true\nTHIRD_PARTY_SIGNATURE_VERIFICATION_PUBLIC_KEYS=${installed.map((f) => `/app/keys/${f}`).join(",")}` };
    case "mender":
      return { format: "json", text: JSON.stringify({ ArtifactVerifyKeys: installed.map((f) => `/etc/mender/${f}`) }, null, 2) };
  }
}

export async function getTrustDocument() {
  const client = await db();
  const roots = await client.certificateAuthority.findMany({ where: { kind: "root", status: "active" }, orderBy: { createdAt: "asc" }, select: { id: true, createdAt: true, key: { select: { algorithm: true } } } });
  const rows = await client.storeTarget.findMany({ where: { enabled: true }, select: { target: true, keys: { orderBy: { createdAt: "asc" }, select: { keyId: true, algorithm: true, status: true, createdAt: true, fingerprint: true } } } });
  const byTarget = new Map(rows.map((r) => [r.target, r.keys]));
  const targets = STORE_TARGETS.filter((t) => t === "jami" || byTarget.has(t)).map((target) => {
    const keys: TrustKey[] =
      target === "jami"
        ? roots.map((r) => ({ keyId: r.id, algorithm: r.key?.algorithm ?? "unknown", status: "active", createdAt: r.createdAt.toISOString(), url: `/ca/${r.id}.pem` }))
        : byTarget.get(target)!.map((k) => ({ keyId: k.keyId, algorithm: k.algorithm, status: k.status, createdAt: k.createdAt.toISOString(), fingerprint: k.fingerprint, url: keyUrl(target, k.keyId) }));
    return { target, keys, hostConfig: hostConfig(target, keys) };
  });
  return { targets };
}

/** The key file a host installs, exactly as stored (armored OpenPGP key for Mattermost and Grafana). */
export async function getStoreKeyFile(target: string, keyId: string): Promise<{ body: string; filename: string; contentType: string }> {
  if (!(STORE_TARGETS as readonly string[]).includes(target) || target === "jami" || !/^[0-9a-fA-F]{16}$/.test(keyId)) throw new AppError("not_found", "Key not found");
  const row = await (await db()).storeKey.findFirst({ where: { target, keyId: keyId.toLowerCase(), storeTarget: { enabled: true } }, select: { publicKeyFile: true, keyId: true } });
  if (!row) throw new AppError("not_found", "Key not found");
  return { body: row.publicKeyFile, filename: keyFileName(target, row.keyId), contentType: target === "mattermost" || target === "grafana" ? "application/pgp-keys" : "application/x-pem-file" };
}

/**
 * Grafana's keys answer: Grafana deletes every cached key the answer omits (FORMATS.md §6), so it lists the
 * operator-configured Grafana Labs keys and the store's published ones (next and active). A retired key is
 * dropped here, which is how a Grafana host stops trusting it.
 */
export async function getGrafanaKeys() {
  const client = await db();
  const target = await client.storeTarget.findUnique({ where: { target: "grafana" }, select: { enabled: true, settings: true, keys: { where: { status: { in: ["next", "active"] } }, orderBy: { createdAt: "asc" }, select: { keyId: true, publicKeyFile: true, createdAt: true } } } });
  const settings = readGrafanaSettings(target?.settings);
  const keys: GrafanaPublishedKey[] = [
    ...settings.grafanaKeys.map((k) => ({ keyId: k.keyId, public: k.public, since: new Date((k.since ?? 0) * 1000) })),
    ...(target?.enabled ? target.keys.map((k) => ({ keyId: k.keyId, public: k.publicKeyFile, since: k.createdAt })) : []),
  ];
  try {
    return grafanaKeysDocument(keys);
  } catch (err) {
    if (err instanceof OpenPgpError) throw new AppError("conflict", `The Grafana keys are misconfigured: ${err.message}`);
    throw err;
  }
}
