// Reads a Mender artifact (format 3) strictly, in one streaming pass, and checks it the way
// mender-artifact's areader does before it would install anything (FORMATS.md §8):
//   version, manifest, [manifest.sig], header.tar[.gz|.xz|.zst], data/0000.tar[.gz], data/0001…
// `manifest` checksums `version`, the header member's bytes, and every file INSIDE each data
// payload as `data/NNNN/<file>` (not the payload tar itself); every line must match a file and every
// file must have a line (areader: GetAndMark, then FilesNotMarked). Augmented artifacts
// (manifest-augment, header-augment) are refused: their augment parts are outside the signature.
import crypto from "node:crypto";
import fs from "node:fs";
import type { Readable } from "node:stream";
import { digestStream, HashTap } from "../archive/hash-tap";
import { DEFAULT_TAR_LIMITS, readAll, readTar, type TarContents, type TarEntry, type TarLimits } from "../archive/read-tar";
import { ArchiveError } from "../jpl/archive-error";
import { MANIFEST, parseManifest, type MenderManifest } from "./manifest";

export const VERSION = "version";
export const MANIFEST_SIG = "manifest.sig";

export type MenderLimits = {
  /** The outer tar (the .mender file). */
  artifact: TarLimits;
  /** Each data payload's inner tar, decompressed. */
  payload: TarLimits;
  /** Decompressed payload bytes of all payloads together: a gzip bomb per payload must not add up. */
  maxPayloadStreamTotal: number;
  maxManifestBytes: number;
};

export const DEFAULT_MENDER_LIMITS: MenderLimits = {
  artifact: { ...DEFAULT_TAR_LIMITS, maxEntries: 1_000 },
  payload: DEFAULT_TAR_LIMITS,
  maxPayloadStreamTotal: 8 * 1024 * 1024 * 1024,
  maxManifestBytes: 1024 * 1024,
};

export type MenderPayloadFile = { name: string; size: number };

export type MenderArtifact = {
  formatVersion: 3;
  /** Exact bytes of `manifest` (what manifest.sig signs). */
  manifest: Buffer;
  checksums: MenderManifest;
  /** Base64 text of manifest.sig, when the artifact has one. */
  signature?: string;
  /** Outer members in order, with their byte ranges. */
  members: TarEntry[];
  headerMember: string;
  payloads: { index: number; member: string; files: MenderPayloadFile[] }[];
  /** SHA-256 and length of the whole file as read. */
  sha256: Buffer;
  size: number;
};

const HEADER_NAMES = new Set(["header.tar", "header.tar.gz", "header.tar.xz", "header.tar.zst"]);
const DATA_NAME = /^data\/(\d{4})\.tar(\.gz|\.xz|\.zst)?$/;
// areader.readAndInstallDataFiles: payload file names are base names of these characters only.
const PAYLOAD_FILE = /^[A-Za-z0-9_\-.,]+$/;
const MAX_SIGNATURE_BYTES = 4096;

type Stage = "version" | "manifest" | "signature" | "header" | "data";

