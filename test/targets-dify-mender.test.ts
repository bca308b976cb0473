// Dify and Mender through the HTTP API, checked by verifiers Signet did not write: `mender-artifact validate
// -k` (what a device's ArtifactVerifyKeys check runs) and the Dify algorithm of FORMATS.md §7 implemented
// independently in Python (lib/pki/dify/test-verifiers.ts), with the key files /trust serves byte-exact.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as download } from "@/app/api/v1/artifacts/[id]/download/route";
import { GET as signatureP7s } from "@/app/api/v1/artifacts/[id]/signature.p7s/route";
import { PUT as putTarget } from "@/app/api/v1/settings/targets/[target]/route";
import { POST as verify } from "@/app/api/v1/verify/route";
import { GET as keyFile } from "@/app/(public)/trust/[target]/keys/[keyId]/route";
import { POST as upload } from "@/app/api/v1/orgs/[slug]/plugins/[pluginId]/artifacts/route";
import { difyVerifiers, GO_PACKAGER } from "@/lib/pki/dify/test-verifiers";
import { call } from "./helpers";
import { openssl, tempDir } from "./pki-fixtures";
import { H, issuePluginCert, json, setUpStore, type Store } from "./artifact-fixtures";

const DIFY_ID = "com.acme.weather";
const MENDER_ID = "com.acme.firmware";
const dir = tempDir("signet-targets-dm-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);
const hasMender = spawnSync("sh", ["-c", "command -v mender-artifact"]).status === 0;

type Artifact = { id: string; target: string; pluginId: string; version: string; sha256: string };
type Report = { valid: boolean; target?: string; files: { path: string; state: string }[]; store?: { valid: boolean; keyIds: string[] }; cms: { valid: boolean } | null; chain: { status: string }[]; problems: string[] };

async function verifyReport(archive: string, p7s?: string): Promise<Report> {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(fs.readFileSync(archive))]), path.basename(archive));
  if (p7s) form.set("signature", new Blob([new Uint8Array(fs.readFileSync(p7s))]), "x.p7s");
  return json<Report>(await call(H(verify), { url: "http://localhost:3999/api/v1/verify", body: form }), 200);
}

async function uploadFor(store: Store, pluginId: string, target: string, body: Buffer): Promise<Response> {
  return call(H(upload), { token: store.acmeMember, url: `http://localhost:3999/x?target=${target}`, params: { slug: "acme", pluginId }, body: new Uint8Array(body), headers: { "content-type": "application/octet-stream" } });
}

async function fetchTo(handler: unknown, params: Record<string, string>, to: string, token?: string): Promise<string> {
  const res = await call(H(handler), { params, token });
  expect(res.status, await res.clone().text()).toBe(200);
  fs.writeFileSync(to, Buffer.from(await res.arrayBuffer()));
  return to;
}

function cmsVerifies(content: string, p7s: string, rootPem: string): boolean {
  try {
    openssl(["cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-content", content, "-CAfile", rootPem, "-purpose", "any", "-out", "/dev/null"]);
    return true;
  } catch {
    return false;
  }
}

