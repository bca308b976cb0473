// The DER writer (der.ts) and the strict reader (der-read.ts) against each other, against fixed vectors from X.690 and
// RFC 5280, and against an oracle we did not write (`openssl asn1parse`), with fast-check for the round trips.
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bitString, boolean, enumerated, explicit, generalizedTime, integer, integerFromBytes, lengthOctets, nullValue, octetString, oid, sequence, set, time, wholeSeconds } from "./der";
import { bytesOf, children, contentOf, DerError, oidToString, readRoot, readTlv, splitSigned } from "./der-read";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const bytes = (s: string) => Buffer.from(s.replace(/\s/g, ""), "hex");
const asn1parse = (der: Uint8Array) => execFileSync("openssl", ["asn1parse", "-inform", "DER"], { input: der }).toString();

describe("DER writer", () => {
  it.each([
    [0, "00"],
    [0x7f, "7f"],
    [0x80, "8180"],
    [0xff, "81ff"],
    [0x100, "820100"],
    [0xffffff, "83ffffff"],
    [0x1000000, "8401000000"],
  ])("writes the minimal length octets of %i", (length, expected) => {
    expect(hex(lengthOctets(length))).toBe(expected);
  });

  it.each([
    [0, "020100"],
    [127, "02017f"],
    [128, "02020080"],
    [256, "02020100"],
    [2n ** 64n, "0209010000000000000000"],
  ])("writes INTEGER %s in minimal two's complement", (value, expected) => {
    expect(hex(integer(value))).toBe(expected);
  });

  it("writes serial magnitudes without leading zeros and with a sign octet when the top bit is set", () => {
    expect(hex(integerFromBytes(bytes("0000 01")))).toBe("020101");
    expect(hex(integerFromBytes(bytes("ff01")))).toBe("020300ff01");
    expect(hex(integerFromBytes(new Uint8Array(0)))).toBe("020100");
    expect(() => integer(-1)).toThrow(RangeError);
  });

  it.each([
    ["1.2.840.113549", "06062a864886f70d"],
    ["2.5.29.19", "0603551d13"],
    ["1.3.6.1.5.5.7.48.1.2", "06092b0601050507300102"],
    ["2.999.3", "0603883703"],
  ])("writes OID %s as X.690 §8.19 says, and reads it back", (dotted, expected) => {
    expect(hex(oid(dotted))).toBe(expected);
    const read = readRoot(oid(dotted), 0x06);
    expect(oidToString(contentOf(oid(dotted), read))).toBe(dotted);
  });

  it("writes times in whole seconds, UTCTime until 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)", () => {
    const t = new Date("2026-12-01T12:34:56.789Z");
    expect(wholeSeconds(t).toISOString()).toBe("2026-12-01T12:34:56.000Z");
    expect(Buffer.from(time(t)).toString("latin1")).toBe("\x17\x0d261201123456Z");
    expect(Buffer.from(time(new Date("2050-01-01T00:00:00.500Z"))).toString("latin1")).toBe("\x18\x0f20500101000000Z");
    expect(Buffer.from(time(new Date("1949-12-31T23:59:59Z"))).toString("latin1")).toBe("\x18\x0f19491231235959Z");
    expect(Buffer.from(generalizedTime(t)).toString("latin1")).toBe("\x18\x0f20261201123456Z");
  });

  it("writes the small types exactly", () => {
    expect(hex(nullValue())).toBe("0500");
    expect(hex(boolean(true))).toBe("0101ff");
    expect(hex(boolean(false))).toBe("010100");
    expect(hex(enumerated(6))).toBe("0a0106");
    expect(hex(bitString(bytes("aa")))).toBe("030200aa");
    expect(hex(explicit(0, integer(2)))).toBe("a003020102");
  });

  it("is read by openssl asn1parse as the structure it means", () => {
    const der = sequence(integer(5), oid("2.5.29.19"), set(boolean(true), nullValue()), octetString(Buffer.alloc(300, 1)), generalizedTime(new Date("2030-05-06T07:08:09Z")));
    const out = asn1parse(der);
    expect(out).toMatch(/cons: SEQUENCE/);
    expect(out).toMatch(/prim: INTEGER\s+:05/);
    expect(out).toMatch(/prim: OBJECT\s+:X509v3 Basic Constraints/);
    expect(out).toMatch(/cons: SET/);
    expect(out).toMatch(/hl=4 l= 300 prim: OCTET STRING/);
    expect(out).toMatch(/prim: GENERALIZEDTIME\s+:20300506070809Z/);
  });
});

