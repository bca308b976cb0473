// `signet verify` on Dify and Mender artifacts, as a subprocess that must exit by itself: the store's
// own key files (/trust) given with --key, checked the way the host checks (FORMATS.md §7, §8), the
// detached CMS chain and its revocation (from the store's CRLs) when the .p7s is given. The same
// artifacts and key files are cross-checked with `mender-artifact validate -k` and with the Dify
// algorithm implemented independently in Python (lib/pki/dify/test-verifiers.ts).
import { execFile, execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as download } from "@/app/api/v1/artifacts/[id]/download/route";
import { GET as signatureP7s } from "@/app/api/v1/artifacts/[id]/signature.p7s/route";
import { PUT as putTarget } from "@/app/api/v1/settings/targets/[target]/route";
import { GET as keyFile } from "@/app/(public)/trust/[target]/keys/[keyId]/route";
import { POST as upload } from "@/app/api/v1/orgs/[slug]/plugins/[pluginId]/artifacts/route";
import { POST as revokeCertificate } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { GET as crl } from "@/app/crl/[file]/route";
import { db } from "@/lib/db";
import { difyVerifiers } from "@/lib/pki/dify/test-verifiers";
import { call } from "./helpers";
import { tempDir } from "./pki-fixtures";
import { H, issuePluginCert, json, setUpStore, type Store } from "./artifact-fixtures";

const DIFY_ID = "com.acme.weather";
const MENDER_ID = "com.acme.firmware";
const dir = tempDir("signet-verify-dm-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);
const hasMender = spawnSync("sh", ["-c", "command -v mender-artifact"]).status === 0;

type Result = { code: number; out: string; err: string };
type JsonReport = { valid: boolean; target: string; files: { path: string; state: string }[]; store: { valid: boolean; keyIds: string[] }; chain: { status: string }[]; cms: { valid: boolean } | null; revocationChecked: boolean; exitCode: number };

/** The real CLI in a child process; a hung one is killed by the timeout and the test fails on its code. */
function signet(args: string[]): Promise<Result> {
  return new Promise((resolve) =>
    execFile(process.execPath, ["cli/signet.mjs", "verify", ...args], { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: "" }, timeout: 45_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, out: String(stdout), err: String(stderr) }),
    ),
  );
}

async function fetchTo(handler: unknown, params: Record<string, string>, to: string, token?: string): Promise<string> {
  const res = await call(H(handler), { params, token });
  expect(res.status, await res.clone().text()).toBe(200);
  fs.writeFileSync(to, Buffer.from(await res.arrayBuffer()));
  return to;
}

