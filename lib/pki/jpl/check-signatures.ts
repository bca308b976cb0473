// The checks the Jami daemon makes on a signed archive (FORMATS.md §1), minus chain trust (which
// validate-chain.ts does): `<id>.crt` present and RSA, `signatures.sig` over `signatures`, each
// entry's RSA-SHA512 signature over its whole content, and every entry present in the map.
import crypto from "node:crypto";
import { certificatesFromPem, parseCertificate, type ParsedCertificate } from "../chain/parse-certificate";
import { keyWeakness } from "../chain/validate-chain";
import { certificateEntryName, SIGNATURES_ENTRY, SIGNATURES_SIG_ENTRY } from "./entry-name";
import { readManifest, type PluginManifest } from "./manifest";
import type { SafeArchive } from "./read-archive";
import { decodeSignaturesMap } from "./signatures-map";
import { printable } from "../archive/entry-name-policy";

export type FileState = "valid" | "modified" | "unsigned" | "invalid";
export type FileResult = { path: string; state: FileState; detail?: string };

export type SignatureCheck = {
  manifest: PluginManifest;
  /** `<id>.crt` as found, leaf first; empty when missing or unreadable. */
  chainDer: Uint8Array[];
  files: FileResult[];
  /** Problems with the signature entries themselves (each makes every file `invalid`). */
  problems: string[];
};

const MAX_CRT_BYTES = 64 * 1024;
const MAX_SIG_BYTES = 2048;

async function readSmall(archive: SafeArchive, name: string, maxBytes: number, problems: string[]): Promise<Buffer | undefined> {
  const entry = archive.find(name);
  if (!entry || entry.isDirectory) {
    problems.push(`the archive has no '${name}' entry`);
    return undefined;
  }
  if (entry.uncompressedSize > maxBytes) {
    problems.push(`'${name}' is larger than ${maxBytes} bytes`);
    return undefined;
  }
  return archive.readEntry(entry, maxBytes);
}

function leafKey(chainDer: Uint8Array[], problems: string[]): ParsedCertificate | undefined {
  if (chainDer.length === 0) return undefined;
  try {
    const leaf = parseCertificate(chainDer[0]);
    if (leaf.key.type !== "rsa") problems.push("the plugin certificate's key is not RSA: Jami verifies RSA PKCS#1 v1.5 SHA-512 only");
    else if (keyWeakness(leaf)) problems.push(`the plugin certificate has a weak key: ${keyWeakness(leaf)}`);
    return leaf;
  } catch (err) {
    problems.push(`the plugin certificate cannot be parsed: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

export async function checkArchiveSignatures(archive: SafeArchive): Promise<SignatureCheck> {
  const manifest = await readManifest(archive);
  const crtName = certificateEntryName(manifest.id);
  const generated = new Set([SIGNATURES_ENTRY, SIGNATURES_SIG_ENTRY, crtName]);
  const content = archive.entries.filter((e) => !generated.has(e.name));
  const problems: string[] = [];

  let chainDer: Uint8Array[] = [];
  const crt = await readSmall(archive, crtName, MAX_CRT_BYTES, problems);
  if (crt) {
    try {
      chainDer = certificatesFromPem(crt.toString("latin1"));
    } catch (err) {
      problems.push(`'${crtName}' is not a PEM certificate chain: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const leaf = leafKey(chainDer, problems);
  const signaturesBytes = await readSmall(archive, SIGNATURES_ENTRY, Math.max(archive.limits.maxEntries, 1) * (archive.limits.maxNameBytes + 1024), problems);
  const signaturesSig = await readSmall(archive, SIGNATURES_SIG_ENTRY, MAX_SIG_BYTES, problems);
  let map: Map<string, Uint8Array> | undefined;
  if (signaturesBytes) {
    try {
      map = decodeSignaturesMap(signaturesBytes);
    } catch (err) {
      problems.push(`'signatures' is not a valid signatures map: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (leaf && signaturesBytes && signaturesSig && problems.length === 0) {
    if (!crypto.verify("sha512", signaturesBytes, leaf.publicKey, signaturesSig)) problems.push("'signatures.sig' does not verify with the plugin certificate's key");
  }
  if (problems.length > 0 || !leaf || !map) {
    const detail = problems[0] ?? "the signature entries are unusable";
    return { manifest, chainDer, files: content.map((e) => ({ path: e.name, state: "invalid", detail })), problems };
  }

  const files: FileResult[] = [];
  for (const entry of content) {
    const signature = map.get(entry.name);
    if (!signature) {
      files.push({ path: entry.name, state: "unsigned", detail: "not in the signatures map" });
      continue;
    }
    const verifier = crypto.createVerify("sha512");
    for await (const chunk of await archive.openEntry(entry)) verifier.update(chunk as Buffer);
    const ok = verifier.verify(leaf.publicKey, signature);
    files.push(ok ? { path: entry.name, state: "valid" } : { path: entry.name, state: "modified", detail: "content does not match its signature" });
  }
  const present = new Set(content.map((e) => e.name));
  for (const path of map.keys()) {
    // A key names no entry here, so nothing vetted it: shown escaped (no bidi override in a report).
    if (!present.has(path)) files.push({ path: printable(path), state: "modified", detail: "signed entry is missing from the archive" });
  }
  return { manifest, chainDer, files, problems };
}
