// RSASSA-PKCS1-v1_5 with SHA-512 (the only scheme the Jami daemon verifies), split so that the
// hashing streams on the main thread and the RSA private-key operation — the expensive part with
// thousands of entries — runs on worker threads. PKCS#1 v1.5 signing is deterministic:
// privateEncrypt(DigestInfo(SHA-512(m))) equals crypto.sign("sha512", m, key) byte for byte.
import crypto, { type KeyObject } from "node:crypto";
import { Worker } from "node:worker_threads";
import { publicKeyWeakness, readPublicKey } from "../keys/check-public-key";
import { spkiOf } from "../signer";

// DER DigestInfo prefix for SHA-512 (RFC 8017 §9.2, note 1).
const SHA512_DIGEST_INFO = Buffer.from("3051300d060960864801650304020305000440", "hex");

export interface DigestSigner {
  /** Signs a 64-byte SHA-512 digest. */
  sign(sha512Digest: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

export function assertJamiKey(privateKey: KeyObject): void {
  if (privateKey.type !== "private" || privateKey.asymmetricKeyType !== "rsa") {
    throw new Error("The plugin key must be an RSA private key: Jami verifies RSA PKCS#1 v1.5 SHA-512 signatures only");
  }
  // The same judgement as for any key Signet certifies: a key from disk may be one no CA should have certified.
  const weakness = publicKeyWeakness(readPublicKey(spkiOf(privateKey)));
  if (weakness) throw new Error(`The plugin key is weak: ${weakness}`);
}

function encode(digest: Uint8Array): Buffer {
  if (digest.length !== 64) throw new Error("a SHA-512 digest is 64 bytes");
  return Buffer.concat([SHA512_DIGEST_INFO, digest]);
}

// Evaluated source rather than a file path, so the worker starts the same way under Next's bundler,
// tsx (CLI) and vitest. It needs nothing but node:crypto; the key arrives as a KeyObject (cloneable).
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const crypto = require("node:crypto");
let key;
parentPort.on("message", (m) => {
  if (m.key) { key = m.key; return; }
  try {
    const signature = crypto.privateEncrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, m.block);
    parentPort.postMessage({ id: m.id, signature });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err) });
  }
});`;

type Pending = { resolve: (sig: Uint8Array) => void; reject: (err: Error) => void };

export function inlineDigestSigner(privateKey: KeyObject): DigestSigner {
  assertJamiKey(privateKey);
  return {
    async sign(digest) {
      return new Uint8Array(crypto.privateEncrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }, encode(digest)));
    },
    async close() {},
  };
}

/** A pool of `threads` workers; falls back to signing inline when `threads` is 0. */
export function createDigestSigner(privateKey: KeyObject, threads: number): DigestSigner {
  if (threads <= 0) return inlineDigestSigner(privateKey);
  assertJamiKey(privateKey);
  const pending = new Map<number, Pending>();
  const load = new Map<Worker, number>();
  let nextId = 0;
  let failure: Error | undefined;
  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.postMessage({ key: privateKey });
    load.set(worker, 0);
    worker.on("message", (m: { id: number; signature?: Uint8Array; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      load.set(worker, (load.get(worker) ?? 1) - 1);
      if (!p) return;
      if (m.signature) p.resolve(new Uint8Array(m.signature));
      else p.reject(new Error(`signing failed: ${m.error}`));
    });
    worker.on("error", (err) => fail(err));
    worker.on("exit", (code) => {
      if (code !== 0) fail(new Error(`a signing worker exited with code ${code}`));
    });
    return worker;
  });
  return {
    sign(digest) {
      if (failure) return Promise.reject(failure);
      const block = encode(digest);
      const id = nextId++;
      // Least-loaded worker: per-entry work is uniform, so this keeps both cores busy.
      const worker = workers.reduce((a, b) => ((load.get(a) ?? 0) <= (load.get(b) ?? 0) ? a : b));
      load.set(worker, (load.get(worker) ?? 0) + 1);
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, block });
      });
    },
    async close() {
      fail(new Error("the signer was closed"));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
