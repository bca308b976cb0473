import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { GET as download } from "@/app/api/v1/artifacts/[id]/download/route";
import { GET as signatureP7s } from "@/app/api/v1/artifacts/[id]/signature.p7s/route";
import { GET as getArtifact } from "@/app/api/v1/artifacts/[id]/route";
import { POST as revokeArtifact } from "@/app/api/v1/artifacts/[id]/revoke/route";
import { GET as listArtifacts } from "@/app/api/v1/orgs/[slug]/artifacts/route";
import { POST as verify } from "@/app/api/v1/verify/route";
import { POST as revokeCertificate } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { verifyAuditChain } from "@/lib/server/audit/verify-audit-chain";
import { patchBytes, pluginEntries, rawZipTo, rewriteArchive, zipTo, type FixtureEntry } from "@/lib/pki/jpl/test-fixtures";
import { call } from "./helpers";
import { openssl, opensslCsr, tempDir } from "./pki-fixtures";
import { H, issuePluginCert, json, setUpStore, storedState, uploadArchive, type Store } from "./artifact-fixtures";

const dir = tempDir("signet-artifacts-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const ID = "com.acme.signed";
let store: Store;
let pluginSerial = "";
let n = 0;
const file = (name: string) => path.join(dir, `${n++}-${name}`);

type Artifact = { id: string; pluginId: string; version: string; sha256: string; files: { path: string }[]; certificateSerial: string; downloadUrl: string; signatureUrl: string };
type Report = { valid: boolean; pluginId: string; files: { path: string; state: string }[]; chain: { subject: string; status: string; revocation?: { reason?: string } }[]; artifactRevoked: boolean; artifactRevocation: { reason?: string } | null; problems: string[]; cms: { valid: boolean } | null };

async function verifyFile(p: string, signature?: Buffer): Promise<Report> {
  if (!signature) return json<Report>(await call(H(verify), { body: fs.readFileSync(p), headers: { "content-type": "application/zip" } }), 200);
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(fs.readFileSync(p))]), path.basename(p));
  form.set("signature", new Blob([new Uint8Array(signature)]), "x.p7s");
  return json<Report>(await call(H(verify), { body: form }), 200);
}

