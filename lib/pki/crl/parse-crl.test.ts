import crypto from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateKeyPair, softwareSigner } from "../signer";
import { serialToHex } from "../certificate/serial";
import { encodeCrl } from "./encode-crl";
import { CrlParseError, parseCrl } from "./parse-crl";

const head = {
  issuerNameDer: Buffer.from("300f310d300b06035504030c0454657374", "hex"),
  issuerKeyIdentifier: crypto.randomBytes(20),
  crlNumber: 7n,
  thisUpdate: new Date("2026-11-26T00:00:00Z"),
  nextUpdate: new Date("2026-12-03T00:00:00Z"),
};
const signer = softwareSigner(generateKeyPair("ecdsa-p256").privateKey);

describe("parseCrl", () => {
  it("reads every entry of a 5,000-entry CRL with its serial, time, reason and invalidity date (past @peculiar/x509's ~1,400)", async () => {
    const entries = Array.from({ length: 5000 }, (_, i) => ({
      serial: crypto.randomBytes(16),
      revocationDate: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      reason: (["keyCompromise", "superseded", "unspecified"] as const)[i % 3],
      invalidityDate: i % 7 === 0 ? new Date(Date.UTC(2025, 11, 31)) : undefined,
    }));
    const der = await encodeCrl({ ...head, signer, entries });
    const crl = parseCrl(der);
    expect(crl.crlNumber).toBe(7n);
    expect(crl.thisUpdate).toEqual(head.thisUpdate);
    expect(crl.nextUpdate).toEqual(head.nextUpdate);
    expect(Buffer.from(crl.issuerDer).equals(head.issuerNameDer)).toBe(true);
    expect(Buffer.from(crl.authorityKeyIdentifier).equals(head.issuerKeyIdentifier)).toBe(true);
    expect(crl.entries).toHaveLength(5000);
    crl.entries.forEach((e, i) => {
      expect(e.serialHex).toBe(serialToHex(entries[i].serial));
      expect(e.revocationDate).toEqual(entries[i].revocationDate);
      expect(e.reason).toBe(entries[i].reason);
      expect(e.invalidityDate).toEqual(entries[i].invalidityDate);
    });
  });

  it("refuses BER, trailing bytes, a missing CRL number and duplicate serials with a CrlParseError", async () => {
    const der = await encodeCrl({ ...head, signer, entries: [{ serial: "0a", revocationDate: head.thisUpdate }] });
    expect(() => parseCrl(Buffer.concat([der, Buffer.from([0])]))).toThrow(/trailing/);
    const ber = Buffer.concat([Buffer.from([0x30, 0x84]), Buffer.alloc(4), der.subarray(2)]);
    ber.writeUInt32BE(der.length - (der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2), 2);
    expect(() => parseCrl(ber)).toThrow(CrlParseError);
    const twice = await encodeCrl({ ...head, signer, entries: [{ serial: "0a", revocationDate: head.thisUpdate }, { serial: "0a", revocationDate: head.thisUpdate }] });
    expect(() => parseCrl(twice)).toThrow(/listed twice/);
    const removed = await encodeCrl({ ...head, signer, entries: [{ serial: "0b", revocationDate: head.thisUpdate, reason: "removeFromCRL" }] });
    expect(() => parseCrl(removed)).toThrow(/removeFromCRL/);
  });

  it("ends in a CrlParseError or a clean read for any flipped, cut or spliced bytes (fast-check)", async () => {
    const der = await encodeCrl({ ...head, signer, entries: Array.from({ length: 20 }, (_, i) => ({ serial: crypto.randomBytes(9), revocationDate: new Date(Date.UTC(2026, 0, 1, i)), reason: "keyCompromise" as const })) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: der.length }), fc.uint8Array({ maxLength: 40 }), (at, value, cut, splice) => {
        for (const candidate of [Buffer.from(der).fill(value, at, at + 1), der.subarray(0, cut), Buffer.concat([der.subarray(0, at), splice, der.subarray(at)])]) {
          try {
            parseCrl(candidate);
          } catch (err) {
            if (!(err instanceof CrlParseError)) throw err;
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
