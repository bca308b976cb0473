// The Grafana root URLs an organization's private plugins are signed for (FORMATS.md §6 rootUrls): a Grafana
// whose root_url is not among them refuses the plugin as invalid, so they are the org admin's to state.
import { z } from "zod";
import { db } from "../../db";
import { goUrl } from "../../pki/grafana/manifest";
import { appendAuditEvent } from "../audit/append-audit-event";
import { isOperator, isOrgAdmin, membershipIn, requireUser, type Principal } from "../auth/principal";
import { AppError } from "../errors";

export const grafanaOrgSettingsBody = z
  .object({
    rootUrls: z
      .array(
        z
          .string()
          .max(500)
          .refine((u) => {
            const parsed = goUrl(u);
            return Boolean(parsed && /^https?$/i.test(parsed.scheme) && parsed.host);
          }, "each root URL is an absolute http(s) URL, as Grafana's root_url"),
      )
      .max(20),
  })
  .strict();

export async function updateGrafanaOrgSettings(actor: Principal, slug: string, body: z.infer<typeof grafanaOrgSettingsBody>) {
  const user = requireUser(actor);
  const client = await db();
  const org = await client.organization.findUnique({ where: { slug }, select: { id: true, grafanaRootUrls: true } });
  if (!org || !(membershipIn(user, org.id) || isOperator(user))) throw new AppError("not_found", "Organization not found");
  if (!isOrgAdmin(user, org.id) && !isOperator(user)) throw new AppError("forbidden", "Only the organization's admins set its Grafana root URLs");
  return client.$transaction(async (tx) => {
    const updated = await tx.organization.update({ where: { id: org.id }, data: { grafanaRootUrls: body.rootUrls }, select: { grafanaRootUrls: true } });
    await appendAuditEvent(tx, { actor, action: "org.grafana_root_urls_updated", subjectType: "organization", subjectId: org.id, orgId: org.id, details: { from: org.grafanaRootUrls, to: body.rootUrls } });
    return { rootUrls: updated.grafanaRootUrls };
  });
}