async function downloadTo(token: string, id: string): Promise<string> {
  const res = await call(H(download), { token, params: { id } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="com\.acme\.signed-1\.4\.0\.jpl"/);
  const p = file("downloaded.jpl");
  fs.writeFileSync(p, Buffer.from(await res.arrayBuffer()));
  return p;
}

describe("artifacts: signing uploads, downloads and verification", () => {
  let artifact: Artifact;
  let signedPath = "";
  let p7s: Buffer;

  beforeAll(async () => {
    store = await setUpStore();
    fs.writeFileSync(path.join(dir, "root.pem"), store.rootPem);
    pluginSerial = (await issuePluginCert(store.acmeAdmin, "acme", ID)).serial;
  });

  it("signs an upload by a member: stored, downloadable, verified by openssl cms and by /verify", async () => {
    const input = await zipTo(file("plugin.jpl"), pluginEntries(ID, "1.4.0"));
    artifact = await json<Artifact>(await uploadArchive(store.acmeMember, "acme", ID, fs.readFileSync(input)), 201);
    expect(artifact).toMatchObject({ pluginId: ID, version: "1.4.0", certificateSerial: pluginSerial, downloadUrl: `/api/v1/artifacts/${artifact.id}/download` });
    expect(artifact.files.map((f) => f.path)).toEqual(["manifest.json", "data/", "data/icon.svg", "data/preferences.json", "lib/", "lib/x86_64-linux-gnu/", "lib/x86_64-linux-gnu/libplugin.so"]);
    signedPath = await downloadTo(store.acmeMember, artifact.id);
    expect(crypto.createHash("sha256").update(fs.readFileSync(signedPath)).digest("hex")).toBe(artifact.sha256);
    // The .p7s is public to anyone with the id.
    const sig = await call(H(signatureP7s), { params: { id: artifact.id } });
    expect(sig.status).toBe(200);
    expect(sig.headers.get("content-type")).toBe("application/pkcs7-signature");
    p7s = Buffer.from(await sig.arrayBuffer());
    fs.writeFileSync(`${signedPath}.p7s`, p7s);
    openssl(["cms", "-verify", "-binary", "-inform", "DER", "-in", `${signedPath}.p7s`, "-content", signedPath, "-CAfile", path.join(dir, "root.pem"), "-purpose", "any", "-out", "/dev/null"]);
    const report = await verifyFile(signedPath, p7s);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ valid: true, pluginId: ID, artifactRevoked: false, cms: { valid: true } });
    expect(report.files.every((f) => f.state === "valid")).toBe(true);
    expect(report.chain.map((c) => c.status)).toEqual(["good", "good", "trusted-root"]);
    const client = await db();
    const row = await client.artifact.findUniqueOrThrow({ where: { id: artifact.id } });
    expect(row.uploadedById).not.toBeNull();
    expect(await client.auditEvent.count({ where: { action: "artifact.signed", subjectId: artifact.id } })).toBe(1);
    expect((await verifyAuditChain(client)).valid).toBe(true);
  });

  it("accepts multipart uploads (field 'file') too", async () => {
    const form = new FormData();
    form.set("file", new Blob([fs.readFileSync(await zipTo(file("mp.jpl"), pluginEntries(ID, "1.4.1")))]), "plugin.jpl");
    const res = await json<Artifact>(await uploadArchive(store.acmeAdmin, "acme", ID, form, ""), 201);
    expect(res.version).toBe("1.4.1");
  });

  it("reports one changed byte as modified and an added file as unsigned", async () => {
    const modified = await rewriteArchive(signedPath, file("modified.jpl"), { replace: { "data/icon.svg": "<svg xmlns='http://www.w3.org/2000/svg'/ " } });
    const m = await verifyFile(modified);
    expect(m.valid).toBe(false);
    expect(m.files.find((f) => f.path === "data/icon.svg")?.state).toBe("modified");
    expect(m.files.filter((f) => f.state === "valid")).toHaveLength(m.files.length - 1);
    const added = await rewriteArchive(signedPath, file("added.jpl"), { add: [{ name: "data/payload.js", content: "evil()" }] });
    const a = await verifyFile(added);
    expect(a.valid).toBe(false);
    expect(a.files.find((f) => f.path === "data/payload.js")?.state).toBe("unsigned");
  });

  it("refuses hostile or wrong archives with 4xx problem+json and stores nothing", async () => {
    const before = await storedState();
    const slip = await zipTo(file("slip.jpl"), [...pluginEntries(ID), { name: "xx/evil.sh", content: "rm -rf /" }]);
    patchBytes(slip, "xx/evil.sh", "../evil.sh");
    const bomb = await zipTo(file("bomb.jpl"), [...pluginEntries(ID), { name: "zeros.bin", content: Buffer.alloc(30 * 1024 * 1024) }]);
    const cases: [string, BodyInit, number, string?, string?][] = [
      ["zip-slip", fs.readFileSync(slip), 400, "parent_path"],
      ["duplicate names", fs.readFileSync(await zipTo(file("dup.jpl"), [...pluginEntries(ID), { name: "data/icon.svg", content: "again" }])), 400, "duplicate_entry"],
      ["symlink", fs.readFileSync(await zipTo(file("link.jpl"), [...pluginEntries(ID), { name: "data/link", content: "/etc/shadow", mode: 0o120777 }])), 400, "symlink"],
      ["zip bomb", fs.readFileSync(bomb), 400, "compression_ratio"],
      ["manifest for another plugin", fs.readFileSync(await zipTo(file("other.jpl"), pluginEntries("com.acme.other"))), 400, "manifest_id_mismatch"],
      ["no manifest", fs.readFileSync(await zipTo(file("nomanifest.jpl"), [{ name: "data/a", content: "x" } as FixtureEntry])), 400, "manifest_missing"],
      ["not a zip", Buffer.from("%PDF-1.7 definitely not a zip"), 400, "not_a_zip"],
      ["empty body", Buffer.alloc(0), 400],
      ["wrong media type", "{}", 415, undefined, "application/json"],
    ];
    for (const [name, body, status, archiveError, type] of cases) {
      const res = await uploadArchive(store.acmeMember, "acme", ID, body, type ?? "application/zip");
      const text = await res.text();
      expect(res.status, `${name}: ${text}`).toBe(status);
      expect(res.headers.get("content-type"), name).toBe("application/problem+json");
      if (archiveError) expect(JSON.parse(text).archiveError, name).toBe(archiveError);
    }
    const huge = await call(H((await import("@/app/api/v1/orgs/[slug]/plugins/[pluginId]/artifacts/route")).POST), {
      token: store.acmeMember,
      params: { slug: "acme", pluginId: ID },
      body: "x",
      headers: { "content-type": "application/zip", "content-length": String(1024 * 1024 * 1024) },
    });
    expect(huge.status).toBe(413);
    expect(await storedState()).toEqual(before);
  });

  it("refuses archive strings that cannot be stored or read one way (NUL version, CP437 names, case twins) with 400 naming them", async () => {
    const before = await storedState();
    const manifestWith = (fields: Record<string, string>) => ({ name: "manifest.json", content: JSON.stringify({ id: ID, name: "signed", version: "1.0", ...fields }) });
    const cases: [string, Buffer, string, Record<string, string>][] = [
      ["NUL in the manifest version", fs.readFileSync(await zipTo(file("nul.jpl"), [manifestWith({ version: "1.0\u0000" }), { name: "data/a.txt", content: "x" }])), "manifest_invalid", { field: "version", entry: "manifest.json" }],
      ["bidi override in the manifest name", fs.readFileSync(await zipTo(file("bidi.jpl"), [manifestWith({ name: "evil\u202Etxt.exe" }), { name: "data/a.txt", content: "x" }])), "manifest_invalid", { field: "name" }],
      ["an unflagged CP437 name", fs.readFileSync(rawZipTo(file("cp437.jpl"), [manifestWith({}), { name: Buffer.from("data/caf\x82\x1b.txt", "latin1"), utf8: false, content: "x" }])), "bad_file_name", {}],
      ["a decomposed name", fs.readFileSync(rawZipTo(file("nfd.jpl"), [manifestWith({}), { name: "data/cafe\u0301.txt", content: "x" }])), "bad_file_name", {}],
      ["names differing by case", fs.readFileSync(rawZipTo(file("case.jpl"), [manifestWith({}), { name: "data/a.txt", content: "1" }, { name: "data/A.txt", content: "2" }])), "duplicate_entry", { entry: "data/A.txt" }],
      ["a NUL in an entry name", fs.readFileSync(rawZipTo(file("nulname.jpl"), [manifestWith({}), { name: "data/a\u0000.txt", content: "1" }])), "bad_file_name", { entry: "data/a\\u{0}.txt" }],
    ];
    for (const [name, body, archiveError, details] of cases) {
      const res = await uploadArchive(store.acmeMember, "acme", ID, new Uint8Array(body), "application/zip");
      const text = await res.text();
      expect(res.status, `${name}: ${text}`).toBe(400);
      expect(res.headers.get("content-type"), name).toBe("application/problem+json");
      const problem = JSON.parse(text);
      expect(problem.archiveError, name).toBe(archiveError);
      expect(problem, name).toMatchObject(details);
      expect(typeof problem.detail, name).toBe("string");
      expect(problem.detail, name).not.toMatch(/[\u0000\u202E]/);
    }
    // Verification reads archives through the same reader: the same refusal, never a 500.
    const verified = await call(H(verify), { body: new Uint8Array(cases[3][1]), headers: { "content-type": "application/zip" } });
    expect(verified.status).toBe(400);
    expect((await verified.json()).archiveError).toBe("bad_file_name");
    expect(await storedState()).toEqual(before);
  });

  it("scopes everything by organization: another org gets 404, a plain member cannot revoke", async () => {
    const other = store.betaAdmin;
    expect((await call(H(download), { token: other, params: { id: artifact.id } })).status).toBe(404);
    expect((await call(H(getArtifact), { token: other, params: { id: artifact.id } })).status).toBe(404);
    expect((await call(H(listArtifacts), { token: other, params: { slug: "acme" } })).status).toBe(404);
    expect((await call(H(revokeArtifact), { token: other, params: { id: artifact.id }, json: { reason: "not yours" } })).status).toBe(404);
    expect((await uploadArchive(other, "acme", ID, fs.readFileSync(await zipTo(file("x.jpl"), pluginEntries(ID))))).status).toBe(404);
    expect((await uploadArchive(undefined, "acme", ID, "x")).status).toBe(401);
    expect((await call(H(download), { params: { id: artifact.id } })).status).toBe(401);
    expect((await call(H(revokeArtifact), { token: store.acmeMember, params: { id: artifact.id }, json: { reason: "members cannot" } })).status).toBe(403);
    const list = await json<{ id: string; fileCount: number }[]>(await call(H(listArtifacts), { token: store.acmeMember, params: { slug: "acme" } }), 200);
    expect(list.map((a) => a.id)).toContain(artifact.id);
    expect(await json<{ id: string }[]>(await call(H(listArtifacts), { token: store.operator, params: { slug: "acme" } }), 200)).toHaveLength(list.length);
  });

  it("refuses to sign with 409 when the plugin has no certificate, or only an external key", async () => {
    const none = await uploadArchive(store.acmeAdmin, "acme", "com.acme.nocert", fs.readFileSync(await zipTo(file("nc.jpl"), pluginEntries("com.acme.nocert"))));
    expect(none.status).toBe(409);
    await issuePluginCert(store.acmeAdmin, "acme", "com.acme.external", opensslCsr(dir, "external"));
    const external = await uploadArchive(store.acmeAdmin, "acme", "com.acme.external", fs.readFileSync(await zipTo(file("ext.jpl"), pluginEntries("com.acme.external"))));
    expect(external.status).toBe(409);
    expect(((await external.json()) as { detail: string }).detail).toMatch(/signet sign/);
  });

  it("an external-key org signs offline with `signet sign`, and the store's /verify accepts the result", async () => {
    const { signCommand } = await import("@/cli/commands/sign");
    const cert = await json<{ pem: string; chainPem: string }>(
      await call(H((await import("@/app/api/v1/certificates/[serial]/route")).GET), { token: store.acmeAdmin, params: { serial: (await (await db()).certificate.findFirstOrThrow({ where: { pluginId: "com.acme.external" } })).serialHex } }),
      200,
    );
    const chain = file("chain.pem");
    fs.writeFileSync(chain, cert.chainPem);
    const input = await zipTo(file("offline.jpl"), pluginEntries("com.acme.external", "0.9.0"));
    const out = file("offline-signed.jpl");
    expect(await signCommand([input, "--key", path.join(dir, "external.key"), "--chain", chain, "--out", out, "--json"])).toBe(0);
    openssl(["cms", "-verify", "-binary", "-inform", "DER", "-in", `${out}.p7s`, "-content", out, "-CAfile", path.join(dir, "root.pem"), "-purpose", "any", "-out", "/dev/null"]);
    const report = await verifyFile(out, fs.readFileSync(`${out}.p7s`));
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    // Stock unzip sees a sound archive with the three signature entries last.
    expect(execFileSync("unzip", ["-Z1", out], { encoding: "utf8" }).trim().split("\n").slice(-3)).toEqual(["com.acme.external.crt", "signatures", "signatures.sig"]);
  });

  it("a revoked artifact verifies invalid with its reason; revoking twice is a conflict", async () => {
    const revoked = await json<{ revocation: { reason: string } }>(await call(H(revokeArtifact), { token: store.acmeAdmin, params: { id: artifact.id }, json: { reason: "ships a vulnerable codec" } }), 200);
    expect(revoked.revocation.reason).toBe("ships a vulnerable codec");
    expect((await call(H(revokeArtifact), { token: store.operator, params: { id: artifact.id }, json: { reason: "again" } })).status).toBe(409);
    const report = await verifyFile(signedPath);
    expect(report).toMatchObject({ valid: false, artifactRevoked: true, artifactRevocation: { reason: "ships a vulnerable codec" } });
    expect(report.files.every((f) => f.state === "valid")).toBe(true);
    expect(await (await db()).auditEvent.count({ where: { action: "artifact.revoked", subjectId: artifact.id } })).toBe(1);
  });

  it("a revoked plugin certificate makes its archives invalid, with the reason, and stops signing", async () => {
    const fresh = await json<Artifact>(await uploadArchive(store.acmeMember, "acme", ID, fs.readFileSync(await zipTo(file("fresh.jpl"), pluginEntries(ID, "1.5.0")))), 201);
    const freshPath = file("fresh-signed.jpl");
    fs.writeFileSync(freshPath, Buffer.from(await (await call(H(download), { token: store.acmeMember, params: { id: fresh.id } })).arrayBuffer()));
    expect((await verifyFile(freshPath)).valid).toBe(true);
    await json(await call(H(revokeCertificate), { token: store.acmeAdmin, params: { serial: pluginSerial }, json: { reason: "keyCompromise" } }), 200);
    const report = await verifyFile(freshPath);
    expect(report.valid).toBe(false);
    expect(report.chain[0]).toMatchObject({ status: "revoked", revocation: { reason: "keyCompromise" } });
    expect(report.files.every((f) => f.state === "invalid")).toBe(true);
    expect(report.problems.join("\n")).toMatch(/revoked \(keyCompromise\)/);
    expect((await uploadArchive(store.acmeMember, "acme", ID, fs.readFileSync(await zipTo(file("late.jpl"), pluginEntries(ID))))).status).toBe(409);
  });
});
