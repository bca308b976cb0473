// A streaming multipart/form-data reader (RFC 7578) for archive uploads: parts arrive chunk by
// chunk and are handed to a sink as they stream, so a 256 MiB upload never sits in memory
// (Request.formData() would buffer it whole).
import { AppError } from "../errors";

export type PartInfo = { name: string; filename: string | undefined; contentType: string | undefined };

export interface PartSink {
  /** Called at each part's start; returns the writer for its bytes, or null to discard them. */
  open(part: PartInfo): Promise<((chunk: Buffer) => Promise<void>) | null>;
  close(part: PartInfo): Promise<void>;
}

const MAX_HEADER_BYTES = 8 * 1024;
const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

export function boundaryOf(contentType: string): string {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new AppError("bad_request", "multipart/form-data without a boundary");
  return boundary;
}

function parseHeaders(block: string): PartInfo {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get("content-disposition") ?? "";
  if (!/^form-data\b/i.test(disposition)) throw new AppError("bad_request", "A multipart part has no form-data Content-Disposition");
  const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) throw new AppError("bad_request", "A multipart part has no name");
  return { name, filename: /(?:^|;)\s*filename="([^"]*)"/i.exec(disposition)?.[1], contentType: headers.get("content-type") };
}

type State = "preamble" | "after-boundary" | "headers" | "body" | "done";

/** Feeds the body through the parts; throws AppError on malformed input. */
export async function readMultipart(body: AsyncIterable<Uint8Array>, boundary: string, sink: PartSink): Promise<void> {
  // The first boundary may open the body without a preceding CRLF; prefixing one makes every
  // boundary look alike ("\r\n--" + boundary).
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let pending: Buffer = Buffer.from(CRLF);
  let state = "preamble" as State;
  let part: PartInfo | undefined;
  let write: ((chunk: Buffer) => Promise<void>) | null = null;

  const step = async (): Promise<boolean> => {
    if (state === "preamble" || state === "body") {
      const at = pending.indexOf(delimiter);
      const emit = async (bytes: Buffer) => {
        if (state === "body" && write && bytes.length) await write(bytes);
      };
      if (at < 0) {
        const keep = Math.min(pending.length, delimiter.length - 1);
        await emit(pending.subarray(0, pending.length - keep));
        pending = pending.subarray(pending.length - keep);
        return false;
      }
      await emit(pending.subarray(0, at));
      if (state === "body" && part) await sink.close(part);
      pending = pending.subarray(at + delimiter.length);
      state = "after-boundary";
      return true;
    }
    if (state === "after-boundary") {
      if (pending.length < 2) return false;
      if (pending[0] === 0x2d && pending[1] === 0x2d) {
        state = "done";
        return false;
      }
      if (!pending.subarray(0, 2).equals(CRLF)) throw new AppError("bad_request", "Malformed multipart boundary");
      pending = pending.subarray(2);
      state = "headers";
      return true;
    }
    if (state === "headers") {
      const end = pending.indexOf(HEADER_END);
      if (end < 0) {
        if (pending.length > MAX_HEADER_BYTES) throw new AppError("bad_request", "Multipart part headers are too long");
        return false;
      }
      part = parseHeaders(pending.subarray(0, end).toString("utf8"));
      write = await sink.open(part);
      pending = pending.subarray(end + HEADER_END.length);
      state = "body";
      return true;
    }
    return false;
  };

  for await (const chunk of body) {
    if (state === "done") continue; // epilogue: ignored (RFC 2046 §5.1.1)
    pending = pending.length ? Buffer.concat([pending, Buffer.from(chunk)]) : Buffer.from(chunk);
    while (await step());
  }
  if (state !== "done") throw new AppError("bad_request", "The multipart body ended before its closing boundary");
}
