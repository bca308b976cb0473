// The OCSP responder as stock clients see it, over real HTTP: OpenSSL (POST and GET), GnuTLS
// ocsptool and python-cryptography.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseOcspResponse } from "@/lib/pki/ocsp/parse-ocsp-response";
import { encodeOcspRequest, parseOcspRequest } from "@/lib/pki/ocsp/ocsp-request";
import { answerOcsp } from "@/lib/server/revocation/answer-ocsp";
import { issuePlugin, revokeOverHttp, seedRevocationHierarchy, type Seeded } from "./ocsp-seed";
import { runTool as run, tempDir, writePem } from "./pki-fixtures";

const dir = tempDir("signet-ocsp-");
let seed: Seeded;
let good: { file: string; serial: string };
let victim: { file: string; serial: string };


/** `openssl ocsp` against our responder, trusting only the root (the response carries the rest). */
function opensslAsk(target: string[], extra: string[] = [], issuer = seed.files.org) {
  // The digest option must precede -cert/-serial.
  return run("openssl", ["ocsp", ...extra, "-issuer", issuer, ...target, "-url", `${seed.server.url}/ocsp`, "-CAfile", seed.files.root]);
}

beforeAll(async () => {
  seed = await seedRevocationHierarchy(dir, "o");
  good = await issuePlugin(seed, "o", "com.acmeo.good");
  victim = await issuePlugin(seed, "o", "com.acmeo.victim");
});

afterAll(async () => {
  await seed?.server.close();
});

