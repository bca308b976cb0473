// Archive signing in the crash worker: each round uploads a small plugin archive for the plugin
// just certified (hosted key), so kills also land mid-signing, mid-rename and mid-commit.
import crypto from "node:crypto";
import yazl from "yazl";
import type { Principal } from "../../lib/server/auth/principal";
import { signArtifactUpload } from "../../lib/server/artifacts/sign-artifact";

function pluginArchive(pluginId: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify({ id: pluginId, name: pluginId, version: "1.0.0" })), "manifest.json");
  // Several entries of random (incompressible) bytes: signing takes long enough to be interrupted.
  for (let i = 0; i < 40; i++) zip.addBuffer(crypto.randomBytes(64 * 1024), `data/blob-${i}.bin`);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (c: Buffer) => chunks.push(c));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
}

export async function extraCrashWork(admin: Principal, orgSlug: string, pluginId: string, n: number): Promise<void> {
  // Plugins whose certificate was just revoked cannot sign (409): sign the others.
  if (n % 2 === 0) return;
  const body = await pluginArchive(pluginId);
  const req = new Request("http://localhost/upload", { method: "POST", body: new Uint8Array(body), headers: { "content-type": "application/zip", "content-length": String(body.length) } });
  const artifact = await signArtifactUpload(admin, orgSlug, pluginId, req);
  process.stdout.write(`signed ${artifact.id}\n`);
}
