// AES-256-GCM envelope for private keys at rest. Layout: version(1) | iv(12) | tag(16) | ciphertext.
// The key id is bound as associated data, so a ciphertext copied onto another key row fails to open.
import crypto from "node:crypto";

const VERSION = 1;

export function sealPrivateKey(masterKey: Buffer, keyId: string, pkcs8Der: Uint8Array): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(keyId, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(pkcs8Der), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

export function openPrivateKey(masterKey: Buffer, keyId: string, sealed: Uint8Array): Buffer {
  const buf = Buffer.from(sealed);
  if (buf.length < 29 || buf[0] !== VERSION) throw new Error("unrecognized key envelope");
  const decipher = crypto.createDecipheriv("aes-256-gcm", masterKey, buf.subarray(1, 13));
  decipher.setAAD(Buffer.from(keyId, "utf8"));
  decipher.setAuthTag(buf.subarray(13, 29));
  return Buffer.concat([decipher.update(buf.subarray(29)), decipher.final()]);
}
