import Link from "next/link";
import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { CopyBlock } from "@/components/trust/copy-block";
import { Identifier } from "@/components/ui/identifier";
import { getTrustDocument, keyFileName } from "@/lib/server/targets/trust";

export const metadata = { title: "Trust this store" };
export const dynamic = "force-dynamic";

const TITLES: Record<string, { name: string; where: string }> = {
  jami: { name: "Jami (and every detached .p7s)", where: "Install the Root CA certificate below: the Jami daemon checks each plugin's certificate chain up to it, and openssl cms checks the .p7s that comes with every signed artifact, whatever its store." },
  mattermost: { name: "Mattermost", where: "Download each key file below, add it to the server (System Console › Plugin Management › Public keys, or mmctl plugin add key FILE), and list it in config.json as shown." },
  grafana: { name: "Grafana", where: "Nothing to download: set the [grafana_com] url in grafana.ini as shown. Grafana then fetches the keys below (and Grafana Labs' own) from Signet, and the plugin catalog keeps working through Signet." },
  dify: { name: "Dify", where: "Download each key file below (a PKCS#1 RSA public key), mount it into the plugin daemon's container, and set the daemon's environment as shown." },
  mender: { name: "Mender", where: "Download each key file below (a PEM public key), copy it to the device under /etc/mender/, and add it to ArtifactVerifyKeys in mender.conf as shown." },
};

/** Where the copied configuration goes on the host. */
const HOST_CONFIG_TITLES: Record<string, string> = {
  jami: "Check a .p7s with openssl",
  mattermost: "config.json",
  grafana: "grafana.ini",
  dify: "Plugin daemon environment",
  mender: "mender.conf",
};

export default async function TrustPage() {
  const { targets } = await getTrustDocument();
  return (
    <main id="main" className="mx-auto max-w-5xl px-4 py-10">
      <div className="mb-8">
        <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet</p>
        <h1 className="mt-1 text-2xl font-bold">Trust this store</h1>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          What each plugin host installs to accept what this store signs. Key files download byte-exact; install the <em>next</em> key as soon as it
          appears, so that hosts already trust it when it starts signing. The same list is at <code className="font-mono">GET /api/v1/trust</code>.{" "}
          <Link href="/verify" className="font-medium text-brand-700 hover:underline dark:text-brand-300">Verify an archive</Link>
        </p>
      </div>
      <div className="space-y-6">
        {targets.map((t) => (
          <Card key={t.target} title={TITLES[t.target]?.name ?? t.target} description={TITLES[t.target]?.where}>
            {/* Phones: one block per key, the file to download first in reach; wider screens: a table. */}
            <ul className="mb-4 space-y-3 sm:hidden" aria-label={`${t.target} keys`}>
              {t.keys.map((k) => (
                <li key={k.keyId} className="border-t border-slate-100 pt-3 text-sm first:border-t-0 first:pt-0 dark:border-slate-800">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-mono text-xs" title={k.fingerprint}>{k.keyId}</span>
                    <Badge tone={k.status === "next" ? "blue" : statusTone(k.status)}>{k.status}</Badge>
                  </div>
                  <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                    <span className="whitespace-nowrap">{k.algorithm}</span> · since <span className="whitespace-nowrap">{k.createdAt.slice(0, 10)}</span>
                  </p>
                  <a href={k.url} className="mt-1 inline-block text-xs font-medium text-brand-700 hover:underline dark:text-brand-300" download={keyFileName(t.target, k.keyId)}>
                    Download <Identifier>{keyFileName(t.target, k.keyId)}</Identifier>
                  </a>
                </li>
              ))}
            </ul>
            <table className="mb-4 hidden w-full text-left text-sm sm:table" aria-label={`${t.target} keys`}>
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th className="py-1 pr-3">Key</th>
                  <th className="py-1 pr-3">Algorithm</th>
                  <th className="py-1 pr-3">Status</th>
                  <th className="py-1 pr-3">Since</th>
                  <th className="py-1">File</th>
                </tr>
              </thead>
              <tbody>
                {t.keys.map((k) => (
                  <tr key={k.keyId} className="border-t border-slate-100 dark:border-slate-800">
                    <td className="py-1.5 pr-3 font-mono text-xs" title={k.fingerprint}>
                      {k.keyId}
                    </td>
                    <td className="py-1.5 pr-3 whitespace-nowrap">{k.algorithm}</td>
                    <td className="py-1.5 pr-3">
                      <Badge tone={k.status === "next" ? "blue" : statusTone(k.status)}>{k.status}</Badge>
                    </td>
                    <td className="py-1.5 pr-3 whitespace-nowrap">{k.createdAt.slice(0, 10)}</td>
                    <td className="py-1.5">
                      <a href={k.url} className="text-xs text-brand-700 hover:underline dark:text-brand-300" download={keyFileName(t.target, k.keyId)}>
                        <Identifier>{keyFileName(t.target, k.keyId)}</Identifier>
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <CopyBlock text={t.hostConfig.text} label={`${t.target} host configuration`} title={HOST_CONFIG_TITLES[t.target] ?? "Host configuration"} />
          </Card>
        ))}
      </div>
    </main>
  );
}
