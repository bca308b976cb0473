// Anonymous verification uploads cannot fill the disk: each is capped, together they hold a fixed
// budget of slots and bytes (503 + Retry-After beyond it), and every way out — refusal, a client
// that goes away mid-body — removes the temporary file and returns the lease.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as verify } from "@/app/api/v1/verify/route";
import { env } from "@/lib/env";
import { ANONYMOUS_VERIFY_BUDGET, UploadBudget } from "@/lib/server/artifacts/upload-budget";
import { verifyUploadedArchive } from "@/lib/server/artifacts/verify-archive";
import { errorResponse } from "@/lib/server/http/problem";
import { resetDatabase } from "./helpers";

const tmpFiles = () => (fs.existsSync(path.join(env().dataDir, "tmp")) ? fs.readdirSync(path.join(env().dataDir, "tmp")) : []);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An upload whose client sends a first chunk and then stalls, until told to vanish. */
function stalledUpload(headers: Record<string, string> = {}) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(new Uint8Array(64 * 1024).fill(7));
    },
  });
  const req = new Request("http://localhost:3999/api/v1/verify", {
    method: "POST",
    body,
    headers: { "content-type": "application/zip", "x-forwarded-for": `198.51.100.${Math.floor(Math.random() * 250)}`, ...headers },
    duplex: "half",
  } as RequestInit);
  return { req, vanish: () => controller.error(new Error("aborted")) };
}

describe("anonymous upload budget", () => {
  beforeAll(resetDatabase);

  it("answers 503 with Retry-After past the concurrent uploads, and removes every cut-off upload's file", async () => {
    const before = tmpFiles();
    const held = Array.from({ length: ANONYMOUS_VERIFY_BUDGET.maxConcurrent }, () => stalledUpload());
    const responses = held.map((h) => verify(h.req, { params: Promise.resolve({}) }));
    // The stalled uploads are streaming to tmp/.
    for (let i = 0; i < 50 && tmpFiles().length < before.length + held.length; i++) await sleep(50);
    expect(tmpFiles().length).toBe(before.length + held.length);
    expect(ANONYMOUS_VERIFY_BUDGET.inFlight.uploads).toBe(held.length);

    const extra = stalledUpload();
    const refused = await verify(extra.req, { params: Promise.resolve({}) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("10");
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect((await refused.json()).detail).toMatch(/uploads in progress/);
    extra.vanish();

    for (const h of held) h.vanish();
    for (const r of await Promise.all(responses)) {
      expect(r.status).toBe(400);
      expect((await r.json()).detail).toMatch(/cut off/);
    }
    expect(tmpFiles()).toEqual(before);
    expect(ANONYMOUS_VERIFY_BUDGET.inFlight).toEqual({ uploads: 0, bytes: 0 });
  });

  it("reserves declared bytes up front and charges chunked bodies as they arrive", async () => {
    const budget = new UploadBudget("test", 10, 1_000_000);
    const big = stalledUpload({ "content-length": "900000" });
    const pending = verifyUploadedArchive(big.req, new Date(), budget);
    await sleep(100);
    expect(budget.inFlight).toEqual({ uploads: 1, bytes: 900_000 });
    // A second declared upload that does not fit is refused before a byte is written.
    const second = stalledUpload({ "content-length": "200000" });
    const refused = await verifyUploadedArchive(second.req, new Date(), budget).catch((e) => e);
    expect(errorResponse(refused).status).toBe(503);
    // A chunked one is refused once its bytes pass what is left (64 KiB first chunk fits, the next does not).
    const chunked = stalledUpload();
    const chunkedPending = verifyUploadedArchive(chunked.req, new Date(), budget).catch((e) => e);
    await sleep(100);
    expect(budget.inFlight.bytes).toBe(900_000 + 64 * 1024);
    big.vanish();
    chunked.vanish();
    expect(errorResponse(await pending.catch((e) => e)).status).toBe(400);
    expect(errorResponse(await chunkedPending).status).toBe(400);
    expect(budget.inFlight).toEqual({ uploads: 0, bytes: 0 });
    const lease = budget.acquire(999_000);
    expect(() => lease.charge(999_000)).not.toThrow();
    expect(() => lease.charge(2_000)).toThrow(/bytes in flight/);
    lease.release();
    lease.release();
    expect(budget.inFlight).toEqual({ uploads: 0, bytes: 0 });
    second.vanish();
  });
});
