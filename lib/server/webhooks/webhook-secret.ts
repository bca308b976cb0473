// Webhook signing secrets at rest: sealed with AES-256-GCM under a key derived from the master key
// (a separate HKDF label, so these ciphertexts never share a key with private-key envelopes), with
// the webhook id as associated data so a sealed secret copied onto another row fails to open.
import crypto from "node:crypto";
import { masterKey } from "../keys/master-key";

const VERSION = 1;

function secretKey(): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", masterKey(), Buffer.alloc(0), "signet/webhook-secret/v1", 32));
}

export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString("base64url")}`;
}

export function sealWebhookSecret(webhookId: string, secret: string): Uint8Array<ArrayBuffer> {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", secretKey(), iv);
  cipher.setAAD(Buffer.from(webhookId, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  const sealed = Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
  const out = new Uint8Array(new ArrayBuffer(sealed.length));
  out.set(sealed);
  return out;
}

export function openWebhookSecret(webhookId: string, sealed: Uint8Array): string {
  const buf = Buffer.from(sealed);
  if (buf.length < 29 || buf[0] !== VERSION) throw new Error("unrecognized webhook secret envelope");
  const decipher = crypto.createDecipheriv("aes-256-gcm", secretKey(), buf.subarray(1, 13));
  decipher.setAAD(Buffer.from(webhookId, "utf8"));
  decipher.setAuthTag(buf.subarray(13, 29));
  return Buffer.concat([decipher.update(buf.subarray(29)), decipher.final()]).toString("utf8");
}

/** What receivers check: `sha256=` + hex HMAC-SHA256 of the raw body under the secret. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}
