import { requireConsoleUser } from "@/lib/server/auth/current-principal";
import { PluginDetailView } from "@/components/orgs/plugin-detail";

export const metadata = { title: "Plugin" };

export default async function PluginPage({ params }: { params: Promise<{ slug: string; pluginId: string }> }) {
  const { slug, pluginId } = await params;
  const id = decodeURIComponent(pluginId);
  const user = await requireConsoleUser(`/orgs/${slug}/plugins/${pluginId}`);
  const membership = user.memberships.find((m) => m.slug === slug);
  return <PluginDetailView slug={slug} pluginId={id} canRevoke={user.isOperator || membership?.role === "owner" || membership?.role === "admin"} />;
}
