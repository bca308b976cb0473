import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { expectJson as json, expectNoAxeViolations, operatorToken, screenshots, signIn, verifyContactByApi } from "./fixtures";

// An organization that keeps its own CA key, end to end against the production server: its key
// and CSRs from `signet csr`, plugin certificate and responder certificate from `signet issue`
// (offline), registration and CRL upload in the browser, and OCSP "good" then "revoked" as
// `openssl ocsp` and `openssl crl` see it. Seeds its own state through the API; runs alone too.
test.describe.configure({ mode: "serial" });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-e2e-extorg-"));
const at = (name: string) => path.join(dir, name);
const ORG = { name: "Offline Keys Org", slug: "offline-keys", prefix: "org.offline.", email: "admin@offline.test", password: "offline-pass-12" };
const PLUGIN = "org.offline.tool";

function signet(args: string[]): string {
  const run = spawnSync(process.execPath, [path.resolve("cli/signet.mjs"), ...args], { encoding: "utf8", env: { ...process.env, DATABASE_URL: "" } });
  expect(run.status, `signet ${args.join(" ")}\n${run.stdout}${run.stderr}`).toBe(0);
  return run.stdout;
}

function ocsp(baseURL: string): string {
  const run = spawnSync("openssl", ["ocsp", "-issuer", at("org.pem"), "-cert", at("plugin.pem"), "-url", `${baseURL}/ocsp`, "-CAfile", at("root.pem"), "-no_nonce"], { encoding: "utf8" });
  return `${run.stderr}${run.stdout}`;
}

async function ocspUntil(baseURL: string, pattern: RegExp): Promise<string> {
  let out = "";
  for (let i = 0; i < 20 && !pattern.test(out); i++) {
    if (i) await new Promise((r) => setTimeout(r, 500));
    out = ocsp(baseURL);
  }
  return out;
}

/** The org's CRL, signed by stock `openssl ca -gencrl` with the org's own key. */
function opensslCrl(revokedSerial: string): string {
  fs.writeFileSync(at("index.txt"), `R\t351201000000Z\t251201000000Z,keyCompromise\t${revokedSerial.toUpperCase()}\tunknown\t/CN=${PLUGIN}\n`);
  fs.writeFileSync(at("crlnumber"), "01\n");
  fs.writeFileSync(
    at("ca.cnf"),
    `[ca]\ndefault_ca = org\n[org]\ndatabase = ${at("index.txt")}\ncrlnumber = ${at("crlnumber")}\ncertificate = ${at("org.pem")}\nprivate_key = ${at("org.key")}\ndefault_md = sha256\ndefault_crl_days = 7\ncrl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n`,
  );
  execFileSync("openssl", ["ca", "-batch", "-config", at("ca.cnf"), "-gencrl", "-out", at("org-crl.pem")], { stdio: "pipe" });
  execFileSync("openssl", ["crl", "-in", at("org-crl.pem"), "-outform", "DER", "-out", at("org.crl")]);
  return at("org.crl");
}

