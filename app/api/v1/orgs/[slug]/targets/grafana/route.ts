import { apiRoute, parseJsonBody } from "@/lib/server/http/route";
import { grafanaOrgSettingsBody, updateGrafanaOrgSettings } from "@/lib/server/orgs/update-grafana-settings";

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ slug: string }>(async ({ req, principal, params }) => updateGrafanaOrgSettings(principal, params.slug, await parseJsonBody(req, grafanaOrgSettingsBody)));
