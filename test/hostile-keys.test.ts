// Outside keys over the API (issue 10, items 1, 3, 11, 13): CSRs whose key is invalid (the EC point
// at infinity aborted Node), weak (Fermat, ROCA, small factors, e = 3) or of a size no profile
// certifies get a 400 problem+json naming the field, from the anonymous registration and from the
// member's plugin-certificate request; an archive whose <id>.crt holds such a key is reported
// invalid by the public verifier; the process answers the next request each time.
import crypto from "node:crypto";
import fc from "fast-check";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { GET as getRequest } from "@/app/api/v1/requests/[id]/route";
import { POST as verify } from "@/app/api/v1/verify/route";
import { toPem } from "@/lib/pki/certificate/pem";
import { csrToPem } from "@/lib/pki/csr/build-csr";
import { csrDer, ECDSA_SHA256, RSA_SHA256 } from "@/lib/pki/csr/test-csr";
import { signArchive } from "@/lib/pki/jpl/sign-archive";
import { makeHierarchy, pluginEntries, rewriteArchive, zipTo } from "@/lib/pki/jpl/test-fixtures";
import { closePrimes, ecSpki, primePair, rocaPrime, rsaPrivateKey, rsaSpki, withSubjectKey } from "@/lib/pki/keys/test-keys";
import { generateKeyPair, spkiOf } from "@/lib/pki/signer";
import { toBytes } from "@/lib/server/db/bytes";
import { resetRateLimits } from "@/lib/server/http/rate-limit";
import { H, json, setUpStore, type Store } from "./artifact-fixtures";
import { call } from "./helpers";
import { tempDir } from "./pki-fixtures";

