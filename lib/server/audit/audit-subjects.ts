// What an audit event is about, in words people use: a certificate as its serial and plugin id, a
// request as its plugin id, an artifact as plugin id and version, an organization by name — each
// with the console page that shows it. One query per kind for a whole page of events.
import type { Db } from "../../db";

type EventRef = { subjectType: string; subjectId: string | null; orgId: string | null };
export type SubjectView = { label: string; href: string | null };
export type OrgView = { slug: string; name: string };

const ORG_TYPES = new Set(["org", "organization"]);

export async function describeSubjects(client: Db, events: EventRef[]) {
  const ids = (type: (t: string) => boolean) => [...new Set(events.filter((e) => type(e.subjectType) && e.subjectId).map((e) => e.subjectId as string))];
  const certificateIds = ids((t) => t === "certificate");
  const requestIds = ids((t) => t === "request");
  const artifactIds = ids((t) => t === "artifact");
  const orgIds = [...new Set([...ids((t) => ORG_TYPES.has(t)), ...events.flatMap((e) => (e.orgId ? [e.orgId] : []))])];
  const [certificates, requests, artifacts, orgs] = await Promise.all([
    certificateIds.length ? client.certificate.findMany({ where: { id: { in: certificateIds } }, select: { id: true, serialHex: true, pluginId: true, subject: true, kind: true } }) : [],
    requestIds.length ? client.certificateRequest.findMany({ where: { id: { in: requestIds } }, select: { id: true, kind: true, pluginId: true, org: { select: { slug: true } } } }) : [],
    artifactIds.length ? client.artifact.findMany({ where: { id: { in: artifactIds } }, select: { id: true, pluginId: true, version: true, org: { select: { slug: true } } } }) : [],
    orgIds.length ? client.organization.findMany({ where: { id: { in: orgIds } }, select: { id: true, slug: true, name: true } }) : [],
  ]);
  const subjects = new Map<string, SubjectView>();
  for (const c of certificates) subjects.set(`certificate:${c.id}`, { label: `${c.pluginId ?? c.subject} · serial ${c.serialHex}`, href: `/certificates/${c.serialHex}` });
  for (const r of requests) subjects.set(`request:${r.id}`, { label: r.kind === "org_ca" ? `organization CA request · ${r.org.slug}` : `request for ${r.pluginId}`, href: `/orgs/${r.org.slug}` });
  for (const a of artifacts) subjects.set(`artifact:${a.id}`, { label: `${a.pluginId} ${a.version}`, href: `/orgs/${a.org.slug}` });
  const orgById = new Map(orgs.map((o) => [o.id, { slug: o.slug, name: o.name }]));
  for (const o of orgs) subjects.set(`org:${o.id}`, { label: o.name, href: `/orgs/${o.slug}` });
  return {
    subject: (e: EventRef): SubjectView | null => {
      if (!e.subjectId) return null;
      const type = ORG_TYPES.has(e.subjectType) ? "org" : e.subjectType;
      return subjects.get(`${type}:${e.subjectId}`) ?? null;
    },
    org: (e: EventRef): OrgView | null => (e.orgId ? (orgById.get(e.orgId) ?? null) : null),
  };
}

/**
 * The ids of the things a search names: a serial (or its start), a plugin id, an organization slug
 * or name. Events about any of them (or inside the organization) match.
 */
export async function subjectIdsFor(client: Db, text: string, cap = 1000): Promise<{ subjectIds: string[]; orgIds: string[] }> {
  const hex = text.replace(/:/g, "").toLowerCase();
  const isHex = /^[0-9a-f]{4,64}$/.test(hex);
  const [certificates, requests, artifacts, orgs] = await Promise.all([
    client.certificate.findMany({ where: { OR: [...(isHex ? [{ serialHex: { startsWith: hex } }] : []), { pluginId: text }] }, select: { id: true }, take: cap }),
    client.certificateRequest.findMany({ where: { pluginId: text }, select: { id: true }, take: cap }),
    client.artifact.findMany({ where: { OR: [{ pluginId: text }, ...(isHex ? [{ sha256: { startsWith: hex } }] : [])] }, select: { id: true }, take: cap }),
    client.organization.findMany({ where: { OR: [{ slug: text.toLowerCase() }, { name: { equals: text, mode: "insensitive" } }] }, select: { id: true }, take: cap }),
  ]);
  return { subjectIds: [...certificates, ...requests, ...artifacts, ...orgs].map((r) => r.id), orgIds: orgs.map((o) => o.id) };
}
