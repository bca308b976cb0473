import type { CertificateRequest } from "../../generated/prisma/client";

export type RequestJson = {
  id: string;
  kind: "org-ca" | "plugin-cert";
  status: string;
  orgSlug: string;
  pluginId?: string;
  subject: string;
  keyMode: string;
  keyAlgorithm: string;
  keySize?: number;
  fingerprintSha256: string | null;
  createdAt: string;
  decidedAt?: string;
  rejectionReason?: string;
  /** org-ca requests: whether the organization's contact address is verified (an operator cannot approve before). */
  contactVerified?: boolean;
  /** org-ca requests while store policy needs more than one operator: who approved, and how many are needed. */
  approvals?: { have: number; need: number; by: { email: string; at: string }[] };
  /** approved requests: the serial of the certificate issued from it, so the console can link to it. */
  certificateSerial?: string;
};

type ApprovalRow = { email: string; createdAt: Date };

export function serializeRequest(r: CertificateRequest & { org: { slug: string; contactVerifiedAt?: Date | null }; approvals?: ApprovalRow[]; certificates?: { serialHex: string }[] }, orgCaApprovals = 1): RequestJson {
  const recorded = [...(r.approvals ?? [])].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return {
    id: r.id,
    kind: r.kind === "org_ca" ? "org-ca" : "plugin-cert",
    status: r.status,
    orgSlug: r.org.slug,
    ...(r.pluginId ? { pluginId: r.pluginId } : {}),
    subject: r.subject,
    keyMode: r.keyMode,
    keyAlgorithm: r.keyAlgorithm,
    ...(r.keySize ? { keySize: r.keySize } : {}),
    fingerprintSha256: r.fingerprintSha256,
    createdAt: r.createdAt.toISOString(),
    ...(r.decidedAt ? { decidedAt: r.decidedAt.toISOString() } : {}),
    ...(r.rejectionReason ? { rejectionReason: r.rejectionReason } : {}),
    ...(r.kind === "org_ca" && r.org.contactVerifiedAt !== undefined ? { contactVerified: r.org.contactVerifiedAt !== null } : {}),
    // Shown while the policy asks for more than one person, and on any request that collected approvals.
    ...(r.kind === "org_ca" && r.approvals !== undefined && (orgCaApprovals > 1 || recorded.length > 0)
      ? { approvals: { have: recorded.length, need: Math.max(orgCaApprovals, 1), by: recorded.map((a) => ({ email: a.email, at: a.createdAt.toISOString() })) } }
      : {}),
    ...(r.certificates?.[0] ? { certificateSerial: r.certificates[0].serialHex } : {}),
  };
}