const dir = tempDir("signet-hostile-keys-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const [fp, fq] = closePrimes(2048);
const fermatKey = rsaPrivateKey(fp, fq);
const [rp, rq] = primePair(2048, rocaPrime);
const rocaKey = rsaPrivateKey(rp, rq);
const oddSizeKey = rsaPrivateKey(...primePair(2304));
const e3Key = rsaPrivateKey(...primePair(2048), 3n);
const ec = generateKeyPair("ecdsa-p256");
const rsa = generateKeyPair("rsa-2048");
const offCurve = Uint8Array.from(spkiOf(ec.publicKey).subarray(-65));
offCurve[40] ^= 0x10;

/** Name, CSR DER and what the refusal must say. */
const HOSTILE: [string, Uint8Array, RegExp][] = [
  ["EC point at infinity", csrDer({ spki: ecSpki(Uint8Array.from([0])), algorithm: ECDSA_SHA256 }), /subjectPublicKeyInfo: the EC point is the point at infinity/],
  ["EC point off the curve", csrDer({ spki: ecSpki(offCurve), algorithm: ECDSA_SHA256 }), /not on P-256/],
  ["RSA primes close enough for Fermat", csrDer({ spki: spkiOf(fermatKey), algorithm: RSA_SHA256, key: fermatKey }), /Fermat/],
  ["RSA key with the ROCA fingerprint", csrDer({ spki: spkiOf(rocaKey), algorithm: RSA_SHA256, key: rocaKey }), /ROCA/],
  ["RSA modulus with the factor 3", csrDer({ spki: rsaSpki(3n * ((fp * fq) / 3n | 1n)), algorithm: RSA_SHA256 }), /small prime factor 3/],
  ["RSA exponent 3", csrDer({ spki: spkiOf(e3Key), algorithm: RSA_SHA256, key: e3Key }), /exponent/],
  ["RSA-2304 (no profile certifies it)", csrDer({ spki: spkiOf(oddSizeKey), algorithm: RSA_SHA256, key: oddSizeKey }), /subjectPublicKeyInfo: an RSA key of 2304 bits is not accepted/],
  ["RSA-8192 (accepted, then never approvable, before)", csrDer({ spki: rsaSpki((1n << 8191n) + 12345n * 2n ** 4000n + 1n), algorithm: RSA_SHA256 }), /8192 bits is not accepted/],
  ["PKCS#10 version 1", csrDer({ version: 1, spki: spkiOf(ec.publicKey), algorithm: ECDSA_SHA256, key: ec.privateKey }), /version must be 0/],
  ["RSA key signed with ecdsa-with-SHA256", csrDer({ spki: spkiOf(rsa.publicKey), algorithm: ECDSA_SHA256 }), /signatureAlgorithm 1\.2\.840\.10045\.4\.3\.2 is not an RSA PKCS#1 v1\.5 algorithm, but the key is RSA/],
];

async function expectProblem(res: Response, pattern: RegExp, status = 400): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect((JSON.parse(text) as { detail: string }).detail).toMatch(pattern);
}

describe("hostile keys: invalid and weak keys are refused with a 4xx, and the process lives on", () => {
  let store: Store;
  beforeAll(async () => {
    store = await setUpStore();
  });

  for (const [name, der, pattern] of HOSTILE) {
    it(`POST /orgs (anonymous) with a CSR: ${name} → 400`, async () => {
      resetRateLimits();
      const slug = `k${crypto.randomBytes(4).toString("hex")}`;
      const res = await call(H(registerOrg), { json: { name: `Org ${slug}`, slug, pluginIdPrefix: `com.${slug}.`, admin: { email: `a@${slug}.test`, password: "hostile-password-1" }, csrPem: csrToPem(der) } });
      await expectProblem(res, pattern);
      expect(await (await db()).organization.count({ where: { slug } })).toBe(0);
    });
  }

  it("POST /orgs with CSRs around randomly mutated keys → always a 4xx problem+json, never a 500", async () => {
    const spkis = [spkiOf(ec.publicKey), spkiOf(rsa.publicKey), ecSpki(Uint8Array.from([0]))];
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: spkis.length - 1 }), fc.nat({ max: 300 }), fc.integer({ min: 0, max: 255 }), async (which, at, xor) => {
        resetRateLimits();
        const spki = Uint8Array.from(spkis[which]);
        spki[at % spki.length] ^= xor;
        const slug = `m${crypto.randomBytes(4).toString("hex")}`;
        const res = await call(H(registerOrg), { json: { name: `Org ${slug}`, slug, pluginIdPrefix: `com.${slug}.`, admin: { email: `a@${slug}.test`, password: "hostile-password-1" }, csrPem: csrToPem(csrDer({ spki, algorithm: which === 1 ? RSA_SHA256 : ECDSA_SHA256 })) } });
        // The signature is random bytes, so no mutation can make this CSR acceptable.
        expect(res.status, await res.clone().text()).toBe(400);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
      }),
      { numRuns: 60 },
    );
  });

  it("still registers an org with a good CSR afterwards", async () => {
    resetRateLimits();
    const good = csrDer({ spki: spkiOf(ec.publicKey), algorithm: ECDSA_SHA256, key: ec.privateKey });
    await json(await call(H(registerOrg), { json: { name: "Good Keys", slug: "goodkeys", pluginIdPrefix: "com.goodkeys.", admin: { email: "a@goodkeys.test", password: "hostile-password-1" }, csrPem: csrToPem(good) } }), 201);
  });

  it("POST /orgs/acme/plugin-cert-requests (member) with weak, invalid or non-RSA keys → 400", async () => {
    for (const [name, der, pattern] of [...HOSTILE.slice(0, 4), ["an ECDSA key for a plugin", csrDer({ spki: spkiOf(ec.publicKey), algorithm: ECDSA_SHA256, key: ec.privateKey }), /subjectPublicKeyInfo: a ecdsa-p256 key is not certified for a plugin certificate.*Jami/]] as const) {
      const res = await call(H(requestPlugin), { token: store.acmeMember, params: { slug: "acme" }, json: { pluginId: "com.acme.weak", csrPem: csrToPem(der) } });
      await expectProblem(res, pattern as RegExp);
      expect(name).toBeTruthy();
    }
    expect(await (await db()).certificateRequest.count({ where: { pluginId: "com.acme.weak" } })).toBe(0);
  });

  it("a stored request whose key is weak (accepted before these checks) is refused at approval with 409, never signed", async () => {
    const good = rsaPrivateKey(...primePair(2048));
    const created = await json<{ request: { id: string } }>(
      await call(H(requestPlugin), { token: store.acmeMember, params: { slug: "acme" }, json: { pluginId: "com.acme.legacy", csrPem: csrToPem(csrDer({ spki: spkiOf(good), algorithm: RSA_SHA256, key: good })) } }),
      201,
    );
    const weakDer = csrDer({ spki: spkiOf(fermatKey), algorithm: RSA_SHA256, key: fermatKey });
    const client = await db();
    await client.certificateRequest.update({ where: { id: created.request.id }, data: { csrDer: toBytes(weakDer), publicKeySpki: toBytes(spkiOf(fermatKey)) } });
    const review = await json<{ csrProblem?: string }>(await call(H(getRequest), { token: store.operator, params: { id: created.request.id } }), 200);
    expect(review.csrProblem).toMatch(/Fermat/);
    await expectProblem(await call(H(approve), { token: store.operator, params: { id: created.request.id } }), /cannot be approved.*Fermat/, 409);
    expect(await client.certificate.count({ where: { requestId: created.request.id } })).toBe(0);
  });

  it("POST /verify (anonymous) with an archive whose <id>.crt holds the infinity key → an invalid report", async () => {
    const id = "com.acme.hostile";
    const pki = await makeHierarchy({ pluginId: id });
    const signed = path.join(dir, "signed.jpl");
    await signArchive({ inputPath: await zipTo(path.join(dir, "in.jpl"), pluginEntries(id, "1.0.0")), outputPath: signed, privateKey: pki.pluginKey, chainDer: pki.chainDer });
    for (const chain of [[withSubjectKey(pki.pluginDer, ecSpki(Uint8Array.from([0]))), pki.orgCaDer], [pki.pluginDer, withSubjectKey(pki.orgCaDer, ecSpki(Uint8Array.from([0]), "1.3.132.0.34"))]]) {
      resetRateLimits();
      const hostile = await rewriteArchive(signed, path.join(dir, `hostile-${crypto.randomBytes(3).toString("hex")}.jpl`), { replace: { [`${id}.crt`]: chain.map((d) => toPem(d, "CERTIFICATE")).join("") } });
      const report = await json<{ valid: boolean; problems: string[] }>(await call(H(verify), { body: fs.readFileSync(hostile), headers: { "content-type": "application/zip" } }), 200);
      expect(report.valid).toBe(false);
      expect(report.problems.join("\n")).toMatch(/point at infinity/);
    }
  });
});
