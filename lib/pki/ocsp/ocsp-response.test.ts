// The encoder checked against stock OpenSSL and python-cryptography, on a hierarchy built in-process.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateInfo, issueOcspResponderCertificate, issueOrgCa, issuePluginCertificate, issueRootCa, toPem } from "../certificate/issue";
import { keyIdentifierOf } from "../certificate/extensions";
import { randomSerial } from "../certificate/serial";
import { generateKeyPair, softwareSigner, spkiOf, type Signer } from "../signer";
import { encodeBasicOcspResponse, type CertStatus } from "./basic-ocsp-response";
import { encodeCertId } from "./cert-id";
import { encodeOcspRequest } from "./ocsp-request";
import { encodeOcspResponse, ocspErrorResponse } from "./ocsp-response";
import { parseOcspResponse } from "./parse-ocsp-response";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ocsp-resp-"));
const file = (name: string) => path.join(dir, name);
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
/** stdout and stderr together, whatever the exit status (OpenSSL prints verification results on stderr). */
const runAll = (args: string[]) => spawnSync("openssl", args, { encoding: "utf8" });
// OpenSSL checks thisUpdate/nextUpdate against the wall clock, so "now" is real, with a fraction to drop.
const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 750);
const whole = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
const urls = { crlUrl: "http://127.0.0.1/crl/x.crl", ocspUrl: "http://127.0.0.1/ocsp", caIssuersUrl: "http://127.0.0.1/ca/x.crt" };

let orgInfo: ReturnType<typeof certificateInfo>;
let pluginSerial: Uint8Array;
let responderSigner: Signer;
let responderDer: Uint8Array;

beforeAll(async () => {
  const rootSigner = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);
  const rootDer = await issueRootCa({ signer: rootSigner, commonName: "Unit Root", serial: randomSerial(), notBefore: new Date(now.getTime() - 86_400_000), notAfter: new Date(now.getTime() + 400 * 86_400_000) });
  const orgSigner = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);
  const window = { notBefore: new Date(now.getTime() - 3600_000), notAfter: new Date(now.getTime() + 300 * 86_400_000) };
  const orgDer = await issueOrgCa({ issuer: certificateInfo(rootDer), issuerSigner: rootSigner, orgName: "Unit Org", subjectPublicKeySpki: orgSigner.publicKeySpki, serial: randomSerial(), urls, ...window });
  orgInfo = certificateInfo(orgDer);
  pluginSerial = randomSerial();
  const pluginKey = generateKeyPair("rsa-2048").privateKey;
  const pluginDer = await issuePluginCertificate({ issuer: orgInfo, issuerSigner: orgSigner, orgName: "Unit Org", pluginId: "com.unit.x", subjectPublicKeySpki: spkiOf(pluginKey), serial: pluginSerial, urls, ...window });
  responderSigner = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);
  responderDer = await issueOcspResponderCertificate({ issuer: orgInfo, issuerSigner: orgSigner, subjectPublicKeySpki: responderSigner.publicKeySpki, serial: randomSerial(), notBefore: window.notBefore, notAfter: new Date(now.getTime() + 7 * 86_400_000) });
  fs.writeFileSync(file("root.pem"), toPem(rootDer, "CERTIFICATE"));
  fs.writeFileSync(file("org.pem"), toPem(orgDer, "CERTIFICATE"));
  fs.writeFileSync(file("plugin.pem"), toPem(pluginDer, "CERTIFICATE"));
});

async function respond(status: CertStatus, opts: { hash?: "sha1" | "sha256"; nonce?: Buffer } = {}) {
  const certIdDer = encodeCertId({ hash: opts.hash ?? "sha1", issuerNameDer: orgInfo.subjectDer, issuerSpkiDer: orgInfo.spkiDer, serial: pluginSerial });
  const basic = await encodeBasicOcspResponse({
    responderKeyHash: keyIdentifierOf(responderSigner.publicKeySpki),
    producedAt: now,
    responses: [{ certIdDer, status, thisUpdate: now, nextUpdate: new Date(now.getTime() + 86_400_000) }],
    nonce: opts.nonce ? encodeOcspRequestNonce(opts.nonce) : undefined,
    certs: [responderDer],
    signer: responderSigner,
  });
  const der = encodeOcspResponse(basic);
  const name = crypto.randomUUID();
  fs.writeFileSync(file(`${name}.resp`), der);
  if (opts.nonce) fs.writeFileSync(file(`${name}.req`), encodeOcspRequest([certIdDer], opts.nonce));
  return { der, respFile: file(`${name}.resp`), reqFile: opts.nonce ? file(`${name}.req`) : undefined };
}

const encodeOcspRequestNonce = (nonce: Buffer) => Buffer.concat([Buffer.from([0x04, nonce.length]), nonce]);

