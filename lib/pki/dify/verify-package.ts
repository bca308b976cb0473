// Signet's own check of a signed .difypkg, doing what the daemon's VerifyPluginWithPublicKeys does:
// sha256 of every file entry's content in central-directory order (Walk skips directories), then
// the ASCII decimal `time` of the ZIP comment, verified as RSASSA-PKCS1-v1_5 SHA-256 under each key
// in turn (the first that verifies wins). It also reports the `.verification.dify.json` category,
// which Dify shows and trusts only because the signature covers it.
import crypto from "node:crypto";
import { digestStream } from "../archive/hash-tap";
import { ArchiveError, DEFAULT_LIMITS, type ArchiveLimits } from "../jpl/archive-error";
import type { DifyManifest } from "./manifest";
import { openDifyPackage, VERIFICATION_ENTRY } from "./read-package";

export type DifyVerification = {
  valid: boolean;
  keyIndex?: number;
  manifest?: DifyManifest;
  /** From .verification.dify.json; null when absent (Dify then labels the package "langgenius"). */
  authorizedCategory?: string | null;
  time?: number;
  /** ArchiveError code when the package itself was refused. */
  code?: string;
  problems: string[];
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The signed message: the 32-byte digests in order, then the decimal time (FORMATS.md §7). */
export function difySignedMessage(digests: Uint8Array[], time: number): Buffer {
  return Buffer.concat([...digests, Buffer.from(String(time), "ascii")]);
}

export function verifyDifySignature(message: Uint8Array, signatureBase64: string, spki: Uint8Array): boolean {
  if (!BASE64.test(signatureBase64)) return false;
  const key = crypto.createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  if (key.asymmetricKeyType !== "rsa") return false;
  return crypto.verify("sha256", message, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(signatureBase64, "base64"));
}

/** The ZIP comment as the daemon decodes it: {"signature": "<base64>", "time": <int64>}. */
export function parseDifyComment(comment: Buffer): { signature: string; time: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(comment.toString("utf8"));
  } catch {
    throw new ArchiveError("manifest_invalid", "The package's ZIP comment is not the JSON signature block (is it signed?)");
  }
  const { signature, time } = (parsed ?? {}) as { signature?: unknown; time?: unknown };
  if (typeof signature !== "string" || signature.length === 0) throw new ArchiveError("manifest_invalid", 'The ZIP comment has no "signature"');
  if (typeof time !== "number" || !Number.isSafeInteger(time) || time <= 0) throw new ArchiveError("manifest_invalid", 'The ZIP comment has no integer "time"');
  return { signature, time };
}

export async function verifyDifyPackage(path: string, publicKeysSpki: Uint8Array[], limits: ArchiveLimits = DEFAULT_LIMITS): Promise<DifyVerification> {
  let opened: Awaited<ReturnType<typeof openDifyPackage>>;
  try {
    opened = await openDifyPackage(path, limits);
  } catch (err) {
    if (err instanceof ArchiveError) return { valid: false, code: err.code, problems: [err.message] };
    throw err;
  }
  const { archive, manifest } = opened;
  try {
    const { signature, time } = parseDifyComment(archive.comment);
    const digests: Buffer[] = [];
    for (const entry of archive.entries) digests.push(await digestStream(await archive.openEntry(entry), "sha256"));
    const verificationEntry = archive.find(VERIFICATION_ENTRY);
    let authorizedCategory: string | null = null;
    if (verificationEntry) {
      const parsed = JSON.parse((await archive.readEntry(verificationEntry, 4096)).toString("utf8")) as { authorized_category?: unknown };
      authorizedCategory = typeof parsed.authorized_category === "string" ? parsed.authorized_category : null;
    }
    const message = difySignedMessage(digests, time);
    const keyIndex = publicKeysSpki.findIndex((spki) => verifyDifySignature(message, signature, spki));
    const base = { manifest, authorizedCategory, time };
    if (keyIndex < 0) return { valid: false, ...base, problems: ["The package signature does not verify under any of the given keys"] };
    return { valid: true, keyIndex, ...base, problems: [] };
  } catch (err) {
    if (err instanceof ArchiveError) return { valid: false, manifest, code: err.code, problems: [err.message] };
    if (err instanceof SyntaxError) return { valid: false, manifest, code: "manifest_invalid", problems: [`${VERIFICATION_ENTRY} is not JSON`] };
    throw err;
  } finally {
    archive.close();
  }
}
