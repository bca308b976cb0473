// An org member uploads a plugin archive; Signet signs it with the plugin's hosted key (Jami
// signatures inside, detached CMS beside), stores it, and records who, when and what. The signed
// bytes go into PostgreSQL (lib/server/artifacts/artifact-bytes.ts), committed just before the row
// and audit event; if the row does not commit, the pieces are deleted here or by the sweep.
import crypto from "node:crypto";
import { db } from "../../db";
import { createDetachedSignature } from "../../pki/cms/signed-data";
import { appendAuditEvent } from "../audit/append-audit-event";
import { artifactEventData, enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import type { Principal } from "../auth/principal";
import { issuerChain } from "../certificates/list-certificates";
import { toBytes } from "../db/bytes";
import { AppError } from "../errors";
import { signerForKey } from "../keys/signer-for-key";
import { pluginIdSchema } from "../orgs/naming";
import { orgForArtifacts } from "./artifact-access";
import { receiveUpload } from "./receive-upload";
import { assertTargetCanSign, signForTarget } from "./sign-for-target";
import { targetSchema } from "../targets/store-targets";
import { artifactSelect, serializeArtifact } from "./serialize-artifact";
import { artifactStoragePath, ensureDir, partialArtifactPath, removeQuietly, ARTIFACTS_DIR } from "./storage";
import { deleteArtifactBytes, storeArtifactBytes } from "./artifact-bytes";
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

/**
 * `rawTarget` is the store format the plugin is registered for (API.md `?target=`, default jami): the
 * per-target step makes the store's signed artifact; the detached CMS by the plugin certificate, the
 * record, audit and revocation are the same for every target.
 */
export async function signArtifactUpload(actor: Principal, slug: string, rawPluginId: string, req: Request, now = new Date(), rawTarget: string | null = null) {
  const pluginId = pluginIdSchema.parse(rawPluginId);
  const parsedTarget = targetSchema.safeParse(rawTarget ?? "jami");
  if (!parsedTarget.success) throw new AppError("bad_request", `Unknown target '${rawTarget}': one of ${targetSchema.options.join(", ")}`);
  const target = parsedTarget.data;
  const { user, org } = await orgForArtifacts(actor, slug, "upload");
  if (org.status !== "approved") throw new AppError("conflict", `The organization is ${org.status}; signing needs an approved organization`);
  await requireSecondFactor(await db(), actor, "sign archives");
  const certificate = await signingCertificate(org.id, pluginId, now);
  const client = await db();
  await assertTargetCanSign(client, target);
  // Authorized and signable: only now take the (possibly large) body.
  const upload = await receiveUpload(req);
  await ensureDir(ARTIFACTS_DIR);
  const id = crypto.randomUUID();
  const partial = partialArtifactPath(id);
  const storagePath = artifactStoragePath(id, target);
  let stored = false;
  let committed = false;
  try {
    const orgSettings = await client.organization.findUniqueOrThrow({ where: { id: org.id }, select: { grafanaRootUrls: true } });
    const signed = await signForTarget({ client, target, inputPath: upload.archivePath, outputPath: partial, pluginId, org: { slug: org.slug, name: org.name, grafanaRootUrls: orgSettings.grafanaRootUrls }, certificate, now });
    const signature = await createDetachedSignature({ contentSha256: signed.sha256, certificatesDer: certificate.chainDer, signer: await signerForKey(client, certificate.keyId), signingTime: now });
    const sha256 = Buffer.from(signed.sha256).toString("hex");
    stored = true;
    await storeArtifactBytes(id, partial);
    const row = await client.$transaction(
      async (tx) => {
        const created = await tx.artifact.create({
          data: {
            id,
            orgId: org.id,
            pluginId,
            version: signed.version,
            target,
            sha256,
            size: BigInt(signed.size),
            files: signed.files,
            certificateId: certificate.id,
            storagePath,
            storage: "database",
            signature: toBytes(signature),
            storeSignature: signed.storeSignature ? toBytes(signed.storeSignature) : null,
            storeKeyIds: signed.storeKeyIds,
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
          details: { target, pluginId, version: signed.version, sha256, size: signed.size, files: signed.files.length, certificateSerial: certificate.serialHex, keyId: certificate.keyId, ...(signed.storeKeyIds.length ? { storeKeyIds: signed.storeKeyIds } : {}), uploadedBytes: upload.archiveBytes },
        });
        await enqueueWebhookEvent(tx, "artifact.signed", org.id, async () => ({ ...(await artifactEventData(tx, { id, orgId: org.id, pluginId, version: signed.version, sha256, target })), certificateSerial: certificate.serialHex }));
        return created;
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
    committed = true;
    kickWebhookDeliveries();
    return serializeArtifact(row, { withFiles: true });
  } catch (err) {
    if (stored && !committed) await deleteArtifactBytes(id).catch(() => {});
    throw err;
  } finally {
    await removeQuietly(partial);
    await upload.cleanup();
  }
}
