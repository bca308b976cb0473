// Over a thousand hostile OCSP requests over real HTTP. Every one must get HTTP 200 with a DER
// OCSPResponse — malformedRequest, unauthorized, or (for a mutation that is still a valid request)
// a correctly signed answer to exactly what was asked. Never a 500, never a throw, never internalError.
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readTlv } from "@/lib/pki/ocsp/der-reader";
import { OcspRequestError, parseOcspRequest } from "@/lib/pki/ocsp/ocsp-request";
import { parseOcspResponse } from "@/lib/pki/ocsp/parse-ocsp-response";
import { issuePlugin, seedRevocationHierarchy, type Seeded } from "./ocsp-seed";
import { tempDir } from "./pki-fixtures";

const dir = tempDir("signet-ocsp-hostile-");
let seed: Seeded;
const valid: Buffer[] = [];

type Probe = { name: string; method: "GET" | "POST"; path?: string; body?: Uint8Array; contentType?: string | null; sent?: Uint8Array };

// A seeded PRNG: a failing input can be reproduced from its name.
let state = 0x9e3779b9;
function rand(n: number): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) % n;
}
const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => rand(256)));

type Node = { tag: number; children?: Node[]; content?: Uint8Array };

function toTree(bytes: Uint8Array): Node {
  const tlv = readTlv(bytes, 0);
  if (!(tlv.tag & 0x20)) return { tag: tlv.tag, content: tlv.content };
  const children: Node[] = [];
  for (let off = 0; off < tlv.content.length; ) {
    const child = readTlv(tlv.content, off);
    children.push(toTree(child.bytes));
    off += child.bytes.length;
  }
  return { tag: tlv.tag, children };
}

type LengthStyle = "der" | "long81" | "long82" | "indefinite";

/** Re-encodes a tree, writing the length of node number `target` (pre-order) in a BER style. */
function encodeTree(root: Node, target: number, style: LengthStyle): Buffer {
  let index = 0;
  const walk = (node: Node): Buffer => {
    const mine = index++ === target ? style : "der";
    const body = node.children ? Buffer.concat(node.children.map(walk)) : Buffer.from(node.content!);
    const len = body.length;
    if (mine === "indefinite" && node.children) return Buffer.concat([Buffer.from([node.tag, 0x80]), body, Buffer.from([0, 0])]);
    if (mine === "long81" && len < 0x80) return Buffer.concat([Buffer.from([node.tag, 0x81, len]), body]);
    if (mine === "long82" || mine === "long81") return Buffer.concat([Buffer.from([node.tag, 0x82, len >> 8, len & 0xff]), body]);
    const header = len < 0x80 ? [node.tag, len] : len < 0x100 ? [node.tag, 0x81, len] : [node.tag, 0x82, len >> 8, len & 0xff];
    return Buffer.concat([Buffer.from(header), body]);
  };
  return walk(root);
}

const countNodes = (n: Node): number => 1 + (n.children ?? []).reduce((s, c) => s + countNodes(c), 0);

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile("openssl", args, (err) => (err ? reject(err) : resolve())));
}

beforeAll(async () => {
  seed = await seedRevocationHierarchy(dir, "h");
  const plugin = await issuePlugin(seed, "h", "com.acmeh.target");
  for (const [name, args] of [
    ["nonce", []],
    ["plain", ["-no_nonce"]],
    ["sha256", ["-sha256", "-no_nonce"]],
  ] as const) {
    await run(["ocsp", ...args, "-issuer", seed.files.org, "-cert", plugin.file, "-reqout", `${dir}/${name}.der`]);
    valid.push(fs.readFileSync(`${dir}/${name}.der`));
  }
});

afterAll(async () => {
  await seed?.server.close();
});

