// Writing a signed copy of a ZIP upload: each entry is copied from the checked archive (lib/pki/jpl/read-archive.ts)
// into the output, hashed as it streams through, so the signers (.jpl, Dify, Grafana) never hold content whole.
import crypto from "node:crypto";
import type yazl from "yazl";
import type { ArchiveEntry, SafeArchive } from "../jpl/read-archive";
import { HashTap } from "./hash-tap";

/**
 * Adds `entry` to `zip` with its name, time and permission bits, compressed as the upload had it.
 * The content is opened only when yazl reaches the entry (one inflating stream at a time). Resolves with
 * the digest of the content once it has streamed through (of empty content for a directory); an error
 * reading it goes to `abort` as well, so the whole output fails.
 */
export function copyZipEntry(zip: yazl.ZipFile, archive: SafeArchive, entry: ArchiveEntry, algorithm: string, abort: (err: unknown) => void): Promise<Buffer> {
  if (entry.isDirectory) {
    zip.addEmptyDirectory(entry.name, { mtime: entry.mtime, mode: 0o040000 | ((entry.permissions ?? 0o755) & 0o755) });
    return Promise.resolve(crypto.createHash(algorithm).digest());
  }
  return new Promise<Buffer>((resolve, reject) => {
    // Deflated entries are deflated again at level 1: no signature covers compressed bytes (every format
    // signs content digests), and level 6 made re-deflating most of a signing's time (bench/).
    const options = { mtime: entry.mtime, mode: 0o100000 | ((entry.permissions ?? 0o644) & 0o755), compressionLevel: entry.compressionMethod === 8 ? 1 : 0, size: entry.uncompressedSize };
    zip.addReadStreamLazy(entry.name, options, (cb) => {
      const tap = new HashTap(algorithm, resolve);
      archive.openEntry(entry).then(
        (content) => {
          content.on("error", (err) => {
            abort(err);
            reject(err);
          });
          content.pipe(tap);
          cb(null, tap);
        },
        (err) => {
          abort(err);
          reject(err);
        },
      );
    });
  });
}
