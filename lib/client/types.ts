// The JSON shapes the console reads (mirrors of lib/server serializers; see API.md).
import type { PendingRevocationJson } from "@/lib/server/certificates/pending-revocations";
import type { DecodedCertificate } from "@/lib/server/certificates/describe-certificate";

export type { DecodedCertificate };
export type CaItem = { id: string; kind: "root" | "org"; subject: string; serial: string; notBefore: string; notAfter: string; status: string; parentId: string | null; orgId: string | null; certificatePem: string };

export type OrgItem = {
  id: string;
  name: string;
  slug: string;
  status: "pending" | "approved" | "rejected" | "suspended";
  pluginIdPrefix: string;
  contactEmail: string | null;
  contactVerified: boolean;
  rejectionReason: string | null;
  suspendedAt?: string | null;
  suspensionReason?: string | null;
  createdAt: string;
  grafanaRootUrls: string[];
  ca: { id: string; status: string; keyMode: string; serial: string | null; notAfter: string | null } | null;
};

export type RequestItem = {
  id: string;
  kind: "org-ca" | "plugin-cert";
  status: "pending" | "approved" | "rejected" | "withdrawn";
  orgSlug: string;
  pluginId?: string;
  subject: string;
  keyMode: "hosted" | "external";
  keyAlgorithm: string;
  keySize?: number;
  fingerprintSha256: string | null;
  createdAt: string;
  decidedAt?: string;
  rejectionReason?: string;
  contactVerified?: boolean;
  /** While store policy needs more than one operator for an org CA: who approved, how many are needed. */
  approvals?: Approvals;
  certificateSerial?: string;
};

export type Approvals = { have: number; need: number; by: { email: string; at: string }[] };

export type RequestDetail = RequestItem & {
  /** pending requests: whether the signed-in user may decide it, and if not why (who does). */
  decision?: { allowed: true } | { allowed: false; reason: string };
  org: { name: string; slug: string; pluginIdPrefix: string; status: string };
  /** org-ca requests: the contact address, whether it is verified, and where its link was mailed. */
  contact?: { email: string | null; verified: boolean; mail: "smtp" | "outbox" };
  csr: { subject: string; keyAlgorithm: string; keySize: number; fingerprintSha256: string; requestedExtensions: { oid: string; name: string; critical: boolean; summary: string }[] } | null;
  willIssue: WillIssue;
  /** The requester (or an org admin) may withdraw it. */
  withdrawable?: boolean;
  /** A renewal: the serial it renews, and whether it asks for a new key. */
  renews?: string;
  rekey?: boolean;
};

/** How Signet's profile will write the certificate, and the CSR part by part beside it (GET /requests/{id} and the preview route). */
export type WillIssue = {
  subject: string;
  validityDays: number;
  key: string;
  extensions: string[];
  fromCsr: {
    subject: string;
    subjectAttributes: { type: string; value: string; kept: boolean }[];
    extensions: { oid: string; name: string; critical: boolean; summary: string; outcome: "same" | "replaced" | "dropped"; issuedAs?: string }[];
  } | null;
  ignoredFromCsr: string[];
};

export type CertificateItem = {
  id: string;
  serial: string;
  kind: "root-ca" | "org-ca" | "plugin" | "ocsp-responder";
  subject: string;
  issuerCaId: string | null;
  orgSlug: string | null;
  pluginId: string | null;
  notBefore: string;
  notAfter: string;
  status: string;
  keyMode: string;
  fingerprintSha256: string | null;
  revocation?: { reason: string; revokedAt: string; invalidityDate: string | null };
};

export type CertificateDetail = CertificateItem & {
  pem: string;
  chainPem: string;
  issuer: { subject: string; serial: string | null } | null;
  decoded: DecodedCertificate | null;
  /** org CA, operators: a revocation waiting for more operators (store policy orgCaRevocationApprovals). */
  pendingRevocation?: PendingRevocation;
};

export type PendingRevocation = PendingRevocationJson;
