// What a CSR may be: PKCS#10 v1 in strict DER (sorted SETs included), signed with an algorithm that
// fits its key (RSA parameters NULL, ECDSA parameters absent), carrying a valid key of a kind some
// profile certifies and not a known-weak one. OpenSSL-made requests are the ones that must pass.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { integer, nullValue, oid, sequence, set, tlv } from "../der";
import { closePrimes, ecSpki, primePair, rocaPrime, rsaPrivateKey, rsaSpki } from "../keys/test-keys";
import { OID, spkiOf } from "../signer";
import { CsrError, parseCsr } from "./parse-csr";
import { csrDer, ECDSA_SHA256, RSA_SHA256, sigAlg } from "./test-csr";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-csr-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const utf8 = (s: string) => tlv(0x0c, Buffer.from(s));
const attribute = (type: string, ...values: Buffer[]) => sequence(oid(type), set(...values));
const CHALLENGE = "1.2.840.113549.1.9.7";
const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";

function outcome(der: Uint8Array | string): { code: string; message: string } | "parsed" {
  try {
    parseCsr(der);
    return "parsed";
  } catch (err) {
    if (err instanceof CsrError) return { code: err.code, message: err.message };
    throw err;
  }
}

const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });

describe("parseCsr: what OpenSSL writes is accepted", () => {
  it("accepts RSA and EC requests with three attributes, and with a multi-valued RDN (OpenSSL sorts both)", () => {
    const config = path.join(dir, "req.cnf");
    fs.writeFileSync(config, "[req]\nprompt=no\ndistinguished_name=dn\nattributes=attrs\n[dn]\nO=Acme\nCN=com.acme.x\n[attrs]\nchallengePassword=hunter2hunter2\nunstructuredName=Acme Unstructured\n");
    const keys = { rsa: ["-newkey", "rsa:2048"], p256: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], p384: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"] };
    for (const [name, newkey] of Object.entries(keys)) {
      for (const variant of [["-config", config], ["-multivalue-rdn", "-subj", "/O=Acme+CN=com.acme.x/OU=Plugins"]]) {
        const out = path.join(dir, `${name}.csr`);
        execFileSync("openssl", ["req", "-new", "-nodes", "-keyout", path.join(dir, `${name}.key`), ...newkey, ...variant, "-addext", "keyUsage=critical,digitalSignature", "-addext", "subjectAltName=DNS:x.example", "-outform", "DER", "-out", out], { stdio: "pipe" });
        const der = new Uint8Array(fs.readFileSync(out));
        expect(outcome(der), `${name} ${variant[0]}`).toBe("parsed");
        const parsed = parseCsr(der);
        expect(parsed.keyAlgorithm).toBe({ rsa: "rsa-2048", p256: "ecdsa-p256", p384: "ecdsa-p384" }[name]);
        if (variant[0] === "-config") expect(execFileSync("openssl", ["req", "-inform", "DER", "-in", out, "-noout", "-text"]).toString()).toMatch(/challengePassword[\s\S]*unstructuredName/);
        else expect(parsed.subject).toMatch(/Acme.*com\.acme\.x|com\.acme\.x.*Acme/);
      }
    }
  });

  it("accepts our own hand-built request (the baseline the refusals below depart from)", () => {
    expect(outcome(csrDer({ spki: spkiOf(rsa.publicKey), algorithm: RSA_SHA256, key: rsa.privateKey }))).toBe("parsed");
    expect(outcome(csrDer({ spki: spkiOf(ec.publicKey), algorithm: ECDSA_SHA256, key: ec.privateKey }))).toBe("parsed");
  });
});

