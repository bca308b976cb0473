// Signet's own check of a signed Mender artifact, doing what mender-artifact's reader does with
// ArtifactVerifyKeys: every structural and checksum rule of read-artifact.ts, then manifest.sig over
// the manifest under each key in turn (the first that verifies wins).
import crypto from "node:crypto";
import { ArchiveError } from "../jpl/archive-error";
import { readMenderArtifact, type MenderArtifact, type MenderLimits } from "./read-artifact";

export type MenderVerification = {
  valid: boolean;
  /** Index into the keys of the one that verified. */
  keyIndex?: number;
  artifact?: MenderArtifact;
  /** ArchiveError code when the artifact itself was refused. */
  code?: string;
  /** The member or payload file the refusal names (a checksum that no longer holds names its file). */
  entry?: string;
  problems: string[];
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** manifest.sig (base64 text) against one SPKI key: RSA PKCS#1 v1.5 SHA-256, or ECDSA P-256 SHA-256 as r||s (or DER, as mender-artifact also accepts). */
// The keys are Signet's own store keys. (An outside EC key must be validated before node:crypto reads
// its details: some invalid ones abort the process.)
export function verifyManifestSignature(manifest: Uint8Array, signatureBase64: string, spki: Uint8Array): boolean {
  if (!BASE64.test(signatureBase64)) return false;
  const signature = Buffer.from(signatureBase64, "base64");
  const key = crypto.createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  if (key.asymmetricKeyType === "rsa") return crypto.verify("sha256", manifest, key, signature);
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") return false;
  if (signature.length === 64) return crypto.verify("sha256", manifest, { key, dsaEncoding: "ieee-p1363" }, signature);
  if (signature.length >= 70 && signature.length <= 72) return crypto.verify("sha256", manifest, { key, dsaEncoding: "der" }, signature);
  return false;
}

export async function verifyMenderArtifact(path: string, publicKeysSpki: Uint8Array[], limits?: MenderLimits): Promise<MenderVerification> {
  let artifact: MenderArtifact;
  try {
    artifact = await readMenderArtifact(path, { limits, allowSignature: true });
  } catch (err) {
    if (err instanceof ArchiveError) return { valid: false, code: err.code, ...(err.entry ? { entry: err.entry } : {}), problems: [err.message] };
    throw err;
  }
  if (artifact.signature === undefined) return { valid: false, artifact, problems: ["The artifact is not signed (no manifest.sig)"] };
  const keyIndex = publicKeysSpki.findIndex((spki) => verifyManifestSignature(artifact.manifest, artifact.signature!, spki));
  if (keyIndex < 0) return { valid: false, artifact, problems: ["manifest.sig does not verify under any of the given keys"] };
  return { valid: true, keyIndex, artifact, problems: [] };
}