describe("signet verify: Dify and Mender", () => {
  let store: Store;
  let rootPem = "";
  const crls = { root: "", org: "" };
  const dify = { signed: "", key: "", tampered: "", foreign: "", serial: "" };
  const mender = { signed: "", key: "", tampered: "", foreign: "", unsigned: "" };

  async function saveCrls(): Promise<void> {
    const client = await db();
    const root = await client.certificateAuthority.findFirstOrThrow({ where: { kind: "root" } });
    const org = await client.certificateAuthority.findFirstOrThrow({ where: { kind: "org", org: { slug: "acme" } } });
    crls.root = await fetchTo(crl, { file: `${root.id}.crl` }, file("root.crl"));
    crls.org = await fetchTo(crl, { file: `${org.id}.crl` }, file("org.crl"));
  }

  beforeAll(async () => {
    store = await setUpStore();
    rootPem = file("root.pem");
    fs.writeFileSync(rootPem, store.rootPem);
    dify.serial = (await issuePluginCert(store.acmeAdmin, "acme", DIFY_ID)).serial;
    await issuePluginCert(store.acmeAdmin, "acme", MENDER_ID);

    // Dify: a package written by Python's zipfile (no directory entries), signed through the API.
    const difyTarget = await json<{ keys: { keyId: string }[] }>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "dify" }, json: { enabled: true } }), 200);
    const pkg = file("weather.difypkg");
    execFileSync("/usr/bin/python3", [
      "-c",
      "import sys,zipfile,os\nz=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)\n" +
        "z.writestr('manifest.yaml','version: 0.0.3\\ntype: plugin\\nauthor: acme\\nname: weather\\nlabel:\\n  en_US: Weather\\ncreated_at: 2026-11-01T10:00:00Z\\n')\n" +
        "z.writestr('main.py','from dify_plugin import Plugin\\nPlugin().run()\\n')\nz.writestr('provider/weather.yaml','identity:\\n  name: weather\\n')\n" +
        "z.writestr('lib/blob.bin',os.urandom(50000))\nz.close()",
      pkg,
    ]);
    const a = await json<{ id: string }>(await call(H(upload), { token: store.acmeMember, url: "http://localhost:3999/x?target=dify", params: { slug: "acme", pluginId: DIFY_ID }, body: new Uint8Array(fs.readFileSync(pkg)), headers: { "content-type": "application/octet-stream" } }), 201);
    dify.signed = await fetchTo(download, { id: a.id }, file("signed.difypkg"), store.acmeMember);
    await fetchTo(signatureP7s, { id: a.id }, `${dify.signed}.p7s`);
    dify.key = await fetchTo(keyFile, { target: "dify", keyId: difyTarget.keys[0].keyId }, file("dify.pem"));
    dify.tampered = file("tampered.difypkg");
    execFileSync("/usr/bin/python3", ["-c", "import sys,zipfile\nzin=zipfile.ZipFile(sys.argv[1]); zout=zipfile.ZipFile(sys.argv[2],'w')\nfor i in zin.infolist():\n  d=zin.read(i)\n  zout.writestr(i, d + b'# evil\\n' if i.filename=='main.py' else d)\nzout.comment=zin.comment; zout.close()", dify.signed, dify.tampered]);
    dify.foreign = file("foreign-dify.pem");
    fs.writeFileSync(dify.foreign, crypto.generateKeyPairSync("rsa", { modulusLength: 4096 }).publicKey.export({ type: "pkcs1", format: "pem" }));

    if (hasMender) {
      const menderTarget = await json<{ keys: { keyId: string }[] }>(await call(H(putTarget), { method: "PUT", token: store.operator, params: { target: "mender" }, json: { enabled: true } }), 200);
      const work = file("mender-src");
      fs.mkdirSync(work);
      fs.writeFileSync(path.join(work, "install.sh"), "#!/bin/sh\necho installing\n");
      fs.writeFileSync(path.join(work, "firmware.bin"), crypto.randomBytes(200_000));
      mender.unsigned = file("unsigned.mender");
      execFileSync("mender-artifact", ["write", "module-image", "-T", "script", "-n", "release-1", "-t", "beaglebone", "-o", mender.unsigned, "-f", path.join(work, "install.sh"), "-f", path.join(work, "firmware.bin")], { stdio: "pipe" });
      const m = await json<{ id: string }>(await call(H(upload), { token: store.acmeMember, url: "http://localhost:3999/x?target=mender", params: { slug: "acme", pluginId: MENDER_ID }, body: new Uint8Array(fs.readFileSync(mender.unsigned)), headers: { "content-type": "application/octet-stream" } }), 201);
      mender.signed = await fetchTo(download, { id: m.id }, file("signed.mender"), store.acmeMember);
      await fetchTo(signatureP7s, { id: m.id }, `${mender.signed}.p7s`);
      mender.key = await fetchTo(keyFile, { target: "mender", keyId: menderTarget.keys[0].keyId }, file("mender.pem"));
      // Tampered: firmware.bin changed inside the signed artifact's gzip payload (Python's tarfile
      // rewrites data/0000.tar.gz; version, manifest, manifest.sig and the header are copied as they are).
      mender.tampered = file("tampered.mender");
      execFileSync("/usr/bin/python3", [
        "-c",
        "import sys,tarfile,io,gzip\nsrc=tarfile.open(sys.argv[1]); out=tarfile.open(sys.argv[2],'w',format=tarfile.GNU_FORMAT)\n" +
          "for m in src.getmembers():\n  d=src.extractfile(m).read()\n" +
          "  if m.name=='data/0000.tar.gz':\n    inner=tarfile.open(fileobj=io.BytesIO(gzip.decompress(d))); buf=io.BytesIO(); w=tarfile.open(fileobj=buf,mode='w',format=tarfile.GNU_FORMAT)\n" +
          "    for f in inner.getmembers():\n      c=inner.extractfile(f).read()\n      if f.name=='firmware.bin': c=bytes([c[0]^1])+c[1:]\n      w.addfile(f, io.BytesIO(c))\n" +
          "    w.close(); d=gzip.compress(buf.getvalue()); m.size=len(d)\n" +
          "  out.addfile(m, io.BytesIO(d))\nout.close()",
        mender.signed,
        mender.tampered,
      ]);
      mender.foreign = file("foreign-mender.pem");
      fs.writeFileSync(mender.foreign, crypto.generateKeyPairSync("rsa", { modulusLength: 3072 }).publicKey.export({ type: "spki", format: "pem" }));
    }
    await saveCrls();
  }, 240_000);

  it("dify: valid with the /trust key file (recognized from the file), the CMS chain checked up to --root and revocation from the CRLs; the Python verifier agrees", async () => {
    expect(difyVerifiers(dir).pythonVerify(dify.signed, dify.key).ok).toBe(true);
    const ok = await signet([dify.signed, "--key", dify.key, "--root", rootPem, "--offline", "--crl", crls.org, "--crl", crls.root]);
    expect(ok.out).toMatch(/^\[dify\] weather 0\.0\.3/);
    expect(ok.out).toMatch(/dify signature: valid \(key [0-9a-f]{16}\)/);
    expect(ok.out).toContain("Detached signature: valid");
    expect(ok.out).toMatch(/valid {5}main\.py/);
    expect(ok.out).toContain("Result: VALID\n");
    expect(ok.code, ok.out + ok.err).toBe(0);
    const report = JSON.parse((await signet([dify.signed, "--key", dify.key, "--root", rootPem, "--offline", "--json"])).out) as JsonReport;
    expect(report).toMatchObject({ valid: true, target: "dify", store: { valid: true }, cms: { valid: true }, revocationChecked: false, exitCode: 3 });
    expect(report.chain.map((c) => c.status).at(-1)).toBe("trusted-root");
    expect(report.files.map((f) => f.path).sort()).toEqual([".verification.dify.json", "lib/blob.bin", "main.py", "manifest.yaml", "provider/weather.yaml"]);
    expect(report.files.every((f) => f.state === "valid")).toBe(true);
    // Without the .p7s the store signature alone is checked, and the report says the chain was not.
    const bare = file("bare.difypkg");
    fs.copyFileSync(dify.signed, bare);
    const alone = await signet([bare, "--key", dify.key, "--offline"]);
    expect(alone.code).toBe(3);
    expect(alone.out).toMatch(/plugin certificate chain and its revocation were not checked/);
  });

  it("dify: a tampered package and a foreign key are invalid (exit 1) for signet and for the Python verifier", async () => {
    expect(difyVerifiers(dir).pythonVerify(dify.tampered, dify.key).ok).toBe(false);
    const tampered = await signet([dify.tampered, "--key", dify.key, "--offline", "--json"]);
    expect(tampered.code).toBe(1);
    const t = JSON.parse(tampered.out) as JsonReport;
    expect(t.store.valid).toBe(false);
    expect(t.files.length).toBe(5);
    expect(t.files.every((f) => f.state === "invalid")).toBe(true);
    expect(difyVerifiers(dir).pythonVerify(dify.signed, dify.foreign).ok).toBe(false);
    const foreign = await signet([dify.signed, "--key", dify.foreign, "--root", rootPem, "--offline"]);
    expect(foreign.code).toBe(1);
    expect(foreign.out).toMatch(/does not verify under any of the given keys/);
    // Both keys given: the store's verifies (a host lists several files).
    expect((await signet([dify.signed, "--key", dify.foreign, "--key", dify.key, "--root", rootPem, "--offline"])).code).toBe(3);
  });

  it("dify: after the plugin certificate is revoked, the CRLs make the same package invalid", async () => {
    await json(await call(H(revokeCertificate), { token: store.acmeAdmin, params: { serial: dify.serial }, json: { reason: "keyCompromise" } }), 200);
    const before = { ...crls };
    await saveCrls();
    expect(fs.readFileSync(crls.org).equals(fs.readFileSync(before.org))).toBe(false);
    const revoked = await signet([dify.signed, "--key", dify.key, "--root", rootPem, "--offline", "--crl", crls.org, "--crl", crls.root]);
    expect(revoked.code).toBe(1);
    expect(revoked.out).toMatch(/revoked\s+O=Acme Plugins, CN=com\.acme\.weather/);
    expect(revoked.out).toContain("dify signature: valid");
  });

  it.skipIf(!hasMender)("mender: valid with the /trust SPKI file, the CMS chain checked; mender-artifact validate agrees; per-file states for each payload file", async () => {
    expect(spawnSync("mender-artifact", ["validate", mender.signed, "-k", mender.key]).status).toBe(0);
    const ok = await signet([mender.signed, "--key", mender.key, "--root", rootPem, "--offline", "--crl", crls.org, "--crl", crls.root, "--json"]);
    expect(ok.code, ok.out + ok.err).toBe(0);
    const report = JSON.parse(ok.out) as JsonReport;
    expect(report).toMatchObject({ valid: true, target: "mender", store: { valid: true }, cms: { valid: true }, revocationChecked: true });
    expect(report.files).toEqual([
      { path: "data/0000.tar.gz/install.sh", state: "valid" },
      { path: "data/0000.tar.gz/firmware.bin", state: "valid" },
    ]);
    expect((await signet([mender.signed, "--target", "mender", "--key", mender.key, "--root", rootPem, "--offline"])).out).toMatch(/mender signature: valid \(key [0-9a-f]{16}\)/);
  });

  it.skipIf(!hasMender)("mender: a changed payload file is modified, a foreign key and an unsigned artifact are refused (exit 1), as mender-artifact refuses them", async () => {
    expect(spawnSync("mender-artifact", ["validate", mender.tampered, "-k", mender.key]).status).not.toBe(0);
    const tampered = await signet([mender.tampered, "--key", mender.key, "--offline", "--json"]);
    expect(tampered.code, tampered.out + tampered.err).toBe(1);
    expect((JSON.parse(tampered.out) as JsonReport).files).toEqual([expect.objectContaining({ path: "data/0000/firmware.bin", state: "modified" })]);
    expect(spawnSync("mender-artifact", ["validate", mender.signed, "-k", mender.foreign]).status).not.toBe(0);
    const foreign = await signet([mender.signed, "--key", mender.foreign, "--root", rootPem, "--offline"]);
    expect(foreign.code).toBe(1);
    expect(foreign.out).toMatch(/manifest\.sig does not verify under any of the given keys/);
    const unsigned = await signet([mender.unsigned, "--key", mender.key, "--offline", "--json"]);
    expect(unsigned.code).toBe(1);
    expect((JSON.parse(unsigned.out) as JsonReport).files.every((f) => f.state === "unsigned")).toBe(true);
  });

  it("key files from outside go through the key validator and are refused with exit 2, never a crash: wrong form, EC point off the curve, weak RSA, P-384 for Mender", async () => {
    const refuse = async (archive: string, content: string | Buffer, pattern: RegExp) => {
      const k = file("bad.pem");
      fs.writeFileSync(k, content);
      const r = await signet([archive, "--key", k, "--root", rootPem, "--offline"]);
      expect(r.code, r.out + r.err).toBe(2);
      expect(r.err).toMatch(pattern);
    };
    const difyPem = fs.readFileSync(dify.key, "utf8");
    await refuse(dify.signed, `${difyPem}\n`, /exactly one newline/);
    await refuse(dify.signed, fs.readFileSync(mender.foreign || dify.foreign), /RSA PUBLIC KEY|exactly one/);
    const weak = execFileSync("openssl", ["genrsa", "1024"], { stdio: ["ignore", "pipe", "ignore"] });
    const weakPkcs1 = crypto.createPublicKey(weak).export({ type: "pkcs1", format: "pem" });
    await refuse(dify.signed, weakPkcs1, /2048|weak/i);
    // An SPKI whose EC point is not on P-256 (node:crypto could abort on such keys): the validator refuses it.
    const ec = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "der" });
    const offCurve = Buffer.from(ec);
    offCurve[offCurve.length - 1] ^= 1;
    const pem = (der: Buffer) => `-----BEGIN PUBLIC KEY-----\n${der.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
    const target = mender.signed || dify.signed;
    const extra = mender.signed ? [] : ["--target", "mender"];
    const run = async (content: string, pattern: RegExp) => {
      const k = file("bad-mender.pem");
      fs.writeFileSync(k, content);
      const r = await signet([target, ...extra, "--key", k, "--root", rootPem, "--offline"]);
      expect(r.code, r.out + r.err).toBe(2);
      expect(r.err).toMatch(pattern);
    };
    await run(pem(offCurve), /not on|curve|point/i);
    await run(pem(crypto.generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({ type: "spki", format: "der" })), /P-256 only/);
    await run("not a key\n", /exactly one "PUBLIC KEY"/);
  });
});
