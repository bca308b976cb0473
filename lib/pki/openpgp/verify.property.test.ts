// Signet's own OpenPGP reader under hostile input: any bytes as a signature packet, any text as a
// cleartext message or armor end in an OpenPgpError or a parse — never another exception — and a
// mutated signature verifies only if its packet body is unchanged.
import crypto from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateKeyPair, softwareSigner } from "../signer";
import { dearmor, OpenPgpError } from "./packets";
import { cleartextSign, detachedSignature } from "./sign";
import { parseCleartext, parseSignature, verifyDetached } from "./verify";

const CREATED = new Date("2026-11-01T00:00:00Z");
const NOW = new Date("2026-12-01T00:00:00Z");

function onlyOpenPgpErrors(fn: () => unknown): "ok" | "refused" {
  try {
    fn();
    return "ok";
  } catch (err) {
    if (err instanceof OpenPgpError) return "refused";
    throw err;
  }
}

describe("OpenPGP reading under hostile input", async () => {
  const signer = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);
  const key = { spki: signer.publicKeySpki, createdAt: CREATED };
  const data = crypto.randomBytes(500);
  const sig = Buffer.from(await detachedSignature({ data, signer, key, createdAt: NOW, hash: "sha256" }));
  const clear = await cleartextSign({ text: '{\n  "a": 1\n}', signer, key, createdAt: NOW });

  it("verifies the unmutated signature and cleartext the mutations start from", () => {
    expect(verifyDetached({ signature: sig, data, key, now: NOW, sigType: 0 }).keyId).toMatch(/^[0-9a-f]{16}$/);
    const parsed = parseCleartext(clear);
    expect(verifyDetached({ signature: parsed.signature, data: parsed.signed, key, now: NOW, sigType: 1 }).hash).toBe("sha512");
    expect(() => verifyDetached({ signature: sig, data, key, now: NOW, sigType: 1 })).toThrow(/Signature type/);
    expect(() => verifyDetached({ signature: sig, data, key, now: new Date(NOW.getTime() - 1000) })).toThrow(/future/);
    expect(() => verifyDetached({ signature: sig, data: Buffer.concat([data, Buffer.from([0])]), key, now: NOW })).toThrow(OpenPgpError);
    // The last MPI (ECDSA s) re-declared one bit shorter or longer: same octets, so only an exact-count rule refuses it.
    const sLength = parseSignature(sig).mpis[1].length;
    const at = sig.length - 2 - sLength;
    for (const delta of [-1, 1]) {
      const recoded = Buffer.from(sig);
      recoded.writeUInt16BE(recoded.readUInt16BE(at) + delta, at);
      expect(() => verifyDetached({ signature: recoded, data, key, now: NOW })).toThrow(OpenPgpError);
    }
  });

  it("random bytes as a signature packet: an OpenPgpError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(onlyOpenPgpErrors(() => verifyDetached({ signature: bytes, data, key, now: NOW }))).toBe("refused");
      }),
      { numRuns: 2000 },
    );
  });

  it("a flipped, cut or spliced signature packet is refused unless only its unsigned framing changed", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ kind: fc.constant("flip" as const), at: fc.nat({ max: sig.length - 1 }), xor: fc.integer({ min: 1, max: 255 }) }),
          fc.record({ kind: fc.constant("cut" as const), at: fc.nat({ max: sig.length - 1 }) }),
          fc.record({ kind: fc.constant("splice" as const), at: fc.nat({ max: sig.length - 1 }), junk: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
        ),
        (m) => {
          let bytes: Buffer;
          if (m.kind === "flip") {
            bytes = Buffer.from(sig);
            bytes[m.at] ^= m.xor;
          } else if (m.kind === "cut") bytes = sig.subarray(0, m.at);
          else bytes = Buffer.concat([sig.subarray(0, m.at), m.junk, sig.subarray(m.at)]);
          const outcome = onlyOpenPgpErrors(() => verifyDetached({ signature: bytes, data, key, now: NOW }));
          // The packet framing is not signed: the same body in the old-format header (0xC2 → 0x88) is
          // the same signature. Anything accepted must be exactly the original body and MPIs.
          if (outcome === "ok") {
            const a = parseSignature(bytes);
            const b = parseSignature(sig);
            expect([a.hashedHead, a.left16, ...a.mpis].map((x) => x.toString("hex"))).toEqual([b.hashedHead, b.left16, ...b.mpis].map((x) => x.toString("hex")));
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("any text as a cleartext message or armor: a parse or an OpenPgpError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.nat({ max: clear.length - 1 }), (junk, at) => {
        onlyOpenPgpErrors(() => parseCleartext(junk));
        onlyOpenPgpErrors(() => parseCleartext(clear.slice(0, at) + junk + clear.slice(at)));
        onlyOpenPgpErrors(() => dearmor("PGP SIGNATURE", clear.slice(at)));
        onlyOpenPgpErrors(() => parseSignature(Buffer.from(junk, "latin1")));
      }),
      { numRuns: 1500 },
    );
  });
});
