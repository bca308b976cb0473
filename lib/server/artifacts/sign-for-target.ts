// The per-target step of signing an upload: check the upload the way its store reads it, then make the
// store's own signed artifact at `outputPath` (FORMATS.md §1, §5, §6). The detached CMS over the result,
// the records, the audit event and the rename into place stay in sign-artifact.ts, alike for every target.
import fs from "node:fs";
import type { Db } from "../../db";
import { signGrafanaPlugin } from "../../pki/grafana/sign-plugin";
import { GrafanaManifestError, isPrivateType } from "../../pki/grafana/manifest";
import { signArchive } from "../../pki/jpl/sign-archive";
import { signMattermostBundle } from "../../pki/mattermost/sign-bundle";
import { AppError } from "../errors";
import { privateKeyForWorkers, signerForKey } from "../keys/signer-for-key";
import { wholeSeconds } from "../targets/create-store-key";
import { readDifySettings, readGrafanaSettings, type StoreTargetName } from "../targets/store-targets";
import { signDifyPackage } from "../../pki/dify/sign-package";
import { signMenderArtifact } from "../../pki/mender/sign-artifact";
import { archiveProblem } from "./archive-problem";

export type TargetSigningInput = {
  client: Db;
  target: StoreTargetName;
  inputPath: string;
  outputPath: string;
  pluginId: string;
  org: { slug: string; name: string; grafanaRootUrls: string[] };
  certificate: { keyId: string; chainDer: Uint8Array[] };
  now: Date;
};

export type TargetSigned = {
  version: string;
  files: { path: string; size: number }[];
  sha256: Uint8Array;
  size: number;
  /** Mattermost: the .sig (one signature packet per active key, concatenated). */
  storeSignature?: Uint8Array;
  /** The StoreKey ids that signed. */
  storeKeyIds: string[];
};

/** The target's active store keys, oldest activation first; none is a 409 (the target cannot sign). */
async function activeStoreKeys(client: Db, target: StoreTargetName) {
  const state = await client.storeTarget.findUnique({ where: { target }, select: { enabled: true, settings: true } });
  if (!state?.enabled) throw new AppError("conflict", `The store does not sign for ${target}: an operator enables it in Settings › Targets`);
  const keys = await client.storeKey.findMany({ where: { target, status: "active" }, orderBy: [{ activatedAt: "asc" }, { createdAt: "asc" }], select: { id: true, keyId: true, managedKeyId: true, publicKeySpki: true, createdAt: true } });
  if (keys.length === 0) throw new AppError("conflict", `The ${target} target has no active store key`);
  return { keys, settings: state.settings };
}

/** Checks that the target can sign before the upload is taken (enabled, with an active key). */
export async function assertTargetCanSign(client: Db, target: StoreTargetName): Promise<void> {
  if (target !== "jami") await activeStoreKeys(client, target);
}

export async function signForTarget(input: TargetSigningInput): Promise<TargetSigned> {
  switch (input.target) {
    case "jami":
      return signJami(input);
    case "mattermost":
      return signMattermost(input);
    case "grafana":
      return signGrafana(input);
    case "dify":
      return signDify(input);
    case "mender":
      return signMender(input);
  }
}

async function signJami(input: TargetSigningInput): Promise<TargetSigned> {
  const privateKey = await privateKeyForWorkers(input.client, input.certificate.keyId);
  const signed = await signArchive({ inputPath: input.inputPath, outputPath: input.outputPath, privateKey, chainDer: input.certificate.chainDer, expectedPluginId: input.pluginId, now: input.now }).catch((err) => {
    throw archiveProblem(err);
  });
  return { version: signed.manifest.version, files: signed.files, sha256: signed.sha256, size: signed.size, storeKeyIds: [] };
}

/**
 * The bundle is served as uploaded (Mattermost's signature is detached, over the .tar.gz bytes), signed by
 * every active key: during a rotation overlap the .sig holds two packets, and Go's CheckDetachedSignature
 * and gpgv each accept the file when any one of them is by a key the host trusts.
 */
