import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { env } from "../../env";
import { receiveUpload } from "./receive-upload";

/** A request whose body arrives in chunks of `size` bytes, with no Content-Length (as a chunked upload). */
function chunked(body: Buffer, contentType: string, size: number): Request {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < body.length; i += size) controller.enqueue(new Uint8Array(body.subarray(i, i + size)));
      controller.close();
    },
  });
  return new Request("http://localhost/upload", { method: "POST", body: stream, headers: { "content-type": contentType }, duplex: "half" } as RequestInit);
}

function multipart(boundary: string, parts: { name: string; filename?: string; body: Buffer }[], preamble = ""): Buffer {
  const pieces: Buffer[] = [Buffer.from(preamble)];
  for (const p of parts) {
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}\r\nContent-Type: application/octet-stream\r\n\r\n`), p.body, Buffer.from("\r\n"));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\nepilogue`));
  return Buffer.concat(pieces);
}

const tmpFiles = () => (fs.existsSync(path.join(env().dataDir, "tmp")) ? fs.readdirSync(path.join(env().dataDir, "tmp")) : []);

describe("receiving an upload", () => {
  it("streams a multipart file field to disk, whatever the chunk boundaries", async () => {
    // Content that contains near-boundaries, so a naive split would cut it wrongly.
    const boundary = "----signetBoundary7MA4YWxk";
    const archive = Buffer.concat([crypto.randomBytes(5000), Buffer.from(`\r\n--${boundary.slice(0, -1)}X`), crypto.randomBytes(3000)]);
    const p7s = crypto.randomBytes(700);
    const body = multipart(boundary, [{ name: "note", body: Buffer.from("ignored") }, { name: "file", filename: "p.jpl", body: archive }, { name: "signature", filename: "p.p7s", body: p7s }], "preamble\r\n");
    for (const size of [1, 7, 64, 100_000]) {
      const upload = await receiveUpload(chunked(body, `multipart/form-data; boundary=${boundary}`, size), { acceptSignature: true });
      expect(fs.readFileSync(upload.archivePath).equals(archive), `chunk ${size}`).toBe(true);
      expect(upload.signature?.equals(p7s)).toBe(true);
      expect(upload.filename).toBe("p.jpl");
      await upload.cleanup();
    }
    expect(tmpFiles()).toEqual([]);
  });

  it("stops a body past the cap without Content-Length, and leaves no file", async () => {
    const raw = chunked(crypto.randomBytes(300_000), "application/zip", 16_384);
    await expect(receiveUpload(raw, { maxBytes: 100_000 })).rejects.toMatchObject({ code: "too_large" });
    const boundary = "b0undary";
    const form = chunked(multipart(boundary, [{ name: "file", body: crypto.randomBytes(300_000) }]), `multipart/form-data; boundary=${boundary}`, 9999);
    await expect(receiveUpload(form, { maxBytes: 100_000 })).rejects.toMatchObject({ code: "too_large" });
    expect(tmpFiles()).toEqual([]);
  });

  it("refuses malformed multipart: no file field, no closing boundary, two files, no boundary", async () => {
    const b = "xyz";
    const cases: [Buffer, string, string][] = [
      [multipart(b, [{ name: "other", body: Buffer.from("x") }]), `multipart/form-data; boundary=${b}`, "bad_request"],
      [Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc`), `multipart/form-data; boundary=${b}`, "bad_request"],
      [multipart(b, [{ name: "file", body: Buffer.from("1") }, { name: "file", body: Buffer.from("2") }]), `multipart/form-data; boundary=${b}`, "bad_request"],
      [Buffer.from("x"), "multipart/form-data; charset=utf-8", "bad_request"],
      [Buffer.from("x"), "text/plain", "unsupported_media_type"],
    ];
    for (const [body, type, code] of cases) await expect(receiveUpload(chunked(body, type, 3))).rejects.toMatchObject({ code });
    expect(tmpFiles()).toEqual([]);
  });
});