export async function readMenderArtifact(path: string, options: { limits?: MenderLimits; allowSignature: boolean }): Promise<MenderArtifact> {
  const limits = options.limits ?? DEFAULT_MENDER_LIMITS;
  const fileTap = new HashTap("sha256");
  let stage: Stage = "version";
  let versionBytes: Buffer | undefined;
  let manifest: Buffer | undefined;
  let checksums: MenderManifest | undefined;
  let signature: string | undefined;
  let headerMember: string | undefined;
  const marked = new Set<string>();
  const payloads: MenderArtifact["payloads"] = [];
  let payloadBudget = limits.maxPayloadStreamTotal;

  const mark = (name: string, sum: string) => {
    const listed = checksums!.get(name);
    if (listed === undefined) throw new ArchiveError("unlisted_member", `'${name}' is not listed in the manifest`, name);
    if (listed !== sum) throw new ArchiveError("checksum_mismatch", `'${name}' does not match its manifest checksum`, name);
    marked.add(name);
  };

  const visit = async (member: TarEntry, content: Readable): Promise<void> => {
    const name = member.name;
    if (stage === "version") {
      if (name !== VERSION) throw new ArchiveError("unexpected_member", `The first member of a Mender artifact is 'version', not '${name}'`, name);
      versionBytes = await readAll(member, content, 4096);
      checkVersion(versionBytes);
      stage = "manifest";
      return;
    }
    if (stage === "manifest") {
      if (name !== MANIFEST) throw new ArchiveError("unexpected_member", `'version' must be followed by 'manifest', not '${name}'`, name);
      manifest = await readAll(member, content, limits.maxManifestBytes);
      checksums = parseManifest(manifest);
      mark(VERSION, sha256Hex(versionBytes!));
      stage = "signature";
      return;
    }
    if (name === MANIFEST_SIG) {
      if (stage !== "signature") throw new ArchiveError("unexpected_member", "'manifest.sig' must come right after 'manifest'", name);
      if (!options.allowSignature) throw new ArchiveError("already_signed", "The artifact is already signed (it has a manifest.sig)", name);
      signature = (await readAll(member, content, MAX_SIGNATURE_BYTES)).toString("latin1");
      stage = "header";
      return;
    }
    if (name === "manifest-augment" || name.startsWith("header-augment")) {
      throw new ArchiveError("augmented_artifact", `The artifact is augmented ('${name}'): its augment parts would not be covered by the signature`, name);
    }
    if (HEADER_NAMES.has(name)) {
      if (stage !== "signature" && stage !== "header") throw new ArchiveError("unexpected_member", `'${name}' comes after the payloads or a second header`, name);
      mark(name, (await digestStream(content, "sha256")).toString("hex"));
      headerMember = name;
      stage = "data";
      return;
    }
    const data = DATA_NAME.exec(name);
    if (data) {
      if (stage !== "data") throw new ArchiveError("unexpected_member", `Payload '${name}' comes before the header`, name);
      const index = Number(data[1]);
      if (index !== payloads.length) throw new ArchiveError("unexpected_member", `Payload '${name}' is out of sequence (expected data/${String(payloads.length).padStart(4, "0")}…)`, name);
      const payloadLimits = { ...limits.payload, maxTarBytes: Math.min(limits.payload.maxTarBytes, payloadBudget) };
      const { files, streamBytes } = await readPayload(name, data[1], data[2] ?? "", content, payloadLimits, mark);
      payloadBudget -= streamBytes;
      payloads.push({ index, member: name, files });
      return;
    }
    throw new ArchiveError("unexpected_member", `'${name}' has no place in a Mender artifact`, name);
  };

  const file = fs.createReadStream(path);
  file.on("error", (err) => fileTap.destroy(err));
  let contents: TarContents;
  try {
    contents = await readTar(file.pipe(fileTap), visit, { limits: limits.artifact });
  } finally {
    // readTar ends the stream it was given (the tap), not the file under it: close the descriptor here.
    file.destroy();
  }

  if (!manifest || !checksums) throw new ArchiveError("manifest_missing", "The artifact has no manifest");
  if (!headerMember) throw new ArchiveError("unexpected_member", "The artifact has no header.tar member");
  const missing = [...checksums.keys()].filter((name) => !marked.has(name));
  if (missing.length > 0) throw new ArchiveError("checksum_mismatch", `The manifest lists files the artifact does not hold: ${missing.slice(0, 10).join(", ")}`, missing[0]);
  return {
    formatVersion: 3,
    manifest,
    checksums,
    ...(signature !== undefined ? { signature } : {}),
    members: contents.entries,
    headerMember,
    payloads,
    sha256: fileTap.hash.digest(),
    size: contents.size,
  };
}

function checkVersion(bytes: Buffer): void {
  let info: unknown;
  try {
    info = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new ArchiveError("manifest_invalid", "The 'version' member is not JSON", VERSION);
  }
  const { format, version } = (info ?? {}) as { format?: unknown; version?: unknown };
  if (format !== "mender") throw new ArchiveError("manifest_invalid", "The 'version' member does not say format \"mender\"", VERSION);
  // Format 2 has no header-info v3 and is long deprecated; mender-artifact writes 3 by default.
  if (version !== 3) throw new ArchiveError("unsupported_version", `Mender artifact format ${String(version)} is not supported (only 3)`, VERSION);
}

async function readPayload(member: string, index: string, compression: string, content: Readable, limits: TarLimits, mark: (name: string, sum: string) => void): Promise<{ files: MenderPayloadFile[]; streamBytes: number }> {
  if (compression !== "" && compression !== ".gz") {
    // Node 20 has neither an xz nor a zstd decoder, and Signet must read every payload file to check it.
    throw new ArchiveError("unsupported_compression", `Payload '${member}' is ${compression.slice(1)}-compressed; Signet reads uncompressed and gzip payloads (mender-artifact write … --compression gzip|none)`, member);
  }
  const files: MenderPayloadFile[] = [];
  let streamBytes: number;
  try {
    ({ size: streamBytes } = await readTar(content, async (file, fileContent) => {
      if (!PAYLOAD_FILE.test(file.name)) throw new ArchiveError("bad_file_name", `Payload file '${file.name}' in '${member}' is not a plain name of letters, digits and ".,_-"`, file.name);
      mark(`data/${index}/${file.name}`, (await digestStream(fileContent, "sha256")).toString("hex"));
      files.push({ name: file.name, size: file.size });
    }, { limits, gzip: compression === ".gz", allowExtensionHeaders: true }));
  } catch (err) {
    if (err instanceof ArchiveError) {
      if (err.code === "not_a_tar") throw new ArchiveError("not_a_tar", `Payload '${member}': ${err.message}`, member);
      throw err;
    }
    throw new ArchiveError("not_a_tar", `Payload '${member}' cannot be read: ${err instanceof Error ? err.message : String(err)}`, member);
  }
  return { files, streamBytes };
}

function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}
