// Concurrency: revocations racing across two CAs keep every CA's CRL numbers strictly increasing
// and every later CRL a superset of the earlier ones; serials stay unique under parallel issuance;
// concurrent approvals for one plugin id end on one hosted key.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { principalForUser } from "@/lib/server/auth/resolve-principal";
import type { Principal } from "@/lib/server/auth/principal";
import { revokeCertificate } from "@/lib/server/certificates/revoke-certificate";
import { registerOrg } from "@/lib/server/orgs/register-org";
import { approveRequest } from "@/lib/server/requests/approve-request";
import { requestPluginCert } from "@/lib/server/requests/request-plugin-cert";
import { verifyAuditChain } from "@/lib/server/audit/verify-audit-chain";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { certificateInfo } from "@/lib/pki/certificate/info";
import { encodeCertId } from "@/lib/pki/ocsp/cert-id";
import { encodeOcspRequest } from "@/lib/pki/ocsp/ocsp-request";
import { parseOcspResponse } from "@/lib/pki/ocsp/parse-ocsp-response";
import { answerOcsp } from "@/lib/server/revocation/answer-ocsp";
import { followContactLink, resetDatabase } from "./helpers";
import { openssl, opensslCsr, tempDir, writePem } from "./pki-fixtures";
import { AppError } from "@/lib/server/errors";

const PER_ORG = 12;
const dir = tempDir("signet-concurrency-");

