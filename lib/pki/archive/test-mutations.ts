// The hostile-input generator every archive format's property tests share: a valid archive with one byte
// flipped, cut short, or with junk spliced in.
import fc from "fast-check";

export function mutatedBytes(valid: Buffer, maxJunk = 64): fc.Arbitrary<Buffer> {
  return fc
    .oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat({ max: valid.length - 1 }), xor: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant("cut" as const), at: fc.nat({ max: valid.length - 1 }) }),
      fc.record({ kind: fc.constant("splice" as const), at: fc.nat({ max: valid.length - 1 }), junk: fc.uint8Array({ minLength: 1, maxLength: maxJunk }) }),
    )
    .map((m) => {
      if (m.kind === "flip") {
        const bytes = Buffer.from(valid);
        bytes[m.at] ^= m.xor;
        return bytes;
      }
      if (m.kind === "cut") return valid.subarray(0, m.at);
      return Buffer.concat([valid.subarray(0, m.at), m.junk, valid.subarray(m.at)]);
    });
}
