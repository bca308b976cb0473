// Streams an uploaded archive (raw application/zip body, or multipart field `file`) to a temp file
// under a size cap, so route handlers never buffer uploads. A multipart upload may also carry a
// detached signature (`signature`) for verification.
import fs from "node:fs";
import { once } from "node:events";
import { AppError } from "../errors";
import { boundaryOf, readMultipart, type PartInfo } from "./multipart-stream";
import { removeQuietly, tempPath } from "./storage";
import type { UploadLease } from "./upload-budget";

export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;
const MAX_SIGNATURE_BYTES = 256 * 1024;
// gzip for Mattermost's .tar.gz bundles.
const RAW_TYPES = /^application\/(zip|x-zip-compressed|octet-stream|java-archive|gzip|x-gzip|x-tar)\s*(;|$)/i;

export type ReceivedUpload = {
  archivePath: string;
  archiveBytes: number;
  filename: string | undefined;
  signature: Buffer | undefined;
  /** The store's own detached signature (multipart `storeSignature`: Mattermost's .sig). */
  storeSignature: Buffer | undefined;
  cleanup(): Promise<void>;
};

class CappedFile {
  bytes = 0;
  private readonly out: fs.WriteStream;
  constructor(
    readonly path: string,
    private readonly limit: number,
    private readonly lease: UploadLease | undefined,
  ) {
    this.out = fs.createWriteStream(path, { flags: "wx", mode: 0o600 });
    this.out.on("error", () => {});
  }
  async write(chunk: Buffer): Promise<void> {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) throw new AppError("too_large", `The archive is larger than ${this.limit} bytes`);
    this.lease?.charge(chunk.length);
    if (!this.out.write(chunk)) await once(this.out, "drain");
  }
  async finish(): Promise<void> {
    this.out.end();
    await once(this.out, "close");
  }
  /** Destroys the stream and waits until its file is closed, so a removal that follows cannot race the open. */
  async destroy(): Promise<void> {
    if (this.out.closed) return;
    const closed = once(this.out, "close").catch(() => {});
    this.out.destroy();
    await closed;
  }
}

function bodyOf(req: Request): AsyncIterable<Uint8Array> {
  if (!req.body) throw new AppError("bad_request", "The request has no body: send the archive");
  const body = req.body as unknown as AsyncIterable<Uint8Array>;
  return (async function* () {
    const it = body[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await it.next();
      } catch {
        // The client went away, or the server's request timeout cut the connection.
        throw new AppError("bad_request", "The upload was cut off before its end");
      }
      if (next.done) return;
      yield next.value;
    }
  })();
}

/**
 * The temporary file is removed on every way out but success: a refused part, a body cut off by the
 * client or by the server's request timeout (the body stream errors), a size or budget overrun.
 * After success the caller removes it with cleanup(). A crash leaves it to the start-up sweep.
 */
export async function receiveUpload(req: Request, opts: { maxBytes?: number; acceptSignature?: boolean; lease?: UploadLease } = {}): Promise<ReceivedUpload> {
  const limit = opts.maxBytes ?? MAX_UPLOAD_BYTES;
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit + 64 * 1024) throw new AppError("too_large", `The upload is larger than ${limit} bytes`);
  const type = req.headers.get("content-type") ?? "";
  const multipart = /^multipart\/form-data\s*;/i.test(type);
  if (!RAW_TYPES.test(type) && !multipart) throw new AppError("unsupported_media_type", "Send the archive as application/zip, or as multipart/form-data with a 'file' field");
  const file = new CappedFile(await tempPath(".upload"), limit, opts.lease);
  let filename: string | undefined;
  let signature: Buffer | undefined;
  let storeSignature: Buffer | undefined;
  try {
    if (RAW_TYPES.test(type)) {
      for await (const chunk of bodyOf(req)) await file.write(Buffer.from(chunk));
    } else {
      let sawFile = false;
      const signatureChunks: Buffer[] = [];
      const storeSignatureChunks: Buffer[] = [];
      let signatureBytes = 0;
      await readMultipart(bodyOf(req), boundaryOf(type), {
        async open(part: PartInfo) {
          if (part.name === "file") {
            if (sawFile) throw new AppError("bad_request", "Send one archive per request (field 'file')");
            sawFile = true;
            filename = part.filename;
            return (chunk) => file.write(chunk);
          }
          if ((part.name === "signature" || part.name === "storeSignature") && opts.acceptSignature) {
            const into = part.name === "signature" ? signatureChunks : storeSignatureChunks;
            return async (chunk) => {
              signatureBytes += chunk.length;
              if (signatureBytes > MAX_SIGNATURE_BYTES) throw new AppError("too_large", `The signatures are larger than ${MAX_SIGNATURE_BYTES} bytes`);
              into.push(chunk);
            };
          }
          return null;
        },
        async close() {},
      });
      if (!sawFile) throw new AppError("bad_request", "The multipart upload has no 'file' field");
      if (signatureChunks.length) signature = Buffer.concat(signatureChunks);
      if (storeSignatureChunks.length) storeSignature = Buffer.concat(storeSignatureChunks);
    }
    await file.finish();
    if (file.bytes === 0) throw new AppError("bad_request", "The uploaded archive is empty");
  } catch (err) {
    await file.destroy();
    await removeQuietly(file.path);
    throw err;
  }
  return { archivePath: file.path, archiveBytes: file.bytes, filename, signature, storeSignature, cleanup: () => removeQuietly(file.path) };
}
