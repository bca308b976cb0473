// One archive signing in a process of its own (so its peak RSS is its own), exactly as the server
// does it: the target's lib/pki signer (for jami signArchive with worker threads), then the detached
// CMS. Prints the time in ms and the number of signed files.
//   jami:  INPUT OUTPUT PLUGIN_KEY CHAIN
//   other: INPUT OUTPUT PLUGIN_KEY CHAIN TARGET STORE_KEY PLUGIN_ID
import crypto from "node:crypto";
import fs from "node:fs";
import { certificatesFromPem } from "../lib/pki/chain/parse-certificate";
import { createDetachedSignature } from "../lib/pki/cms/signed-data";
import { signDifyPackage } from "../lib/pki/dify/sign-package";
import { signGrafanaPlugin } from "../lib/pki/grafana/sign-plugin";
import { signArchive } from "../lib/pki/jpl/sign-archive";
import { signMattermostBundle } from "../lib/pki/mattermost/sign-bundle";
import { signMenderArtifact } from "../lib/pki/mender/sign-artifact";
import { softwareSigner, type Signer } from "../lib/pki/signer";

const [input, output, keyPath, chainPath, target = "jami", storeKeyPath, pluginId = "com.bench.plugin"] = process.argv.slice(2);
const privateKey = crypto.createPrivateKey(fs.readFileSync(keyPath));
const chainDer = certificatesFromPem(fs.readFileSync(chainPath, "utf8"));
const storeSigner: Signer | undefined = storeKeyPath ? softwareSigner(crypto.createPrivateKey(fs.readFileSync(storeKeyPath))) : undefined;
// The key's creation time as the server fixes it (whole seconds, before any signature).
const storeKey = storeSigner ? { spki: storeSigner.publicKeySpki, createdAt: new Date("2026-01-01T00:00:00Z") } : undefined;
const now = new Date(Math.floor(Date.now() / 1000) * 1000);

async function signTarget(): Promise<{ sha256: Uint8Array; files: number }> {
  switch (target) {
    case "jami": {
      const signed = await signArchive({ inputPath: input, outputPath: output, privateKey, chainDer });
      return { sha256: signed.sha256, files: signed.files.length };
    }
    case "mattermost": {
      const signed = await signMattermostBundle({ inputPath: input, outputPath: output, signers: [{ signer: storeSigner!, key: storeKey! }], createdAt: now, expectedPluginId: pluginId });
      fs.writeFileSync(`${output}.sig`, signed.storeSignature);
      return { sha256: signed.sha256, files: signed.bundle.entries.filter((e) => e.type === "file").length };
    }
    case "grafana": {
      const signed = await signGrafanaPlugin({ inputPath: input, outputPath: output, signer: storeSigner!, key: storeKey!, now, expectedPluginId: pluginId, signatureType: "private", signedByOrg: "bench", signedByOrgName: "Bench Org", rootUrls: ["https://grafana.bench.test/"] });
      return { sha256: signed.sha256, files: signed.files.length };
    }
    case "dify": {
      const signed = await signDifyPackage({ inputPath: input, outputPath: output, signer: storeSigner!, authorizedCategory: "community", now });
      return { sha256: signed.sha256, files: signed.files.length };
    }
    case "mender": {
      const signed = await signMenderArtifact({ inputPath: input, outputPath: output, signer: storeSigner! });
      return { sha256: signed.sha256, files: signed.artifact.payloads.reduce((n, p) => n + p.files.length, 0) };
    }
    default:
      throw new Error(`unknown target ${target}`);
  }
}

const start = performance.now();
const signed = await signTarget();
const p7s = await createDetachedSignature({ contentSha256: signed.sha256, certificatesDer: chainDer, signer: softwareSigner(privateKey), signingTime: new Date() });
const ms = performance.now() - start;
fs.writeFileSync(`${output}.p7s`, p7s);
process.stdout.write(`${ms.toFixed(0)} ${signed.files}\n`);