describe("concurrency: parallel issuance and revocation across CAs", () => {
  const admins: Record<string, Principal> = {};
  const serials: Record<string, string[]> = {};
  // One CSR reused for every request: issuance speed here is the CA's, not RSA key generation's.
  const csrPem = opensslCsr(dir, "shared", { key: "rsa:2048" });

  beforeAll(async () => {
    await resetDatabase();
    await initializeSignet({ adminEmail: "ops@example.com", adminPassword: "pw-123456789" });
    const client = await db();
    const operator = await principalForUser(client, (await client.user.findFirstOrThrow()).id, "token");
    for (const slug of ["north", "south"]) {
      const reg = await registerOrg({ name: `${slug} plugins`, slug, pluginIdPrefix: `com.${slug}.`, admin: { email: `admin@${slug}.test`, password: "password-12345" } });
      await followContactLink(`admin@${slug}.test`);
      await approveRequest(operator, reg.request.id);
      const user = await client.user.findFirstOrThrow({ where: { email: `admin@${slug}.test` } });
      admins[slug] = await principalForUser(client, user.id, "token");
    }
  });

  it("issues in parallel with unique serials per issuer", async () => {
    await Promise.all(
      Object.entries(admins).map(async ([slug, admin]) => {
        const requests = await Promise.all(Array.from({ length: PER_ORG }, (_, i) => requestPluginCert(admin, slug, { pluginId: `com.${slug}.p${i}`, csrPem })));
        const issued = await Promise.all(requests.map(({ request }) => approveRequest(admin, request.id)));
        serials[slug] = issued.map((r) => r.certificate.serial);
      }),
    );
    const all = Object.values(serials).flat();
    expect(all).toHaveLength(2 * PER_ORG);
    expect(new Set(all).size).toBe(all.length);
    for (const s of all) expect(Buffer.from(s, "hex").length).toBeLessThanOrEqual(20);
  });

  it("keeps CRL numbers strictly increasing per CA, each CRL a superset of the last", async () => {
    const order = Object.entries(serials).flatMap(([slug, list]) => list.map((serial) => ({ slug, serial })));
    // Interleave the two CAs' revocations in a random order, all at once.
    order.sort(() => crypto.randomInt(3) - 1);
    const results = await Promise.allSettled(order.map(({ slug, serial }) => revokeCertificate(admins[slug], serial, { reason: "superseded" })));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);

    const client = await db();
    for (const ca of await client.certificateAuthority.findMany({ where: { kind: "org" }, select: { id: true, lastCrlNumber: true } })) {
      const crls = await client.crl.findMany({ where: { caId: ca.id }, orderBy: { crlNumber: "asc" }, select: { crlNumber: true, entries: true, thisUpdate: true } });
      expect(crls.length).toBeGreaterThan(0);
      for (let i = 1; i < crls.length; i++) {
        expect(crls[i].crlNumber > crls[i - 1].crlNumber).toBe(true);
        expect(crls[i].entries).toBeGreaterThanOrEqual(crls[i - 1].entries);
        expect(crls[i].thisUpdate.getTime()).toBeGreaterThanOrEqual(crls[i - 1].thisUpdate.getTime());
      }
      expect(crls.at(-1)!.crlNumber).toBe(ca.lastCrlNumber);
      // The newest CRL lists every revocation of its CA.
      expect(crls.at(-1)!.entries).toBe(await client.revocation.count({ where: { issuerCaId: ca.id } }));
    }
    expect(await verifyAuditChain(client)).toMatchObject({ valid: true });
  });

  it("keeps issuing while the OCSP responder is under load", async () => {
    const client = await db();
    const orgCa = await client.certificateAuthority.findFirstOrThrow({ where: { kind: "org", org: { slug: "north" } }, include: { certificate: true } });
    const caInfo = certificateInfo(orgCa.certificate!.der!);
    const requestFor = (serialHex: string) =>
      encodeOcspRequest([encodeCertId({ hash: "sha256", issuerNameDer: caInfo.subjectDer, issuerSpkiDer: caInfo.spkiDer, serial: Buffer.from(serialHex, "hex") })], crypto.randomBytes(16));
    const known = serials.north;
    let stop = false;
    const answered: string[] = [];
    // Eight clients asking continuously (fresh nonces: every answer is signed), until issuance is done.
    const load = Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        while (!stop) {
          const answer = await answerOcsp(requestFor(known[(answered.length + i) % known.length]));
          answered.push(parseOcspResponse(answer.der).status);
        }
      }),
    );
    const started = Date.now();
    const issued: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { request } = await requestPluginCert(admins.north, "north", { pluginId: `com.north.load${i}`, csrPem });
      issued.push((await approveRequest(admins.north, request.id)).certificate.serial);
    }
    stop = true;
    await load;
    expect(issued).toHaveLength(6);
    expect(answered.length).toBeGreaterThan(50);
    expect(answered.every((s) => s === "successful")).toBe(true);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
  it("keeps one pending request per plugin id when requests race", async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => requestPluginCert(admins.south, "south", { pluginId: "com.south.racing" })));
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const err of refused) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("conflict");
      expect((err as AppError).message).toMatch(/com\.south\.racing is already pending/);
    }
    const client = await db();
    expect(await client.certificateRequest.count({ where: { pluginId: "com.south.racing", status: "pending" } })).toBe(1);
  });

  it("issues every concurrent approval for one plugin id on one hosted key", async () => {
    const client = await db();
    const org = await client.organization.findUniqueOrThrow({ where: { slug: "north" } });
    const pluginId = "com.north.onekey";
    // Ten pending requests for one plugin id: what a database held before requests were limited to
    // one pending per plugin id, and what the approval path must cope with regardless.
    const requests = await Promise.all(
      Array.from({ length: 10 }, () =>
        client.certificateRequest.create({
          data: { kind: "plugin_cert", orgId: org.id, pluginId, keyMode: "hosted", subject: `O=${org.name}, CN=${pluginId}`, keyAlgorithm: "rsa-2048" },
          select: { id: true },
        }),
      ),
    );
    const keysBefore = await client.managedKey.count({ where: { purpose: "plugin" } });
    const approved = await Promise.all(requests.map(({ id }) => approveRequest(admins.north, id)));
    expect(approved).toHaveLength(10);
    // The public keys as OpenSSL reads them from the issued certificates: one key, ten certificates.
    const pubkeys = new Set(approved.map(({ certificate }, i) => openssl(["x509", "-in", writePem(dir, `onekey-${i}.pem`, certificate.pem), "-noout", "-pubkey"])));
    expect(pubkeys.size).toBe(1);
    const certs = await client.certificate.findMany({ where: { pluginId, status: "issued" }, select: { keyId: true } });
    expect(certs).toHaveLength(10);
    expect(new Set(certs.map((c) => c.keyId)).size).toBe(1);
    expect(await client.managedKey.count({ where: { certificates: { some: { pluginId } } } })).toBe(1);
    // No key was generated and dropped beside it (crash.test.ts's orphan check, here under a race).
    expect((await client.managedKey.count({ where: { purpose: "plugin" } })) - keysBefore).toBe(1);
    expect(await client.auditEvent.count({ where: { action: "key.created", details: { path: ["pluginId"], equals: pluginId } } })).toBe(1);
    expect(await verifyAuditChain(client)).toMatchObject({ valid: true });
  });
});

