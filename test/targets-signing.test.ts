// Signing by target through the HTTP API, checked by verifiers Signet did not write: gpgv and the Go
// program on golang.org/x/crypto/openpgp that Mattermost runs; gpgv, ProtonMail go-crypto (Grafana's) and the
// manifest rules of FORMATS.md §6 in Python over the unpacked Grafana plugin; openssl cms for the detached
// CMS beside every artifact. Each accepts what Signet signed and refuses a tampered copy and a foreign key.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { verifyCommand } from "@/cli/commands/verify";
import { env } from "@/lib/env";
import { sweepAbandonedFiles } from "@/lib/server/artifacts/sweep-abandoned-files";
import { db } from "@/lib/db";
import { GET as download } from "@/app/api/v1/artifacts/[id]/download/route";
import { GET as signatureP7s } from "@/app/api/v1/artifacts/[id]/signature.p7s/route";
import { GET as storeSignature } from "@/app/api/v1/artifacts/[id]/store-signature.sig/route";
import { PUT as putTarget } from "@/app/api/v1/settings/targets/[target]/route";
import { POST as addKey } from "@/app/api/v1/settings/targets/[target]/keys/route";
import { POST as activate } from "@/app/api/v1/settings/targets/[target]/keys/[keyId]/activate/route";
import { POST as retire } from "@/app/api/v1/settings/targets/[target]/keys/[keyId]/retire/route";
import { GET as keyFile } from "@/app/(public)/trust/[target]/keys/[keyId]/route";
import { GET as grafanaKeys } from "@/app/grafana/api/plugins/ci/keys/route";
import { PUT as putOrgGrafana } from "@/app/api/v1/orgs/[slug]/targets/grafana/route";
import { POST as upload } from "@/app/api/v1/orgs/[slug]/plugins/[pluginId]/artifacts/route";
import { POST as verify } from "@/app/api/v1/verify/route";
import { POST as revokeArtifact } from "@/app/api/v1/artifacts/[id]/revoke/route";
import { generateKeyPair, softwareSigner } from "@/lib/pki/signer";
import { openpgpPublicKey } from "@/lib/pki/openpgp/sign";
import { buildGoVerifier, run, toolAvailable } from "@/lib/pki/openpgp/test-tools";
import { zipTo } from "@/lib/pki/jpl/test-fixtures";
import { PY_RULES } from "@/lib/pki/grafana/test-manifest-rules";
import { call } from "./helpers";
import { openssl, tempDir } from "./pki-fixtures";
import { H, issuePluginCert, json, setUpStore, type Store } from "./artifact-fixtures";

