// An org member uploads a plugin archive; Signet signs it with the plugin's hosted key (Jami
// signatures inside, detached CMS beside), stores it, and records who, when and what. Either all
// of it lands — file renamed into place, row and audit event committed — or none of it does.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { db } from "../../db";
import { env } from "../../env";
import { createDetachedSignature } from "../../pki/cms/signed-data";
import { signArchive } from "../../pki/jpl/sign-archive";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { issuerChain } from "../certificates/list-certificates";
import { toBytes } from "../db/bytes";
import { AppError } from "../errors";
import { privateKeyForWorkers, signerForKey } from "../keys/signer-for-key";
import { pluginIdSchema } from "../orgs/naming";
import { orgForArtifacts } from "./artifact-access";
import { archiveProblem } from "./archive-problem";
import { receiveUpload } from "./receive-upload";
import { artifactSelect, serializeArtifact } from "./serialize-artifact";
import { artifactStoragePath, ensureDir, removeQuietly, resolveStoragePath, ARTIFACTS_DIR } from "./storage";
import { requireSecondFactor } from "../auth/require-second-factor";

/** The certificate uploads for `pluginId` are signed with: the newest issued, unexpired, hosted one. */
async function signingCertificate(orgId: string, pluginId: string, now: Date) {
  const client = await db();
  const cert = await client.certificate.findFirst({
    where: { orgId, pluginId, kind: "plugin", status: "issued", notAfter: { gt: now }, notBefore: { lte: now } },
    orderBy: { createdAt: "desc" },
    select: { id: true, serialHex: true, der: true, keyId: true, issuerCaId: true, issuerCa: { select: { status: true } } },
  });
  if (!cert?.der) throw new AppError("conflict", `There is no valid plugin certificate for ${pluginId}: request one (with a hosted key) and have it approved first`);
  if (!cert.keyId) {
    throw new AppError("conflict", `The certificate for ${pluginId} uses a key your organization holds: sign offline with 'signet sign ARCHIVE --key plugin.key --chain chain.pem'`);
  }
  if (cert.issuerCa?.status !== "active") throw new AppError("conflict", `The organization CA that issued the certificate for ${pluginId} is ${cert.issuerCa?.status ?? "missing"}`);
  const chain = await issuerChain(client, cert.issuerCaId);
  // <id>.crt carries the plugin certificate and the org CA (FORMATS.md §1); the root is the client's anchor.
  return { id: cert.id, serialHex: cert.serialHex, keyId: cert.keyId, chainDer: [cert.der, ...chain.slice(0, 1)] };
}

export async function signArtifactUpload(actor: Principal, slug: string, rawPluginId: string, req: Request, now = new Date()) {
  const pluginId = pluginIdSchema.parse(rawPluginId);
  const { user, org } = await orgForArtifacts(actor, slug, "upload");
  if (org.status !== "approved") throw new AppError("conflict", `The organization is ${org.status}; signing needs an approved organization`);
  await requireSecondFactor(await db(), actor, "sign archives");
  const certificate = await signingCertificate(org.id, pluginId, now);
  // Authorized and signable: only now take the (possibly large) body.
  const upload = await receiveUpload(req);
  const client = await db();
  await ensureDir(ARTIFACTS_DIR);
  const id = crypto.randomUUID();
  const partial = path.join(env().dataDir, ARTIFACTS_DIR, `.${id}.partial`);
  const finalPath = resolveStoragePath(artifactStoragePath(id));
  let renamed = false;
  try {
    const privateKey = await privateKeyForWorkers(client, certificate.keyId);
    const signed = await signArchive({ inputPath: upload.archivePath, outputPath: partial, privateKey, chainDer: certificate.chainDer, expectedPluginId: pluginId, now }).catch((err) => {
      throw archiveProblem(err);
    });
    const signature = await createDetachedSignature({ contentSha256: signed.sha256, certificatesDer: certificate.chainDer, signer: await signerForKey(client, certificate.keyId), signingTime: now });
    const sha256 = Buffer.from(signed.sha256).toString("hex");
    const row = await client.$transaction(
      async (tx) => {
        const created = await tx.artifact.create({
          data: {
            id,
            orgId: org.id,
            pluginId,
            version: signed.manifest.version,
            sha256,
            size: BigInt(signed.size),
            files: signed.files,
            certificateId: certificate.id,
            storagePath: artifactStoragePath(id),
            signature: toBytes(signature),
            uploadedById: user.userId,
          },
          select: artifactSelect,
        });
        await appendAuditEvent(tx, {
          actor,
          action: "artifact.signed",
          subjectType: "artifact",
          subjectId: id,
          orgId: org.id,
          at: now,
          details: { pluginId, version: signed.manifest.version, sha256, size: signed.size, files: signed.files.length, certificateSerial: certificate.serialHex, keyId: certificate.keyId, uploadedBytes: upload.archiveBytes },
        });
        // Last step inside the transaction: if the rename fails, the row is rolled back with it.
        await fs.promises.rename(partial, finalPath);
        renamed = true;
        return created;
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
    return serializeArtifact(row, { withFiles: true });
  } catch (err) {
    await removeQuietly(partial, renamed ? finalPath : undefined);
    throw err;
  } finally {
    await upload.cleanup();
  }
}
