// Property tests: whatever bytes arrive, parseCsr answers with a parsed request or a CsrError —
// never another exception (which the API would turn into a 500).
import crypto from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateKeyPair, softwareSigner } from "../signer";
import { buildCsr, csrToPem } from "./build-csr";
import { CsrError, parseCsr } from "./parse-csr";

function outcome(input: string | Uint8Array): "parsed" | string {
  try {
    parseCsr(input);
    return "parsed";
  } catch (err) {
    if (err instanceof CsrError) return err.code;
    throw err;
  }
}

const validDer = await buildCsr([{ type: "O", value: "Acme" }, { type: "CN", value: "com.acme.x" }], softwareSigner(generateKeyPair("ecdsa-p256").privateKey));

describe("parseCsr under hostile input", () => {
  it("accepts the valid request the mutations start from", () => {
    expect(outcome(validDer)).toBe("parsed");
  });

  it("answers random bytes with a CsrError", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      expect(outcome(bytes)).not.toBe("parsed");
    }), { numRuns: 2000 });
  });

  it("answers random PEM-looking text with a CsrError", () => {
    const pem = fc.string({ maxLength: 400 }).map((body) => `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----`);
    fc.assert(fc.property(pem, (text) => void outcome(text)), { numRuns: 1000 });
  });

  it("never accepts a mutated request whose signed part changed", () => {
    const mutation = fc.record({ at: fc.nat({ max: validDer.length - 1 }), xor: fc.integer({ min: 1, max: 255 }) });
    fc.assert(
      fc.property(mutation, ({ at, xor }) => {
        const bytes = Uint8Array.from(validDer);
        bytes[at] ^= xor;
        const result = outcome(bytes);
        // A flip can only ever leave a valid CSR if it touched nothing the signature or DER covers;
        // then the parse must give back the very same key.
        if (result === "parsed") expect(parseCsr(bytes).fingerprintSha256).toBe(parseCsr(validDer).fingerprintSha256);
      }),
      { numRuns: 3000 },
    );
  });

  it("answers a change at every byte position with a CsrError or the same key", () => {
    // Found by the random run above: a flipped tag (xor 27) that left a field the parser could
    // not write back threw a plain Error. Every position, with flips that change tags and lengths.
    for (let at = 0; at < validDer.length; at++) {
      for (const xor of [0x01, 0x1b, 0x20, 0x7f, 0x80, 0xff]) {
        const bytes = Uint8Array.from(validDer);
        bytes[at] ^= xor;
        if (outcome(bytes) === "parsed") expect(parseCsr(bytes).fingerprintSha256).toBe(parseCsr(validDer).fingerprintSha256);
      }
    }
  });

  it("refuses truncations, trailing bytes and BER long-form lengths", () => {
    fc.assert(fc.property(fc.nat({ max: validDer.length - 1 }), (cut) => {
      expect(outcome(validDer.subarray(0, cut))).not.toBe("parsed");
    }), { numRuns: 500 });
    expect(outcome(Buffer.concat([validDer, Buffer.from([0])]))).toBe("not_der");
    // Re-encode the outer length in a non-minimal long form (0x82 0x00 0xNN): valid BER, invalid DER.
    const content = validDer.subarray(validDer[1] & 0x80 ? 2 + (validDer[1] & 0x7f) : 2);
    const ber = Buffer.concat([Buffer.from([0x30, 0x83, 0, (content.length >> 8) & 0xff, content.length & 0xff]), content]);
    expect(outcome(ber)).not.toBe("parsed");
  });

  it("refuses oversized input before parsing it", () => {
    expect(outcome(crypto.randomBytes(70 * 1024))).toBe("too_large");
    expect(outcome(csrToPem(crypto.randomBytes(70 * 1024)))).toBe("too_large");
  });
});