describe("OCSP responder with stock clients", () => {
  it("answers good over POST, with a nonce (OpenSSL's default) echoed and verified", async () => {
    const r = await opensslAsk(["-cert", good.file], ["-resp_text"]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toMatch(/com\.acmeo\.good\.pem: good/);
    expect(r.out).toContain("OCSP Nonce");
    expect(r.out).toMatch(/Responder Id: [0-9A-F]{40}/);
  });

  it("answers SHA-256 CertIDs, and without a nonce when asked not to send one", async () => {
    const r = await opensslAsk(["-cert", good.file], ["-sha256", "-no_nonce", "-resp_text"]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toMatch(/Hash Algorithm: sha256/);
    expect(r.out).toMatch(/: good/);
    expect(r.out).not.toContain("OCSP Nonce");
  });

  it("answers several certificates in one request", async () => {
    const r = await opensslAsk(["-cert", good.file, "-cert", victim.file]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/com\.acmeo\.good\.pem: good/);
    expect(r.out).toMatch(/com\.acmeo\.victim\.pem: good/);
  });

  it("answers for the org CA certificate itself, signed by the root's own responder", async () => {
    const r = await opensslAsk(["-cert", seed.files.org], ["-no_nonce"], seed.files.root);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toMatch(/org\.pem: good/);
  });

  it("answers unknown for a serial never issued", async () => {
    const r = await opensslAsk(["-serial", "0x0123456789abcdef0123"]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toMatch(/0x0123456789abcdef0123: unknown/i);
  });

  it("answers unauthorized for an issuer it does not know, and for an external-key org CA", async () => {
    const key = `${dir}/stranger.key`;
    const cert = `${dir}/stranger.pem`;
    await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=Stranger CA", "-days", "2"]);
    for (const issuer of [cert, seed.files.externalOrg]) {
      const r = await run("openssl", ["ocsp", "-issuer", issuer, "-serial", "0x01", "-url", `${seed.server.url}/ocsp`, "-CAfile", seed.files.root]);
      expect(r.out).toMatch(/Responder Error: unauthorized \(6\)/);
    }
  });

  it("serves pre-signed answers by GET with RFC 5019 caching headers, and 304 on If-None-Match", async () => {
    const reqFile = `${dir}/get-req.der`;
    expect((await run("openssl", ["ocsp", "-issuer", seed.files.org, "-cert", good.file, "-no_nonce", "-reqout", reqFile])).code).toBe(0);
    const b64 = fs.readFileSync(reqFile).toString("base64");
    const res = await fetch(`${seed.server.url}/ocsp/${encodeURIComponent(b64)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/ocsp-response");
    const cacheControl = res.headers.get("cache-control")!;
    expect(cacheControl).toMatch(/^max-age=\d+, public, no-transform, must-revalidate$/);
    expect(Number(/max-age=(\d+)/.exec(cacheControl)![1])).toBeGreaterThan(0);
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const der = Buffer.from(await res.arrayBuffer());
    const basic = parseOcspResponse(der).basic!;
    expect(new Date(res.headers.get("last-modified")!).getTime()).toBe(basic.responses[0].thisUpdate.getTime());
    expect(new Date(res.headers.get("expires")!).getTime()).toBe(basic.responses[0].nextUpdate!.getTime());
    const respFile = writeBytes("get-resp.der", der);
    const check = await run("openssl", ["ocsp", "-respin", respFile, "-issuer", seed.files.org, "-cert", good.file, "-CAfile", seed.files.root, "-no_nonce"]);
    expect(check.out).toContain("Response verify OK");
    expect(check.out).toMatch(/: good/);

    // The same bytes by POST and by an unescaped GET path: one pre-signed answer.
    const post = await fetch(`${seed.server.url}/ocsp`, { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: new Uint8Array(fs.readFileSync(reqFile)) });
    expect(Buffer.from(await post.arrayBuffer())).toEqual(der);
    const raw = await fetch(`${seed.server.url}/ocsp/${b64}`);
    expect(raw.headers.get("etag")).toBe(etag);

    const again = await fetch(`${seed.server.url}/ocsp/${encodeURIComponent(b64)}`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);

    const stored = await (await db()).ocspResponse.findMany({ where: { caId: seed.orgCaId, serialHex: good.serial } });
    expect(stored.map((r) => [r.certIdForm, r.certStatus])).toContainEqual(["sha1", "good"]);
    expect(Buffer.from(stored.find((r) => r.certIdForm === "sha1")!.der)).toEqual(der);
  });

  it("answers a nonce'd GET freshly, not cacheable", async () => {
    const reqFile = `${dir}/get-nonce.der`;
    await run("openssl", ["ocsp", "-issuer", seed.files.org, "-cert", good.file, "-reqout", reqFile]);
    const url = `${seed.server.url}/ocsp/${encodeURIComponent(fs.readFileSync(reqFile).toString("base64"))}`;
    const [a, b] = [await fetch(url), await fetch(url)];
    expect(a.headers.get("cache-control")).toBe("no-store");
    expect(a.headers.get("etag")).toBeNull();
    const [da, db_] = [Buffer.from(await a.arrayBuffer()), Buffer.from(await b.arrayBuffer())];
    expect(parseOcspResponse(da).basic!.nonce).toBeDefined();
    // ECDSA signatures are randomized: two fresh signings never give the same bytes.
    expect(da.equals(db_)).toBe(false);
  });

  it("echoes nonces of 1 to 32 octets (RFC 8954 §2.1), verified by OpenSSL; refuses 0, 33 and longer with malformedRequest", async () => {
    // OpenSSL writes the CertID; the test puts its own nonce beside it, encoded as OpenSSL's -nonce
    // does (extnValue = OCTET STRING of the nonce OCTET STRING), and has OpenSSL send and check it.
    const plain = `${dir}/nonce-base.der`;
    expect((await run("openssl", ["ocsp", "-issuer", seed.files.org, "-cert", good.file, "-no_nonce", "-reqout", plain])).code).toBe(0);
    const [certId] = parseOcspRequest(fs.readFileSync(plain)).certIds;
    for (const length of [1, 16, 32, 0, 33, 64, 128, 129]) {
      const reqFile = writeBytes(`nonce-${length}.der`, encodeOcspRequest([certId.der], Buffer.alloc(length, 0xa5)));
      const asked = await run("openssl", ["ocsp", "-reqin", reqFile, "-url", `${seed.server.url}/ocsp`, "-CAfile", seed.files.root, "-resp_text"]);
      if (length >= 1 && length <= 32) {
        expect(asked.out, `nonce of ${length}`).toContain("Response verify OK");
        expect(asked.out, `nonce of ${length}`).not.toMatch(/Nonce Verify error/);
        const answered = parseOcspResponse(Buffer.from(await (await fetch(`${seed.server.url}/ocsp`, { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: new Uint8Array(fs.readFileSync(reqFile)) })).arrayBuffer()));
        expect(Buffer.from(answered.basic!.nonce!).subarray(-length)).toEqual(Buffer.alloc(length, 0xa5));
      } else {
        expect(asked.out, `nonce of ${length}`).toMatch(/Responder Error: malformedrequest/i);
      }
    }
  });

  it("is read by GnuTLS ocsptool and python-cryptography", async () => {
    // GnuTLS wants the responder's issuer among its trust anchors (it does not build a path to
    // the root for the response signer), hence the org CA + root chain file.
    const ask = await run("ocsptool", [`--ask=${seed.server.url}/ocsp`, "--load-issuer", seed.files.org, "--load-cert", good.file, "--load-trust", seed.files.chain, "--outfile", `${dir}/gnutls.der`]);
    expect(ask.out).toMatch(/Certificate Status: good/);
    expect(ask.out).toMatch(/Verifying OCSP Response: Success\./);
    const withNonce = await run("ocsptool", [`--ask=${seed.server.url}/ocsp`, "--nonce", "--load-issuer", seed.files.org, "--load-cert", good.file, "--load-trust", seed.files.chain]);
    expect(withNonce.out).toMatch(/Nonce: [0-9a-f]+/);
    expect(withNonce.out).toMatch(/Verifying OCSP Response: Success\./);
    const info = await run("ocsptool", ["-j", "--load-response", `${dir}/gnutls.der`]);
    expect(info.out).toMatch(/Response Status: Successful/);
    // Offline verification against the delegated signer the response carries.
    const signer = parseOcspResponse(fs.readFileSync(`${dir}/gnutls.der`)).basic!.certs[0];
    const signerPem = writePem(dir, "gnutls-signer.pem", `-----BEGIN CERTIFICATE-----\n${Buffer.from(signer).toString("base64")}\n-----END CERTIFICATE-----\n`);
    const offline = await run("ocsptool", ["-e", "--load-signer", signerPem, "--load-response", `${dir}/gnutls.der`]);
    expect(offline.out).toMatch(/Verifying OCSP Response: Success\./);
    const py = await run("python3", [
      "-c",
      `import sys
from cryptography import x509
from cryptography.x509 import ocsp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
r = ocsp.load_der_ocsp_response(open(sys.argv[1], 'rb').read())
signer = r.certificates[0]
signer.public_key().verify(r.signature, r.tbs_response_bytes, ec.ECDSA(r.signature_hash_algorithm))
ski = signer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
eku = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
nocheck = signer.extensions.get_extension_for_class(x509.OCSPNoCheck)
print(r.response_status.name, r.certificate_status.name, '%x' % r.serial_number, r.responder_key_hash == ski, x509.oid.ExtendedKeyUsageOID.OCSP_SIGNING in eku, nocheck.critical, r.next_update_utc > r.this_update_utc)`,
      `${dir}/gnutls.der`,
    ]);
    expect(py.out.trim()).toBe(`SUCCESSFUL GOOD ${BigInt(`0x${good.serial}`).toString(16)} True True False True`);
  });

  it("answers revoked, with time and reason, right after a revocation through the API", async () => {
    // Prime the pre-signed answers (SHA-1 and SHA-256) so the revocation must invalidate them.
    for (const hash of ["-sha1", "-sha256"]) expect((await opensslAsk(["-cert", victim.file], [hash, "-no_nonce"])).out).toMatch(/: good/);
    await revokeOverHttp(seed, victim.serial, "keyCompromise");
    for (const hash of ["-sha1", "-sha256"]) {
      for (const nonce of [[], ["-no_nonce"]]) {
        const r = await opensslAsk(["-cert", victim.file], [hash, ...nonce]);
        expect(r.out).toContain("Response verify OK");
        expect(r.out).toMatch(/com\.acmeo\.victim\.pem: revoked/);
        expect(r.out).toMatch(/Reason: keyCompromise/);
        expect(r.out).toMatch(/Revocation Time: \w{3} +\d+ \d\d:\d\d:\d\d \d{4} GMT/);
      }
    }
    const stored = await (await db()).ocspResponse.findMany({ where: { caId: seed.orgCaId, serialHex: victim.serial } });
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.every((r) => r.certStatus === "revoked")).toBe(true);
  });

  it("signs with a delegated responder certificate of the OCSP responder profile, recorded and audited", async () => {
    const client = await db();
    const responder = await client.ocspResponder.findUniqueOrThrow({ where: { caId: seed.orgCaId } });
    const cert = await client.certificate.findUniqueOrThrow({ where: { id: responder.certificateId } });
    expect(cert).toMatchObject({ kind: "ocsp_responder", status: "issued", issuerCaId: seed.orgCaId, keyId: responder.keyId });
    const pem = writePem(dir, "responder.pem", `-----BEGIN CERTIFICATE-----\n${Buffer.from(cert.der!).toString("base64")}\n-----END CERTIFICATE-----\n`);
    const text = (await run("openssl", ["x509", "-in", pem, "-noout", "-text"])).out;
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature\n/);
    expect(text).toMatch(/Extended Key Usage:\s+OCSP Signing/);
    expect(text).toContain("OCSP No Check");
    expect(text).toContain("X509v3 Authority Key Identifier");
    expect(text).toContain("X509v3 Subject Key Identifier");
    expect(text).toMatch(/ASN1 OID: prime256v1/);
    const days = (cert.notAfter.getTime() - cert.notBefore.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    expect((await run("openssl", ["verify", "-CAfile", seed.files.root, "-untrusted", seed.files.org, "-purpose", "ocsphelper", pem])).out).toContain(": OK");
    const key = await client.managedKey.findUniqueOrThrow({ where: { id: responder.keyId } });
    expect(key).toMatchObject({ purpose: "ocsp-responder", algorithm: "ecdsa-p256" });
    const audit = await client.auditEvent.findMany({ where: { action: "certificate.issued", subjectId: cert.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ kind: "ocsp_responder", serial: cert.serialHex });
  });

  it("answers a pre-signed request from memory without touching the database", async () => {
    const reqFile = `${dir}/get-req.der`;
    const request = fs.readFileSync(reqFile);
    const first = await answerOcsp(request);
    const missFile = `${dir}/miss.der`;
    await run("openssl", ["ocsp", "-issuer", seed.files.org, "-serial", "0x77", "-no_nonce", "-reqout", missFile]);
    // Swap the process's database client (lib/db keeps it on globalThis) for one that fails on
    // any use: a cache hit must not notice.
    const holder = (globalThis as { __signetDb?: { ready?: Promise<unknown> } }).__signetDb!;
    const real = holder.ready;
    const poisoned = new Proxy({}, { get: (_t, prop) => (prop === "then" ? undefined : () => { throw new Error("database touched"); }) });
    holder.ready = Promise.resolve(poisoned);
    try {
      const second = await answerOcsp(request, new Date(Date.now() + 60_000));
      expect(parseOcspResponse(second.der).status).toBe("successful");
      expect(second.der.equals(first.der)).toBe(true);
      // A nonce'd request is signed afresh, but from the status already held in memory.
      expect(parseOcspResponse((await answerOcsp(fs.readFileSync(`${dir}/get-nonce.der`))).der).status).toBe("successful");
      // A serial not seen before does need the database — and a failing one gives internalError, not a throw.
      const miss = await answerOcsp(fs.readFileSync(missFile));
      expect(parseOcspResponse(miss.der).status).toBe("internalError");
    } finally {
      holder.ready = real;
    }
  });

  it("renews its responder certificate in the background once less than a third of its life remains", async () => {
    const client = await db();
    const before = await client.ocspResponder.findUniqueOrThrow({ where: { caId: seed.orgCaId } });
    const later = new Date(Date.now() + 5 * 86_400_000);
    const request = fs.readFileSync(`${dir}/get-nonce.der`);
    // Answered at once by the current responder…
    const during = parseOcspResponse((await answerOcsp(request, later)).der).basic!;
    const oldCert = await client.certificate.findUniqueOrThrow({ where: { id: before.certificateId } });
    expect(Buffer.from(during.certs[0])).toEqual(Buffer.from(oldCert.der!));
    // …which is replaced, once, shortly after.
    let after = before;
    for (let i = 0; i < 100 && after.certificateId === before.certificateId; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await client.ocspResponder.findUniqueOrThrow({ where: { caId: seed.orgCaId } });
    }
    expect(after.certificateId).not.toBe(before.certificateId);
    expect(after.keyId).not.toBe(before.keyId);
    const renewed = parseOcspResponse((await answerOcsp(request, later)).der).basic!;
    const newCert = await client.certificate.findUniqueOrThrow({ where: { id: after.certificateId } });
    expect(Buffer.from(renewed.certs[0])).toEqual(Buffer.from(newCert.der!));
    expect(await client.certificate.count({ where: { issuerCaId: seed.orgCaId, kind: "ocsp_responder" } })).toBe(2);
  });

  it("reports a revoked org CA through the root's responder", async () => {
    const client = await db();
    const orgCert = await client.certificateAuthority.findUniqueOrThrow({ where: { id: seed.orgCaId }, include: { certificate: true } });
    const res = await fetch(`${seed.server.url}/api/v1/certificates/${orgCert.certificate!.serialHex}/revoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${seed.operator}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "cessationOfOperation" }),
    });
    expect(res.status).toBe(200);
    const r = await opensslAsk(["-cert", seed.files.org], [], seed.files.root);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toMatch(/org\.pem: revoked/);
    expect(r.out).toMatch(/Reason: cessationOfOperation/);
  });
});

function writeBytes(name: string, bytes: Uint8Array): string {
  const p = `${dir}/${name}`;
  fs.writeFileSync(p, bytes);
  return p;
}