async function signMattermost(input: TargetSigningInput): Promise<TargetSigned> {
  const { keys } = await activeStoreKeys(input.client, "mattermost");
  const signers = [];
  for (const key of keys) signers.push({ signer: await signerForKey(input.client, key.managedKeyId), key: { spki: key.publicKeySpki, createdAt: key.createdAt } });
  const signed = await signMattermostBundle({ inputPath: input.inputPath, outputPath: input.outputPath, signers, createdAt: wholeSeconds(input.now), expectedPluginId: input.pluginId }).catch((err) => {
    throw archiveProblem(err);
  });
  return {
    version: signed.bundle.version,
    files: signed.bundle.entries.filter((e) => e.type === "file").map((e) => ({ path: e.name, size: e.size })),
    sha256: signed.sha256,
    size: signed.size,
    storeSignature: signed.storeSignature,
    storeKeyIds: keys.map((k) => k.id),
  };
}

/**
 * A manifest names one keyId, so one key signs: during an overlap the one activated first, which every host
 * already trusts (the newer one was on the keys endpoint as "next" before it became active). The claims are
 * Signet's, never the uploader's: signatureType from the store's settings (never "grafana"), the org's
 * approved name, and its root URLs for private signatures.
 */
async function signGrafana(input: TargetSigningInput): Promise<TargetSigned> {
  const { keys, settings } = await activeStoreKeys(input.client, "grafana");
  const { signatureType } = readGrafanaSettings(settings);
  if (isPrivateType(signatureType) && input.org.grafanaRootUrls.length === 0) {
    throw new AppError("conflict", `This store signs Grafana plugins as '${signatureType}', bound to the organization's Grafana root URLs: an org admin sets them first (Grafana root URLs on the organization page, or PUT /api/v1/orgs/${input.org.slug}/targets/grafana)`);
  }
  const key = keys[0];
  const signer = await signerForKey(input.client, key.managedKeyId);
  const signed = await signGrafanaPlugin({
    inputPath: input.inputPath,
    outputPath: input.outputPath,
    signer,
    key: { spki: key.publicKeySpki, createdAt: key.createdAt },
    now: input.now,
    expectedPluginId: input.pluginId,
    signatureType,
    signedByOrg: input.org.slug,
    signedByOrgName: input.org.name,
    ...(isPrivateType(signatureType) ? { rootUrls: input.org.grafanaRootUrls } : {}),
  }).catch((err) => {
    if (err instanceof GrafanaManifestError) throw new AppError("conflict", `The Grafana manifest cannot be signed: ${err.message}`);
    throw archiveProblem(err);
  });
  return { version: signed.version, files: signed.files, sha256: signed.sha256, size: signed.size, storeKeyIds: [key.id] };
}

/**
 * One signature in the ZIP comment, so one key signs (the one activated first, as for Grafana). The
 * manifest's `name` (lowercase, no dots in Dify) must be the plugin id's last segment: com.acme.weather
 * is the package named "weather". The category is the store's setting, never "langgenius".
 */
async function signDify(input: TargetSigningInput): Promise<TargetSigned> {
  const { keys, settings } = await activeStoreKeys(input.client, "dify");
  const key = keys[0];
  const signed = await signDifyPackage({ inputPath: input.inputPath, outputPath: input.outputPath, signer: await signerForKey(input.client, key.managedKeyId), authorizedCategory: readDifySettings(settings).authorizedCategory, now: input.now }).catch((err) => {
    throw archiveProblem(err);
  });
  const expected = input.pluginId.split(".").pop();
  if (signed.manifest.name !== expected) {
    await fs.promises.rm(input.outputPath, { force: true });
    throw new AppError("bad_request", `manifest.yaml names the package '${signed.manifest.name}', but this upload is for '${input.pluginId}' (a Dify package is named as the plugin id's last segment, '${expected}')`, { archiveError: "manifest_id_mismatch", entry: "manifest.yaml" });
  }
  return { version: signed.manifest.version, files: signed.files, sha256: signed.sha256, size: signed.size, storeKeyIds: [key.id] };
}

/** manifest.sig holds one signature: the key activated first signs. Every listed checksum is checked first. */
async function signMender(input: TargetSigningInput): Promise<TargetSigned> {
  const { keys } = await activeStoreKeys(input.client, "mender");
  const key = keys[0];
  const signed = await signMenderArtifact({ inputPath: input.inputPath, outputPath: input.outputPath, signer: await signerForKey(input.client, key.managedKeyId) }).catch((err) => {
    throw archiveProblem(err);
  });
  const files = signed.artifact.payloads.flatMap((p) => p.files.map((f) => ({ path: `${p.member}/${f.name}`, size: f.size })));
  return { version: "", files, sha256: signed.sha256, size: signed.size, storeKeyIds: [key.id] };
}
