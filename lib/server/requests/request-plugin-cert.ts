// An org member asks for a plugin certificate: with a CSR (a key they hold, possibly generated in
// their browser) or with a key Signet generates and holds (needed for server-side signing).
import { z } from "zod";
import { db } from "../../db";
import { appendAuditEvent } from "../audit/append-audit-event";
import { isOperator, membershipIn, requireUser, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { pluginIdInPrefix, pluginIdSchema } from "../orgs/naming";
import { PROFILES } from "../../pki/certificate/profiles";
import { csrSummary, parseCsrField } from "./csr-input";
import { serializeRequest } from "./serialize-request";
import { kickWebhookDeliveries } from "../webhooks/deliver-webhooks";
import { enqueueWebhookEvent } from "../webhooks/enqueue-webhook-event";
import { lockPluginId } from "./lock-plugin-id";

// Jami verifies RSA PKCS#1 v1.5 SHA-512 only, so plugin keys are RSA (the plugin profile's keys).
export const PLUGIN_KEY_ALGORITHMS = ["rsa-2048", "rsa-3072", "rsa-4096"] as const satisfies typeof PROFILES.plugin.allowedKeys;

export const pluginCertRequestInput = z.object({
  pluginId: pluginIdSchema,
  csrPem: z.string().max(70_000).optional(),
  keyAlgorithm: z.enum(PLUGIN_KEY_ALGORITHMS).optional(),
});

/**
 * Everything a plugin-certificate request must pass before it is stored, shared with the dry-run
 * preview (preview-plugin-cert.ts), so the preview refuses exactly what the request would.
 */
export async function checkPluginCertRequest(actor: ReturnType<typeof requireUser>, orgSlug: string, input: z.output<typeof pluginCertRequestInput>) {
  const client = await db();
  const org = await client.organization.findUnique({ where: { slug: orgSlug } });
  if (!org || !(membershipIn(actor, org.id) || isOperator(actor))) throw new AppError("not_found", "Organization not found");
  if (!membershipIn(actor, org.id)) throw new AppError("forbidden", "Only members of the organization request its plugin certificates");
  if (org.status !== "approved") throw new AppError("conflict", `The organization is ${org.status}; plugin certificates need an approved organization`);
  const orgCa = await client.certificateAuthority.findFirst({ where: { orgId: org.id, kind: "org" }, orderBy: { createdAt: "desc" }, select: { id: true, keyId: true, status: true } });
  // Nobody could ever approve it: only the organization holds the key that signs its plugin certificates.
  if (orgCa && !orgCa.keyId) {
    throw new AppError("conflict", "This organization keeps its own CA key: issue plugin certificates offline with `signet issue` and register them (POST /api/v1/orgs/{slug}/certificates)");
  }
  if (!pluginIdInPrefix(input.pluginId, org.pluginIdPrefix)) {
    throw new AppError("bad_request", `The plugin id must start with the organization's prefix '${org.pluginIdPrefix}'`, { errors: [{ path: "pluginId", message: `must start with the organization's prefix ${org.pluginIdPrefix}` }] });
  }
  const csr = input.csrPem ? parseCsrField(input.csrPem, PROFILES.plugin, ": Jami verifies RSA PKCS#1 v1.5 SHA-512 signatures only") : undefined;
  if (csr && input.keyAlgorithm) throw new AppError("bad_request", "keyAlgorithm applies to hosted keys only; a CSR brings its own key");
  return { client, org, csr, issuerCaId: orgCa?.status === "active" ? orgCa.id : undefined };
}

export async function requestPluginCert(principal: Principal, orgSlug: string, raw: z.input<typeof pluginCertRequestInput>) {
  const actor = requireUser(principal);
  const input = pluginCertRequestInput.parse(raw);
  const { client, org, csr } = await checkPluginCertRequest(actor, orgSlug, input);
  const created = await client.$transaction(async (tx) => {
    // One pending request per plugin id: two would be two decisions about one plugin's key and
    // certificate, and approving both would issue twice. The lock makes check-then-insert atomic.
    await lockPluginId(tx, org.id, input.pluginId);
    const pending = await tx.certificateRequest.findFirst({ where: { orgId: org.id, pluginId: input.pluginId, kind: "plugin_cert", status: "pending" }, select: { id: true } });
    if (pending) throw new AppError("conflict", `A certificate request for ${input.pluginId} is already pending (${pending.id}): approve or reject it first`);
    const request = await tx.certificateRequest.create({
      data: {
        kind: "plugin_cert",
        orgId: org.id,
        pluginId: input.pluginId,
        keyMode: csr ? "external" : "hosted",
        subject: `O=${org.name}, CN=${input.pluginId}`,
        keyAlgorithm: csr?.keyAlgorithm ?? input.keyAlgorithm ?? "rsa-3072",
        ...(csr ? csrSummary(csr) : {}),
        requestedById: actor.userId,
      },
      include: { org: { select: { slug: true } } },
    });
    await appendAuditEvent(tx, {
      actor,
      action: "request.created",
      subjectType: "request",
      subjectId: request.id,
      orgId: org.id,
      details: { kind: "plugin_cert", pluginId: input.pluginId, keyMode: request.keyMode, keyAlgorithm: request.keyAlgorithm },
    });
    const json = serializeRequest(request);
    await enqueueWebhookEvent(tx, "request.pending", org.id, () => ({ requestId: json.id, kind: json.kind, orgSlug: json.orgSlug, pluginId: json.pluginId, subject: json.subject, keyMode: json.keyMode }));
    return { request: json };
  }, { timeout: 30_000, maxWait: 30_000 });
  kickWebhookDeliveries();
  return created;
}
