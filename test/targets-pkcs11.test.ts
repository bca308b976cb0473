// Store keys held like CA keys: with a PKCS#11 token configured (SoftHSM2), enabling Mattermost generates
// its store key inside the token (no private half in the database in any form), and the .sig it makes is
// accepted by gpgv and by the Go check Mattermost runs.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { PUT as putTarget } from "@/app/api/v1/settings/targets/[target]/route";
import { POST as upload } from "@/app/api/v1/orgs/[slug]/plugins/[pluginId]/artifacts/route";
import { GET as storeSignature } from "@/app/api/v1/artifacts/[id]/store-signature.sig/route";
import { GET as keyFile } from "@/app/(public)/trust/[target]/keys/[keyId]/route";
import { configureKeyCustodyForTests } from "@/lib/server/keys/key-custody";
import { buildGoVerifier, run, toolAvailable } from "@/lib/pki/openpgp/test-tools";
import { call } from "./helpers";
import { tempDir } from "./pki-fixtures";
import { H, issuePluginCert, json, setUpStore, type Store } from "./artifact-fixtures";
import { createSoftHsmToken, listTokenPrivateKeys, SOFTHSM_MISSING, softhsmInstalled, type SoftHsmToken } from "./softhsm";

if (!softhsmInstalled) console.warn(SOFTHSM_MISSING);
const ID = "com.acme.tokenplugin";

describe.skipIf(!softhsmInstalled)("targets: store keys in the PKCS#11 token", () => {
  const dir = tempDir("signet-targets-p11-");
  let hsm: SoftHsmToken;
  let store: Store;
  beforeAll(async () => {
    hsm = createSoftHsmToken();
    await configureKeyCustodyForTests(hsm.config);
    store = await setUpStore();
    await issuePluginCert(store.acmeAdmin, "acme", ID);
  }, 180_000);
  afterAll(async () => {
    await configureKeyCustodyForTests("env");
    hsm?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the Mattermost store key is generated in the token and signs bundles that gpgv and Mattermost's Go check accept", async () => {
    const target = await json<{ keys: { keyId: string; algorithm: string }[] }>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mattermost" }, json: { enabled: true } }), 200);
    const [key] = target.keys;
    const row = await (await db()).storeKey.findFirstOrThrow({ where: { keyId: key.keyId }, select: { managedKey: { select: { backend: true, encryptedPrivateKey: true, pkcs11Label: true } } } });
    expect(row.managedKey).toMatchObject({ backend: "pkcs11", encryptedPrivateKey: null });
    expect(listTokenPrivateKeys(hsm).map((k) => k.label)).toContain(row.managedKey.pkcs11Label);

    const src = path.join(dir, "src", ID);
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, "plugin.json"), JSON.stringify({ id: ID, version: "1.0.0" }));
    fs.writeFileSync(path.join(src, "README.md"), "# token\n");
    const bundle = path.join(dir, `${ID}-1.0.0.tar.gz`);
    execFileSync("tar", ["-czf", bundle, "-C", path.join(dir, "src"), ID]);
    const artifact = await json<{ id: string }>(await call(H(upload), { token: store.acmeMember, url: `http://localhost:3999/x?target=mattermost`, params: { slug: "acme", pluginId: ID }, body: new Uint8Array(fs.readFileSync(bundle)), headers: { "content-type": "application/gzip" } }), 201);
    const sig = `${bundle}.sig`;
    fs.writeFileSync(sig, Buffer.from(await (await call(H(storeSignature), { params: { id: artifact.id } })).arrayBuffer()));
    const asc = path.join(dir, "key.asc");
    fs.writeFileSync(asc, Buffer.from(await (await call(H(keyFile), { params: { target: "mattermost", keyId: key.keyId } })).arrayBuffer()));
    if (!toolAvailable("go") || !toolAvailable("gpg")) return;
    expect(run(buildGoVerifier("mattermost-verify"), [asc, sig, bundle]).output).toContain(`OK ${key.keyId}`);
    execFileSync("gpg", ["--homedir", dir, "--batch", "--yes", "--dearmor", "--output", `${asc}.gpg`, asc], { stdio: "pipe" });
    const gpgv = run("gpgv", ["--keyring", `${asc}.gpg`, sig, bundle]);
    expect(gpgv.status, gpgv.output).toBe(0);
  });
});