describe("strict DER reader", () => {
  it("round-trips any nesting the writer builds, byte for byte (fast-check)", () => {
    type Tree = Uint8Array | Tree[];
    const { tree } = fc.letrec<{ tree: Tree; leaf: Uint8Array; node: Tree[] }>((tie) => ({
      leaf: fc.uint8Array({ maxLength: 300 }),
      node: fc.array(tie("tree"), { maxLength: 4 }),
      tree: fc.oneof({ depthSize: "small" }, tie("leaf"), tie("node")),
    }));
    const encode = (t: Tree): Buffer => (t instanceof Uint8Array ? octetString(t) : sequence(...t.map(encode)));
    const decode = (der: Uint8Array, tlv: ReturnType<typeof readTlv>): Tree => (tlv.tag === 0x04 ? new Uint8Array(contentOf(der, tlv)) : children(der, tlv).map((c) => decode(der, c)));
    fc.assert(
      fc.property(tree, (t) => {
        const der = encode(t);
        const root = readRoot(der);
        expect(Buffer.from(bytesOf(der, root)).equals(der)).toBe(true);
        expect(encode(decode(der, root)).equals(der)).toBe(true);
      }),
    );
  });

  it.each([
    ["an indefinite length (BER)", "3080 0000", /indefinite/],
    ["a long form for a short length", "048101 00", /non-minimal/],
    ["a length with a leading zero octet", "04820001 00", /non-minimal/],
    ["a length of five octets", "0485 0000000001 00", /too large/],
    ["content past the buffer", "0405 0102", /runs past/],
    ["a lone tag", "30", /truncated header/],
    ["a cut long length", "0482 01", /truncated length/],
    ["a high tag number", "1f2001 00", /multi-octet tags/],
    ["trailing bytes", "0401 00 00", /trailing bytes/],
  ])("refuses %s", (_name, input, reason) => {
    expect(() => readRoot(bytes(input))).toThrow(DerError);
    expect(() => readRoot(bytes(input))).toThrow(reason);
  });

  it("refuses a child that runs past its parent, and the wrong outer tag", () => {
    // SEQUENCE of 3 octets holding an OCTET STRING that claims 5.
    expect(() => children(bytes("3003 0405 00 0000"), readTlv(bytes("3003 0405 00 0000"), 0))).toThrow(/runs past/);
    expect(() => readRoot(bytes("0400"), 0x30)).toThrow(/expected tag 0x30, got 0x4/);
  });

  it.each([
    ["empty", "", /empty OID/],
    ["truncated", "2a86", /truncated OID/],
    ["non-minimal arc", "2a8001", /non-minimal OID arc/],
  ])("refuses an OID that is %s", (_name, content, reason) => {
    expect(() => oidToString(bytes(content))).toThrow(reason);
  });

  it("splits a SIGNED structure into the exact TBS bytes, algorithm and signature, and refuses unused signature bits", () => {
    const tbs = sequence(integer(1), octetString(bytes("abcd")));
    const alg = sequence(oid("1.2.840.10045.4.3.2"));
    const signed = sequence(tbs, alg, bitString(bytes("0102")));
    const parts = splitSigned(signed);
    expect(Buffer.from(parts.tbs)).toEqual(tbs);
    expect(Buffer.from(parts.signatureAlgorithm)).toEqual(alg);
    expect(hex(parts.signature)).toBe("0102");
    const unused = sequence(tbs, alg, Buffer.from([0x03, 0x02, 0x01, 0x02]));
    expect(() => splitSigned(unused)).toThrow(/unused bits/);
    expect(() => splitSigned(sequence(tbs, alg))).toThrow(/not a SIGNED sequence/);
  });
});