test("external-key organization: offline issuance, registration, OCSP good then revoked after its uploaded CRL", async ({ page, request, baseURL }) => {
  const operator = await operatorToken(page, request, baseURL!, "e2e external-key org");

  // The org makes its CA key and CSR itself; Signet's operator approves the CSR.
  signet(["csr", "--org", ORG.name, "--out", at("org")]);
  const reg = await json<{ token: string; request: { id: string } }>(
    await request.post("/api/v1/orgs", { data: { name: ORG.name, slug: ORG.slug, pluginIdPrefix: ORG.prefix, admin: { email: ORG.email, password: ORG.password }, csrPem: fs.readFileSync(at("org.csr"), "utf8") } }),
    201,
  );
  await verifyContactByApi(request, operator, ORG.email);
  const approved = await json<{ caId: string; certificate: { pem: string } }>(await request.post(`/api/v1/requests/${reg.request.id}/approve`, { headers: { authorization: `Bearer ${operator}` } }), 200);
  fs.writeFileSync(at("org.pem"), approved.certificate.pem);
  const cas = (await (await request.get("/api/v1/cas")).json()) as { id: string; kind: string; certificatePem: string }[];
  fs.writeFileSync(at("root.pem"), cas.find((c) => c.kind === "root")!.certificatePem);
  fs.writeFileSync(at("chain.pem"), approved.certificate.pem + cas.find((c) => c.kind === "root")!.certificatePem);

  // Signet cannot sign for this org: a hosted or CSR request is refused at once, not left pending.
  const refused = await request.post(`/api/v1/orgs/${ORG.slug}/plugin-cert-requests`, { data: { pluginId: PLUGIN }, headers: { authorization: `Bearer ${reg.token}` } });
  expect(refused.status()).toBe(409);
  expect(await refused.text()).toContain("signet issue");

  // Offline issuance with Signet's profile; the CLI learns the CA's id from the public CA list.
  signet(["csr", "--org", ORG.name, "--plugin", PLUGIN, "--algorithm", "rsa-2048", "--out", at("plugin")]);
  signet(["issue", "--ca-key", at("org.key"), "--ca-cert", at("org.pem"), "--csr", at("plugin.csr"), "--plugin", PLUGIN, "--url", baseURL!, "--out", at("plugin.pem")]);
  expect(execFileSync("openssl", ["verify", "-CAfile", at("root.pem"), "-untrusted", at("org.pem"), "-purpose", "any", at("plugin.pem")], { encoding: "utf8" })).toContain("OK");
  const serial = execFileSync("openssl", ["x509", "-in", at("plugin.pem"), "-noout", "-serial"], { encoding: "utf8" }).trim().replace(/^serial=/, "");

  // The org page shows only what such an org can do.
  await signIn(page, ORG.email, ORG.password);
  await page.goto(`/orgs/${ORG.slug}`);
  await expect(page.getByText("Your organization keeps its own CA key")).toBeVisible();
  await expect(page.getByLabel("Hosted by Signet")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Request a plugin certificate" })).toHaveCount(0);
  await expect(page.getByTestId("command").filter({ hasText: `signet issue --ca-key org.key --ca-cert org.pem --csr plugin.csr --plugin ${ORG.prefix}example --url ${baseURL} --ca-id ${approved.caId}` })).toBeVisible();
  await expect(page.getByTestId("responder-state")).toContainText("not answering");
  await expectNoAxeViolations(page);

  // Registration through the page; OCSP says "unauthorized" until the responder is certified.
  await page.getByLabel("Certificate (PEM)", { exact: true }).fill(fs.readFileSync(at("plugin.pem"), "utf8"));
  await page.getByRole("button", { name: "Register certificate" }).click();
  await expect(page.getByText(`serial ${serial.toLowerCase()}`)).toBeVisible();
  expect(ocsp(baseURL!)).toMatch(/unauthorized/);

  // The responder key stays with Signet; the org certifies it offline with Signet's responder profile.
  await page.getByRole("button", { name: "Get the responder CSR" }).click();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download responder.csr" }).click();
  await (await download).saveAs(at("responder.csr"));
  signet(["issue", "--responder", "--ca-key", at("org.key"), "--ca-cert", at("org.pem"), "--csr", at("responder.csr"), "--out", at("responder.pem")]);
  await page.getByLabel("Responder certificate (PEM)").fill(fs.readFileSync(at("responder.pem"), "utf8"));
  await page.getByRole("button", { name: "Install responder certificate" }).click();
  await expect(page.getByTestId("responder-state")).toContainText("answering");

  const good = await ocspUntil(baseURL!, /plugin\.pem: good/);
  expect(good).toContain("Response verify OK");
  expect(good).toContain("plugin.pem: good");

  // The org revokes in its own CRL and uploads it; Signet serves those bytes and OCSP follows.
  const crlFile = opensslCrl(serial);
  await page.getByLabel("CRL file (DER)").setInputFiles(crlFile);
  await page.getByRole("button", { name: "Upload CRL" }).click();
  await expect(page.getByText("CRL 1 accepted (1 entries, 1 newly revoked)")).toBeVisible();
  await expect(page.getByTestId("crl-state")).toContainText("CRL 1");

  const revoked = await ocspUntil(baseURL!, /plugin\.pem: revoked/);
  expect(revoked).toContain("Response verify OK");
  expect(revoked).toContain("plugin.pem: revoked");
  expect(revoked).toMatch(/Reason: keyCompromise/);

  const served = await request.get(`/crl/${approved.caId}.crl`);
  expect(served.headers()["content-type"]).toBe("application/pkix-crl");
  const bytes = await served.body();
  expect(bytes.equals(fs.readFileSync(crlFile))).toBe(true);
  fs.writeFileSync(at("served.crl"), bytes);
  const crl = spawnSync("openssl", ["crl", "-inform", "DER", "-in", at("served.crl"), "-CAfile", at("chain.pem"), "-noout", "-text"], { encoding: "utf8" });
  expect(`${crl.stderr}${crl.stdout}`).toContain("verify OK");
  expect(crl.stdout).toContain(`Serial Number: ${serial.toUpperCase()}`);
  expect(crl.stdout).toContain("Key Compromise");

  await page.reload();
  await expect(page.getByTestId("crl-state")).toContainText("CRL 1");
  await screenshots(page, "external-key-org");
});