describe("targets: signing Dify and Mender plugins through the API", () => {
  let store: Store;
  let rootPem = "";
  beforeAll(async () => {
    store = await setUpStore();
    rootPem = path.join(dir, "root.pem");
    fs.writeFileSync(rootPem, store.rootPem);
    await issuePluginCert(store.acmeAdmin, "acme", DIFY_ID);
    await issuePluginCert(store.acmeAdmin, "acme", MENDER_ID);
  }, 180_000);

  it("dify: a package written by Go's archive/zip is signed; the independent Python verifier accepts it with the /trust key file, refuses a tampered copy and a foreign key; the CMS verifies", async () => {
    const target = await json<{ keys: { keyId: string; algorithm: string }[] }>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "dify" }, json: { enabled: true, dify: { authorizedCategory: "partner" } } }), 200);
    expect(target.keys[0].algorithm).toBe("rsa-4096");
    const { pythonVerify, goProgram } = difyVerifiers(dir);
    const entries: [string, Buffer][] = [
      ["manifest.yaml", Buffer.from("version: 0.0.3\ntype: plugin\nauthor: acme\nname: weather\nlabel:\n  en_US: Weather\ncreated_at: 2026-11-01T10:00:00Z\n")],
      ["main.py", Buffer.from("from dify_plugin import Plugin\nPlugin().run()\n")],
      ["provider/weather.yaml", Buffer.from("identity:\n  name: weather\n")],
      ["lib/blob.bin", crypto.randomBytes(100_000)],
    ];
    const pkg = file("weather.difypkg");
    execFileSync(goProgram("package_dify", GO_PACKAGER), [pkg, ...entries.map(([name, content], i) => {
      const f = file(String(i));
      fs.writeFileSync(f, content);
      return `${name}=${f}`;
    })]);
    const artifact = await json<Artifact>(await uploadFor(store, DIFY_ID, "dify", fs.readFileSync(pkg)), 201);
    expect(artifact).toMatchObject({ target: "dify", pluginId: DIFY_ID, version: "0.0.3" });
    const signed = await fetchTo(download, { id: artifact.id }, file("signed.difypkg"), store.acmeMember);
    const key = await fetchTo(keyFile, { target: "dify", keyId: target.keys[0].keyId }, file("dify.pem"));
    const keyText = fs.readFileSync(key, "utf8");
    expect(keyText.startsWith("-----BEGIN RSA PUBLIC KEY-----\n")).toBe(true);
    expect(keyText.endsWith("-----END RSA PUBLIC KEY-----\n")).toBe(true);
    const ok = pythonVerify(signed, key);
    expect(ok.ok, ok.out).toBe(true);
    expect(execFileSync("/usr/bin/python3", ["-c", "import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).read('.verification.dify.json').decode())", signed], { encoding: "utf8" }).trim()).toBe('{"authorized_category":"partner"}');
    // Tampered: main.py changed, every other entry and the signed ZIP comment copied over (by Python's zipfile).
    const tampered = file("tampered.difypkg");
    execFileSync("/usr/bin/python3", ["-c", "import sys,zipfile\nzin=zipfile.ZipFile(sys.argv[1]); zout=zipfile.ZipFile(sys.argv[2],'w')\nfor i in zin.infolist():\n  d=zin.read(i)\n  zout.writestr(i, d + b'# evil\\n' if i.filename=='main.py' else d)\nzout.comment=zin.comment; zout.close()", signed, tampered]);
    expect(pythonVerify(tampered, key).ok).toBe(false);
    const foreign = file("foreign.pem");
    fs.writeFileSync(foreign, crypto.generateKeyPairSync("rsa", { modulusLength: 4096 }).publicKey.export({ type: "pkcs1", format: "pem" }));
    expect(pythonVerify(signed, foreign).ok).toBe(false);
    const p7s = await fetchTo(signatureP7s, { id: artifact.id }, `${signed}.p7s`);
    expect(cmsVerifies(signed, p7s, rootPem)).toBe(true);
    // /api/v1/verify recognizes the package and checks it with the store's key, with the CMS chain.
    const report = await verifyReport(signed, p7s);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ valid: true, target: "dify", store: { valid: true, keyIds: [target.keys[0].keyId] }, cms: { valid: true } });
    expect(report.chain.map((c) => c.status)).toEqual(["good", "good", "trusted-root"]);
    const bad = await verifyReport(tampered);
    expect(bad.valid).toBe(false);
    expect(bad.files.every((f) => f.state === "invalid")).toBe(true);
    // A package for another plugin, and a category Signet never grants.
    const other = await uploadFor(store, DIFY_ID, "dify", fs.readFileSync(pkg).subarray(0, 10));
    expect(other.status).toBe(400);
    expect((await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "dify" }, json: { enabled: true, dify: { authorizedCategory: "langgenius" } } })).status).toBe(400);
  });

  it.skipIf(!hasMender)("mender: an unsigned artifact written by mender-artifact is signed; `mender-artifact validate -k` accepts it with the /trust key file and refuses a tampered copy and a foreign key; the CMS verifies", async () => {
    const target = await json<{ keys: { keyId: string; algorithm: string }[] }>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mender" }, json: { enabled: true } }), 200);
    const work = file("mender-src");
    fs.mkdirSync(work);
    fs.writeFileSync(path.join(work, "install.sh"), "#!/bin/sh\necho installing\n");
    fs.writeFileSync(path.join(work, "firmware.bin"), crypto.randomBytes(500_000));
    const unsigned = file("unsigned.mender");
    execFileSync("mender-artifact", ["write", "module-image", "-T", "script", "-n", "release-1", "-t", "beaglebone", "-o", unsigned, "-f", path.join(work, "install.sh"), "-f", path.join(work, "firmware.bin")], { stdio: "pipe" });
    const artifact = await json<Artifact>(await uploadFor(store, MENDER_ID, "mender", fs.readFileSync(unsigned)), 201);
    expect(artifact.target).toBe("mender");
    const signed = await fetchTo(download, { id: artifact.id }, file("signed.mender"), store.acmeMember);
    const key = await fetchTo(keyFile, { target: "mender", keyId: target.keys[0].keyId }, file("mender.pem"));
    expect(fs.readFileSync(key, "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    const validate = (art: string, k: string) => spawnSync("mender-artifact", ["validate", art, "-k", k], { encoding: "utf8" });
    const ok = validate(signed, key);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    const foreign = file("foreign-mender.pem");
    fs.writeFileSync(foreign, crypto.generateKeyPairSync("rsa", { modulusLength: 3072 }).publicKey.export({ type: "spki", format: "pem" }));
    expect(validate(signed, foreign).status).not.toBe(0);
    const bytes = fs.readFileSync(signed);
    bytes[bytes.length - 3000] ^= 1;
    const tampered = file("tampered.mender");
    fs.writeFileSync(tampered, bytes);
    expect(validate(tampered, key).status).not.toBe(0);
    const p7s = await fetchTo(signatureP7s, { id: artifact.id }, `${signed}.p7s`);
    expect(cmsVerifies(signed, p7s, rootPem)).toBe(true);
    const report = await verifyReport(signed, p7s);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ valid: true, target: "mender", store: { valid: true, keyIds: [target.keys[0].keyId] }, cms: { valid: true } });
    expect((await verifyReport(unsigned)).files.every((f) => f.state === "unsigned")).toBe(true);
    // An already signed artifact is refused with 400 naming why.
    const again = await uploadFor(store, MENDER_ID, "mender", fs.readFileSync(signed));
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ archiveError: "already_signed" });
  });
});
