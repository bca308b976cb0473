// Signs a Mattermost bundle (FORMATS.md §5): the .tar.gz is checked the way Mattermost reads it, copied
// unchanged to `outputPath`, and signed detached (binary OpenPGP, SHA-512) by every signer given — one
// packet per key, concatenated, so hosts trusting any one of the keys accept it during a rotation overlap.
import fs from "node:fs";
import { PassThrough } from "node:stream";
import { createOutput, discardOutput } from "../archive/output-file";
import type { Signer } from "../signer";
import { detachedSignature, type OpenPgpKeyRef } from "../openpgp/sign";
import { checkMattermostBundle, type MattermostBundle } from "./check-bundle";
import type { TarLimits } from "../archive/read-tar";

export type SignMattermostInput = {
  inputPath: string;
  /** Created exclusively (never overwrites). */
  outputPath: string;
  signers: { signer: Signer; key: OpenPgpKeyRef }[];
  /** Signature creation time (whole seconds). */
  createdAt: Date;
  expectedPluginId?: string;
  limits?: TarLimits;
};

export type SignedMattermostBundle = {
  bundle: MattermostBundle;
  /** The .sig: one signature packet per signer. */
  storeSignature: Uint8Array;
  /** SHA-256 and size of the stored copy (the bytes the checker read and the signers hashed). */
  sha256: Uint8Array;
  size: number;
};

/**
 * One read of the upload: its chunks go at once to the checker (which hashes SHA-256 and inflates), to each
 * signer's SHA-512 and to the stored copy, so the bytes signed are the bytes checked and the bytes stored.
 */
export async function signMattermostBundle(input: SignMattermostInput): Promise<SignedMattermostBundle> {
  const out = createOutput(input.outputPath);
  const source = fs.createReadStream(input.inputPath, { highWaterMark: 1024 * 1024 });
  const toCheck = new PassThrough();
  const toSign = input.signers.map(() => new PassThrough());
  const streams = [source, toCheck, ...toSign];
  const written = new Promise<void>((resolve, reject) => {
    out.once("close", resolve);
    out.once("error", reject);
    source.once("error", reject);
  });
  for (const sink of [out, toCheck, ...toSign]) source.pipe(sink);
  try {
    const [bundle, , ...packets] = await Promise.all([
      checkMattermostBundle(toCheck, { expectedPluginId: input.expectedPluginId, limits: input.limits }),
      written,
      ...input.signers.map(({ signer, key }, i) => detachedSignature({ data: toSign[i], signer, key, createdAt: input.createdAt, hash: "sha512" })),
    ]);
    return { bundle, storeSignature: Buffer.concat(packets), sha256: bundle.sha256, size: bundle.size };
  } catch (err) {
    for (const s of streams) s.destroy();
    await discardOutput(out, input.outputPath, err);
    throw err;
  }
}
