// Deterministic plugin-like contents for the signing benchmark: even entries incompressible (like
// libraries and images), odd ones text (like JSON, locale and QML files), `size` bytes each.
import crypto from "node:crypto";

export function entryContent(index: number, size: number): Buffer {
  if (index % 2 === 0) {
    const out = Buffer.alloc(size);
    const seed = crypto.createHash("sha256").update(`entry-${index}`).digest();
    for (let offset = 0, block = 0; offset < size; offset += 64, block++) {
      crypto.createHash("sha512").update(seed).update(String(block)).digest().copy(out, offset);
    }
    return out;
  }
  const line = `{"key": "setting-${index}", "value": ${index * 7}, "label": "Plugin preference number ${index}"}\n`;
  return Buffer.from(line.repeat(Math.ceil(size / line.length)).slice(0, size));
}
