import { describe, expect, it } from "vitest";
import { normalizeSerial } from "@/lib/server/certificates/get-certificate";
import { randomSerial, serialToHex } from "@/lib/pki/certificate/serial";

describe("serial lookups", () => {
  it("accept any spelling of a serial and map it to the stored form", () => {
    expect(normalizeSerial("0A:1B:2C")).toBe("0a1b2c");
    expect(normalizeSerial("a1b2c")).toBe("0a1b2c");
    expect(normalizeSerial("000a1b2c")).toBe("0a1b2c");
    for (let i = 0; i < 200; i++) {
      const hex = serialToHex(randomSerial());
      expect(normalizeSerial(hex)).toBe(hex);
      expect(normalizeSerial(hex.toUpperCase().match(/../g)!.join(":"))).toBe(hex);
    }
  });
  it("refuse what is not a serial", () => {
    for (const bad of ["", "xyz", "1".repeat(41), "12 34"]) expect(() => normalizeSerial(bad)).toThrow(/hexadecimal/);
  });
});
