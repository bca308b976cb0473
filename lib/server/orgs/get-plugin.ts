// One plugin id of an organization, everything Signet holds about it: its certificates (newest
// first, with renewals and revocations), the versions signed and each signed artifact, and its
// requests. Members and operators; another organization's plugin is "not found".
import { db } from "../../db";
import type { Principal } from "../auth/principal";
import { AppError } from "../errors";
import { orgForArtifacts } from "../artifacts/artifact-access";
import { artifactSelect, serializeArtifact } from "../artifacts/serialize-artifact";
import { serializeCertificate } from "../certificates/serialize-certificate";
import { serializeRequest } from "../requests/serialize-request";
import { ISSUED_CERTIFICATE } from "../requests/list-requests";

const PLUGIN_ID = /^[A-Za-z0-9._-]{1,128}$/;

export async function getPlugin(actor: Principal, slug: string, pluginId: string) {
  const { user, org } = await orgForArtifacts(actor, slug, "read");
  if (!PLUGIN_ID.test(pluginId)) throw new AppError("not_found", "Plugin not found");
  const client = await db();
  const [certificates, artifacts, requests] = await Promise.all([
    client.certificate.findMany({
      where: { orgId: org.id, pluginId, kind: "plugin", status: { in: ["issued", "revoked"] } },
      orderBy: [{ notBefore: "desc" }, { id: "desc" }],
      take: 200,
      include: { revocation: true, org: { select: { slug: true, name: true } }, request: { select: { renewsCertificateId: true } } },
    }),
    client.artifact.findMany({ where: { orgId: org.id, pluginId }, orderBy: { createdAt: "desc" }, take: 500, select: artifactSelect }),
    client.certificateRequest.findMany({ where: { orgId: org.id, pluginId }, orderBy: { createdAt: "desc" }, take: 50, include: { org: { select: { slug: true } }, certificates: ISSUED_CERTIFICATE } }),
  ]);
  if (certificates.length === 0 && artifacts.length === 0 && requests.length === 0) throw new AppError("not_found", "Plugin not found");
  const serialOf = new Map(certificates.map((c) => [c.id, c.serialHex]));
  const signed = artifacts.map((a) => serializeArtifact(a, { withFiles: false }));
  const versions = [...new Set(signed.map((a) => a.version))].map((version) => {
    const of = signed.filter((a) => a.version === version);
    return { version, artifacts: of.length, active: of.filter((a) => !a.revocation && !a.certificateRevoked).length, firstSignedAt: of[of.length - 1].createdAt, lastSignedAt: of[0].createdAt };
  });
  return {
    orgSlug: org.slug,
    orgName: org.name,
    orgStatus: org.status,
    pluginId,
    certificates: certificates.map((c) => {
      const { pem: _pem, chainPem: _chain, ...rest } = serializeCertificate(c);
      const renews = c.request?.renewsCertificateId ? (serialOf.get(c.request.renewsCertificateId) ?? null) : null;
      return { ...rest, renews, downloadUrl: `/api/v1/certificates/${c.serialHex}?format=pem`, chainUrl: `/api/v1/certificates/${c.serialHex}?format=chain` };
    }),
    versions,
    artifacts: signed,
    requests: requests.map((r) => serializeRequest(r)),
    viewer: { isOperator: user.isOperator },
  };
}

/** The plugin ids an organization has certificates or artifacts for, with counts. */
export async function listPlugins(actor: Principal, slug: string) {
  const { org } = await orgForArtifacts(actor, slug, "read");
  const client = await db();
  const [certs, arts] = await Promise.all([
    client.certificate.groupBy({ by: ["pluginId"], where: { orgId: org.id, kind: "plugin", status: { in: ["issued", "revoked"] } }, _count: { _all: true }, _max: { notAfter: true } }),
    client.artifact.groupBy({ by: ["pluginId"], where: { orgId: org.id }, _count: { _all: true } }),
  ]);
  const ids = [...new Set([...certs.map((c) => c.pluginId), ...arts.map((a) => a.pluginId)].filter((p): p is string => Boolean(p)))].sort();
  return ids.map((pluginId) => {
    const c = certs.find((x) => x.pluginId === pluginId);
    return { pluginId, certificates: c?._count._all ?? 0, artifacts: arts.find((x) => x.pluginId === pluginId)?._count._all ?? 0, latestNotAfter: c?._max.notAfter?.toISOString() ?? null };
  });
}
