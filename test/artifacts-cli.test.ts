// `signet verify` and `signet sign` against a live store: the store's own route handlers are
// served over HTTP here, so the CLI really asks OCSP, falls back to the CRL, and asks about the artifact.
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as download } from "@/app/api/v1/artifacts/[id]/download/route";
import { GET as signatureP7s } from "@/app/api/v1/artifacts/[id]/signature.p7s/route";
import { POST as revokeArtifact } from "@/app/api/v1/artifacts/[id]/revoke/route";
import { GET as byHash } from "@/app/api/v1/artifacts/by-sha256/[sha256]/route";
import { GET as listCas } from "@/app/api/v1/cas/route";
import { POST as revokeCertificate } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { GET as crl } from "@/app/crl/[file]/route";
import { POST as ocsp } from "@/app/ocsp/route";
import { verifyCommand } from "@/cli/commands/verify";
import { pluginEntries, rewriteArchive, zipTo } from "@/lib/pki/jpl/test-fixtures";
import { db } from "@/lib/db";
import { toPem } from "@/lib/pki/certificate/pem";
import { call } from "./helpers";
import { tempDir } from "./pki-fixtures";
import { H, issuePluginCert, json, setUpStore, uploadArchive, type Store } from "./artifact-fixtures";

const dir = tempDir("signet-cli-");
const ID = "com.acme.cli";
let store: Store;
let base = "";
let server: http.Server;
let ocspDown = false;
let signed = "";
let artifactId = "";
let serial = "";
const rootPem = () => path.join(dir, "root.pem");

