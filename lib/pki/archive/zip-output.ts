// The zip every ZIP-based signer (Jami .jpl, Grafana, Dify) writes: yazl piped into the output file
// through a SHA-256 tap, so the detached CMS signature covers exactly the bytes written, without a
// second read. The first error of the zip writer, the file or an entry copy (`abort`) rejects `failed`,
// which each await races against: a stalled pipe cannot hang a signer.
import type fs from "node:fs";
import yazl from "yazl";
import { HashTap } from "./hash-tap";

export type ZipOutput = {
  zip: yazl.ZipFile;
  /** Rejects `failed`; hand it to copyZipEntry so an entry's error ends the signing. */
  abort: (err: unknown) => void;
  failed: Promise<never>;
  /** Ends the zip (with yazl's end options: a comment, say) and waits for the file to close. */
  finish: (options?: yazl.EndOptions) => Promise<{ sha256: Uint8Array; size: number }>;
};

export function zipInto(out: fs.WriteStream): ZipOutput {
  let abort!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => (abort = reject));
  failed.catch(() => {});
  out.on("error", abort);
  const zip = new yazl.ZipFile();
  zip.on("error", abort);
  const tap = new HashTap("sha256");
  zip.outputStream.pipe(tap).pipe(out);
  const written = new Promise<void>((resolve) => out.on("close", resolve));
  return {
    zip,
    abort,
    failed,
    async finish(options) {
      zip.end(options);
      await Promise.race([written, failed]);
      if (out.errored) throw out.errored;
      return { sha256: new Uint8Array(tap.hash.digest()), size: tap.bytes };
    },
  };
}
