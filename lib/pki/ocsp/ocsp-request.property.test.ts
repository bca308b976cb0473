// Property tests: any bytes given to the OCSP request parser end in a parsed request or an
// OcspRequestError (→ malformedRequest); a parsed one's CertIDs are byte-exact pieces of the input;
// a nonce is accepted exactly when RFC 8954 allows it (one DER OCTET STRING of 1..32 octets).
import crypto from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nameDer } from "../certificate/names";
import { generateKeyPair, spkiOf } from "../signer";
import { explicit, octetString, oid, sequence } from "../der";
import { encodeCertId } from "./cert-id";
import { OID_OCSP_NONCE } from "./extensions";
import { encodeOcspRequest, OcspRequestError, parseOcspRequest } from "./ocsp-request";

function outcome(bytes: Uint8Array): "parsed" | "refused" {
  try {
    parseOcspRequest(bytes);
    return "parsed";
  } catch (err) {
    if (err instanceof OcspRequestError) return "refused";
    throw err;
  }
}

const issuerNameDer = nameDer([{ type: "O", value: "Acme" }, { type: "CN", value: "Acme CA" }]);
const issuerSpkiDer = spkiOf(generateKeyPair("ecdsa-p256").privateKey);
const valid = encodeOcspRequest(
  [encodeCertId({ hash: "sha256", issuerNameDer, issuerSpkiDer, serial: crypto.randomBytes(16) })],
  crypto.randomBytes(16),
);

describe("parseOcspRequest under hostile input", () => {
  it("parses the valid request the mutations start from", () => {
    expect(outcome(valid)).toBe("parsed");
  });

  it("refuses random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), (bytes) => {
        expect(outcome(bytes)).toBe("refused");
      }),
      { numRuns: 3000 },
    );
  });

  it("answers every flip, cut and splice with a request or a refusal, never a crash", () => {
    const mutation = fc.oneof(
      fc.record({ at: fc.nat({ max: valid.length - 1 }), xor: fc.integer({ min: 1, max: 255 }) }).map(({ at, xor }) => {
        const b = Buffer.from(valid);
        b[at] ^= xor;
        return b;
      }),
      fc.nat({ max: valid.length - 1 }).map((at) => valid.subarray(0, at)),
      fc.tuple(fc.nat({ max: valid.length }), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, junk]) => Buffer.concat([valid.subarray(0, at), junk, valid.subarray(at)])),
    );
    fc.assert(
      fc.property(mutation, (bytes) => {
        if (outcome(bytes) === "parsed") {
          // Whatever parses hands back CertIDs byte-exact from the request: the answer echoes them.
          const request = parseOcspRequest(bytes);
          for (const c of request.certIds) expect(Buffer.from(bytes).includes(Buffer.from(c.der))).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });
  const certId = encodeCertId({ hash: "sha1", issuerNameDer, issuerSpkiDer, serial: new Uint8Array([1, 2, 3]) });
  const withNonceValue = (extnValue: Uint8Array) => sequence(sequence(sequence(sequence(certId)), explicit(2, sequence(sequence(oid(OID_OCSP_NONCE), octetString(extnValue))))));

  it("accepts a nonce exactly when it is 1 to 32 octets, and hands back the extnValue to echo", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (nonce) => {
        const der = encodeOcspRequest([certId], nonce);
        if (nonce.length >= 1 && nonce.length <= 32) expect(Buffer.from(parseOcspRequest(der).nonce!)).toEqual(octetString(nonce));
        else expect(outcome(der)).toBe("refused");
      }),
      { numRuns: 1000 },
    );
  });

  it("accepts a nonce extnValue only when it is one DER OCTET STRING", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (extnValue) => {
        const isOneOctetString =
          extnValue.length >= 2 &&
          extnValue[0] === 0x04 &&
          extnValue[1] >= 1 && extnValue[1] <= 32 && extnValue.length === 2 + extnValue[1];
        expect(outcome(withNonceValue(extnValue))).toBe(isOneOctetString ? "parsed" : "refused");
      }),
      { numRuns: 3000 },
    );
  });
});
