import { decode, encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { decodeSignaturesMap, encodeSignaturesMap } from "./signatures-map";

describe("signatures map (MessagePack str → bin)", () => {
  it("round-trips and is read identically by an independent decoder, at every length class", () => {
    for (const count of [0, 3, 15, 16, 1000]) {
      const map = new Map<string, Uint8Array>();
      for (let i = 0; i < count; i++) map.set(`data/${"é".repeat(i % 200)}${i}`, new Uint8Array(i % 300).fill(i & 0xff));
      const bytes = encodeSignaturesMap(map);
      expect(decodeSignaturesMap(bytes)).toEqual(map);
      const other = decode(bytes) as Record<string, Uint8Array>;
      expect(Object.keys(other).length).toBe(count);
      for (const [k, v] of map) expect(other[k]).toEqual(v);
    }
  });

  it("refuses other shapes: base64 strings as values, non-map roots, duplicates, trailing bytes", () => {
    expect(() => decodeSignaturesMap(encode({ "a.txt": "c2lnbmF0dXJl" }))).toThrow(/not MessagePack bin/);
    expect(() => decodeSignaturesMap(encode(["a.txt"]))).toThrow(/not a MessagePack map/);
    expect(() => decodeSignaturesMap(encode({ 1: new Uint8Array(1) }))).not.toThrow(); // msgpack-js writes numeric-looking keys as str
    const dup = Buffer.from([0x82, 0xa1, 0x61, 0xc4, 0x01, 0x01, 0xa1, 0x61, 0xc4, 0x01, 0x02]);
    expect(() => decodeSignaturesMap(dup)).toThrow(/appears twice/);
    const trailing = Buffer.concat([Buffer.from(encodeSignaturesMap(new Map([["a", new Uint8Array([1])]]))), Buffer.from([0])]);
    expect(() => decodeSignaturesMap(trailing)).toThrow(/trailing/);
    expect(() => decodeSignaturesMap(Buffer.from([0x81, 0xa1]))).toThrow(/truncated/);
  });
  it("keeps a leading U+FEFF in a key: 'manifest.json' and '\\uFEFFmanifest.json' are two keys, as byte comparison sees them", () => {
    const bom = new Map([["\uFEFFmanifest.json", new Uint8Array([1])]]);
    expect([...decodeSignaturesMap(encodeSignaturesMap(bom)).keys()]).toEqual(["\uFEFFmanifest.json"]);
    const both = new Map([["manifest.json", new Uint8Array([1])], ["\uFEFFmanifest.json", new Uint8Array([2])]]);
    expect(decodeSignaturesMap(encodeSignaturesMap(both))).toEqual(both);
  });
});
