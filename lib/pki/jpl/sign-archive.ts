// Signs a plugin archive in the Jami format (FORMATS.md §1): every entry is copied to a new ZIP
// while its content streams through SHA-512, the RSA operations run on worker threads, and the
// `<id>.crt`, `signatures` and `signatures.sig` entries are appended last (replacing any present).
// Memory does not grow with the archive: one entry is in flight, plus one 64-byte digest per entry.
import crypto, { type KeyObject } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { copyZipEntry } from "../archive/copy-zip-entry";
import { createOutput, discardOutput } from "../archive/output-file";
import { zipInto } from "../archive/zip-output";
import { toPem } from "../certificate/pem";
import { spkiOf } from "../signer";
import { ArchiveError, DEFAULT_LIMITS, signerInputLimits, type ArchiveLimits } from "./archive-error";
import { createDigestSigner } from "./digest-signer";
import { certificateEntryName, SIGNATURES_ENTRY, SIGNATURES_SIG_ENTRY } from "./entry-name";
import { readManifest, type PluginManifest } from "./manifest";
import { SafeArchive } from "./read-archive";
import { encodeSignaturesMap } from "./signatures-map";
import { parseCertificate } from "../chain/parse-certificate";

export type SignArchiveInput = {
  inputPath: string;
  /** Created exclusively (never overwrites); removed again if signing fails. */
  outputPath: string;
  privateKey: KeyObject;
  /** Plugin certificate first, then the organization CA. */
  chainDer: Uint8Array[];
  /** When set, the manifest's id must equal it. */
  expectedPluginId?: string;
  limits?: ArchiveLimits;
  /** Signing threads; default: all cores once the archive has enough entries to pay for them. */
  threads?: number;
  now?: Date;
};

export type SignedArchive = {
  manifest: PluginManifest;
  files: { path: string; size: number }[];
  /** SHA-256 of the signed archive's bytes (what the detached CMS signature's messageDigest holds). */
  sha256: Uint8Array;
  size: number;
};

const PARALLEL_FROM_ENTRIES = 64;

export async function signArchive(input: SignArchiveInput): Promise<SignedArchive> {
  // It adds signatures, signatures.sig and <id>.crt.
  const archive = await SafeArchive.open(input.inputPath, signerInputLimits(input.limits ?? DEFAULT_LIMITS, 3));
  let out: fs.WriteStream | undefined;
  const signer = { current: undefined as ReturnType<typeof createDigestSigner> | undefined };
  try {
    const manifest = await readManifest(archive);
    if (input.expectedPluginId !== undefined && manifest.id !== input.expectedPluginId) {
      throw new ArchiveError("manifest_id_mismatch", `manifest.json names plugin '${manifest.id}', but this upload is for '${input.expectedPluginId}'`, "manifest.json");
    }
    checkChainMatchesKey(input.chainDer, input.privateKey);
    const generated = new Set([SIGNATURES_ENTRY, SIGNATURES_SIG_ENTRY, certificateEntryName(manifest.id)]);
    for (const e of archive.entries) {
      if (e.isDirectory && generated.has(e.name.slice(0, -1))) throw new ArchiveError("bad_file_name", `'${e.name}' is a directory where the signature entries go`, e.name);
    }
    const toSign = archive.entries.filter((e) => !generated.has(e.name));
    for (const e of toSign) {
      // yazl writes names as UTF-8: the signed archive must name each entry with the very bytes that
      // were checked and signed, never a re-encoding (a CP437 or lone-surrogate name would change).
      if (!Buffer.from(e.name, "utf8").equals(e.raw.fileNameRaw)) throw new ArchiveError("bad_file_name", `Entry '${e.name}' cannot be written back under the same name bytes`, e.name);
    }
    const threads = input.threads ?? (toSign.length >= PARALLEL_FROM_ENTRIES ? os.availableParallelism() : 0);
    signer.current = createDigestSigner(input.privateKey, threads);
    const digestSigner = signer.current;

    out = createOutput(input.outputPath);
    const { zip, abort, failed, finish } = zipInto(out);

    // Directory entries are signed over empty content (FORMATS.md §1): copyZipEntry's digest of nothing.
    const signatures = toSign.map((entry) => copyZipEntry(zip, archive, entry, "sha512", abort).then((digest) => digestSigner.sign(digest)));
    const values = await Promise.race([Promise.all(signatures), failed]);
    const map = new Map(toSign.map((entry, i) => [entry.name, values[i]]));
    const signaturesBytes = encodeSignaturesMap(map);
    const signaturesSig = await digestSigner.sign(crypto.createHash("sha512").update(signaturesBytes).digest());
    const mtime = input.now ?? new Date();
    const chainPem = input.chainDer.map((der) => toPem(der, "CERTIFICATE")).join("");
    zip.addBuffer(Buffer.from(chainPem, "ascii"), certificateEntryName(manifest.id), { mtime, mode: 0o100644 });
    zip.addBuffer(Buffer.from(signaturesBytes), SIGNATURES_ENTRY, { mtime, mode: 0o100644 });
    zip.addBuffer(Buffer.from(signaturesSig), SIGNATURES_SIG_ENTRY, { mtime, mode: 0o100644 });
    const { sha256, size } = await finish();
    return { manifest, files: toSign.map((e) => ({ path: e.name, size: e.uncompressedSize })), sha256, size };
  } catch (err) {
    await discardOutput(out, input.outputPath, err);
    throw err;
  } finally {
    archive.close();
    await signer.current?.close();
  }
}

function checkChainMatchesKey(chainDer: Uint8Array[], privateKey: KeyObject): void {
  if (chainDer.length === 0) throw new Error("The certificate chain is empty");
  const leaf = parseCertificate(chainDer[0]);
  if (!Buffer.from(leaf.spkiDer).equals(Buffer.from(spkiOf(privateKey)))) {
    throw new Error("The first certificate of the chain does not belong to the signing key");
  }
}