const MM_ID = "com.acme.mmdemo";
const GF_ID = "com.acme.clock-panel";
const dir = tempDir("signet-targets-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);

type Artifact = { id: string; target: string; pluginId: string; version: string; sha256: string; files: { path: string; size: number }[]; certificateSerial: string; downloadUrl: string; signatureUrl: string; storeSignatureUrl?: string };
type TargetKey = { keyId: string; status: string };

const hasTools = toolAvailable("gpgv") && toolAvailable("gpg") && toolAvailable("go");

/** A Mattermost plugin bundle as `make dist` lays it out, packed by GNU tar. */
function mattermostBundle(id = MM_ID, version = "2.1.0"): string {
  const src = file("mm-src");
  const root = path.join(src, id);
  fs.mkdirSync(path.join(root, "server", "dist"), { recursive: true });
  fs.mkdirSync(path.join(root, "webapp", "dist"), { recursive: true });
  fs.mkdirSync(path.join(root, "assets"), { recursive: true });
  fs.writeFileSync(path.join(root, "plugin.json"), JSON.stringify({ id, name: "Demo", version, min_server_version: "9.0.0", server: { executables: { "linux-amd64": "server/dist/plugin-linux-amd64" } }, webapp: { bundle_path: "webapp/dist/main.js" } }, null, 2));
  fs.writeFileSync(path.join(root, "server", "dist", "plugin-linux-amd64"), crypto.randomBytes(300_000), { mode: 0o755 });
  fs.writeFileSync(path.join(root, "webapp", "dist", "main.js"), "window.registerPlugin('x', {});\n".repeat(500));
  fs.writeFileSync(path.join(root, "assets", "icon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  const out = file(`${id}-${version}.tar.gz`);
  execFileSync("tar", ["-czf", out, "-C", src, id]);
  return out;
}

async function uploadFor(token: string, pluginId: string, target: string, body: Buffer, type: string): Promise<Response> {
  return call(H(upload), { token, url: `http://localhost:3999/api/v1/orgs/acme/plugins/${pluginId}/artifacts?target=${target}`, params: { slug: "acme", pluginId }, body: new Uint8Array(body), headers: { "content-type": type } });
}

async function fetchBytes(handler: unknown, params: Record<string, string>, token?: string): Promise<Buffer> {
  const res = await call(H(handler), { params, token });
  expect(res.status, await res.clone().text()).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** The key file as /trust serves it, and its binary form made by GnuPG (gpgv wants a binary keyring). */
async function trustedKey(target: string, keyId: string): Promise<{ asc: string; gpg: string }> {
  const asc = file(`${keyId}.asc`);
  fs.writeFileSync(asc, await fetchBytes(keyFile, { target, keyId }));
  const gpg = `${asc}.gpg`;
  execFileSync("gpg", ["--homedir", dir, "--batch", "--yes", "--dearmor", "--output", gpg, asc], { stdio: "pipe" });
  return { asc, gpg };
}

function concatKeys(...keys: { gpg: string }[]): { asc: string; gpg: string } {
  const both = file("both.gpg");
  fs.writeFileSync(both, Buffer.concat(keys.map((k) => fs.readFileSync(k.gpg))));
  return { asc: both, gpg: both };
}

async function foreignKey(): Promise<{ asc: string; gpg: string }> {
  const signer = softwareSigner(generateKeyPair("rsa-3072").privateKey);
  const pub = await openpgpPublicKey({ spki: signer.publicKeySpki, createdAt: new Date("2026-01-01T00:00:00Z"), userId: "Someone else", signer, now: new Date() });
  const asc = file("foreign.asc");
  fs.writeFileSync(asc, pub.armored);
  fs.writeFileSync(`${asc}.gpg`, pub.binary);
  return { asc, gpg: `${asc}.gpg` };
}

function cmsVerifies(content: string, p7s: Buffer, rootPem: string): boolean {
  const sig = `${content}.p7s`;
  fs.writeFileSync(sig, p7s);
  try {
    openssl(["cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", content, "-CAfile", rootPem, "-purpose", "any", "-out", "/dev/null"]);
    return true;
  } catch {
    return false;
  }
}

type Report = { valid: boolean; target?: string; pluginId: string; files: { path: string; state: string }[]; store?: { valid: boolean; keyIds: string[] }; chain: { status: string }[]; cms: { valid: boolean } | null; artifactRevoked: boolean; problems: string[]; notes: string[] };

async function verifyReport(files: { file: string; p7s?: Buffer; sig?: string }, query = ""): Promise<Report> {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(fs.readFileSync(files.file))]), path.basename(files.file));
  if (files.p7s) form.set("signature", new Blob([new Uint8Array(files.p7s)]), "x.p7s");
  if (files.sig) form.set("storeSignature", new Blob([new Uint8Array(fs.readFileSync(files.sig))]), "x.sig");
  return json<Report>(await call(H(verify), { url: `http://localhost:3999/api/v1/verify${query}`, body: form }), 200);
}

const signedForVerify: { mattermost?: { id: string; bundle: string; sig: string; p7s: Buffer }; grafana?: { id: string; zip: string; p7s: Buffer; tampered: string } } = {};

describe("targets: signing Mattermost and Grafana plugins through the API", () => {
  let store: Store;
  let rootPem = "";
  let mattermostVerify = "";
  let grafanaVerify = "";
  beforeAll(async () => {
    store = await setUpStore();
    rootPem = path.join(dir, "root.pem");
    fs.writeFileSync(rootPem, store.rootPem);
    await issuePluginCert(store.acmeAdmin, "acme", MM_ID);
    await issuePluginCert(store.acmeAdmin, "acme", GF_ID);
    if (hasTools) {
      mattermostVerify = buildGoVerifier("mattermost-verify");
      grafanaVerify = buildGoVerifier("grafana-verify");
    }
  }, 180_000);

  const mmAccepts = (key: { asc: string; gpg: string }, sig: string, bundle: string) => {
    const go = run(mattermostVerify, [key.asc, sig, bundle]);
    const gpg = run("gpgv", ["--keyring", key.gpg, sig, bundle]);
    return { go: go.status === 0, gpgv: gpg.status === 0, output: `${go.output}\n${gpg.output}` };
  };

  it("mattermost: refused while the target is off; then signed: the bundle unchanged, the .sig accepted by gpgv and Mattermost's Go check, the CMS by openssl", async () => {
    const bundle = mattermostBundle();
    const off = await uploadFor(store.acmeMember, MM_ID, "mattermost", fs.readFileSync(bundle), "application/gzip");
    expect(off.status).toBe(409);
    expect((await off.json()).detail).toMatch(/does not sign for mattermost/);
    const enabled = await json<{ keys: TargetKey[] }>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mattermost" }, json: { enabled: true } }), 200);
    const artifact = await json<Artifact>(await uploadFor(store.acmeMember, MM_ID, "mattermost", fs.readFileSync(bundle), "application/gzip"), 201);
    expect(artifact).toMatchObject({ target: "mattermost", pluginId: MM_ID, version: "2.1.0", storeSignatureUrl: `/api/v1/artifacts/${artifact.id}/store-signature.sig` });
    expect(artifact.files.map((f) => f.path).sort()).toEqual([`${MM_ID}/assets/icon.svg`, `${MM_ID}/plugin.json`, `${MM_ID}/server/dist/plugin-linux-amd64`, `${MM_ID}/webapp/dist/main.js`]);

    const res = await call(H(download), { token: store.acmeMember, params: { id: artifact.id } });
    expect(res.headers.get("content-type")).toBe("application/gzip");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${MM_ID}-2.1.0.tar.gz"`);
    const signed = file("signed.tar.gz");
    fs.writeFileSync(signed, Buffer.from(await res.arrayBuffer()));
    expect(fs.readFileSync(signed).equals(fs.readFileSync(bundle))).toBe(true);
    const sig = file("signed.tar.gz.sig");
    fs.writeFileSync(sig, await fetchBytes(storeSignature, { id: artifact.id }));
    const p7s = await fetchBytes(signatureP7s, { id: artifact.id });
    expect(cmsVerifies(signed, p7s, rootPem)).toBe(true);
    signedForVerify.mattermost = { id: artifact.id, bundle: signed, sig, p7s };
    if (!hasTools) return;
    const key = await trustedKey("mattermost", enabled.keys[0].keyId);
    const ok = mmAccepts(key, sig, signed);
    expect(ok, ok.output).toMatchObject({ go: true, gpgv: true });
    expect(run(mattermostVerify, [key.asc, sig, signed]).output).toContain(`OK ${enabled.keys[0].keyId}`);
    const tampered = file("tampered.tar.gz");
    const bytes = fs.readFileSync(signed);
    bytes[bytes.length - 20] ^= 1;
    fs.writeFileSync(tampered, bytes);
    expect(mmAccepts(key, sig, tampered)).toMatchObject({ go: false, gpgv: false });
    expect(mmAccepts(await foreignKey(), sig, signed)).toMatchObject({ go: false, gpgv: false });
  });

  it("mattermost: a bundle for another plugin id, a zip, or a target that does not exist is a 4xx naming it", async () => {
    const other = await uploadFor(store.acmeMember, MM_ID, "mattermost", fs.readFileSync(mattermostBundle("com.acme.other")), "application/gzip");
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ archiveError: "manifest_id_mismatch" });
    const zip = await zipTo(file("not-a-tarball.zip"), [{ name: "plugin.json", content: "{}" }]);
    expect((await uploadFor(store.acmeMember, MM_ID, "mattermost", fs.readFileSync(zip), "application/gzip")).status).toBe(400);
    expect((await uploadFor(store.acmeMember, MM_ID, "npm", fs.readFileSync(zip), "application/gzip")).status).toBe(400);
    expect((await uploadFor(store.acmeMember, MM_ID, "dify", fs.readFileSync(zip), "application/zip")).status).toBe(409);
    expect(await (await db()).artifact.count({ where: { target: "mattermost" } })).toBe(1);
  });

  it("mattermost rotation end to end: hosts trusting only the old key, only the new, and both", async () => {
    const [oldKey] = (await json<{ keys: TargetKey[] }>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mattermost" }, json: { enabled: true } }), 200)).keys.filter((k) => k.status === "active");
    // What a host installed before the rotation began: the old key's file, unrevoked.
    const oldHost = hasTools ? await trustedKey("mattermost", oldKey.keyId) : undefined;
    const rotationStart = (await (await db()).auditEvent.aggregate({ _max: { seq: true } }))._max.seq ?? 0;
    const next = await json<TargetKey>(await call(H(addKey), { token: store.operator, params: { target: "mattermost" }, json: { algorithm: "ecdsa-p256" } }), 201);
    const signedWith = async (version: string) => {
      const bundle = mattermostBundle(MM_ID, version);
      const a = await json<Artifact>(await uploadFor(store.acmeMember, MM_ID, "mattermost", fs.readFileSync(bundle), "application/gzip"), 201);
      const sig = `${bundle}.sig`;
      fs.writeFileSync(sig, await fetchBytes(storeSignature, { id: a.id }));
      return { bundle, sig };
    };
    // 1. The next key is published but does not sign yet.
    const published = await signedWith("2.2.0");
    // 2. Both active: the .sig holds one signature per key.
    await json(await call(H(activate), { token: store.operator, params: { target: "mattermost", keyId: next.keyId } }), 200);
    const overlap = await signedWith("2.3.0");
    // 3. The old key retired: only the new key signs.
    await json(await call(H(retire), { token: store.operator, params: { target: "mattermost", keyId: oldKey.keyId } }), 200);
    const after = await signedWith("2.4.0");
    // Every step audited, in order, and each signing records the keys that signed it.
    const client = await db();
    const steps = await client.auditEvent.findMany({ where: { action: { in: ["target.key_created", "target.key_activated", "target.key_retired", "artifact.signed"] }, seq: { gt: rotationStart } }, orderBy: { seq: "asc" }, select: { action: true, subjectId: true, details: true } });
    const storeKeys = await client.storeKey.findMany({ where: { keyId: { in: [oldKey.keyId, next.keyId] } }, select: { id: true, keyId: true } });
    const keyIdOf = (id: string) => storeKeys.find((k) => k.id === id)?.keyId;
    expect(steps.map((e) => (e.action === "artifact.signed" ? `signed by ${((e.details as { storeKeyIds: string[] }).storeKeyIds ?? []).map(keyIdOf).join("+")}` : `${e.action} ${e.subjectId}`))).toEqual([
      `target.key_created ${next.keyId}`,
      `signed by ${oldKey.keyId}`,
      `target.key_activated ${next.keyId}`,
      `signed by ${oldKey.keyId}+${next.keyId}`,
      `target.key_retired ${oldKey.keyId}`,
      `signed by ${next.keyId}`,
    ]);
    if (!hasTools || !oldHost) return;
    const oldOnly = await trustedKey("mattermost", oldKey.keyId); // now carries its revocation
    const newOnly = await trustedKey("mattermost", next.keyId);
    const both = concatKeys(oldHost, newOnly);
    const go = (key: { asc: string }, s: { bundle: string; sig: string }) => run(mattermostVerify, [key.asc, s.sig, s.bundle]).status === 0;
    expect([go(oldHost, published), go(newOnly, published), go(both, published)]).toEqual([true, false, true]);
    expect([go(oldHost, overlap), go(newOnly, overlap), go(both, overlap)]).toEqual([true, true, true]);
    expect([go(oldHost, after), go(newOnly, after), go(both, after)]).toEqual([false, true, true]);
    expect(run("gpgv", ["--keyring", both.gpg, overlap.sig, overlap.bundle]).status).toBe(0);
    // gpgv (not what Mattermost runs) finds the good signature but exits 2 for the one by a key it lacks:
    // a gpgv-based check during an overlap needs both keys.
    const gpgvOld = run("gpgv", ["--keyring", oldHost.gpg, overlap.sig, overlap.bundle]);
    expect(gpgvOld.status).toBe(2);
    expect(gpgvOld.output).toMatch(/Good signature[\s\S]*No public key/);
    // A host that re-installs the retired key's file stops trusting it (Go skips revoked keys).
    expect(go(oldOnly, published)).toBe(false);
    // gpgv, the other verifier, for the same three hosts across the three phases: 0 = accepted; 2 = a
    // signature by a key it lacks (during the overlap beside the good one); 1 or 2 = refused.
    const gpgv = (key: { gpg: string }, s: { bundle: string; sig: string }) => run("gpgv", ["--keyring", key.gpg, s.sig, s.bundle]);
    const gpgvGood = (key: { gpg: string }, s: { bundle: string; sig: string }) => /Good signature/.test(gpgv(key, s).output);
    expect([gpgv(oldHost, published).status, gpgv(newOnly, published).status, gpgv(both, published).status]).toEqual([0, 2, 0]);
    expect([gpgvGood(oldHost, overlap), gpgvGood(newOnly, overlap), gpgv(both, overlap).status]).toEqual([true, true, 0]);
    expect([gpgvGood(oldHost, after), gpgv(newOnly, after).status, gpgv(both, after).status]).toEqual([false, 0, 0]);
  });

  it("grafana: private signatures need the org's root URLs; the zip gets MANIFEST.txt that gpgv, Grafana's Go check and the §6 rules accept, and a CMS", async () => {
    const enabled = await json<{ keys: TargetKey[] }>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "grafana" }, json: { enabled: true } }), 200);
    const entries = [
      { name: `${GF_ID}/`, dir: true },
      { name: `${GF_ID}/plugin.json`, content: JSON.stringify({ type: "panel", name: "Clock", id: GF_ID, info: { version: "3.0.1", updated: "2026-11-30" } }, null, 2) },
      { name: `${GF_ID}/module.js`, content: "define([], function () { return {}; });\n".repeat(300) },
      { name: `${GF_ID}/img/`, dir: true },
      { name: `${GF_ID}/img/logo.svg`, content: "<svg xmlns='http://www.w3.org/2000/svg'/>" },
      // An uploader's own manifest claiming Grafana Labs' signature type is replaced, never kept.
      { name: `${GF_ID}/MANIFEST.txt`, content: '{"signatureType":"grafana"}' },
    ];
    const zip = await zipTo(file("clock.zip"), entries);
    const noUrls = await uploadFor(store.acmeMember, GF_ID, "grafana", fs.readFileSync(zip), "application/zip");
    expect(noUrls.status).toBe(409);
    expect((await noUrls.json()).detail).toMatch(/root URLs/);
    expect((await call(H(putOrgGrafana), { method: "PUT", token: store.acmeMember, params: { slug: "acme" }, json: { rootUrls: ["https://grafana.acme.test/"] } })).status).toBe(403);
    expect((await call(H(putOrgGrafana), { method: "PUT", token: store.acmeAdmin, params: { slug: "acme" }, json: { rootUrls: ["ftp://x"] } })).status).toBe(400);
    await json(await call(H(putOrgGrafana), { method: "PUT", token: store.acmeAdmin, params: { slug: "acme" }, json: { rootUrls: ["https://grafana.acme.test/"] } }), 200);

    const artifact = await json<Artifact>(await uploadFor(store.acmeMember, GF_ID, "grafana", fs.readFileSync(zip), "application/zip"), 201);
    expect(artifact).toMatchObject({ target: "grafana", pluginId: GF_ID, version: "3.0.1" });
    expect(artifact.storeSignatureUrl).toBeUndefined();
    const res = await call(H(download), { token: store.acmeMember, params: { id: artifact.id } });
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${GF_ID}-3.0.1.zip"`);
    const signed = file("signed.zip");
    fs.writeFileSync(signed, Buffer.from(await res.arrayBuffer()));
    const p7s = await fetchBytes(signatureP7s, { id: artifact.id });
    expect(cmsVerifies(signed, p7s, rootPem)).toBe(true);

    const keyId = enabled.keys[0].keyId;
    const unpacked = file("unpacked");
    const rules = JSON.parse(execFileSync("/usr/bin/python3", ["-c", PY_RULES, signed, unpacked, keyId], { encoding: "utf8" }));
    expect(rules).toEqual({ problems: [], signatureType: "private", rootUrls: ["https://grafana.acme.test/"], files: ["img/logo.svg", "module.js", "plugin.json"] });
    const manifestFile = path.join(unpacked, GF_ID, "MANIFEST.txt");
    const manifestText = fs.readFileSync(manifestFile, "utf8");
    expect(manifestText).toContain('"signedByOrgName": "Acme Plugins"');
    expect(manifestText).toContain('"signedByOrg": "acme"');
    if (!hasTools) return;
    // Grafana reads the key from the keys endpoint: take it from there.
    const doc = (await (await call(H(grafanaKeys))).json()) as { items: { keyId: string; public: string }[] };
    const served = file("grafana-served.asc");
    fs.writeFileSync(served, doc.items.find((i) => i.keyId === keyId)!.public);
    expect(run(grafanaVerify, [served, manifestFile]).output.split("\n")[0]).toBe(`OK ${keyId}`);
    const key = await trustedKey("grafana", keyId);
    expect(run("gpgv", ["--keyring", key.gpg, manifestFile]).status).toBe(0);
    const foreign = await foreignKey();
    expect(run("gpgv", ["--keyring", foreign.gpg, manifestFile]).status).not.toBe(0);
    expect(run(grafanaVerify, [foreign.asc, manifestFile]).status).toBe(1);
    // Tampered: an edited manifest fails the signature; an edited file fails the §6 rules.
    const edited = file("MANIFEST.txt");
    fs.writeFileSync(edited, manifestText.replace('"version": "3.0.1"', '"version": "3.0.2"'));
    expect(run("gpgv", ["--keyring", key.gpg, edited]).status).not.toBe(0);
    expect(run(grafanaVerify, [served, edited]).status).toBe(1);
    const tamperedZip = await zipTo(file("tampered.zip"), [
      ...entries.filter((e) => !e.name.endsWith("MANIFEST.txt") && !e.name.endsWith("module.js")),
      { name: `${GF_ID}/module.js`, content: "alert('changed');\n" },
      { name: `${GF_ID}/MANIFEST.txt`, content: manifestText },
    ]);
    const tamperedRules = JSON.parse(execFileSync("/usr/bin/python3", ["-c", PY_RULES, tamperedZip, file("unpacked-t"), keyId], { encoding: "utf8" }));
    expect(tamperedRules.problems).toEqual(["changed module.js"]);
    signedForVerify.grafana = { id: artifact.id, zip: signed, p7s, tampered: tamperedZip };
  });

  it("grafana: with signatureType community in settings, manifests carry no root URLs; 'grafana' and 'commercial' are refused", async () => {
    await json(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "grafana" }, json: { enabled: true, grafana: { signatureType: "community", grafanaKeys: [] } } }), 200);
    for (const bad of ["grafana", "commercial"]) {
      expect((await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "grafana" }, json: { enabled: true, grafana: { signatureType: bad } } })).status).toBe(400);
    }
    const zip = await zipTo(file("clock2.zip"), [
      { name: `${GF_ID}/plugin.json`, content: JSON.stringify({ type: "panel", name: "Clock", id: GF_ID, info: { version: "3.1.0" } }) },
      { name: `${GF_ID}/module.js`, content: "define([], function () { return {}; });\n" },
    ]);
    const artifact = await json<Artifact>(await uploadFor(store.acmeMember, GF_ID, "grafana", fs.readFileSync(zip), "application/zip"), 201);
    const signed = file("signed2.zip");
    fs.writeFileSync(signed, await fetchBytes(download, { id: artifact.id }, store.acmeMember));
    const keyId = (await (await db()).storeKey.findFirstOrThrow({ where: { target: "grafana", status: "active" } })).keyId;
    const rules = JSON.parse(execFileSync("/usr/bin/python3", ["-c", PY_RULES, signed, file("unpacked2"), keyId], { encoding: "utf8" }));
    expect(rules).toMatchObject({ problems: [], signatureType: "community", rootUrls: null });
  });

  it("verify: /api/v1/verify recognizes a Mattermost bundle and a Grafana zip, checks them as their hosts do, and reports per-file states, the CMS chain and revocation", async () => {
    // The first bundle was signed by the key the rotation retired: a host that re-installed its file refuses it.
    const first = signedForVerify.mattermost!;
    const byRetired = await verifyReport({ file: first.bundle, p7s: first.p7s, sig: first.sig });
    expect(byRetired.valid).toBe(false);
    expect(byRetired.files.every((f) => f.state === "invalid")).toBe(true);
    expect(byRetired.problems[0]).toMatch(/a retired key/);
    const bundle = mattermostBundle(MM_ID, "2.5.0");
    const fresh = await json<Artifact>(await uploadFor(store.acmeMember, MM_ID, "mattermost", fs.readFileSync(bundle), "application/gzip"), 201);
    const mm = { id: fresh.id, bundle, sig: `${bundle}.sig`, p7s: await fetchBytes(signatureP7s, { id: fresh.id }) };
    fs.writeFileSync(mm.sig, await fetchBytes(storeSignature, { id: fresh.id }));
    const ok = await verifyReport({ file: mm.bundle, p7s: mm.p7s, sig: mm.sig });
    expect(ok.problems).toEqual([]);
    expect(ok).toMatchObject({ valid: true, target: "mattermost", pluginId: MM_ID, store: { valid: true }, cms: { valid: true }, artifactRevoked: false });
    expect(ok.chain.map((c) => c.status)).toEqual(["good", "good", "trusted-root"]);
    expect(ok.files.every((f) => f.state === "valid")).toBe(true);
    // The store signature alone is what Mattermost checks; without the .p7s the chain is not, and it says so.
    const noP7s = await verifyReport({ file: mm.bundle, sig: mm.sig });
    expect(noP7s.valid).toBe(true);
    expect(noP7s.notes.join(" ")).toMatch(/no detached CMS/);
    expect((await verifyReport({ file: mm.bundle })).files.every((f) => f.state === "unsigned")).toBe(true);
    // Same plugin and version, other bytes: the signature by a store key no longer matches.
    const changed = await verifyReport({ file: mattermostBundle(MM_ID, "2.5.0"), sig: mm.sig, p7s: mm.p7s });
    expect(changed.valid).toBe(false);
    expect(changed.files.every((f) => f.state === "modified")).toBe(true);
    expect(changed.cms?.valid).toBe(false);

    const gf = signedForVerify.grafana!;
    const gOk = await verifyReport({ file: gf.zip, p7s: gf.p7s }, "?appUrl=https://grafana.acme.test/");
    expect(gOk.problems).toEqual([]);
    expect(gOk).toMatchObject({ valid: true, target: "grafana", pluginId: GF_ID, store: { valid: true }, cms: { valid: true } });
    const wrongHost = await verifyReport({ file: gf.zip }, "?appUrl=https://grafana.elsewhere.test/");
    expect(wrongHost.valid).toBe(false);
    expect(wrongHost.files.every((f) => f.state === "invalid")).toBe(true);
    const gBad = await verifyReport({ file: gf.tampered });
    expect(gBad.valid).toBe(false);
    expect(gBad.files.find((f) => f.path === `${GF_ID}/module.js`)?.state).toBe("modified");
    expect(gBad.files.find((f) => f.path === `${GF_ID}/plugin.json`)?.state).toBe("valid");

    signedForVerify.mattermost = mm;
    // Artifact revocation reaches every format.
    await json(await call(H(revokeArtifact), { token: store.acmeAdmin, params: { id: mm.id }, json: { reason: "security issue in 2.1.0" } }), 200);
    const revoked = await verifyReport({ file: mm.bundle, p7s: mm.p7s, sig: mm.sig });
    expect(revoked).toMatchObject({ valid: false, artifactRevoked: true });
  });

  it("verify: `signet verify` recognizes both formats and checks them with the store's key files (--key), offline", async () => {
    const runVerify = async (args: string[]) => {
      let out = "";
      const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
        out += String(chunk);
        return true;
      });
      try {
        return { code: await verifyCommand(args), out };
      } finally {
        spy.mockRestore();
      }
    };
    const keys = await (await db()).storeKey.findMany({ where: { target: "mattermost" }, orderBy: { createdAt: "asc" } });
    const keyFiles = keys.map((k) => {
      const f = file(`${k.keyId}.asc`);
      fs.writeFileSync(f, k.publicKeyFile);
      return f;
    });
    const mm = signedForVerify.mattermost!;
    fs.writeFileSync(`${mm.bundle}.p7s`, mm.p7s);
    // Offline: the signatures and chain are checked, revocation is not (exit 3, as for .jpl).
    const offline = await runVerify([mm.bundle, "--offline", "--root", rootPem, ...keyFiles.flatMap((f) => ["--key", f])]);
    expect(offline.out).toContain("[mattermost] com.acme.mmdemo 2.5.0");
    expect(offline.out).toMatch(/mattermost signature: valid \(key [0-9a-f]{16}\)/);
    expect(offline.code).toBe(3);
    // The retired key's file carries its revocation: a bundle signed only by it is refused.
    const retiredOnly = await runVerify([mattermostBundle(MM_ID, "9.9.9"), "--offline", "--store-signature", mm.sig, "--key", keyFiles[0]]);
    expect(retiredOnly.code).toBe(1);
    const gf = signedForVerify.grafana!;
    const gKeys = await (await db()).storeKey.findMany({ where: { target: "grafana" } });
    const gKeyFile = file("grafana-keys.asc");
    fs.writeFileSync(gKeyFile, gKeys.map((k) => k.publicKeyFile).join(""));
    // The .p7s sits beside the zip (ARCHIVE.p7s is picked up): its chain is checked up to --root too.
    expect(fs.existsSync(`${gf.zip}.p7s`)).toBe(true);
    const gOk = await runVerify([gf.zip, "--offline", "--root", rootPem, "--key", gKeyFile, "--app-url", "https://grafana.acme.test/"]);
    expect(gOk.out).toContain("grafana signature: valid");
    expect(gOk.out).toContain("Detached signature: valid");
    expect(gOk.code).toBe(3);
    const gBad = await runVerify([gf.tampered, "--offline", "--key", gKeyFile]);
    expect(gBad.code).toBe(1);
    expect(gBad.out).toMatch(/modified\s+com\.acme\.clock-panel\/module\.js/);
    const noKey = await runVerify([gf.zip, "--offline", "--root", rootPem]).catch((err: Error) => ({ code: 2, out: err.message }));
    expect(noKey.out).toMatch(/--key/);
  });

  it("the start-up sweep removes a stored .tar.gz or .zip no row names, and keeps every stored artifact", async () => {
    const artifacts = path.join(env().dataDir, "artifacts");
    fs.mkdirSync(artifacts, { recursive: true });
    const orphans = [`${crypto.randomUUID()}.tar.gz`, `${crypto.randomUUID()}.zip`];
    for (const o of orphans) fs.writeFileSync(path.join(artifacts, o), "left by a crash");
    const rows = await (await db()).artifact.findMany({ select: { id: true, storagePath: true, storage: true } });
    const { removed } = await sweepAbandonedFiles(await db(), Date.now() + 1000, 0);
    // Earlier test files share the data dir and truncate the tables: their files are orphans too.
    expect(removed).toEqual(expect.arrayContaining(orphans.map((o) => `artifacts/${o}`)));
    expect(removed.filter((r) => rows.some((row) => row.storagePath === r))).toEqual([]);
    // Every stored artifact's bytes are in the database, which the sweep leaves alone.
    const kept = new Set((await (await db()).artifactChunk.findMany({ distinct: ["artifactId"], select: { artifactId: true } })).map((c) => c.artifactId));
    for (const r of rows) expect(r.storage === "database" && kept.has(r.id), `artifact ${r.id}`).toBe(true);
  });
});
