import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { explicit, integer, nullValue, octetString, oid, sequence, boolean, algorithmIdentifier, integerFromBytes } from "../der";
import { OID } from "../signer";
import { encodeCertId, issuerHashes } from "./cert-id";
import { children, parseDer } from "./der-reader";
import { OID_OCSP_NONCE } from "./extensions";
import { encodeOcspRequest, OcspRequestError, parseOcspRequest } from "./ocsp-request";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ocsp-req-"));
const file = (name: string) => path.join(dir, name);
const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });

let issuerName: Uint8Array;
let issuerSpki: Uint8Array;

beforeAll(() => {
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file("ca.key"), "-out", file("ca.pem"), "-subj", "/O=Test/CN=Test CA", "-days", "2"]);
  const cert = new crypto.X509Certificate(fs.readFileSync(file("ca.pem")));
  const der = cert.raw;
  // Issuer Name and SPKI, cut out of the certificate with our own reader.
  const tbs = children(parseDer(der, 0x30)).next(0x30, "tbs");
  const r = children(tbs);
  r.next(0xa0, "version");
  r.next(0x02, "serial");
  r.next(0x30, "sig");
  r.next(0x30, "issuer");
  r.next(0x30, "validity");
  issuerName = r.next(0x30, "subject").bytes;
  issuerSpki = r.next(0x30, "spki").bytes;
});

function opensslRequest(extra: string[]): Buffer {
  const out = file(`req-${crypto.randomUUID()}.der`);
  openssl(["ocsp", "-issuer", file("ca.pem"), "-reqout", out, ...extra]);
  return fs.readFileSync(out);
}

const reject = (der: Uint8Array) => expect(() => parseOcspRequest(der)).toThrow(OcspRequestError);
const certId = (serial = [0x12, 0x34], hash: "sha1" | "sha256" = "sha1") => encodeCertId({ hash, issuerNameDer: issuerName, issuerSpkiDer: issuerSpki, serial: new Uint8Array(serial) });

