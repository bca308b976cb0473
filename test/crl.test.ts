// CRLs as stock relying parties see them, fetched over HTTP: OpenSSL (crl, verify -crl_check_all),
// GnuTLS certtool and python-cryptography.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { POST as revoke } from "@/app/api/v1/certificates/[serial]/revoke/route";
import { readCrlDer } from "@/lib/server/revocation/crl-store";
import { publishCrl } from "@/lib/server/revocation/publish-crl";
import { call } from "./helpers";
import { issuePlugin, revokeOverHttp, seedRevocationHierarchy, type Seeded } from "./ocsp-seed";
import { runTool as run, tempDir } from "./pki-fixtures";

const dir = tempDir("signet-crl-");
let seed: Seeded;
let good: { file: string; serial: string };
let victim: { file: string; serial: string };


/** Fetches a CA's CRL over HTTP and writes it as DER and PEM. */
async function fetchCrl(caId: string, name: string): Promise<{ der: string; pem: string; response: Response; number: bigint }> {
  const response = await fetch(`${seed.server.url}/crl/${caId}.crl`);
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  const der = `${dir}/${name}.crl`;
  const pem = `${dir}/${name}.crl.pem`;
  fs.writeFileSync(der, bytes);
  expect((await run("openssl", ["crl", "-inform", "DER", "-in", der, "-out", pem])).code).toBe(0);
  const number = /X509v3 CRL Number:\s*\n\s*(\d+)/.exec((await run("openssl", ["crl", "-in", pem, "-noout", "-text"])).out)![1];
  return { der, pem, response, number: BigInt(number) };
}

beforeAll(async () => {
  seed = await seedRevocationHierarchy(dir, "c");
  good = await issuePlugin(seed, "c", "com.acmec.good", true);
  victim = await issuePlugin(seed, "c", "com.acmec.victim", true);
});

afterAll(async () => {
  await seed?.server.close();
});

