// The `signatures` entry: a MessagePack map, entry path (str) → raw signature (bin), as the Jami
// daemon unpacks it into std::map<std::string, std::vector<uint8_t>>. Both directions are written
// out here for exactly that shape (the tests decode our output with @msgpack/msgpack as an
// independent check); the reader refuses duplicate keys or other types, where a generic decoder
// would silently keep the last duplicate.

function lengthPrefix(length: number, small: [max: number, base: number] | null, tags: [number, number, number]): Buffer {
  if (small && length <= small[0]) return Buffer.from([small[1] | length]);
  if (length <= 0xff && tags[0] !== 0) return Buffer.from([tags[0], length]);
  if (length <= 0xffff) return Buffer.from([tags[1], length >> 8, length & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = tags[2];
  b.writeUInt32BE(length, 1);
  return b;
}

export function encodeSignaturesMap(signatures: Map<string, Uint8Array>): Uint8Array {
  const sorted = [...signatures.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: Buffer[] = [lengthPrefix(sorted.length, [15, 0x80], [0, 0xde, 0xdf])];
  for (const [path, signature] of sorted) {
    const key = Buffer.from(path, "utf8");
    parts.push(lengthPrefix(key.length, [31, 0xa0], [0xd9, 0xda, 0xdb]), key);
    parts.push(lengthPrefix(signature.length, null, [0xc4, 0xc5, 0xc6]), Buffer.from(signature));
  }
  return new Uint8Array(Buffer.concat(parts));
}

export class SignaturesMapError extends Error {}

export function decodeSignaturesMap(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new SignaturesMapError("the signatures map is truncated");
  };
  const u8 = () => (need(1), bytes[pos++]);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4));
  const take = (n: number) => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  // ignoreBOM: a key is compared byte for byte with entry names (as the Jami daemon compares
  // it); a decoder that drops a leading U+FEFF would make "\uFEFFmanifest.json" sign manifest.json.
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

  const head = u8();
  let count: number;
  if (head >= 0x80 && head <= 0x8f) count = head & 0x0f;
  else if (head === 0xde) count = u16();
  else if (head === 0xdf) count = u32();
  else throw new SignaturesMapError("the signatures entry is not a MessagePack map");
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const k = u8();
    let keyLength: number;
    if (k >= 0xa0 && k <= 0xbf) keyLength = k & 0x1f;
    else if (k === 0xd9) keyLength = u8();
    else if (k === 0xda) keyLength = u16();
    else if (k === 0xdb) keyLength = u32();
    else throw new SignaturesMapError("a signatures map key is not a MessagePack str");
    let key: string;
    try {
      key = decoder.decode(take(keyLength));
    } catch (err) {
      if (err instanceof SignaturesMapError) throw err;
      throw new SignaturesMapError("a signatures map key is not UTF-8");
    }
    const v = u8();
    const valueLength = v === 0xc4 ? u8() : v === 0xc5 ? u16() : v === 0xc6 ? u32() : -1;
    if (valueLength < 0) throw new SignaturesMapError(`the signature of '${key}' is not MessagePack bin`);
    if (out.has(key)) throw new SignaturesMapError(`'${key}' appears twice in the signatures map`);
    out.set(key, take(valueLength));
  }
  if (pos !== bytes.length) throw new SignaturesMapError("trailing bytes after the signatures map");
  return out;
}
