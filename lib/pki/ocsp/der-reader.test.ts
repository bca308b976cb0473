import { describe, expect, it } from "vitest";
import { oid as encodeOid } from "../der";
import { booleanValue, DerError, integerContent, oidValue, parseDer, readTlv } from "./der-reader";

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ""), "hex");

describe("strict DER reader", () => {
  it("reads short and long definite lengths", () => {
    expect(parseDer(hex("0403 010203"), 0x04).content).toEqual(hex("010203"));
    const long = Buffer.concat([hex("048180"), Buffer.alloc(0x80, 7)]);
    expect(parseDer(long, 0x04).content.length).toBe(0x80);
    const longer = Buffer.concat([hex("04820100"), Buffer.alloc(0x100, 7)]);
    expect(parseDer(longer, 0x04).content.length).toBe(0x100);
  });

  it.each([
    ["indefinite length", "3080 0000"],
    ["long form for a short length", "048101 00"],
    ["length with a leading zero octet", "04820001 00"],
    ["length beyond the buffer", "0405 0102"],
    ["truncated header", "30"],
    ["truncated long length", "0482 01"],
    ["high-tag-number form", "1f2001 00"],
    ["trailing bytes", "0401 00 00"],
    ["four length octets", "0484 00000001 00"],
  ])("rejects %s", (_name, input) => {
    expect(() => parseDer(hex(input), hex(input)[0])).toThrow(DerError);
  });

  it("refuses a child that runs past its parent", () => {
    const outer = hex("3003 0405 0102");
    expect(() => readTlv(parseDer(outer, 0x30).content, 0)).toThrow(DerError);
  });

  it("reads minimal INTEGERs only", () => {
    expect(integerContent(parseDer(hex("020100"), 0x02))).toEqual(hex("00"));
    expect(integerContent(parseDer(hex("0202 0080"), 0x02))).toEqual(hex("0080"));
    for (const bad of ["0200", "0202 0001", "0202 ff80"]) expect(() => integerContent(parseDer(hex(bad), 0x02))).toThrow(DerError);
  });

  it("reads DER BOOLEANs only", () => {
    expect(booleanValue(parseDer(hex("0101ff"), 0x01))).toBe(true);
    expect(booleanValue(parseDer(hex("010100"), 0x01))).toBe(false);
    expect(() => booleanValue(parseDer(hex("010101"), 0x01))).toThrow(DerError);
  });

  it("decodes OIDs round-trip with our writer and refuses padded arcs", () => {
    for (const dotted of ["1.3.6.1.5.5.7.48.1.2", "2.16.840.1.101.3.4.2.1", "1.3.14.3.2.26", "2.999.3"]) {
      expect(oidValue(parseDer(encodeOid(dotted), 0x06))).toBe(dotted);
    }
    expect(() => oidValue(parseDer(hex("0603 2b8001"), 0x06))).toThrow(DerError);
    expect(() => oidValue(parseDer(hex("0602 2b86"), 0x06))).toThrow(DerError);
  });
});
