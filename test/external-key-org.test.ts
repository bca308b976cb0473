// Organizations that keep their own CA key, end to end through the real routes: `signet issue`
// offline, registration, OCSP from a responder the org certified, CRLs the org signed with stock
// `openssl ca -gencrl` — each result checked by OpenSSL, not by our own parser.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { GET as listCas } from "@/app/api/v1/cas/route";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as reject } from "@/app/api/v1/requests/[id]/reject/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { POST as registerCert } from "@/app/api/v1/orgs/[slug]/certificates/route";
import { POST as revoke } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { GET as crlState, POST as uploadCrl } from "@/app/api/v1/cas/[caId]/crl/route";
import { GET as responderState, POST as responderCsr, PUT as installResponder } from "@/app/api/v1/cas/[caId]/ocsp-responder/route";
import { GET as getCrl } from "@/app/crl/[file]/route";
import { GET as ocspGet, POST as ocspPost } from "@/app/ocsp/route";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { issueCommand } from "@/cli/commands/issue";
import { call, followContactLink, resetDatabase } from "./helpers";
import { startHttpServer, type TestServer } from "./http-server";
import { opensslCsr, runTool, tempDir, writePem } from "./pki-fixtures";

const H = (h: unknown) => h as never;
const dir = tempDir("signet-extorg-");
const f = (name: string) => path.join(dir, name);

let server: TestServer;
let operator = "";
let admin = "";
let otherAdmin = "";
let caId = "";
const ORG = "Ext Plugins";

async function ok<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function issue(args: string[]): Promise<number> {
  return issueCommand(["--ca-key", f("org.key"), "--ca-cert", f("org.pem"), ...args]);
}

/** A fresh plugin certificate from `signet issue` on a new OpenSSL RSA-2048 key. */
async function issuePlugin(name: string, pluginId: string, extra: string[] = []): Promise<string> {
  opensslCsr(dir, name, { key: "rsa:2048" });
  expect(await issue(["--csr", f(`${name}.csr`), "--plugin", pluginId, "--url", env().publicUrl, "--ca-id", caId, "--out", f(`${name}.pem`), ...extra])).toBe(0);
  return fs.readFileSync(f(`${name}.pem`), "utf8");
}

const serialOf = (pemFile: string) => execFileSync("openssl", ["x509", "-in", pemFile, "-noout", "-serial"], { encoding: "utf8" }).trim().replace(/^serial=/, "");

/** `openssl ca -gencrl` over an index.txt we write: stock OpenSSL signs the org's CRL. */
function opensslCrl(name: string, revoked: { serial: string; reason?: string }[], opts: { key?: string; cert?: string; crlNumber?: number; lastUpdate?: string } = {}): Buffer {
  const base = f(name);
  fs.mkdirSync(base, { recursive: true });
  const when = "251201000000Z";
  fs.writeFileSync(path.join(base, "index.txt"), revoked.map((r) => `R\t351201000000Z\t${when}${r.reason ? `,${r.reason}` : ""}\t${r.serial.toUpperCase()}\tunknown\t/CN=x\n`).join(""));
  if (opts.crlNumber !== undefined) fs.writeFileSync(path.join(base, "crlnumber"), `${opts.crlNumber.toString(16).padStart(2, "0").toUpperCase()}\n`);
  else if (!fs.existsSync(path.join(base, "crlnumber"))) fs.writeFileSync(path.join(base, "crlnumber"), "01\n");
  fs.writeFileSync(
    path.join(base, "ca.cnf"),
    `[ca]\ndefault_ca = org\n[org]\ndatabase = ${base}/index.txt\ncrlnumber = ${base}/crlnumber\ncertificate = ${opts.cert ?? f("org.pem")}\nprivate_key = ${opts.key ?? f("org.key")}\ndefault_md = sha256\ndefault_crl_days = 7\ncrl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n`,
  );
  const args = ["ca", "-batch", "-config", path.join(base, "ca.cnf"), "-gencrl", "-out", path.join(base, "crl.pem")];
  if (opts.lastUpdate) args.push("-crl_lastupdate", opts.lastUpdate, "-crl_nextupdate", "351208000000Z");
  execFileSync("openssl", args, { stdio: "pipe" });
  execFileSync("openssl", ["crl", "-in", path.join(base, "crl.pem"), "-outform", "DER", "-out", path.join(base, "crl.der")]);
  return fs.readFileSync(path.join(base, "crl.der"));
}

