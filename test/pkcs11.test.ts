// CA keys in a PKCS#11 token (SoftHSM2): the whole flow — init, org CA, plugin certificate, revocation,
// CRL, OCSP — with the Root and org CA keys generated and used inside the token, checked by stock tools,
// and no CA private key in the database in any form.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { POST as registerOrg } from "@/app/api/v1/orgs/route";
import { POST as approve } from "@/app/api/v1/requests/[id]/approve/route";
import { POST as requestPlugin } from "@/app/api/v1/orgs/[slug]/plugin-cert-requests/route";
import { POST as revoke } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { POST as ocspPost } from "@/app/ocsp/route";
import { toPem } from "@/lib/pki/certificate/pem";
import { initializeSignet } from "@/lib/server/setup/initialize-signet";
import { currentCrl } from "@/lib/server/revocation/current-crl";
import { configureKeyCustodyForTests } from "@/lib/server/keys/key-custody";
import { openPrivateKey } from "@/lib/server/keys/envelope";
import { masterKey } from "@/lib/server/keys/master-key";
import { call, followContactLink, resetDatabase } from "./helpers";
import { openssl, tempDir, writePem } from "./pki-fixtures";
import { createSoftHsmToken, listTokenPrivateKeys, SOFTHSM_MISSING, softhsmInstalled, type SoftHsmToken } from "./softhsm";

const H = (h: unknown) => h as never;

async function ok<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

if (!softhsmInstalled) console.warn(SOFTHSM_MISSING);

