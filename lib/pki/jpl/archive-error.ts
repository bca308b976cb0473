// Every reason Signet refuses an uploaded plugin archive (any store format), as a typed error the HTTP layer maps to
// a 4xx problem+json and the CLI prints as is.

export type ArchiveErrorCode =
  | "not_a_zip"
  | "not_a_tar"
  | "too_many_entries"
  | "too_large"
  | "compression_ratio"
  | "size_mismatch"
  | "crc_mismatch"
  | "encrypted_entry"
  | "unsupported_compression"
  | "bad_file_name"
  | "absolute_path"
  | "parent_path"
  | "backslash_path"
  | "drive_letter"
  | "duplicate_entry"
  | "symlink"
  | "special_file"
  | "overlapping_entries"
  | "manifest_missing"
  | "manifest_invalid"
  | "manifest_id_mismatch"
  // Shared by the other store formats (lib/pki/dify, lib/pki/mender, lib/pki/archive/read-tar.ts).
  | "not_a_tar"
  | "directory_entry"
  | "unexpected_member"
  | "checksum_mismatch"
  | "unlisted_member"
  | "already_signed"
  | "augmented_artifact"
  | "unsupported_version"
  | "reserved_claim";

/** Codes that are about size rather than shape (HTTP 413 rather than 400). */
export const SIZE_CODES: ReadonlySet<ArchiveErrorCode> = new Set(["too_many_entries", "too_large"]);

export class ArchiveError extends Error {
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
    readonly entry?: string,
    /** The field of a manifest that was refused ("version", "name"…). */
    readonly field?: string,
  ) {
    super(message);
    this.name = "ArchiveError";
  }
}

export type ArchiveLimits = {
  maxEntries: number;
  /** Sum of all entries' uncompressed sizes, counted while inflating. */
  maxTotalUncompressed: number;
  /** Uncompressed bytes per compressed byte, per entry; checked against headers and while inflating. */
  maxCompressionRatio: number;
  /** Entries smaller than this are exempt from the ratio check (a 4 KiB file of spaces is not a bomb). */
  ratioExemptBelow: number;
  maxManifestBytes: number;
  maxNameBytes: number;
};

/**
 * The limits a signer opens an upload with, so that what it writes — the upload's entries plus the `added`
 * ones it generates — still passes its own verifier under `limits`: a 20,000-entry .jpl signed into 20,003
 * entries was refused by the verifier (too_many_entries) it was meant for.
 */
export function signerInputLimits<L extends { maxEntries: number }>(limits: L, added: number): L {
  return { ...limits, maxEntries: limits.maxEntries - added };
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxEntries: 20_000,
  maxTotalUncompressed: 512 * 1024 * 1024,
  maxCompressionRatio: 200,
  ratioExemptBelow: 1024 * 1024,
  maxManifestBytes: 1024 * 1024,
  maxNameBytes: 1024,
};
