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

  it("--offline skips revocation and says so; a tampered file fails with its state printed", async () => {
    const offline = await runVerify([signed, "--root", rootPem(), "--offline"]);
    expect(offline.code).toBe(0);
    expect(offline.out).toMatch(/unchecked\s+O=Acme Plugins, CN=com\.acme\.cli/);
    expect(offline.out).toContain("revocation status was not checked (offline)");
    const tampered = await rewriteArchive(signed, path.join(dir, "tampered.jpl"), { replace: { "data/icon.svg": "<svg/>" } });
    const bad = await runVerify([tampered, "--root", rootPem(), "--offline"]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/modified\s+data\/icon\.svg/);
    expect(bad.out).toContain("Result: INVALID");
    await expect(runVerify([signed])).rejects.toThrow(/--root/);
  });

  it("the real binary runs the same command (exit status 0 only when valid)", async () => {
    const run = (args: string[]) =>
      new Promise<number>((resolve) => execFile(process.execPath, ["cli/signet.mjs", "verify", ...args], { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: "" } }, (err) => resolve(err ? ((err as { code?: number }).code ?? 1) : 0)));
    expect(await run([signed, "--root", rootPem(), "--offline"])).toBe(0);
    expect(await run([path.join(dir, "tampered.jpl"), "--root", rootPem(), "--offline"])).toBe(1);
  }, 60_000);

  it("reports a revoked artifact", async () => {
    await json(await call(H(revokeArtifact), { token: store.acmeAdmin, params: { id: artifactId }, json: { reason: "withdrawn by the publisher" } }), 200);
    const { code, out } = await runVerify([signed, "--root", rootPem(), "--url", base]);
    expect(code).toBe(1);
    expect(out).toContain("Artifact: REVOKED: withdrawn by the publisher");
  });

  it("reports a revoked plugin certificate by OCSP, and by the CRL when OCSP is down", async () => {
    await json(await call(H(revokeCertificate), { token: store.acmeAdmin, params: { serial }, json: { reason: "keyCompromise" } }), 200);
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