const upload = (der: Uint8Array, token = admin, type = "application/pkix-crl") => call(H(uploadCrl), { token, params: { caId }, body: new Uint8Array(der), headers: { "content-type": type } });

async function ocsp(certFile: string): Promise<string> {
  const r = await runTool("openssl", ["ocsp", "-issuer", f("org.pem"), "-cert", certFile, "-url", `${server.url}/ocsp`, "-CAfile", f("root.pem"), "-no_nonce"]);
  return r.out;
}

describe("external-key organizations", () => {
  beforeAll(async () => {
    await resetDatabase();
    operator = (await initializeSignet({ adminEmail: "ops-ext@example.com", adminPassword: "pw-123456789" })).operatorToken;
    const from = { "x-forwarded-for": `10.77.${crypto.randomInt(255)}.${crypto.randomInt(255)}` };
    execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-out", f("p256.pem")]);
    const csrPem = opensslCsr(dir, "org", { key: `ec:${f("p256.pem")}`, subj: `/CN=${ORG}` });
    const reg = await ok<{ request: { id: string }; token: string }>(
      await call(H(registerOrg), { headers: from, json: { name: ORG, slug: "ext-plugins", pluginIdPrefix: "org.ext.", admin: { email: "admin@ext.test", password: "ext-password-12" }, csrPem } }),
      201,
    );
    admin = reg.token;
    await followContactLink("admin@ext.test");
    caId = (await ok<{ caId: string }>(await call(H(approve), { token: operator, params: { id: reg.request.id } }), 200)).caId;
    const other = await ok<{ request: { id: string }; token: string }>(
      await call(H(registerOrg), { headers: from, json: { name: "Other Org", slug: "other-org", pluginIdPrefix: "org.other.", admin: { email: "admin@other.test", password: "other-password-1" } } }),
      201,
    );
    otherAdmin = other.token;
    await followContactLink("admin@other.test");
    await ok(await call(H(approve), { token: operator, params: { id: other.request.id } }), 200);
    const cas = await (await call(H(listCas))).json() as { id: string; kind: string; certificatePem: string }[];
    writePem(dir, "org.pem", cas.find((c) => c.id === caId)!.certificatePem);
    writePem(dir, "root.pem", cas.find((c) => c.kind === "root")!.certificatePem);
    server = await startHttpServer([
      { path: "/ocsp", methods: { POST: H(ocspPost), GET: H(ocspGet) } },
      { path: "/crl/:file", methods: { GET: H(getCrl) } },
      { path: "/api/v1/cas", methods: { GET: H(listCas) } },
    ]);
  });
  afterAll(async () => server?.close());

  it("refuses plugin-certificate requests with 409 at request time, and lets a pending one be rejected", async () => {
    const res = await call(H(requestPlugin), { token: admin, params: { slug: "ext-plugins" }, json: { pluginId: "org.ext.hosted" } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/signet issue/);
    // A request filed before this refusal existed stays decidable: rejecting it works.
    const client = await db();
    const org = await client.organization.findUniqueOrThrow({ where: { slug: "ext-plugins" } });
    const stale = await client.certificateRequest.create({ data: { kind: "plugin_cert", orgId: org.id, pluginId: "org.ext.old", keyMode: "hosted", keyAlgorithm: "rsa-3072", subject: `O=${ORG}, CN=org.ext.old` } });
    expect((await call(H(approve), { token: admin, params: { id: stale.id } })).status).toBe(409);
    const rejected = await ok<{ request: { status: string } }>(await call(H(reject), { token: admin, params: { id: stale.id }, json: { reason: "external key" } }), 200);
    expect(rejected.request.status).toBe("rejected");
  });

  it("`signet issue` writes Signet's plugin profile, which OpenSSL verifies under the org CA and the root", async () => {
    opensslCsr(dir, "lookup", { key: "rsa:2048", subj: "/CN=anything/O=Evil" });
    // Without --ca-id the CLI asks the public CA list for the CA's id.
    expect(await issue(["--csr", f("lookup.csr"), "--plugin", "org.ext.lookup", "--url", server.url, "--out", f("lookup.pem")])).toBe(0);
    const text = execFileSync("openssl", ["x509", "-in", f("lookup.pem"), "-noout", "-text"], { encoding: "utf8" });
    expect(text).toContain(`Subject: O = ${ORG}, CN = org.ext.lookup`);
    expect(text).toContain(`URI:${server.url}/crl/${caId}.crl`);
    expect(text).toContain(`OCSP - URI:${server.url}/ocsp`);
    expect(text).toMatch(/X509v3 Extended Key Usage: \n\s+Code Signing/);
    expect(text).toMatch(/CA:FALSE/);
    await issuePlugin("plugin", "org.ext.alpha");
    const verify = execFileSync("openssl", ["verify", "-CAfile", f("root.pem"), "-untrusted", f("org.pem"), "-purpose", "any", f("plugin.pem")], { encoding: "utf8" });
    expect(verify).toContain("OK");
    expect(serialOf(f("plugin.pem")).length).toBeGreaterThanOrEqual(16);
    expect(text).not.toMatch(/Not (Before|After) *: .*\.\d+/);
    // A bad CSR is refused the way the server refuses it; a non-RSA key for a plugin too.
    fs.writeFileSync(f("junk.csr"), "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
    await expect(issue(["--csr", f("junk.csr"), "--plugin", "org.ext.x", "--url", server.url, "--ca-id", caId, "--out", f("junk.pem")])).rejects.toThrow(/invalid CSR/);
    opensslCsr(dir, "ecplugin", { key: `ec:${f("p256.pem")}` });
    await expect(issue(["--csr", f("ecplugin.csr"), "--plugin", "org.ext.x", "--url", server.url, "--ca-id", caId, "--out", f("ec.pem")])).rejects.toThrow(/must be RSA/);
    await expect(issueCommand(["--ca-key", f("plugin.key"), "--ca-cert", f("org.pem"), "--csr", f("plugin.csr"), "--plugin", "org.ext.x", "--url", server.url, "--ca-id", caId, "--out", f("x.pem")])).rejects.toThrow(/not the key of/);
  });

  it("registers what the org issued (201, audited), once; refuses anything off-profile with a 400 naming why", async () => {
    const pem = fs.readFileSync(f("plugin.pem"), "utf8");
    const registered = await ok<{ serial: string; status: string; kind: string; pluginId: string }>(await call(H(registerCert), { token: admin, params: { slug: "ext-plugins" }, json: { pem } }), 201);
    expect(registered).toMatchObject({ status: "issued", kind: "plugin", pluginId: "org.ext.alpha", serial: serialOf(f("plugin.pem")).toLowerCase() });
    expect(await (await db()).auditEvent.count({ where: { action: "certificate.registered" } })).toBe(1);
    expect((await call(H(registerCert), { token: admin, params: { slug: "ext-plugins" }, json: { pem } })).status).toBe(409);
    // Members 403, another org 404, anonymous 401.
    expect((await call(H(registerCert), { token: otherAdmin, params: { slug: "ext-plugins" }, json: { pem } })).status).toBe(404);
    expect((await call(H(registerCert), { params: { slug: "ext-plugins" }, json: { pem } })).status).toBe(401);

    const refused = async (pemText: string, pattern: RegExp) => {
      const res = await call(H(registerCert), { token: admin, params: { slug: "ext-plugins" }, json: { pem: pemText } });
      const body = (await res.json()) as { detail: string };
      expect(res.status, body.detail).toBe(400);
      expect(body.detail).toMatch(pattern);
    };
    // Outside the org's plugin id prefix.
    await refused(await issuePlugin("outside", "com.elsewhere.plugin"), /prefix/);
    // Pointing at another Signet (CRL DP / AIA differ from this CA's).
    opensslCsr(dir, "elsewhere", { key: "rsa:2048" });
    expect(await issue(["--csr", f("elsewhere.csr"), "--plugin", "org.ext.beta", "--url", "http://signet.invalid", "--ca-id", caId, "--out", f("elsewhere.pem")])).toBe(0);
    await refused(fs.readFileSync(f("elsewhere.pem"), "utf8"), /profile/);
    // Signed by the org key but with OpenSSL's own extensions (CA:TRUE here): not Signet's profile.
    fs.writeFileSync(f("ext.cnf"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\n");
    execFileSync("openssl", ["x509", "-req", "-in", f("elsewhere.csr"), "-CA", f("org.pem"), "-CAkey", f("org.key"), "-set_serial", "0x1234567890abcdef", "-days", "30", "-extfile", f("ext.cnf"), "-subj", `/O=${ORG}/CN=org.ext.gamma`, "-out", f("openssl-made.pem")], { stdio: "pipe" });
    await refused(fs.readFileSync(f("openssl-made.pem"), "utf8"), /basicConstraints|profile|extension/);
    // Not signed by this CA: a self-made CA with the same name.
    execFileSync("openssl", ["req", "-x509", "-newkey", `ec:${f("p256.pem")}`, "-nodes", "-keyout", f("fake.key"), "-out", f("fake.pem"), "-subj", `/O=${ORG}/CN=${ORG} CA`, "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE"], { stdio: "pipe" });
    opensslCsr(dir, "forged", { key: "rsa:2048" });
    expect(await issueCommand(["--ca-key", f("fake.key"), "--ca-cert", f("fake.pem"), "--csr", f("forged.csr"), "--plugin", "org.ext.forged", "--url", env().publicUrl, "--ca-id", caId, "--out", f("forged.pem")])).toBe(0);
    await refused(fs.readFileSync(f("forged.pem"), "utf8"), /signature does not verify/);
    await refused("not a certificate", /exactly one PEM block/);
    await refused(`-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n`, /certificate/i);
    // Revocation goes through the org's CRL, not Signet's revoke button.
    expect((await call(H(revoke), { token: admin, params: { serial: registered.serial }, json: { reason: "superseded" } })).status).toBe(409);
  });

  it("answers OCSP for the CA once the org certifies Signet's responder key: unauthorized before, good after", async () => {
    expect(await ocsp(f("plugin.pem"))).toMatch(/unauthorized/);
    expect((await call(H(installResponder), { token: admin, params: { caId }, json: { pem: fs.readFileSync(f("plugin.pem"), "utf8") } })).status).toBe(409);
    expect((await call(H(responderCsr), { token: otherAdmin, params: { caId } })).status).toBe(404);
    const { csrPem } = await ok<{ csrPem: string }>(await call(H(responderCsr), { token: admin, params: { caId } }), 200);
    // Asking again hands out a CSR for the same key (one key waits for its certificate).
    const again = await ok<{ csrPem: string }>(await call(H(responderCsr), { token: admin, params: { caId } }), 200);
    const pub = (pem: string) => execFileSync("openssl", ["req", "-noout", "-pubkey"], { input: pem, encoding: "utf8" });
    expect(pub(again.csrPem)).toBe(pub(csrPem));
    expect(execFileSync("openssl", ["req", "-noout", "-verify"], { input: csrPem, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] })).toBeDefined();
    fs.writeFileSync(f("responder.csr"), csrPem);
    // A certificate for another key (the plugin's) is refused, even with the responder profile.
    expect(await issue(["--responder", "--csr", f("plugin.csr"), "--out", f("wrong-responder.pem")])).toBe(0);
    const wrong = await call(H(installResponder), { token: admin, params: { caId }, json: { pem: fs.readFileSync(f("wrong-responder.pem"), "utf8") } });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { detail: string }).detail).toMatch(/expected key/);
    await expect(issue(["--responder", "--csr", f("responder.csr"), "--days", "400", "--out", f("long.pem")])).rejects.toThrow(/--days/);
    expect(await issue(["--responder", "--csr", f("responder.csr"), "--out", f("responder.pem")])).toBe(0);
    const text = execFileSync("openssl", ["x509", "-in", f("responder.pem"), "-noout", "-text"], { encoding: "utf8" });
    expect(text).toContain("OCSP Signing");
    expect(text).toContain("OCSP No Check");
    const installed = await ok<{ installed: { serial: string } }>(await call(H(installResponder), { token: admin, params: { caId }, json: { pem: fs.readFileSync(f("responder.pem"), "utf8") } }), 200);
    expect(installed.installed.serial).toBe(serialOf(f("responder.pem")).toLowerCase());
    const state = await ok<{ pending: boolean; installed: { active: boolean } }>(await call(H(responderState), { token: operator, params: { caId } }), 200);
    expect(state).toMatchObject({ pending: false, installed: { active: true } });
    const answer = await ocsp(f("plugin.pem"));
    expect(answer).toContain("Response verify OK");
    expect(answer).toMatch(/plugin\.pem: good/);
    // A serial never registered is "unknown", not "good".
    const unregistered = await ocsp(f("lookup.pem"));
    expect(unregistered).toMatch(/lookup\.pem: unknown/);
  });

  it("takes the org's CRL: served byte for byte, OCSP says revoked with its reason, checked by openssl crl and openssl ocsp", async () => {
    expect((await call(H(getCrl), { params: { file: `${caId}.crl` } })).status).toBe(404);
    const serial = serialOf(f("plugin.pem"));
    const crl = opensslCrl("crl1", [{ serial, reason: "keyCompromise" }]);
    expect((await upload(crl, otherAdmin)).status).toBe(404);
    expect((await upload(crl, operator)).status).toBe(403);
    const accepted = await ok<{ crlNumber: string; newlyRevoked: string[] }>(await upload(crl), 201);
    expect(accepted.crlNumber).toBe("1");
    expect(accepted.newlyRevoked).toEqual([serial.toLowerCase()]);
    const served = await fetch(`${server.url}/crl/${caId}.crl`);
    expect(served.headers.get("content-type")).toBe("application/pkix-crl");
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(bytes.equals(crl)).toBe(true);
    fs.writeFileSync(f("served.crl"), bytes);
    fs.writeFileSync(f("chain.pem"), fs.readFileSync(f("org.pem"), "utf8") + fs.readFileSync(f("root.pem"), "utf8"));
    const crlText = execFileSync("openssl", ["crl", "-inform", "DER", "-in", f("served.crl"), "-CAfile", f("chain.pem"), "-noout", "-text"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(crlText).toContain(`Serial Number: ${serial.toUpperCase()}`);
    const answer = await ocsp(f("plugin.pem"));
    expect(answer).toContain("Response verify OK");
    expect(answer).toMatch(/plugin\.pem: revoked/);
    expect(answer).toMatch(/Reason: keyCompromise/);
    const state = await ok<{ latest: { crlNumber: string; entries: number } }>(await call(H(crlState), { token: admin, params: { caId } }), 200);
    expect(state.latest).toMatchObject({ crlNumber: "1", entries: 1 });
  });

  it("refuses a CRL that reuses a number, drops a revoked serial, starts in the future, has another signer, or is not DER", async () => {
    const serial = serialOf(f("plugin.pem"));
    const expectRefused = async (res: Response, status: number, pattern: RegExp) => {
      const body = (await res.json()) as { detail: string };
      expect(res.status, body.detail).toBe(status);
      expect(body.detail).toMatch(pattern);
    };
    await expectRefused(await upload(opensslCrl("same-number", [{ serial, reason: "keyCompromise" }], { crlNumber: 1 })), 409, /not greater/);
    await expectRefused(await upload(opensslCrl("drops", [], { crlNumber: 5 })), 409, /drops 1 serial/);
    await expectRefused(await upload(opensslCrl("future", [{ serial }], { crlNumber: 6, lastUpdate: "351201000000Z" })), 400, /future/);
    await expectRefused(await upload(opensslCrl("forged", [{ serial }], { crlNumber: 7, key: f("fake.key"), cert: f("fake.pem") })), 400, /signature|key identifier|issuer/);
    await expectRefused(await upload(fs.readFileSync(f("crl1/crl.pem"))), 400, /PEM/);
    await expectRefused(await upload(Buffer.from([0x30, 0x80, 0x00, 0x00])), 400, /DER/);
    await expectRefused(await upload(Buffer.concat([fs.readFileSync(f("crl1/crl.der")), Buffer.from([0])])), 400, /trailing/);
    await expectRefused(await upload(fs.readFileSync(f("crl1/crl.der")), admin, "text/plain"), 415, /pkix-crl/);
    // Nothing refused changed what is served or the CRL number.
    expect(Buffer.from(await (await fetch(`${server.url}/crl/${caId}.crl`)).arrayBuffer()).equals(fs.readFileSync(f("crl1/crl.der")))).toBe(true);
  });

  it("reads a CRL of several thousand entries exactly, and a serial it lists can no longer be registered", async () => {
    const listedPem = await issuePlugin("listed", "org.ext.listed");
    const listedSerial = serialOf(f("listed.pem"));
    const many = Array.from({ length: 3000 }, (_, i) => ({ serial: (0x10_0000_0000n + BigInt(i)).toString(16), reason: i % 2 ? "superseded" : undefined }));
    const crl = opensslCrl("big", [{ serial: serialOf(f("plugin.pem")), reason: "keyCompromise" }, { serial: listedSerial, reason: "cessationOfOperation" }, ...many], { crlNumber: 8 });
    const accepted = await ok<{ crlNumber: string; entries: number }>(await upload(crl), 201);
    expect(accepted).toMatchObject({ crlNumber: "8", entries: 3002 });
    const served = Buffer.from(await (await fetch(`${server.url}/crl/${caId}.crl`)).arrayBuffer());
    expect(served.equals(crl)).toBe(true);
    fs.writeFileSync(f("big-served.crl"), served);
    const count = execFileSync("openssl", ["crl", "-inform", "DER", "-in", f("big-served.crl"), "-noout", "-text"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).match(/Serial Number:/g)?.length;
    expect(count).toBe(3002);
    const res = await call(H(registerCert), { token: admin, params: { slug: "ext-plugins" }, json: { pem: listedPem } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/listed as revoked on CRL 8/);
    expect(await ocsp(f("plugin.pem"))).toMatch(/plugin\.pem: revoked/);
    // The revocation kept the reason and time of its first CRL.
    const revocation = await (await db()).revocation.findFirstOrThrow({ where: { issuerCaId: caId, serialHex: serialOf(f("plugin.pem")).toLowerCase() } });
    expect(revocation).toMatchObject({ reason: "keyCompromise", crlNumber: 1n });
    expect(revocation.revokedAt.toISOString()).toBe("2025-12-01T00:00:00.000Z");
  });

  it("answers any CRL bytes and any certificate text with a 4xx problem+json, never a 500 (fast-check)", async () => {
    const crl = fs.readFileSync(f("crl1/crl.der"));
    const pem = fs.readFileSync(f("plugin.pem"), "utf8");
    const clientError = async (res: Response, what: string) => {
      const body = await res.text();
      expect(res.status, `${what}: ${body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${what}: ${body.slice(0, 200)}`).toBeLessThan(500);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: crl.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: crl.length }), fc.uint8Array({ maxLength: 64 }), async (at, value, cut, noise) => {
        for (const body of [Buffer.from(crl).fill(value, at, at + 1), crl.subarray(0, cut), Buffer.concat([crl.subarray(0, at), noise, crl.subarray(at)]), Buffer.from(noise)]) {
          if (body.equals(crl)) continue;
          await clientError(await upload(body), `CRL ${body.length} bytes`);
        }
      }),
      { numRuns: 60 },
    );
    const b64 = pem.replace(/-----[A-Z ]+-----|\s/g, "");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: b64.length - 1 }), fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"), fc.string({ maxLength: 80 }), async (at, ch, text) => {
        const flipped = `-----BEGIN CERTIFICATE-----\n${b64.slice(0, at)}${ch}${b64.slice(at + 1)}\n-----END CERTIFICATE-----\n`;
        for (const candidate of [flipped, text, `-----BEGIN CERTIFICATE-----\n${b64.slice(0, at)}\n-----END CERTIFICATE-----\n`]) {
          const res = await call(H(registerCert), { token: admin, params: { slug: "ext-plugins" }, json: { pem: candidate } });
          await clientError(res, `certificate ${candidate.slice(30, 60)}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("the Signet-hosted paths stay closed to the external CA: no Signet-signed CRL, no hosted responder", async () => {
    const client = await db();
    expect(await client.auditEvent.count({ where: { action: "crl.issued", subjectId: caId } })).toBe(0);
    const responderCerts = await client.certificate.findMany({ where: { issuerCaId: caId, kind: "ocsp_responder" }, select: { keyId: true } });
    expect(responderCerts).toHaveLength(1);
  });
});
