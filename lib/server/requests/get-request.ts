// One request with everything an approver needs: the parsed CSR (what was asked) beside the
// certificate it will become (what the profile decides).
import { db } from "../../db";
import { CsrError, parseCsr, type ParsedCsr } from "../../pki/csr/parse-csr";
import { isOperator, isOrgAdmin, membershipIn, type Principal } from "../auth/principal";
import { AppError } from "../errors";
import { requireUser } from "../auth/principal";
import { readStorePolicy } from "../settings/store-policy";
import { decisionRefusal } from "./authorize-decision";
import { ISSUED_CERTIFICATE } from "./list-requests";
import { serializeRequest } from "./serialize-request";
import { env } from "../../env";
import { willIssue } from "./will-issue";

export async function getRequest(actor: Principal, requestId: string) {
  const user = requireUser(actor);
  const client = await db();
  const r = await client.certificateRequest.findUnique({ where: { id: requestId }, include: { org: true, approvals: { select: { email: true, createdAt: true } }, certificates: ISSUED_CERTIFICATE } });
  if (!r || !(isOperator(user) || membershipIn(user, r.orgId))) throw new AppError("not_found", "Request not found");
  const policy = await readStorePolicy(client);
  const { csr, csrProblem } = reparse(r.csrDer);
  const isOrgCa = r.kind === "org_ca";
  const issuerCaId = isOrgCa
    ? (await client.certificateAuthority.findFirst({ where: { kind: "root", status: "active" }, select: { id: true } }))?.id
    : (await client.certificateAuthority.findFirst({ where: { orgId: r.orgId, kind: "org", status: "active", supersededAt: null }, orderBy: { createdAt: "desc" }, select: { id: true } }))?.id;
  const renews = r.renewsCertificateId ? await client.certificate.findUnique({ where: { id: r.renewsCertificateId }, select: { serialHex: true } }) : null;
  return {
    ...serializeRequest(r, policy.orgCaApprovals),
    // Pending requests: whether this actor may approve or reject, and if not, who does.
    ...(r.status === "pending" ? { decision: decisionFor(user, r, policy) } : {}),
    // The requester (or an org admin) may take a pending request back; a registration is decided by operators.
    withdrawable: r.status === "pending" && (r.kind === "plugin_cert" || r.renewsCertificateId !== null) && membershipIn(user, r.orgId) !== undefined && (r.requestedById === user.userId || isOrgAdmin(user, r.orgId)),
    ...(renews ? { renews: renews.serialHex, rekey: r.newKey || r.csrDer !== null } : {}),
    org: { name: r.org.name, slug: r.org.slug, pluginIdPrefix: r.org.pluginIdPrefix, status: r.org.status },
    // org-ca requests: where the verification link went (an approver needs it verified first), and
    // whether it reached a mail server or the outbox operators read in Settings.
    ...(isOrgCa ? { contact: { email: r.org.contactEmail, verified: r.org.contactVerifiedAt !== null, mail: env().mail.smtpUrl ? ("smtp" as const) : ("outbox" as const) } } : {}),
    ...(csrProblem ? { csrProblem } : {}),
    csr: csr ? { subject: csr.subject, keyAlgorithm: csr.keyAlgorithm, keySize: csr.keySize, fingerprintSha256: csr.fingerprintSha256, requestedExtensions: csr.requestedExtensions } : null,
    willIssue: willIssue({
      kind: r.kind,
      orgName: r.org.name,
      pluginId: r.pluginId,
      keyMode: r.keyMode,
      keyAlgorithm: r.keyAlgorithm,
      csr,
      issuerCaId,
      validityDays: isOrgCa ? policy.orgCaValidityDays : policy.pluginCertValidityDays,
    }),
  };
}

function decisionFor(user: Parameters<typeof decisionRefusal>[0], r: Parameters<typeof decisionRefusal>[1], policy: Parameters<typeof decisionRefusal>[2]) {
  const refusal = decisionRefusal(user, r, policy);
  return refusal ? { allowed: false as const, reason: refusal } : { allowed: true as const };
}

/** A CSR stored before today's checks may fail them now: the approver sees why instead of a 500. */
function reparse(der: Uint8Array | null): { csr?: ParsedCsr; csrProblem?: string } {
  if (!der) return {};
  try {
    return { csr: parseCsr(der) };
  } catch (err) {
    if (err instanceof CsrError) return { csrProblem: `The stored CSR is refused by today's checks: ${err.message}` };
    throw err;
  }
}