describe("parseCsr: strict PKCS#10 (issue 10, item 13)", () => {
  it("refuses any version but v1 (INTEGER 0)", () => {
    for (const version of [1, 2, 3]) {
      expect(outcome(csrDer({ version, spki: spkiOf(rsa.publicKey), algorithm: RSA_SHA256, key: rsa.privateKey }))).toMatchObject({ code: "unsupported_version", message: expect.stringContaining("version") });
    }
  });

  it("refuses a signature algorithm that does not fit the key", () => {
    expect(outcome(csrDer({ spki: spkiOf(rsa.publicKey), algorithm: ECDSA_SHA256 }))).toMatchObject({ code: "signature_algorithm_mismatch", message: expect.stringContaining("key is RSA") });
    expect(outcome(csrDer({ spki: spkiOf(ec.publicKey), algorithm: RSA_SHA256, key: rsa.privateKey }))).toMatchObject({ code: "signature_algorithm_mismatch", message: expect.stringContaining("key is ECDSA") });
  });

  it("refuses RSA signature parameters that are absent or not NULL, and ECDSA parameters that are present", () => {
    expect(outcome(csrDer({ spki: spkiOf(rsa.publicKey), algorithm: sigAlg(OID.sha256WithRSAEncryption), key: rsa.privateKey }))).toMatchObject({ code: "signature_algorithm_mismatch", message: expect.stringContaining("NULL") });
    expect(outcome(csrDer({ spki: spkiOf(rsa.publicKey), algorithm: sigAlg(OID.sha256WithRSAEncryption, integer(0)), key: rsa.privateKey }))).toMatchObject({ code: "signature_algorithm_mismatch", message: expect.stringContaining("NULL") });
    expect(outcome(csrDer({ spki: spkiOf(ec.publicKey), algorithm: sigAlg(OID.ecdsaWithSHA256, nullValue()), key: ec.privateKey }))).toMatchObject({ code: "signature_algorithm_mismatch", message: expect.stringContaining("absent") });
  });

  it("refuses unsorted SETs: the attributes, an attribute's values, a multi-valued RDN", () => {
    const challenge = attribute(CHALLENGE, utf8("hunter2hunter2"));
    const extensions = attribute(EXTENSION_REQUEST, sequence());
    const sorted = [challenge, extensions].sort(Buffer.compare);
    const base = { spki: spkiOf(ec.publicKey), algorithm: ECDSA_SHA256, key: ec.privateKey };
    expect(outcome(csrDer({ ...base, attributes: sorted }))).toBe("parsed");
    expect(outcome(csrDer({ ...base, attributes: [...sorted].reverse() }))).toMatchObject({ code: "not_der", message: expect.stringContaining("attributes are not sorted") });
    expect(outcome(csrDer({ ...base, attributes: [attribute(CHALLENGE, utf8("b-value"), utf8("a-value"))] }))).toMatchObject({ code: "not_der", message: expect.stringContaining(`attribute ${CHALLENGE}`) });
    const atv = (type: string, value: string) => sequence(oid(type), utf8(value));
    const rdn = [atv("2.5.4.10", "Acme"), atv("2.5.4.3", "com.acme.x")].sort(Buffer.compare);
    expect(outcome(csrDer({ ...base, subject: sequence(set(...rdn)) }))).toBe("parsed");
    expect(outcome(csrDer({ ...base, subject: sequence(set(...[...rdn].reverse())) }))).toMatchObject({ code: "not_der", message: expect.stringContaining("RDN") });
  });
});

describe("parseCsr: the key is validated before the signature is verified (issue 10, items 1, 3, 11)", () => {
  it("refuses the point at infinity and an off-curve point with a 4xx-able CsrError, not an abort", () => {
    expect(outcome(csrDer({ spki: ecSpki(new Uint8Array([0x00])), algorithm: ECDSA_SHA256 }))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("subjectPublicKeyInfo: the EC point is the point at infinity") });
    const point = new Uint8Array(spkiOf(ec.publicKey).subarray(-65));
    point[10] ^= 1;
    expect(outcome(csrDer({ spki: ecSpki(point), algorithm: ECDSA_SHA256 }))).toMatchObject({ code: "invalid_key", message: expect.stringContaining("not on P-256") });
  });

  it("refuses weak RSA keys even when the request is validly signed by them", () => {
    const [p, q] = closePrimes(2048);
    const fermat = rsaPrivateKey(p, q);
    expect(outcome(csrDer({ spki: spkiOf(fermat), algorithm: RSA_SHA256, key: fermat }))).toMatchObject({ code: "weak_key", message: expect.stringContaining("Fermat") });
    const [r1, r2] = primePair(2048, rocaPrime);
    const roca = rsaPrivateKey(r1, r2);
    expect(outcome(csrDer({ spki: spkiOf(roca), algorithm: RSA_SHA256, key: roca }))).toMatchObject({ code: "weak_key", message: expect.stringContaining("ROCA") });
    // An odd 2048-bit modulus with the factor 3 (≡ 3 mod 6), whatever the random primes were.
    expect(outcome(csrDer({ spki: rsaSpki(p * q - ((p * q) % 6n) + 3n), algorithm: RSA_SHA256 }))).toMatchObject({ code: "weak_key" });
    const e3 = rsaPrivateKey(...primePair(2048), 3n);
    expect(outcome(csrDer({ spki: spkiOf(e3), algorithm: RSA_SHA256, key: e3 }))).toMatchObject({ code: "weak_key", message: expect.stringContaining("exponent") });
  });

  it("refuses RSA sizes no profile certifies (8192, 2304) at the edge, naming the field", () => {
    const [p, q] = primePair(2304);
    const odd = rsaPrivateKey(p, q);
    expect(outcome(csrDer({ spki: spkiOf(odd), algorithm: RSA_SHA256, key: odd }))).toMatchObject({ code: "unsupported_key", message: expect.stringMatching(/^subjectPublicKeyInfo: an RSA key of 2304 bits is not accepted/) });
    const rsa8192 = rsaSpki((1n << 8191n) + 2n ** 4000n * 12345n + 1n);
    expect(outcome(csrDer({ spki: rsa8192, algorithm: RSA_SHA256 }))).toMatchObject({ code: "unsupported_key", message: expect.stringContaining("8192 bits") });
    expect(outcome(csrDer({ spki: rsaSpki((1n << 1023n) + 1n), algorithm: RSA_SHA256 }))).toMatchObject({ code: "weak_key", message: expect.stringContaining("at least 2048") });
  });
});