describe("CRLs with stock clients", () => {
  it("publishes a root CRL OpenSSL verifies against the root", async () => {
    const crl = await fetchCrl(seed.rootCaId, "root");
    const r = await run("openssl", ["crl", "-inform", "DER", "-in", crl.der, "-CAfile", seed.files.root, "-noout"]);
    expect(r.out).toContain("verify OK");
    expect(crl.response.headers.get("content-type")).toBe("application/pkix-crl");
  });

  it("lists a revoked plugin certificate with its reason, invalidity date, AKI and a growing CRL number", async () => {
    const before = await fetchCrl(seed.orgCaId, "org-before");
    const invalidityDate = new Date(Date.now() - 3600_000).toISOString();
    await revokeOverHttp(seed, victim.serial, "keyCompromise", invalidityDate);
    const after = await fetchCrl(seed.orgCaId, "org-after");
    expect(after.number).toBeGreaterThan(before.number);
    const verify = await run("openssl", ["crl", "-inform", "DER", "-in", after.der, "-CAfile", seed.files.chain, "-noout"]);
    expect(verify.out).toContain("verify OK");
    const text = (await run("openssl", ["crl", "-in", after.pem, "-noout", "-text"])).out;
    expect(text).toMatch(/Version 2 \(0x1\)/);
    expect(text).toContain(`Serial Number: ${victim.serial.toUpperCase()}`);
    expect(text).toMatch(/X509v3 CRL Reason Code:\s*\n\s*Key Compromise/);
    expect(text).toMatch(/Invalidity Date:\s*\n\s*\w{3} +\d+ \d\d:\d\d:\d\d \d{4} GMT/);
    expect(text).not.toContain(`Serial Number: ${good.serial.toUpperCase()}`);
    const ski = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec((await run("openssl", ["x509", "-in", seed.files.org, "-noout", "-text"])).out)![1];
    expect(text).toMatch(new RegExp(`Authority Key Identifier:\\s*\\n\\s*(keyid:)?${ski}`));
    const last = new Date(/Last Update: (.+)/.exec(text)![1]).getTime();
    const next = new Date(/Next Update: (.+)/.exec(text)![1]).getTime();
    expect(next - last).toBeGreaterThan(0);
    expect(next - last).toBeLessThanOrEqual(7 * 86_400_000);
  });

  it("makes openssl verify -crl_check_all reject the revoked certificate and accept the good one", async () => {
    const root = await fetchCrl(seed.rootCaId, "root-now");
    const org = await fetchCrl(seed.orgCaId, "org-now");
    const args = ["verify", "-crl_check_all", "-CAfile", seed.files.root, "-untrusted", seed.files.org, "-CRLfile", root.pem, "-CRLfile", org.pem];
    const revoked = await run("openssl", [...args, victim.file]);
    expect(revoked.code).not.toBe(0);
    expect(revoked.out).toContain("certificate revoked");
    const ok = await run("openssl", [...args, good.file]);
    expect(ok.out).toContain(": OK");
  });

  it("is read and verified by GnuTLS certtool and python-cryptography", async () => {
    const org = await fetchCrl(seed.orgCaId, "org-gnutls");
    const gnutls = await run("certtool", ["--verify-crl", "--load-ca-certificate", seed.files.org, "--infile", org.pem]);
    expect(gnutls.out).toMatch(/Verification output: Verified/);
    const py = await run("python3", [
      "-c",
      `import sys
from cryptography import x509
crl = x509.load_der_x509_crl(open(sys.argv[1], 'rb').read())
ca = x509.load_pem_x509_certificate(open(sys.argv[2], 'rb').read())
entry = crl.get_revoked_certificate_by_serial_number(int(sys.argv[3], 16))
reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.name
number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
aki = crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
print(crl.is_signature_valid(ca.public_key()), reason, number == int(sys.argv[4]), aki == ski, crl.get_revoked_certificate_by_serial_number(int(sys.argv[5], 16)) is None)`,
      org.der,
      seed.files.org,
      victim.serial,
      String(org.number),
      good.serial,
    ]);
    expect(py.out.trim()).toBe("True key_compromise True True True");
  });

  it("gives strictly increasing CRL numbers under concurrent revocations on one CA", async () => {
    const plugins = [];
    for (let i = 0; i < 4; i++) plugins.push(await issuePlugin(seed, "c", `com.acmec.burst${i}`, true));
    const client = await db();
    const before = await client.crl.aggregate({ where: { caId: seed.orgCaId }, _max: { crlNumber: true } });
    const results = await Promise.all(plugins.map((p) => call(revoke as never, { token: seed.orgAdmin, params: { serial: p.serial }, json: { reason: "superseded" } })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const crls = await client.crl.findMany({ where: { caId: seed.orgCaId, crlNumber: { gt: before._max.crlNumber ?? 0n } }, orderBy: { crlNumber: "asc" } });
    expect(crls.length).toBe(4);
    for (let i = 1; i < crls.length; i++) {
      expect(crls[i].crlNumber).toBe(crls[i - 1].crlNumber + 1n);
      // A later number never lists fewer revocations: each is built after the previous committed.
      expect(crls[i].entries).toBeGreaterThanOrEqual(crls[i - 1].entries);
      expect(crls[i].thisUpdate.getTime()).toBeGreaterThanOrEqual(crls[i - 1].thisUpdate.getTime());
    }
    const latest = await fetchCrl(seed.orgCaId, "org-burst");
    expect(latest.number).toBe(crls.at(-1)!.crlNumber);
    const text = (await run("openssl", ["crl", "-in", latest.pem, "-noout", "-text"])).out;
    for (const p of plugins) expect(text).toContain(`Serial Number: ${p.serial.toUpperCase()}`);
    expect(text.match(/Superseded/g)?.length).toBe(4);
  });

  it("serves CRLs with caching headers and 304 on If-None-Match", async () => {
    const first = await fetch(`${seed.server.url}/crl/${seed.orgCaId}.crl`);
    const etag = first.headers.get("etag")!;
    expect(first.headers.get("cache-control")).toMatch(/max-age=\d+/);
    expect(new Date(first.headers.get("expires")!).getTime()).toBeGreaterThan(Date.now());
    const again = await fetch(`${seed.server.url}/crl/${seed.orgCaId}.crl`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });

  it("answers 404 for an external-key org CA's CRL (the org publishes it) without touching its CRL number", async () => {
    const client = await db();
    const before = await client.certificateAuthority.findUniqueOrThrow({ where: { id: seed.externalOrgCaId }, select: { lastCrlNumber: true } });
    const res = await fetch(`${seed.server.url}/crl/${seed.externalOrgCaId}.crl`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const after = await client.certificateAuthority.findUniqueOrThrow({ where: { id: seed.externalOrgCaId }, select: { lastCrlNumber: true } });
    expect(after.lastCrlNumber).toBe(before.lastCrlNumber);
    expect(await client.crl.count({ where: { caId: seed.externalOrgCaId } })).toBe(0);
  });

  it("stores exactly the signed bytes, and any instance reads them back from the database", async () => {
    const published = await publishCrl(seed.orgCaId);
    const client = await db();
    const stored = await readCrlDer(client, seed.orgCaId, published.crlNumber);
    expect(stored.equals(Buffer.from(published.der))).toBe(true);
    const row = await client.crl.findUniqueOrThrow({ where: { caId_crlNumber: { caId: seed.orgCaId, crlNumber: published.crlNumber } } });
    expect(row.entries).toBe(await client.revocation.count({ where: { issuerCaId: seed.orgCaId } }));
    // Every listed revocation carries the number of the first CRL that listed it.
    expect(await client.revocation.count({ where: { issuerCaId: seed.orgCaId, crlNumber: null } })).toBe(0);
  });
});