function opensslCheck(respFile: string, hash: "sha1" | "sha256" = "sha1"): string {
  // OpenSSL matches the answer to a CertID it builds itself, so it must use the same hash.
  const r = runAll(["ocsp", "-respin", respFile, `-${hash}`, "-issuer", file("org.pem"), "-cert", file("plugin.pem"), "-CAfile", file("root.pem"), "-no_nonce"]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout + r.stderr;
}

describe("BasicOCSPResponse encoder", () => {
  it("writes a good answer OpenSSL verifies, with whole-second GeneralizedTimes", async () => {
    const { der, respFile } = await respond({ kind: "good" });
    const out = opensslCheck(respFile);
    expect(out).toContain("Response verify OK");
    expect(out).toMatch(/plugin\.pem: good/);
    expect(out).not.toContain("WARNING");
    const parsed = parseOcspResponse(der);
    expect(parsed.basic!.producedAt.toISOString()).toBe(whole(now.getTime()));
    expect(parsed.basic!.responses[0].nextUpdate!.toISOString()).toBe(whole(now.getTime() + 86_400_000));
    expect(Buffer.from(parsed.basic!.certs[0])).toEqual(Buffer.from(responderDer));
  });

  it("writes revoked with time and reason, and SHA-256 CertIDs", async () => {
    const revokedAt = new Date("2026-11-19T08:30:00.400Z");
    const { respFile } = await respond({ kind: "revoked", revokedAt, reason: "keyCompromise" }, { hash: "sha256" });
    const out = opensslCheck(respFile, "sha256");
    expect(out).toMatch(/plugin\.pem: revoked/);
    expect(out).toMatch(/Reason: keyCompromise/);
    expect(out).toMatch(/Revocation Time: Nov 19 08:30:00 2026 GMT/);
  });

  it("reads back what it wrote (parse side), reason omitted for unspecified as in the CRL", async () => {
    const revokedAt = new Date(now.getTime() - 3600_000);
    const withReason = parseOcspResponse((await respond({ kind: "revoked", revokedAt, reason: "cessationOfOperation" })).der).basic!;
    expect(withReason.responses[0].status).toEqual({ kind: "revoked", revokedAt: new Date(whole(revokedAt.getTime())), reason: "cessationOfOperation" });
    expect(Buffer.from(withReason.responses[0].serial)).toEqual(Buffer.from(pluginSerial));
    expect(Buffer.from(withReason.responderKeyHash!)).toEqual(Buffer.from(keyIdentifierOf(responderSigner.publicKeySpki)));
    const unspecified = parseOcspResponse((await respond({ kind: "revoked", revokedAt, reason: "unspecified" })).der).basic!;
    expect(unspecified.responses[0].status).toEqual({ kind: "revoked", revokedAt: new Date(whole(revokedAt.getTime())) });
  });

  it("writes unknown", async () => {
    expect(opensslCheck((await respond({ kind: "unknown" })).respFile)).toMatch(/plugin\.pem: unknown/);
  });

  it("echoes the nonce so OpenSSL's nonce check passes, and python-cryptography reads it", async () => {
    const nonce = crypto.randomBytes(32);
    const { respFile, reqFile } = await respond({ kind: "good" }, { nonce });
    // OpenSSL compares nonces only for a request it read (-reqin), not one it built from -cert.
    const checked = runAll(["ocsp", "-reqin", reqFile!, "-respin", respFile, "-CAfile", file("root.pem"), "-verify_other", file("org.pem")]);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stderr).toContain("Response verify OK");
    const tampered = await respond({ kind: "good" }, { nonce: crypto.randomBytes(32) });
    const mismatch = runAll(["ocsp", "-reqin", reqFile!, "-respin", tampered.respFile, "-CAfile", file("root.pem"), "-verify_other", file("org.pem")]);
    expect(mismatch.stderr).toContain("Nonce Verify error");
    const py = run("python3", [
      "-c",
      `import sys
from cryptography.x509 import ocsp, load_pem_x509_certificate
r = ocsp.load_der_ocsp_response(open(sys.argv[1],'rb').read())
n = r.extensions.get_extension_for_class(__import__('cryptography.x509', fromlist=['OCSPNonce']).OCSPNonce).value.nonce
print(r.response_status.name, r.certificate_status.name, r.this_update_utc.isoformat(), n.hex())`,
      respFile,
    ]);
    expect(py.trim()).toBe(`SUCCESSFUL GOOD ${whole(now.getTime()).replace(".000Z", "+00:00")} ${nonce.toString("hex")}`);
  });

  it("writes error responses as a bare status that OpenSSL names", () => {
    for (const [status, label] of [["malformedRequest", "malformedrequest"], ["internalError", "internalerror"], ["tryLater", "trylater"], ["unauthorized", "unauthorized"]] as const) {
      const der = ocspErrorResponse(status);
      expect(parseOcspResponse(der)).toEqual({ status });
      const f = file(`${status}.resp`);
      fs.writeFileSync(f, der);
      const out = runAll(["ocsp", "-respin", f, "-resp_text", "-noverify"]);
      expect((out.stdout + out.stderr).toLowerCase()).toContain(`responder error: ${label} (${parseInt(der.subarray(4).toString("hex"), 16)})`);
    }
  });
});
