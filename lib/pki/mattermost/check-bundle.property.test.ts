// Property tests: whatever bytes arrive as a Mattermost bundle — random, or a valid tar.gz (or the tar
// inside it) flipped, cut or spliced — the check ends in a result or an ArchiveError, never another
// exception, never a hang.
import zlib from "node:zlib";
import { Readable } from "node:stream";
import fc from "fast-check";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { ArchiveError } from "../jpl/archive-error";
import { mutatedBytes } from "../archive/test-mutations";
import { checkMattermostBundle } from "./check-bundle";

async function validTar(): Promise<Buffer> {
  const pack = tar.pack();
  const out: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) out.push(Buffer.from(c as Uint8Array));
  })();
  const add = (header: Partial<tar.Header>, content?: string) =>
    new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (content !== undefined) pack.entry(header as tar.Header, content, cb);
      else pack.entry(header as tar.Header, cb);
    });
  await add({ name: "com.acme.prop/", type: "directory" });
  await add({ name: "com.acme.prop/plugin.json" }, JSON.stringify({ id: "com.acme.prop", version: "1.0.0" }));
  await add({ name: "com.acme.prop/server/dist/plugin" }, "\u007fELF".repeat(300));
  await add({ name: `com.acme.prop/${"long/".repeat(30)}name.txt` }, "pax or gnu long name");
  pack.finalize();
  await done;
  return Buffer.concat(out);
}

async function check(bytes: Uint8Array): Promise<"read" | string> {
  try {
    await checkMattermostBundle(Readable.from([Buffer.from(bytes)]));
    return "read";
  } catch (err) {
    if (err instanceof ArchiveError) return err.code;
    throw err;
  }
}

describe("Mattermost bundle check under hostile input", async () => {
  const rawTar = await validTar();
  const valid = zlib.gzipSync(rawTar);

  it("reads the valid bundle the mutations start from", async () => {
    expect(await check(valid)).toBe("read");
  });

  it("answers random bytes (raw, or gzip-wrapped) with an ArchiveError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (bytes, wrap) => {
        expect(await check(wrap ? zlib.gzipSync(bytes) : bytes)).not.toBe("read");
      }),
      { numRuns: 300 },
    );
  });

  it("answers flipped, cut and spliced .tar.gz bytes with a result or an ArchiveError", async () => {
    await fc.assert(fc.asyncProperty(mutatedBytes(valid, 600), async (bytes) => void (await check(bytes))), { numRuns: 400 });
  });

  it("answers flipped, cut and spliced tar bytes (re-gzipped, so the tar parser sees them) with a result or an ArchiveError", async () => {
    await fc.assert(fc.asyncProperty(mutatedBytes(rawTar, 600), async (bytes) => void (await check(zlib.gzipSync(bytes)))), { numRuns: 600 });
  });
});
