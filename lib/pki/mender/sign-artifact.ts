// Signs an unsigned Mender artifact (FORMATS.md §8): checks it completely (read-artifact.ts), signs
// the exact `manifest` bytes through the Signer, and writes a copy with `manifest.sig` inserted right
// after `manifest`. Every other byte — each member's header blocks, data, padding and the
// end-of-archive trailer — is copied from the upload verbatim, never re-serialized.
import fs from "node:fs";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import tarStream from "tar-stream";
import { HashTap } from "../archive/hash-tap";
import { createOutput, discardOutput } from "../archive/output-file";
import { ecdsaDerToRaw } from "../hsm-signature";
import type { Signer } from "../signer";
import { checkMenderKeyAlgorithm } from "./key-file";
import { MANIFEST } from "./manifest";
import { DEFAULT_MENDER_LIMITS, MANIFEST_SIG, readMenderArtifact, type MenderArtifact, type MenderLimits } from "./read-artifact";
import { signerInputLimits } from "../jpl/archive-error";
import { verifyManifestSignature } from "./verify-artifact";

export type SignMenderArtifactInput = {
  inputPath: string;
  /** Created exclusively (never overwrites); removed again if signing fails. */
  outputPath: string;
  signer: Signer;
  limits?: MenderLimits;
};

export type SignedMenderArtifact = {
  artifact: MenderArtifact;
  /** The base64 text written as manifest.sig. */
  signature: string;
  /** SHA-256 and length of the signed artifact (what the detached CMS signature's messageDigest holds). */
  sha256: Uint8Array;
  size: number;
};

export async function signMenderArtifact(input: SignMenderArtifactInput): Promise<SignedMenderArtifact> {
  checkMenderKeyAlgorithm(input.signer.algorithm);
  // It adds the outer member manifest.sig.
  const limits = input.limits ?? DEFAULT_MENDER_LIMITS;
  const artifact = await readMenderArtifact(input.inputPath, { limits: { ...limits, artifact: signerInputLimits(limits.artifact, 1) }, allowSignature: false });
  const signature = await manifestSignature(input.signer, artifact.manifest);
  const sigMember = await tarMember(MANIFEST_SIG, Buffer.from(signature, "latin1"));
  const manifestMember = artifact.members.find((m) => m.name === MANIFEST)!;

  const out = createOutput(input.outputPath);
  try {
    const inputTap = new HashTap("sha256");
    const outputTap = new HashTap("sha256");
    await pipeline(fs.createReadStream(input.inputPath), inputTap, new InsertAt(manifestMember.end, sigMember), outputTap, out);
    // The upload is read twice (check, then copy): refuse if it changed in between.
    if (!inputTap.hash.digest().equals(artifact.sha256)) throw new Error("The artifact changed while it was being signed");
    return { artifact, signature, sha256: new Uint8Array(outputTap.hash.digest()), size: outputTap.bytes };
  } catch (err) {
    await discardOutput(out, input.outputPath, err);
    throw err;
  }
}

/** Passes bytes through, inserting `insert` once `offset` bytes have gone by. */
class InsertAt extends Transform {
  private position = 0;
  private inserted = false;
  constructor(
    private readonly offset: number,
    private readonly insert: Buffer,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const cut = this.offset - this.position;
    this.position += chunk.length;
    if (!this.inserted && cut >= 0 && cut <= chunk.length) {
      this.inserted = true;
      this.push(chunk.subarray(0, cut));
      this.push(this.insert);
      return done(null, chunk.subarray(cut));
    }
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    done(this.inserted ? null : new Error("The artifact ended before the manifest"));
  }
}

/** manifest.sig: base64, no newline, of RSA PKCS#1 v1.5 SHA-256 or ECDSA P-256 SHA-256 as raw r||s. */
async function manifestSignature(signer: Signer, manifest: Buffer): Promise<string> {
  const der = await signer.sign(manifest, "sha256");
  const raw = signer.algorithm === "ecdsa-p256" ? ecdsaDerToRaw(der, 32) : Buffer.from(der);
  const signature = raw.toString("base64");
  // A signer that returns a wrong signature (a token fault) must not produce an artifact devices refuse.
  if (!verifyManifestSignature(manifest, signature, signer.publicKeySpki)) throw new Error("The signer's manifest signature does not verify under its own public key");
  return signature;
}

/** One ustar member (header + data + padding), written by tar-stream like mender-artifact writes its own: root, 0600, epoch. */
async function tarMember(name: string, content: Buffer): Promise<Buffer> {
  const pack = tarStream.pack();
  pack.entry({ name, size: content.length, mode: 0o600, mtime: new Date(0), uid: 0, gid: 0, type: "file" }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(Buffer.from(chunk as Uint8Array));
  const bytes = Buffer.concat(chunks);
  // Drop the two end-of-archive blocks: the member goes into the middle of the artifact.
  return bytes.subarray(0, 512 + Math.ceil(content.length / 512) * 512);
}