/** Dispatches to the app's route handlers, as the Next server would. */
function serve(): Promise<string> {
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request = new Request(url, { method: req.method, headers: req.headers as Record<string, string>, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
    let response: Response;
    const crlMatch = /^\/crl\/([^/]+)$/.exec(url.pathname);
    const hashMatch = /^\/api\/v1\/artifacts\/by-sha256\/([^/]+)$/.exec(url.pathname);
    if (url.pathname === "/ocsp" && req.method === "POST") response = ocspDown ? new Response("down", { status: 503 }) : await ocsp(request);
    else if (crlMatch) response = await crl(request, { params: Promise.resolve({ file: crlMatch[1] }) });
    else if (hashMatch) response = await byHash(request, { params: Promise.resolve({ sha256: hashMatch[1] }) });
    else if (url.pathname === "/api/v1/cas") response = await listCas(request, { params: Promise.resolve({}) });
    else response = new Response("not found", { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** The real CLI in a child process, which must exit by itself (the timeout kills a hung one and fails). */
function runBinary(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, ["cli/signet.mjs", "verify", ...args], { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: "" }, timeout: 45_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, out: String(stdout), err: String(stderr) }),
    ),
  );
}

const crlFile = (which: "root" | "org" | "beta") => path.join(dir, `${which}.crl`);

/** The current CRL of the root, Acme's CA and Beta's CA, as a relying party would download them. */
async function saveCrls(): Promise<void> {
  const client = await db();
  const root = await client.certificateAuthority.findFirstOrThrow({ where: { kind: "root" } });
  const org = async (slug: string) => client.certificateAuthority.findFirstOrThrow({ where: { kind: "org", org: { slug } } });
  for (const [which, id] of [["root", root.id], ["org", (await org("acme")).id], ["beta", (await org("beta")).id]] as const) {
    const res = await fetch(`${base}/crl/${id}.crl`);
    expect(res.status).toBe(200);
    fs.writeFileSync(crlFile(which), Buffer.from(await res.arrayBuffer()));
  }
}

async function runVerify(args: string[]): Promise<{ code: number; out: string }> {
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
}

beforeAll(async () => {
  store = await setUpStore();
  fs.writeFileSync(rootPem(), store.rootPem);
  serial = (await issuePluginCert(store.acmeAdmin, "acme", ID)).serial;
  const artifact = await json<{ id: string }>(await uploadArchive(store.acmeMember, "acme", ID, fs.readFileSync(await zipTo(path.join(dir, "in.jpl"), pluginEntries(ID, "2.0.0")))), 201);
  artifactId = artifact.id;
  signed = path.join(dir, "signed.jpl");
  fs.writeFileSync(signed, Buffer.from(await (await call(H(download), { token: store.acmeMember, params: { id: artifact.id } })).arrayBuffer()));
  fs.writeFileSync(`${signed}.p7s`, Buffer.from(await (await call(H(signatureP7s), { params: { id: artifact.id } })).arrayBuffer()));
  base = await serve();
  await saveCrls();
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("signet verify (CLI)", () => {
  it("verifies online: OCSP for each certificate, the artifact's status, the detached signature", async () => {
    const { code, out } = await runVerify([signed, "--root", rootPem(), "--url", base, "--json"]);
    const report = JSON.parse(out);
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    expect(report.chain.map((c: { status: string }) => c.status)).toEqual(["good", "good", "trusted-root"]);
    expect(report.chain[0].source).toBe(`ocsp ${base}/ocsp`);
    expect(report).toMatchObject({ artifactChecked: true, artifactRevoked: false, cms: { valid: true } });
  });

  it("trusts the store's published roots when given only --url, and says so", async () => {
    const { code, out } = await runVerify([signed, "--url", base]);
    expect(code).toBe(0);
    expect(out).toContain("Result: VALID");
    expect(out).toContain(`note: trusted the root CA(s) published by ${base}`);
  });

  it("--offline skips revocation and says so (exit 3, not 0); a tampered file fails with its state printed", async () => {
    const offline = await runVerify([signed, "--root", rootPem(), "--offline"]);
    expect(offline.code).toBe(3);
    expect(offline.out).toContain("Result: VALID SIGNATURES AND CHAIN, REVOCATION NOT CHECKED");
    expect(offline.out).not.toContain("Result: VALID\n");
    expect(offline.out).toMatch(/unchecked\s+O=Acme Plugins, CN=com\.acme\.cli/);
    expect(offline.out).toContain("revocation status was not checked (offline)");
    const tampered = await rewriteArchive(signed, path.join(dir, "tampered.jpl"), { replace: { "data/icon.svg": "<svg/>" } });
    const bad = await runVerify([tampered, "--root", rootPem(), "--offline"]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/modified\s+data\/icon\.svg/);
    expect(bad.out).toContain("Result: INVALID");
    await expect(runVerify([signed])).rejects.toThrow(/--root/);
  });

  it("the real binary runs the same command (exit status 0 only when valid and revocation checked, 3 offline)", async () => {
    expect((await runBinary([signed, "--root", rootPem(), "--offline"])).code).toBe(3);
    expect((await runBinary([path.join(dir, "tampered.jpl"), "--root", rootPem(), "--offline"])).code).toBe(1);
  }, 60_000);

  it("--crl checks revocation offline: the store's CRLs give exit 0; a CRL of another CA or one forged under the issuer's name is refused (exit 1)", async () => {
    const good = await runBinary([signed, "--root", rootPem(), "--offline", "--crl", crlFile("org"), "--crl", crlFile("root")]);
    expect(good.code, good.out + good.err).toBe(0);
    expect(good.out).toMatch(/good\s+O=Acme Plugins, CN=com\.acme\.cli.*\[crl .*org\.crl\]/);
    expect(good.out).toContain("Result: VALID\n");

    // PEM works too; a CRL only for the plugin certificate's issuer leaves the org CA's status unknown.
    const pem = path.join(dir, "org.pem.crl");
    fs.writeFileSync(pem, toPem(fs.readFileSync(crlFile("org")), "X509 CRL"));
    const partial = await runBinary([signed, "--root", rootPem(), "--crl", pem]);
    expect(partial.code).toBe(1);
    expect(partial.out).toMatch(/the revocation status of O=Acme Plugins, CN=Acme Plugins.* is unknown: no --crl file was issued by/);

    const other = await runBinary([signed, "--root", rootPem(), "--offline", "--crl", crlFile("beta"), "--crl", crlFile("root")]);
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/is unknown: no --crl file was issued by/);
    expect(other.out).toMatch(/beta\.crl was issued by .*Beta Tools.*: not used/);

    // Another CA's key, signing a CRL with the org CA's exact issuer name and no entries: python-cryptography.
    const forged = path.join(dir, "forged.crl");
    const script = [
      "import sys, datetime",
      "from cryptography import x509",
      "from cryptography.hazmat.primitives import hashes, serialization",
      "from cryptography.hazmat.primitives.asymmetric import ec",
      "real = x509.load_der_x509_crl(open(sys.argv[1], 'rb').read())",
      "now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)",
      "b = x509.CertificateRevocationListBuilder().issuer_name(real.issuer).last_update(now - datetime.timedelta(minutes=1)).next_update(now + datetime.timedelta(days=1))",
      "crl = b.sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())",
      "open(sys.argv[2], 'wb').write(crl.public_bytes(serialization.Encoding.DER))",
    ].join("\n");
    await new Promise<void>((resolve, reject) => execFile("python3", ["-c", script, crlFile("org"), forged], (err) => (err ? reject(err) : resolve())));
    const refused = await runBinary([signed, "--root", rootPem(), "--offline", "--crl", forged, "--crl", crlFile("root")]);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/forged\.crl refused: CRL: .*signature/i);

    const notACrl = await runBinary([signed, "--root", rootPem(), "--crl", rootPem()]);
    expect(notACrl.code).toBe(2);
    expect(notACrl.err).toMatch(/--crl .*root\.pem/);
  }, 120_000);

  it("reports a revoked artifact", async () => {
    await json(await call(H(revokeArtifact), { token: store.acmeAdmin, params: { id: artifactId }, json: { reason: "withdrawn by the publisher" } }), 200);
    const { code, out } = await runVerify([signed, "--root", rootPem(), "--url", base]);
    expect(code).toBe(1);
    expect(out).toContain("Artifact: REVOKED: withdrawn by the publisher");
  });

  it("reports a revoked plugin certificate from a --crl file, offline, naming it (the real binary, exit 1)", async () => {
    await json(await call(H(revokeCertificate), { token: store.acmeAdmin, params: { serial }, json: { reason: "keyCompromise" } }), 200);
    await saveCrls();
    const { code, out } = await runBinary([signed, "--root", rootPem(), "--offline", "--crl", crlFile("org"), "--crl", crlFile("root")]);
    expect(code).toBe(1);
    expect(out).toContain(`O=Acme Plugins, CN=com.acme.cli (serial ${serial}) is revoked (keyCompromise)`);
    expect(out).toContain("Result: INVALID");
  }, 60_000);

  it("reports a revoked plugin certificate by OCSP, and by the CRL when OCSP is down", async () => {
    const byOcsp = JSON.parse((await runVerify([signed, "--root", rootPem(), "--url", base, "--json"])).out);
    expect(byOcsp.chain[0]).toMatchObject({ status: "revoked", revocation: { reason: "keyCompromise" }, source: `ocsp ${base}/ocsp` });
    ocspDown = true;
    try {
      const { code, out } = await runVerify([signed, "--root", rootPem(), "--url", base, "--json"]);
      const report = JSON.parse(out);
      expect(code).toBe(1);
      expect(report.chain[0]).toMatchObject({ status: "revoked", revocation: { reason: "keyCompromise" } });
      expect(report.chain[0].source).toMatch(new RegExp(`^crl ${base}/crl/`));
      expect(report.chain[1]).toMatchObject({ status: "good" });
      expect(report.chain[1].source).toMatch(/^crl /);
    } finally {
      ocspDown = false;
    }
  });
});
