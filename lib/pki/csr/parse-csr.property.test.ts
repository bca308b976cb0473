// Property tests: whatever bytes arrive, parseCsr answers with a parsed request or a CsrError —
// never another exception (which the API would turn into a 500).
import crypto from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateKeyPair, softwareSigner, spkiOf } from "../signer";
import { buildCsr, csrToPem } from "./build-csr";
import { CsrError, parseCsr } from "./parse-csr";
import { importPublicKey, PublicKeyError, readPublicKey } from "../keys/check-public-key";
import { ecSpki } from "../keys/test-keys";
import { OID } from "../signer";

function outcome(input: string | Uint8Array): "parsed" | string {
  try {
    parseCsr(input);
    return "parsed";
  } catch (err) {
    if (err instanceof CsrError) return err.code;
    throw err;
  }
}

/** A key readPublicKey accepts must survive every native question; one it refuses must be a PublicKeyError. */
function keyOutcome(spki: Uint8Array): "accepted" | string {
  try {
    const key = readPublicKey(spki);
    const native = importPublicKey(key);
    // Each of these aborts the process on an EC point Node imported without validating.
    void native.asymmetricKeyDetails;
    native.export({ format: "jwk" });
    return "accepted";
  } catch (err) {
    if (err instanceof PublicKeyError) return err.code;
    throw err;
  }
}

/** A CSR around `spki` with an arbitrary signature: the key must be judged before the signature. */
async function csrWithKey(spki: Uint8Array): Promise<Uint8Array> {
  const signer = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);
  return buildCsr([{ type: "CN", value: "x" }], { ...signer, publicKeySpki: spki });
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

  it("refuses random EC points and mutated SPKIs without a native abort", () => {
    const point = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 100 }),
      fc.uint8Array({ minLength: 64, maxLength: 64 }).map((xy) => Uint8Array.from([4, ...xy])),
      fc.uint8Array({ minLength: 96, maxLength: 96 }).map((xy) => Uint8Array.from([4, ...xy])),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((x) => Uint8Array.from([2, ...x])),
      fc.constantFrom(Uint8Array.from([0]), Uint8Array.from([4]), Uint8Array.from([4, ...new Uint8Array(64)])),
    );
    const curve = fc.constantFrom<string>(OID.secp256r1, OID.secp384r1, "1.3.132.0.10", "1.3.132.0.35");
    fc.assert(fc.property(point, curve, (p, c) => {
      // A random 64- or 96-octet pair is on its curve with negligible probability.
      expect(keyOutcome(ecSpki(p, c))).not.toBe("accepted");
    }), { numRuns: 2000 });
    const validSpkis = [spkiOf(generateKeyPair("ecdsa-p256").publicKey), spkiOf(generateKeyPair("ecdsa-p384").publicKey), spkiOf(generateKeyPair("rsa-2048").publicKey)];
    for (const spki of validSpkis) expect(keyOutcome(spki)).toBe("accepted");
    const mutation = fc.record({ which: fc.nat({ max: validSpkis.length - 1 }), at: fc.nat({ max: 293 }), xor: fc.integer({ min: 1, max: 255 }) });
    fc.assert(fc.property(mutation, ({ which, at, xor }) => {
      const bytes = Uint8Array.from(validSpkis[which]);
      bytes[at % bytes.length] ^= xor;
      void keyOutcome(bytes);
    }), { numRuns: 3000 });
  });

  it("answers CSRs carrying mutated keys with a CsrError, the key judged before the signature", async () => {
    const spki = spkiOf(generateKeyPair("ecdsa-p256").publicKey);
    await fc.assert(fc.asyncProperty(fc.nat({ max: spki.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
      const bytes = Uint8Array.from(spki);
      bytes[at] ^= xor;
      expect(outcome(await csrWithKey(bytes))).not.toBe("parsed");
    }), { numRuns: 500 });
    expect(outcome(await csrWithKey(ecSpki(Uint8Array.from([0]))))).toBe("invalid_key");
  });
});