function probes(): Probe[] {
  const out: Probe[] = [];
  const post = (name: string, body: Uint8Array, contentType: string | null = "application/ocsp-request") => out.push({ name, method: "POST", body, contentType, sent: body });
  valid.forEach((v, i) => {
    for (let n = 0; n < v.length; n++) post(`truncated ${i}/${n}`, v.subarray(0, n));
    for (let k = 1; k <= 12; k++) post(`trailing ${i}/${k}`, Buffer.concat([v, randomBytes(k)]));
    const tree = toTree(v);
    for (let node = 0; node < countNodes(tree); node++) {
      for (const style of ["long81", "long82", "indefinite"] as const) {
        const ber = encodeTree(tree, node, style);
        if (!ber.equals(v)) post(`BER ${style} at node ${node} of ${i}`, ber);
      }
    }
    for (let k = 0; k < 140; k++) {
      const m = Buffer.from(v);
      for (let flips = 1 + rand(3); flips > 0; flips--) m[rand(m.length)] = rand(256);
      post(`mutated ${i}/${k}`, m);
    }
    for (let k = 0; k < 20; k++) {
      const at = rand(v.length);
      post(`inserted ${i}/${k}`, Buffer.concat([v.subarray(0, at), randomBytes(1 + rand(4)), v.subarray(at)]));
      post(`deleted ${i}/${k}`, Buffer.concat([v.subarray(0, at), v.subarray(at + 1 + rand(4))]));
    }
    for (const type of ["text/plain", "application/json", null, "application/ocsp-response", "multipart/form-data; boundary=x"]) post(`content-type ${type} ${i}`, v, type);
    out.push({ name: `GET bad padding ${i}`, method: "GET", path: `${v.toString("base64")}=x` });
    out.push({ name: `GET truncated base64 ${i}`, method: "GET", path: encodeURIComponent(v.toString("base64").slice(0, -5)) });
  });
  for (let k = 0; k < 300; k++) {
    const body = randomBytes(1 + rand(300));
    if (k % 2 === 0) body[0] = 0x30;
    post(`random ${k}`, body);
  }
  post("empty", new Uint8Array());
  post("10 KiB + 1", Buffer.concat([Buffer.from([0x30, 0x82, 0x28, 0x00]), Buffer.alloc(10 * 1024 - 3)]));
  post("1 MiB", Buffer.alloc(1024 * 1024, 0x30));
  post("length claims 16 MB", Buffer.from([0x30, 0x83, 0xff, 0xff, 0xff, 0x30, 0x00]));
  post("nested 2000 deep", Buffer.concat([Buffer.alloc(2000, 0x30).map((b, i) => (i % 2 ? 0x80 : b))]));
  post("high tag number", Buffer.from([0x3f, 0x81, 0x01, 0x00]));
  for (const path of ["!!!!", "%ZZ", "a", "ab=c", "====", "%00%01", "x".repeat(9_000), "MAA=", "MA==", "////", "a%2", "%E0%A4%A"]) {
    out.push({ name: `GET ${path.slice(0, 20)}`, method: "GET", path });
  }
  out.push({ name: "GET /ocsp with nothing", method: "GET", path: "" });
  return out;
}

async function send(probe: Probe): Promise<{ status: number; type: string | null; der: Buffer }> {
  const url = probe.method === "GET" ? `${seed.server.url}/ocsp${probe.path ? `/${probe.path}` : ""}` : `${seed.server.url}/ocsp`;
  const headers: Record<string, string> = probe.contentType ? { "content-type": probe.contentType } : {};
  const res = await fetch(url, { method: probe.method, headers, body: probe.method === "POST" ? new Uint8Array(probe.body!) : undefined });
  return { status: res.status, type: res.headers.get("content-type"), der: Buffer.from(await res.arrayBuffer()) };
}

/** A successful answer must answer exactly the CertIDs asked, echo any nonce, and verify. */
function checkValidAnswer(name: string, request: Uint8Array, der: Buffer): void {
  let parsed;
  try {
    parsed = parseOcspRequest(request);
  } catch (err) {
    expect.fail(`${name}: an unparseable request got a successful answer (${(err as OcspRequestError).message})`);
  }
  const basic = parseOcspResponse(der).basic!;
  expect(basic.responses.map((r) => Buffer.from(r.certIdDer).toString("hex")), name).toEqual(parsed.certIds.map((c) => Buffer.from(c.der).toString("hex")));
  expect(basic.nonce ? Buffer.from(basic.nonce).toString("hex") : undefined, name).toBe(parsed.nonce ? Buffer.from(parsed.nonce).toString("hex") : undefined);
  const signer = new crypto.X509Certificate(Buffer.from(basic.certs[0]));
  expect(crypto.verify("sha256", basic.tbsDer, signer.publicKey, basic.signature), name).toBe(true);
}

describe("OCSP responder under hostile input", () => {
  it("answers ≥ 1,000 hostile requests with HTTP 200 and a DER OCSP status, never a 500 or a throw", async () => {
    const errors = vi.spyOn(console, "error");
    const all = probes();
    expect(all.length).toBeGreaterThanOrEqual(1000);
    const tally = new Map<string, number>();
    for (let i = 0; i < all.length; i += 8) {
      const batch = all.slice(i, i + 8);
      const answers = await Promise.all(batch.map(send));
      batch.forEach((probe, j) => {
        const { status, type, der } = answers[j];
        expect(status, probe.name).toBe(200);
        expect(type, probe.name).toBe("application/ocsp-response");
        const answer = parseOcspResponse(der);
        expect(["malformedRequest", "unauthorized", "successful"], `${probe.name}: ${answer.status}`).toContain(answer.status);
        if (answer.status === "successful") checkValidAnswer(probe.name, probe.sent!, der);
        if (probe.method === "GET" || probe.contentType !== "application/ocsp-request" || probe.name.startsWith("truncated") || probe.name.startsWith("BER")) {
          expect(answer.status, probe.name).toBe("malformedRequest");
        }
        tally.set(answer.status, (tally.get(answer.status) ?? 0) + 1);
      });
    }
    // The corpus reaches all three outcomes, so none of the checks above is vacuous.
    expect(tally.get("malformedRequest")).toBeGreaterThan(500);
    expect(tally.get("unauthorized")).toBeGreaterThan(0);
    expect(tally.get("successful")).toBeGreaterThan(0);
    expect(errors.mock.calls.filter((c) => String(c[0]).includes("OCSP"))).toEqual([]);
    errors.mockRestore();
  });
});