describe("parseOcspRequest", () => {
  it("reads an OpenSSL SHA-1 request with a nonce", () => {
    const parsed = parseOcspRequest(opensslRequest(["-serial", "0x1234"]));
    expect(parsed.certIds).toHaveLength(1);
    const [id] = parsed.certIds;
    expect(id.hash).toBe("sha1");
    expect(id.nullParams).toBe(true);
    expect(Buffer.from(id.serial).toString("hex")).toBe("1234");
    const expected = issuerHashes(issuerName, issuerSpki, "sha1");
    expect(Buffer.from(id.issuerNameHash)).toEqual(Buffer.from(expected.issuerNameHash));
    expect(Buffer.from(id.issuerKeyHash)).toEqual(Buffer.from(expected.issuerKeyHash));
    expect(Buffer.from(id.der)).toEqual(certId());
    expect(parsed.nonce?.[0]).toBe(0x04);
  });

  it("reads SHA-256 CertIDs, several serials, and no nonce", () => {
    const parsed = parseOcspRequest(opensslRequest(["-sha256", "-serial", "0x01", "-serial", "0xff00", "-no_nonce"]));
    expect(parsed.nonce).toBeUndefined();
    expect(parsed.certIds.map((c) => [c.hash, Buffer.from(c.serial).toString("hex")])).toEqual([
      ["sha256", "01"],
      ["sha256", "00ff00"],
    ]);
    expect(Buffer.from(parsed.certIds[0].issuerKeyHash)).toEqual(Buffer.from(issuerHashes(issuerName, issuerSpki, "sha256").issuerKeyHash));
  });

  it("accepts a signed request (the signature is well-formed DER, and not required)", () => {
    const parsed = parseOcspRequest(opensslRequest(["-serial", "0x05", "-signer", file("ca.pem"), "-signkey", file("ca.key")]));
    expect(parsed.certIds).toHaveLength(1);
  });

  it("round-trips our own encoder, nonce included", () => {
    const nonce = crypto.randomBytes(32);
    const parsed = parseOcspRequest(encodeOcspRequest([certId([1, 2, 3], "sha256")], nonce));
    expect(Buffer.from(parsed.nonce!)).toEqual(octetString(nonce));
    expect(parsed.certIds[0].hash).toBe("sha256");
  });

  it("keeps an unsupported hash algorithm visible instead of guessing", () => {
    const foreign = sequence(algorithmIdentifier(OID.sha512, true), octetString(Buffer.alloc(64, 1)), octetString(Buffer.alloc(64, 2)), integer(7));
    expect(parseOcspRequest(encodeOcspRequest([foreign])).certIds[0].hash).toBeUndefined();
  });

  const tbs = (...parts: Uint8Array[]) => sequence(sequence(...parts));
  const requestList = (...ids: Uint8Array[]) => sequence(...ids.map((id) => sequence(id)));
  const extensions = (...exts: Uint8Array[]) => explicit(2, sequence(...exts));

  it.each([
    ["an explicit v1 version (DEFAULT must be omitted)", () => tbs(explicit(0, integer(0)), requestList(certId()))],
    ["an unknown version", () => tbs(explicit(0, integer(1)), requestList(certId()))],
    ["an empty request list", () => tbs(sequence())],
    ["seventeen CertIDs", () => tbs(requestList(...Array.from({ length: 17 }, () => certId())))],
    ["a SHA-1 hash of the wrong length", () => tbs(requestList(sequence(algorithmIdentifier(OID.sha1, true), octetString(Buffer.alloc(19)), octetString(Buffer.alloc(20)), integer(1))))],
    ["non-NULL hash parameters", () => tbs(requestList(sequence(sequence(oid(OID.sha1), integer(0)), octetString(Buffer.alloc(20)), octetString(Buffer.alloc(20)), integer(1))))],
    ["a 33-octet serial", () => tbs(requestList(sequence(algorithmIdentifier(OID.sha1, true), octetString(Buffer.alloc(20)), octetString(Buffer.alloc(20)), integerFromBytes(Buffer.alloc(33, 1)))))],
    ["an empty nonce", () => tbs(requestList(certId()), extensions(sequence(oid(OID_OCSP_NONCE), octetString(octetString(new Uint8Array())))))],
    ["a 33-octet nonce", () => tbs(requestList(certId()), extensions(sequence(oid(OID_OCSP_NONCE), octetString(octetString(Buffer.alloc(33, 9))))))],
    ["a 129-octet nonce", () => tbs(requestList(certId()), extensions(sequence(oid(OID_OCSP_NONCE), octetString(octetString(Buffer.alloc(129, 9))))))],
    ["a nonce that is not an OCTET STRING", () => tbs(requestList(certId()), extensions(sequence(oid(OID_OCSP_NONCE), octetString(integer(5)))))],
    // RFC 6960 §4.4.1 as RFC 8954 restates it: extnValue holds the DER of Nonce ::= OCTET STRING.
    ["a bare nonce with no inner OCTET STRING", () => tbs(requestList(certId()), extensions(sequence(oid(OID_OCSP_NONCE), octetString(Buffer.from("0123456789abcdef0123456789abcdef", "hex")))))],
    ["a nonce OCTET STRING followed by more bytes", () => tbs(requestList(certId()), extensions(sequence(oid(OID_OCSP_NONCE), octetString(Buffer.concat([octetString(Buffer.alloc(16, 1)), Buffer.from([0])])))))],
    ["a nonce OCTET STRING with a long-form length (BER)", () => tbs(requestList(certId()), extensions(sequence(oid(OID_OCSP_NONCE), octetString(Buffer.concat([Buffer.from([0x04, 0x81, 0x10]), Buffer.alloc(16, 1)])))))],
    ["a constructed nonce OCTET STRING (BER)", () => tbs(requestList(certId()), extensions(sequence(oid(OID_OCSP_NONCE), octetString(Buffer.concat([Buffer.from([0x24, 0x12]), octetString(Buffer.alloc(16, 1))])))))],
    ["a 200-octet nonce", () => tbs(requestList(certId()), extensions(sequence(oid(OID_OCSP_NONCE), octetString(octetString(Buffer.alloc(200, 9))))))],
    ["an unknown critical extension", () => tbs(requestList(certId()), extensions(sequence(oid("1.2.3.4"), boolean(true), octetString(nullValue()))))],
    ["critical FALSE spelled out", () => tbs(requestList(certId()), extensions(sequence(oid("1.2.3.4"), boolean(false), octetString(nullValue()))))],
    ["a duplicated extension", () => tbs(requestList(certId()), extensions(sequence(oid("1.2.3.4"), octetString(nullValue())), sequence(oid("1.2.3.4"), octetString(nullValue()))))],
    ["an empty Extensions", () => tbs(requestList(certId()), extensions())],
    ["trailing bytes", () => Buffer.concat([tbs(requestList(certId())), Buffer.from([0])])],
    ["more than 10 KiB", () => tbs(requestList(certId()), extensions(sequence(oid("1.2.3.4"), octetString(Buffer.alloc(11 * 1024)))))],
    ["nothing", () => new Uint8Array()],
  ])("rejects %s", (_name, build) => reject(build()));

  it("accepts every nonce length RFC 8954 allows, 1 to 32 octets, as OpenSSL reads the same request", () => {
    for (const length of [1, 16, 31, 32]) {
      const nonce = crypto.randomBytes(length);
      const der = encodeOcspRequest([certId()], nonce);
      const reqFile = file(`nonce-${length}.der`);
      fs.writeFileSync(reqFile, der);
      const text = openssl(["ocsp", "-reqin", reqFile, "-req_text"]).toString("utf8");
      expect(text.replace(/[\s:\\]/g, "").toLowerCase()).toContain(Buffer.from(octetString(nonce)).toString("hex"));
      // OpenSSL prints the extnValue (with its line continuations); python-cryptography the nonce.
      const py = execFileSync("python3", ["-c", "import sys\nfrom cryptography.x509 import ocsp, OCSPNonce\nprint(ocsp.load_der_ocsp_request(open(sys.argv[1],'rb').read()).extensions.get_extension_for_class(OCSPNonce).value.nonce.hex())", reqFile], { encoding: "utf8" });
      expect(py.trim()).toBe(nonce.toString("hex"));
      expect(Buffer.from(parseOcspRequest(der).nonce!)).toEqual(octetString(nonce));
    }
  });

  it("ignores a non-critical extension it does not know", () => {
    const der = tbs(requestList(certId()), extensions(sequence(oid("1.3.6.1.5.5.7.48.1.4"), octetString(sequence(oid("1.3.6.1.5.5.7.48.1.1"))))));
    expect(parseOcspRequest(der).nonce).toBeUndefined();
  });

  it("rejects every truncation and every BER-style length of a valid request", () => {
    const valid = opensslRequest(["-serial", "0x1234"]);
    for (let n = 0; n < valid.length; n++) reject(valid.subarray(0, n));
    // Rewrite the outer length in long form: same content, no longer DER.
    expect(valid[1]).toBeLessThan(0x80);
    reject(Buffer.concat([Buffer.from([0x30, 0x81, valid[1]]), valid.subarray(2)]));
    reject(Buffer.concat([Buffer.from([0x30, 0x80]), valid.subarray(2), Buffer.from([0, 0])]));
  });
});
