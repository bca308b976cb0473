// Signs a Dify plugin package (FORMATS.md §7) the way the daemon's own signer does
// (plugin_packager/signer/withkey): every entry is copied in central-directory order while its
// content streams through SHA-256, `.verification.dify.json` is appended last (replacing one the
// upload carried), and the signature goes into the ZIP comment as {"signature":…,"time":…}.
// The entries' content is byte-identical; it is re-deflated deterministically (yazl) where the
// upload deflated it, which the signature does not see: it covers sha256 of content only.
import crypto from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import { copyZipEntry } from "../archive/copy-zip-entry";
import { createOutput, discardOutput } from "../archive/output-file";
import { zipInto } from "../archive/zip-output";
import { DEFAULT_LIMITS, ArchiveError, signerInputLimits, type ArchiveLimits } from "../jpl/archive-error";
import type { Signer } from "../signer";
import type { DifyManifest } from "./manifest";
import { openDifyPackage, VERIFICATION_ENTRY } from "./read-package";
import { difySignedMessage, verifyDifySignature } from "./verify-package";

/** The categories Signet may grant. "langgenius" is Dify's own and never Signet's to claim. */
export const DIFY_CATEGORIES = ["community", "partner"] as const;
export type DifyCategory = (typeof DIFY_CATEGORIES)[number];

export type SignDifyPackageInput = {
  inputPath: string;
  /** Created exclusively (never overwrites); removed again if signing fails. */
  outputPath: string;
  signer: Signer;
  authorizedCategory: DifyCategory;
  /** The signature's `time` (whole unix seconds). */
  now: Date;
  limits?: ArchiveLimits;
};

export type SignedDifyPackage = {
  manifest: DifyManifest;
  /** Signed entries in order, `.verification.dify.json` last. */
  files: { path: string; size: number }[];
  time: number;
  /** Standard base64 of the signature, as in the ZIP comment. */
  signature: string;
  /** SHA-256 and length of the signed package (what the detached CMS signature's messageDigest holds). */
  sha256: Uint8Array;
  size: number;
};

export async function signDifyPackage(input: SignDifyPackageInput): Promise<SignedDifyPackage> {
  if (!(DIFY_CATEGORIES as readonly string[]).includes(input.authorizedCategory)) {
    throw new ArchiveError("reserved_claim", `Signet grants the Dify categories ${DIFY_CATEGORIES.join(" and ")}, not '${String(input.authorizedCategory)}'`);
  }
  if (input.signer.algorithm !== "rsa-4096") throw new Error(`A Dify signing key is RSA-4096 (FORMATS.md §7), not ${input.signer.algorithm}`);
  const time = Math.floor(input.now.getTime() / 1000);
  // It adds .verification.dify.json (an uploaded one is replaced, but counted).
  const { archive, manifest } = await openDifyPackage(input.inputPath, signerInputLimits(input.limits ?? DEFAULT_LIMITS, 1));
  let out: fs.WriteStream | undefined;
  try {
    // Claim the output before any entry is read: a failed exclusive open then stops nothing mid-flight.
    out = createOutput(input.outputPath);
    await once(out, "open");
    const toSign = archive.entries.filter((e) => e.name !== VERIFICATION_ENTRY);
    const { zip, abort, failed, finish } = zipInto(out);

    const digests = await Promise.race([Promise.all(toSign.map((entry) => copyZipEntry(zip, archive, entry, "sha256", abort))), failed]);
    // Go's encoding/json spelling of decoder.Verification, which the daemon reads back.
    const verification = Buffer.from(JSON.stringify({ authorized_category: input.authorizedCategory }), "utf8");
    const mtime = new Date(time * 1000);
    zip.addBuffer(verification, VERIFICATION_ENTRY, { mtime, mode: 0o100644 });
    const message = difySignedMessage([...digests, crypto.createHash("sha256").update(verification).digest()], time);
    const signature = Buffer.from(await input.signer.sign(message, "sha256")).toString("base64");
    // A faulty signer (a token error) must not yield a package every Dify host refuses.
    if (!verifyDifySignature(message, signature, input.signer.publicKeySpki)) throw new Error("The signer's package signature does not verify under its own public key");
    // yazl encodes a string comment as CP437, which is ASCII for these characters.
    const { sha256, size } = await finish({ comment: JSON.stringify({ signature, time }), forceZip64Format: false });
    return {
      manifest,
      files: [...toSign.map((e) => ({ path: e.name, size: e.uncompressedSize })), { path: VERIFICATION_ENTRY, size: verification.length }],
      time,
      signature,
      sha256,
      size,
    };
  } catch (err) {
    await discardOutput(out, input.outputPath, err);
    throw err;
  } finally {
    archive.close();
  }
}