describe.skipIf(!softhsmInstalled)("PKCS#11 key custody: CA keys in SoftHSM2", () => {
  const dir = tempDir("signet-pkcs11-");
  let hsm: SoftHsmToken;
  let rootCaId = "";
  let orgCaId = "";
  let pluginSerial = "";
  const files = { root: "", org: "", chain: "", plugin: "" };

  beforeAll(async () => {
    hsm = createSoftHsmToken();
    await configureKeyCustodyForTests(hsm.config);
    await resetDatabase();
    // An RSA root and a P-256 org CA: both token mechanisms (CKM_RSA_PKCS, CKM_ECDSA) sign in the flow.
    const init = await initializeSignet({ adminEmail: "ops@p11.test", adminPassword: "pw-123456789", rootAlgorithm: "rsa-3072" });
    rootCaId = init.rootCaId;
    const from = { "x-forwarded-for": `10.11.${crypto.randomInt(255)}.${crypto.randomInt(255)}` };
    const reg = await ok<{ request: { id: string }; token: string }>(
      await call(H(registerOrg), { headers: from, json: { name: "Token Org", slug: "token-org", pluginIdPrefix: "com.token.", admin: { email: "admin@token.test", password: "token-password-1" }, token: true } }),
      201,
    );
    await followContactLink("admin@token.test");
    const orgCa = await ok<{ caId: string; certificate: { pem: string } }>(await call(H(approve), { token: init.operatorToken, params: { id: reg.request.id } }), 200);
    orgCaId = orgCa.caId;
    const created = await ok<{ request: { id: string } }>(await call(H(requestPlugin), { token: reg.token, params: { slug: "token-org" }, json: { pluginId: "com.token.widget" } }), 201);
    const plugin = await ok<{ certificate: { serial: string; pem: string } }>(await call(H(approve), { token: reg.token, params: { id: created.request.id } }), 200);
    pluginSerial = plugin.certificate.serial;

    const client = await db();
    const root = await client.certificateAuthority.findUniqueOrThrow({ where: { id: rootCaId }, include: { certificate: true } });
    files.root = writePem(dir, "root.pem", toPem(root.certificate!.der!, "CERTIFICATE"));
    files.org = writePem(dir, "org.pem", orgCa.certificate.pem);
    files.chain = writePem(dir, "chain.pem", orgCa.certificate.pem + toPem(root.certificate!.der!, "CERTIFICATE"));
    files.plugin = writePem(dir, "plugin.pem", plugin.certificate.pem);
    const revoked = await ok<{ status: string }>(await call(H(revoke), { token: reg.token, params: { serial: pluginSerial }, json: { reason: "keyCompromise" } }), 200);
    expect(revoked.status).toBe("revoked");
  });

  afterAll(async () => {
    // Back to env() (software keys) for the test files that share this process.
    await configureKeyCustodyForTests("env");
    hsm?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("records the CA keys as token keys (label, public key, no private key) and the plugin key as software", async () => {
    const client = await db();
    const keys = await client.managedKey.findMany({ select: { id: true, purpose: true, backend: true, algorithm: true, pkcs11Label: true, encryptedPrivateKey: true, publicKeySpki: true } });
    const byPurpose = (purpose: string) => keys.filter((k) => k.purpose === purpose);
    for (const [purpose, algorithm] of [["root-ca", "rsa-3072"], ["org-ca", "ecdsa-p256"]] as const) {
      expect(byPurpose(purpose), purpose).toHaveLength(1);
      const [key] = byPurpose(purpose);
      expect(key).toMatchObject({ backend: "pkcs11", algorithm, encryptedPrivateKey: null });
      expect(key.pkcs11Label).toBe(`signet ${purpose} ${key.id}`);
    }
    const [pluginKey] = byPurpose("plugin");
    expect(pluginKey).toMatchObject({ backend: "software", pkcs11Label: null });
    expect(pluginKey.encryptedPrivateKey?.length).toBeGreaterThan(100);
    // The certificates carry the public keys the token reported.
    const root = await client.certificateAuthority.findUniqueOrThrow({ where: { id: rootCaId }, include: { certificate: true } });
    expect(Buffer.from(root.certificate!.publicKeySpki!).equals(Buffer.from(byPurpose("root-ca")[0].publicKeySpki))).toBe(true);
    const audit = await client.auditEvent.findMany({ where: { action: "key.created" }, select: { details: true } });
    const backends = audit.map((e) => (e.details as { purpose: string; backend?: string })).filter((d) => d.purpose.endsWith("-ca")).map((d) => d.backend);
    expect(backends).toEqual(["pkcs11", "pkcs11"]);
  });

  it("issues a chain openssl verifies: root and org CA signed in the token, plugin certificate below", () => {
    expect(openssl(["verify", "-CAfile", files.root, files.root])).toContain("OK");
    expect(openssl(["verify", "-CAfile", files.root, files.org])).toContain("OK");
    expect(openssl(["verify", "-CAfile", files.root, "-untrusted", files.org, files.plugin])).toContain("OK");
    expect(openssl(["x509", "-in", files.root, "-noout", "-text"])).toMatch(/Signature Algorithm: sha256WithRSAEncryption[\s\S]*Public-Key: \(3072 bit\)/);
    expect(openssl(["x509", "-in", files.plugin, "-noout", "-text"])).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
  });

  it("publishes CRLs signed in the token that openssl verifies, listing the revoked plugin certificate", async () => {
    const orgCrl = writeDer("org.crl", (await currentCrl(orgCaId)).der);
    const rootCrl = writeDer("root.crl", (await currentCrl(rootCaId)).der);
    const check = (crl: string, caFile: string) => spawnSync("openssl", ["crl", "-inform", "DER", "-in", crl, "-CAfile", caFile, "-noout"], { encoding: "utf8" });
    expect(check(orgCrl, files.chain).stderr).toMatch(/verify OK/);
    expect(check(rootCrl, files.root).stderr).toMatch(/verify OK/);
    // A CRL checked against the wrong issuer must fail, or "verify OK" above would prove nothing.
    expect(check(orgCrl, files.root).stderr).not.toMatch(/verify OK/);
    expect(openssl(["crl", "-inform", "DER", "-in", orgCrl, "-noout", "-text"]).toUpperCase()).toContain(pluginSerial.toUpperCase());
    const crlPem = writePem(dir, "crls.pem", toPem(fs.readFileSync(orgCrl), "X509 CRL") + toPem(fs.readFileSync(rootCrl), "X509 CRL"));
    const verdict = spawnSync("openssl", ["verify", "-crl_check_all", "-CRLfile", crlPem, "-CAfile", files.root, "-untrusted", files.org, files.plugin], { encoding: "utf8" });
    expect(verdict.stdout + verdict.stderr).toMatch(/certificate revoked/);
  });

  it("answers OCSP through a responder certificate issued by the token-held org CA", async () => {
    const reqFile = path.join(dir, "ocsp.req");
    execFileSync("openssl", ["ocsp", "-issuer", files.org, "-cert", files.plugin, "-no_nonce", "-reqout", reqFile], { stdio: "pipe" });
    const res = await call(H(ocspPost), { url: "http://localhost:3999/ocsp", headers: { "content-type": "application/ocsp-request" }, body: new Uint8Array(fs.readFileSync(reqFile)) });
    expect(res.status).toBe(200);
    const respFile = writeDer("ocsp.resp", new Uint8Array(await res.arrayBuffer()));
    const out = spawnSync("openssl", ["ocsp", "-respin", respFile, "-issuer", files.org, "-cert", files.plugin, "-CAfile", files.root, "-verify_other", files.org, "-no_nonce"], { encoding: "utf8" });
    expect(out.stderr).toMatch(/Response verify OK/);
    expect(out.stdout).toMatch(/plugin\.pem: revoked/);
    const client = await db();
    const responderKeys = await client.managedKey.findMany({ where: { purpose: "ocsp-responder" }, select: { backend: true } });
    expect(responderKeys.length).toBeGreaterThan(0);
    expect(responderKeys.every((k) => k.backend === "software")).toBe(true);
  });

  it("keeps the CA private keys out of the database in any form", async () => {
    const client = await db();
    const tables = await client.$queryRawUnsafe<{ tablename: string }[]>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    let dump = "";
    for (const { tablename } of tables) {
      const rows = await client.$queryRawUnsafe<{ row: string }[]>(`SELECT t::text AS row FROM "${tablename}" t`);
      dump += rows.map((r) => r.row).join("\n") + "\n";
    }
    const keys = await client.managedKey.findMany({ select: { id: true, purpose: true, publicKeySpki: true, encryptedPrivateKey: true } });
    // The dump is complete enough to see key material: every public key and every sealed software key is in it.
    for (const key of keys) {
      expect(dump, key.purpose).toContain(Buffer.from(key.publicKeySpki).toString("hex"));
      if (key.encryptedPrivateKey) expect(dump).toContain(Buffer.from(key.encryptedPrivateKey).toString("hex"));
    }
    // No private key in clear: no PEM, and no DER PKCS#8 (RFC 5958), RSAPrivateKey (RFC 8017) or ECPrivateKey (RFC 5915) header.
    expect(dump).not.toMatch(/PRIVATE KEY/);
    for (const header of ["020100300d06092a864886f70d0101010500", "02010030..06072a8648ce3d0201", "3082....02010002820[12]", "0201010420[0-9a-f]{64}a00a06082a8648ce3d030107", "0201010430[0-9a-f]{96}a00706052b81040022"]) {
      expect(dump, header).not.toMatch(new RegExp(header));
    }
    // Every sealed key opens to a key that is not a CA's: the CA keys are in no envelope either.
    const caSpkis = new Set(keys.filter((k) => k.purpose.endsWith("-ca")).map((k) => Buffer.from(k.publicKeySpki).toString("hex")));
    const sealed = keys.filter((k) => k.encryptedPrivateKey);
    expect(sealed.length).toBeGreaterThan(0);
    for (const key of sealed) {
      const privateKey = crypto.createPrivateKey({ key: openPrivateKey(masterKey(), key.id, key.encryptedPrivateKey!), format: "der", type: "pkcs8" });
      expect(caSpkis.has(crypto.createPublicKey(privateKey).export({ type: "spki", format: "der" }).toString("hex"))).toBe(false);
    }
  });

  it("holds the CA keys in the token as sensitive, never-extractable objects", async () => {
    const client = await db();
    const labels = (await client.managedKey.findMany({ where: { backend: "pkcs11" }, select: { pkcs11Label: true } })).map((k) => k.pkcs11Label).sort();
    expect(labels).toHaveLength(2);
    const objects = listTokenPrivateKeys(hsm);
    expect(objects.map((o) => o.label).sort()).toEqual(labels);
    for (const o of objects) {
      expect(o, o.label).toMatchObject({ extractable: false, sensitive: true, neverExtractable: true, alwaysSensitive: true, private: true, valueRead: "CKR_ATTRIBUTE_SENSITIVE" });
    }
  });

  function writeDer(name: string, der: Uint8Array): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, der);
    return file;
  }
});
