// A pass-through stream that hashes what flows through it: how every archive signer hashes content
// without holding it (one chunk in memory at a time).
import crypto from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

export class HashTap extends Transform {
  readonly hash: crypto.Hash;
  bytes = 0;
  constructor(algorithm: string, private readonly onDone?: (digest: Buffer) => void) {
    super();
    this.hash = crypto.createHash(algorithm);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    this.onDone?.(this.hash.digest());
    done();
  }
}

/** Digest of everything a stream yields, one chunk in memory at a time (for content nobody copies on). */
export async function digestStream(content: AsyncIterable<unknown>, algorithm: string): Promise<Buffer> {
  const hash = crypto.createHash(algorithm);
  for await (const chunk of content) hash.update(chunk as Uint8Array);
  return hash.digest();
}
