// Revoking one signed artifact (one plugin version) without touching its certificate: verifiers
// then report it invalid by its SHA-256.
import { z } from "zod";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Principal } from "../auth/principal";
import { AppError } from "../errors";
import { canRevokeArtifact, findVisibleArtifact } from "./artifact-access";
import { artifactSelect, serializeArtifact } from "./serialize-artifact";
import { kickMailDelivery } from "../mail/deliver-mail";
import { artifactEventData, enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { mailArtifactRevoked } from "../notifications/mail-notices";
import { requireSecondFactor } from "../auth/require-second-factor";

export const revokeArtifactInput = z.object({
  reason: z.string().trim().min(3, "Say why the artifact is revoked").max(500),
});

export async function revokeArtifact(actor: Principal, id: string, raw: z.input<typeof revokeArtifactInput>, now = new Date()) {
  const input = revokeArtifactInput.parse(raw);
  const { user, row } = await findVisibleArtifact(actor, id);
  if (!canRevokeArtifact(user, row.orgId)) throw new AppError("forbidden", "Only an organization admin or a store operator revokes artifacts");
  await requireSecondFactor(await db(), actor, "revoke artifacts");
  const revokedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const updated = await (await db()).$transaction(async (tx) => {
    const locked = await tx.$queryRawUnsafe<{ revokedAt: Date | null }[]>(`SELECT "revokedAt" FROM artifact WHERE id = $1 FOR UPDATE`, row.id);
    if (locked[0]?.revokedAt) throw new AppError("conflict", "The artifact is already revoked");
    const result = await tx.artifact.update({
      where: { id: row.id },
      data: { revokedAt, revocationReason: input.reason, revokedById: user.userId },
      select: artifactSelect,
    });
    await appendAuditEvent(tx, {
      actor,
      action: "artifact.revoked",
      subjectType: "artifact",
      subjectId: row.id,
      orgId: row.orgId,
      at: now,
      details: { pluginId: row.pluginId, version: row.version, sha256: row.sha256, reason: input.reason },
    });
    await mailArtifactRevoked(tx, row, input.reason);
    await enqueueWebhookEvent(tx, "artifact.revoked", row.orgId, async () => ({ ...(await artifactEventData(tx, row)), reason: input.reason, revokedAt: revokedAt.toISOString() }));
    return result;
  });
  kickMailDelivery();
  kickWebhookDeliveries();
  return serializeArtifact(updated, { withFiles: false });
}
