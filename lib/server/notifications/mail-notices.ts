// The mail an organization's admins receive about their certificates and requests. Each is queued
// in the transaction of the change it reports (lib/server/mail/enqueue-mail.ts); the caller kicks
// delivery after commit.
import type { Tx } from "../../db";
import { composeMail, consoleLink } from "../mail/compose-mail";
import { enqueueMail, orgAdminAddresses } from "../mail/enqueue-mail";

type RequestFacts = { id: string; kind: "org_ca" | "plugin_cert"; orgId: string; pluginId: string | null; subject: string };

export async function mailRequestDecided(tx: Tx, request: RequestFacts, status: "approved" | "rejected", reason?: string): Promise<void> {
  const org = await tx.organization.findUniqueOrThrow({ where: { id: request.orgId }, select: { name: true, slug: true } });
  const what = request.kind === "org_ca" ? `the organization CA of ${org.name}` : `the plugin certificate for ${request.pluginId}`;
  const paragraphs = [`The request for ${what} (${request.subject}) was ${status}.`];
  if (status === "rejected" && reason) paragraphs.push(`Reason given: ${reason}`);
  if (status === "approved" && request.kind === "org_ca") paragraphs.push("Your members can now request plugin certificates.");
  await enqueueMail(
    tx,
    await orgAdminAddresses(tx, request.orgId),
    "request-decided",
    composeMail({ subject: `Request ${status}: ${what}`, paragraphs, link: { label: "Open the organization", url: consoleLink(`/orgs/${org.slug}`) } }),
    request.orgId,
  );
}

type CertificateFacts = { serialHex: string; kind: string; subject: string; orgId: string | null; pluginId: string | null; notAfter: Date };

function certificateName(c: CertificateFacts): string {
  return c.kind === "plugin" ? `the plugin certificate for ${c.pluginId}` : c.kind === "org_ca" ? "your organization CA certificate" : `the certificate ${c.subject}`;
}

export async function mailCertificateRevoked(tx: Tx, cert: CertificateFacts, reason: string, revokedAt: Date): Promise<void> {
  if (!cert.orgId) return;
  await enqueueMail(
    tx,
    await orgAdminAddresses(tx, cert.orgId),
    "certificate-revoked",
    composeMail({
      subject: `Certificate revoked: ${cert.subject}`,
      paragraphs: [
        `${certificateName(cert)} (${cert.subject}, serial ${cert.serialHex}) was revoked at ${revokedAt.toISOString()}, reason: ${reason}.`,
        "Plugin hosts that check revocation now refuse what it signed.",
      ],
      link: { label: "Open the certificate", url: consoleLink(`/certificates/${cert.serialHex}`) },
    }),
    cert.orgId,
  );
}

export async function mailArtifactRevoked(tx: Tx, artifact: { id: string; orgId: string; pluginId: string; version: string; sha256: string }, reason: string): Promise<void> {
  const org = await tx.organization.findUniqueOrThrow({ where: { id: artifact.orgId }, select: { slug: true } });
  await enqueueMail(
    tx,
    await orgAdminAddresses(tx, artifact.orgId),
    "artifact-revoked",
    composeMail({
      subject: `Artifact revoked: ${artifact.pluginId} ${artifact.version}`,
      paragraphs: [`The signed artifact ${artifact.pluginId} version ${artifact.version} (SHA-256 ${artifact.sha256}) was revoked. Reason given: ${reason}`, "Verification now reports it invalid."],
      link: { label: "Open the organization", url: consoleLink(`/orgs/${org.slug}`) },
    }),
    artifact.orgId,
  );
}

export async function mailCertificateExpiring(tx: Tx, cert: CertificateFacts, daysLeft: number): Promise<void> {
  if (!cert.orgId) return;
  await enqueueMail(
    tx,
    await orgAdminAddresses(tx, cert.orgId),
    "certificate-expiring",
    composeMail({
      subject: `Certificate expires in ${daysLeft} days: ${cert.subject}`,
      paragraphs: [`${certificateName(cert)} (${cert.subject}, serial ${cert.serialHex}) expires on ${cert.notAfter.toISOString()}, in ${daysLeft} days.`, "Request a new certificate before then; a hosted plugin key is kept when it is re-issued."],
      link: { label: "Open the certificate", url: consoleLink(`/certificates/${cert.serialHex}`) },
    }),
    cert.orgId,
  );
}
