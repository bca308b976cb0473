// Signed checkpoints of the audit chain head. The signed bytes are a fixed text layout, one field per
// line, so any tool can rebuild and check them (openssl pkeyutl -verify -rawin, python-cryptography):
//
//   signet-audit-checkpoint/v1 LF seq LF headHash LF time LF keyId LF
//
// seq in decimal without leading zeros, headHash 64 lowercase hex, time RFC 3339 UTC in whole seconds
// (2026-12-01T21:00:00Z), keyId 32 lowercase hex. No field can hold a line feed, so the encoding is
// unambiguous. The signature is Ed25519 (RFC 8032) over exactly those bytes, base64 in the JSON.
import crypto from "node:crypto";

export const CHECKPOINT_CONTEXT = "signet-audit-checkpoint/v1";

export type Checkpoint = { seq: string; headHash: string; time: string; keyId: string; signature: string };

const FIELD = {
  seq: /^(0|[1-9]\d{0,18})$/,
  headHash: /^[0-9a-f]{64}$/,
  time: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
  keyId: /^[0-9a-f]{32}$/,
  signature: /^[A-Za-z0-9+/]{86}==$/,
} as const;

/** Why `value` is not a checkpoint, or undefined when every field has its documented form. */
export function checkpointShapeProblem(value: unknown): string | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return "a checkpoint is a JSON object {seq, headHash, time, keyId, signature}";
  const v = value as Record<string, unknown>;
  for (const [name, re] of Object.entries(FIELD)) {
    if (typeof v[name] !== "string" || !re.test(v[name] as string)) return `the checkpoint's ${name} is missing or malformed`;
  }
  return undefined;
}

export function checkpointSignedBytes(c: Omit<Checkpoint, "signature">): Buffer {
  for (const name of ["seq", "headHash", "time", "keyId"] as const) {
    if (!FIELD[name].test(c[name])) throw new Error(`checkpoint ${name} is malformed`);
  }
  return Buffer.from(`${CHECKPOINT_CONTEXT}\n${c.seq}\n${c.headHash}\n${c.time}\n${c.keyId}\n`, "utf8");
}

/** The key id: the first 16 bytes of SHA-256 over the public key's SubjectPublicKeyInfo DER, hex. */
export function checkpointKeyId(publicKey: crypto.KeyObject): string {
  return crypto.createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 32);
}

export function signCheckpoint(privateKey: crypto.KeyObject, keyId: string, head: { seq: bigint; headHash: string }, now: Date): Checkpoint {
  const fields = { seq: head.seq.toString(), headHash: head.headHash, time: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z"), keyId };
  const signature = crypto.sign(null, checkpointSignedBytes(fields), privateKey).toString("base64");
  return { ...fields, signature };
}

/** Why the checkpoint's signature does not hold under `publicKey`, or undefined when it does. */
export function checkpointSignatureProblem(c: Checkpoint, publicKey: crypto.KeyObject): string | undefined {
  const shape = checkpointShapeProblem(c);
  if (shape) return shape;
  if (publicKey.asymmetricKeyType !== "ed25519") return "the checkpoint key is not an Ed25519 key";
  if (c.keyId !== checkpointKeyId(publicKey)) return `the checkpoint names key ${c.keyId}, not this key (${checkpointKeyId(publicKey)})`;
  return crypto.verify(null, checkpointSignedBytes(c), publicKey, Buffer.from(c.signature, "base64")) ? undefined : "the checkpoint's signature does not verify";
}

/**
 * Ed25519 public key from PEM. Only an Ed25519 SPKI is accepted, checked on the DER before node:crypto
 * builds a key object from it (node aborts the process on some malformed keys).
 */
export function checkpointPublicKeyFromPem(pem: string): crypto.KeyObject {
  const m = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem);
  if (!m) throw new Error("expected a PEM PUBLIC KEY block");
  const der = Buffer.from(m[1].replace(/\s+/g, ""), "base64");
  // SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (32 bytes) }: RFC 8410 §4.
  const prefix = Buffer.from("302a300506032b6570032100", "hex");
  if (der.length !== 44 || !der.subarray(0, 12).equals(prefix)) throw new Error("the public key is not an Ed25519 key (RFC 8410 SubjectPublicKeyInfo)");
  return crypto.createPublicKey({ key: der, format: "der", type: "spki" });
}
