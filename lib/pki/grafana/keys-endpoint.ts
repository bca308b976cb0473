// The body of `<grafana_com url>/api/plugins/ci/keys` (FORMATS.md §6). Grafana deletes every cached key
// the answer omits, so the list is the operator-configured Grafana Labs key(s) plus the store's keys —
// never only Signet's. Built here, served by the route the lead adds.
import { OpenPgpError } from "../openpgp/packets";

export type GrafanaPublishedKey = {
  /** 16 hex digits, as manifests name it. */
  keyId: string;
  /** The armored OpenPGP public key. */
  public: string;
  /** When the key became valid. */
  since: Date;
};

export function grafanaKeysDocument(keys: GrafanaPublishedKey[]): { items: { keyId: string; public: string; since: number }[] } {
  const seen = new Set<string>();
  const items = keys.map((k) => {
    const keyId = k.keyId.toLowerCase();
    if (!/^[0-9a-f]{16}$/.test(keyId)) throw new OpenPgpError(`'${k.keyId}' is not a 16-hex-digit key ID`);
    if (seen.has(keyId)) throw new OpenPgpError(`Key ${keyId} is listed twice`);
    seen.add(keyId);
    if (!/^-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n[\s\S]*-----END PGP PUBLIC KEY BLOCK-----\s*$/.test(k.public.trim() + "\n")) throw new OpenPgpError(`Key ${keyId} is not an armored public key`);
    const since = k.since.getTime();
    if (!Number.isFinite(since)) throw new OpenPgpError(`Key ${keyId} has no valid 'since'`);
    return { keyId, public: k.public, since: Math.floor(since / 1000) };
  });
  return { items };
}
