// The tree a person sees: Root CA → organization CAs → plugin certificates, scoped to the viewer.
import { db } from "../../db";
import { isOperator, type Principal } from "../auth/principal";
import { certificateStatus } from "../certificates/serialize-certificate";
import { requireUser } from "../auth/principal";

export type HierarchyNode = {
  id: string;
  kind: "root" | "org" | "plugin";
  label: string;
  detail: string;
  status: string;
  serial: string | null;
  href: string | null;
  notAfter: string | null;
  daysLeft: number | null;
  children: HierarchyNode[];
};

const daysUntil = (notAfter: Date, now: Date) => Math.max(0, Math.ceil((notAfter.getTime() - now.getTime()) / 86_400_000));

export async function getHierarchy(actor: Principal, now = new Date()): Promise<HierarchyNode[]> {
  const user = requireUser(actor);
  const client = await db();
  const orgScope = isOperator(user) ? {} : { orgId: { in: user.memberships.map((m) => m.orgId) } };
  const cas = await client.certificateAuthority.findMany({
    where: { OR: [{ kind: "root" }, { kind: "org", ...orgScope }] },
    orderBy: { createdAt: "asc" },
    include: { certificate: true, org: { select: { name: true, slug: true } } },
  });
  const plugins = await client.certificate.findMany({
    where: { kind: "plugin", status: { in: ["issued", "revoked"] }, ...orgScope },
    orderBy: { createdAt: "asc" },
    select: { id: true, serialHex: true, subject: true, pluginId: true, status: true, notAfter: true, issuerCaId: true },
  });
  const node = (ca: (typeof cas)[number]): HierarchyNode => ({
    id: ca.id,
    kind: ca.kind,
    notAfter: ca.certificate?.notAfter.toISOString() ?? null,
    daysLeft: ca.certificate ? daysUntil(ca.certificate.notAfter, now) : null,
    label: ca.kind === "root" ? ca.subject : `${ca.org?.name ?? ca.subject}`,
    detail: ca.kind === "root" ? "Root CA" : `Organization CA · ${ca.keyId ? "hosted key" : "external key"}`,
    status: ca.certificate ? (ca.status === "revoked" ? "revoked" : certificateStatus(ca.certificate, now)) : ca.status,
    serial: ca.certificate?.serialHex ?? null,
    href: ca.certificate ? `/certificates/${ca.certificate.serialHex}` : null,
    children: [
      ...cas.filter((child) => child.parentId === ca.id && child.certificate).map(node),
      ...plugins
        .filter((p) => p.issuerCaId === ca.id)
        .map((p) => ({
          id: p.id,
          kind: "plugin" as const,
          label: p.pluginId ?? p.subject,
          detail: "Plugin certificate",
          status: certificateStatus(p, now),
          serial: p.serialHex,
          href: `/certificates/${p.serialHex}`,
          notAfter: p.notAfter.toISOString(),
          daysLeft: daysUntil(p.notAfter, now),
          children: [],
        })),
    ],
  });
  return cas.filter((ca) => ca.kind === "root" && ca.certificate).map(node);
}
