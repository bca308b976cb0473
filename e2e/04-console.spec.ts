import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { ACME, ensureAcme, expectNoAxeViolations, OPERATOR, screenshots, signIn, requestHostedPluginCert, seeding } from "./fixtures";

// Builds on what 01-setup and 02-hierarchy leave — the operator, the approved org "acme", its
// com.acme.e2e revoked for key compromise — and seeds that through the API when run alone.
test.describe.configure({ mode: "serial" });

const ORG = ACME;
const PLUGIN = "com.acme.bell";
const PLUGIN_RE = new RegExp(PLUGIN.replace(/\./g, "\\."));

/** A webhook receiver on loopback in this test process; Signet's server POSTs to it. */
type Delivery = { headers: http.IncomingHttpHeaders; body: string; json: { type: string; data: Record<string, unknown> } };
const deliveries: Delivery[] = [];
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    deliveries.push({ headers: req.headers, body, json: JSON.parse(body) });
    res.writeHead(204).end();
  });
});
let receiverUrl = "";
let webhookSecret = "";

test.beforeAll(async ({ browser, baseURL, playwright }) => {
  // What 01–02 leave, seeded through the API when this spec runs alone.
  await seeding({ browser, baseURL, playwright }, ensureAcme);
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/signet-hooks`;
});
test.afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

async function delivery(type: string, match: (d: Delivery) => boolean): Promise<Delivery> {
  await expect.poll(() => deliveries.some((d) => d.json.type === type && match(d)), { message: `webhook ${type}`, timeout: 20_000 }).toBe(true);
  return deliveries.find((d) => d.json.type === type && match(d))!;
}

const hmac = (body: string) => `sha256=${crypto.createHmac("sha256", webhookSecret).update(body).digest("hex")}`;

async function openBell(page: Page) {
  await page.getByRole("button", { name: /^Notifications/ }).click();
  return page.getByRole("region", { name: "Notifications" });
}

test("dashboard: the operator sees the queue, the expiry forecast, recent revocations and CRL/OCSP health", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  const board = page.getByTestId("operator-dashboard");
  await expect(board.getByTestId("stat-orgs")).toContainText("1");
  await expect(board.getByTestId("expiry-chart")).toBeVisible();
  // 02 revoked com.acme.e2e for key compromise.
  const revocations = board.locator("section", { has: page.getByRole("heading", { name: "Recent revocations" }) });
  await expect(revocations.getByRole("link", { name: "com.acme.e2e" })).toBeVisible();
  await expect(revocations).toContainText("keyCompromise");
  // That revocation re-issued the Acme CA's CRL; every CA shows its responder, or "not yet issued".
  const health = page.getByRole("table", { name: "CRL and OCSP status per certificate authority" });
  await expect(health.getByRole("row", { name: /Acme Plugins CA/ })).toContainText(/#\d+/);
  await expect(health.getByRole("row", { name: /Acme Plugins CA/ })).toContainText(/not yet issued|expires in \d+ d/);
  await expect(page.getByTestId("root-ca")).toContainText("CN=E2E Store Root");
  await expectNoAxeViolations(page);
  await screenshots(page, "dashboard-operator");
});

test("settings: the operator shortens plugin validity, creates and revokes an API token, and registers a webhook", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/settings");
  await page.getByLabel("Plugin certificate validity (days)").fill("20");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Store policy saved" })).toBeVisible();

  await page.getByLabel("Token name").fill("e2e pipeline");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^sgt_/);
  const asToken = { headers: { authorization: `Bearer ${token}` } };
  expect((await page.request.get("/api/v1/tokens", asToken)).status()).toBe(200);
  const tokens = page.getByRole("list", { name: "Your API tokens" });
  await expect(tokens).toContainText("e2e pipeline");
  await page.getByRole("button", { name: "Revoke token e2e pipeline" }).click();
  await page.getByRole("button", { name: "Confirm revoking e2e pipeline" }).click();
  await expect(tokens).not.toContainText("e2e pipeline");
  await expect(page.getByTestId("toast").filter({ hasText: "revoked" })).toBeVisible();
  expect((await page.request.get("/api/v1/tokens", asToken)).status()).toBe(401);

  // Plain http is refused unless the receiver is on this machine.
  await page.getByLabel("Receiver URL").fill("http://hooks.example.com/signet");
  await page.getByRole("button", { name: "Register webhook" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "loopback" })).toBeVisible();
  await page.getByLabel("Receiver URL").fill(receiverUrl);
  await page.getByRole("button", { name: "Register webhook" }).click();
  webhookSecret = (await page.getByTestId("webhook-secret").textContent())!.trim();
  expect(webhookSecret).toMatch(/^whsec_/);
  await expect(page.getByRole("list", { name: "Registered webhooks" })).toContainText(receiverUrl);
  await expectNoAxeViolations(page);
  await screenshots(page, "settings");
});

test("notifications: a plugin request rings the org admin's bell and a signed webhook; its 20-day certificate then shows as expiring", async ({ page }) => {
  await signIn(page, ORG.email, ORG.password);
  await requestHostedPluginCert(page, ORG.slug, PLUGIN);

  const pending = await delivery("request.pending", (d) => d.json.data.pluginId === PLUGIN);
  expect(pending.headers["x-signet-event"]).toBe("request.pending");
  expect(pending.headers["x-signet-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(pending.headers["x-signet-signature"]).toBe(hmac(pending.body));

  await expect(page.getByTestId("notification-count")).toBeVisible();
  const panel = await openBell(page);
  await expect(panel).toContainText(`${PLUGIN} needs approval`);
  await expectNoAxeViolations(page);
  await screenshots(page, "notifications");
  await panel.getByRole("link", { name: new RegExp(`${PLUGIN_RE.source} needs approval`) }).click();

  await page.getByRole("button", { name: PLUGIN_RE }).click();
  await page.getByRole("button", { name: "Approve and issue" }).click();
  await expect(page.getByTestId("request-review")).toContainText("Approved");
  const issued = await delivery("certificate.issued", (d) => d.json.data.pluginId === PLUGIN);
  expect(issued.headers["x-signet-signature"]).toBe(hmac(issued.body));

  const after = await openBell(page);
  await expect(after).toContainText(`${PLUGIN} expires in 20 days`);
  await expect(after).not.toContainText(`${PLUGIN} needs approval`);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: /^Notifications/ })).toBeFocused();
});

test("dashboard: the org admin sees their plugins, artifacts and the expiring certificate in the chart", async ({ page }) => {
  await signIn(page, ORG.email, ORG.password);
  const board = page.getByTestId("member-dashboard");
  await expect(board.getByRole("table", { name: "Plugins and their current certificate" })).toContainText(PLUGIN);
  await expect(board.getByTestId("expiring-30")).not.toHaveText("0");
  await expect(board.getByRole("list", { name: "Soonest to expire" })).toContainText(PLUGIN);
  await expectNoAxeViolations(page);
  await screenshots(page, "dashboard-member");
});

test("hierarchy: filter by text and status, and move through the tree with the keyboard", async ({ page }) => {
  await signIn(page, ORG.email, ORG.password);
  await page.goto("/hierarchy");
  const tree = page.getByRole("tree", { name: "Certificate hierarchy" });
  await expect(tree).toContainText(PLUGIN);
  await expectNoAxeViolations(page);
  await screenshots(page, "hierarchy");

  await page.getByLabel("Filter", { exact: true }).fill("bell");
  await expect(tree).toContainText(PLUGIN);
  await expect(tree).not.toContainText("com.acme.e2e");
  await page.getByLabel("Filter", { exact: true }).fill("");
  await page.getByLabel("Status").selectOption("revoked");
  await expect(tree).toContainText("com.acme.e2e");
  await expect(tree).not.toContainText(PLUGIN);
  await page.getByLabel("Status").selectOption("expiring");
  await expect(tree).toContainText(PLUGIN);
  await page.getByLabel("Status").selectOption("");

  const orgCa = tree.locator('[role=treeitem][aria-level="2"]', { hasText: "Acme Plugins" });
  await tree.locator('[role=treeitem][aria-level="1"]').first().focus();
  await page.keyboard.press("ArrowDown");
  await expect(orgCa).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(orgCa).toHaveAttribute("aria-expanded", "false");
  await expect(tree).not.toContainText(PLUGIN);
  await page.keyboard.press("ArrowRight");
  await expect(orgCa).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("ArrowRight");
  await expect(tree.locator('[role=treeitem][aria-level="3"]').first()).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(orgCa).toBeFocused();

  await page.getByLabel("Filter", { exact: true }).fill(PLUGIN);
  const item = tree.locator('[role=treeitem][aria-level="3"]', { hasText: PLUGIN });
  await item.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/certificates\/[0-9a-f]+$/);
});

test("certificate page: every extension in plain words, validity with days left, PEM and chain downloads", async ({ page }) => {
  await signIn(page, ORG.email, ORG.password);
  await page.goto("/certificates");
  await page.getByRole("link", { name: new RegExp(`CN=${PLUGIN_RE.source}`) }).click();
  await expect(page.getByRole("heading", { name: `O=Acme Plugins, CN=${PLUGIN}` })).toBeVisible();
  const extensions = page.getByTestId("extensions");
  for (const words of ["Basic constraints", "CA: no", "Digital signature", "Code signing", "CRL distribution points", "OCSP responder: http", "Issuer certificate: http", "Subject key identifier", "Authority key identifier"]) {
    await expect(extensions).toContainText(words);
  }
  await expect(page.getByTestId("days-left")).toHaveText("20 days left");
  await expect(page.getByText("RSA 3072 bits")).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshots(page, "certificate");

  const pem = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download PEM" }).click();
  const pemFile = await pem;
  expect(pemFile.suggestedFilename()).toMatch(/^[0-9a-f]+\.pem$/);
  expect(fs.readFileSync(await pemFile.path(), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
  const chain = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download chain" }).click();
  expect(fs.readFileSync(await (await chain).path(), "utf8").match(/BEGIN CERTIFICATE/g)).toHaveLength(3);

  // The issuer is one click away, with its name constraints spelled out.
  await page.getByRole("link", { name: "O=Acme Plugins, CN=Acme Plugins CA" }).click();
  await expect(page.getByTestId("extensions")).toContainText("Permitted: directory name O=Acme Plugins");
  await expect(page.getByTestId("extensions")).toContainText("may issue end-entity certificates only");
});

test("certificates: the inventory filters and sorts, and its CSV/JSON export holds exactly the filtered rows", async ({ page }) => {
  await signIn(page, ORG.email, ORG.password);
  await page.goto("/certificates");
  const table = page.getByRole("table");
  await page.getByLabel("Search", { exact: true }).fill("bell");
  await expect(table).toContainText(PLUGIN);
  await expect(table).not.toContainText("com.acme.e2e");
  const csv = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const text = fs.readFileSync(await (await csv).path(), "utf8");
  expect(text.split("\r\n")[0]).toBe("serial,kind,status,subject,org,pluginId,notBefore,notAfter,daysLeft,keyMode,fingerprintSha256,revokedAt,revocationReason");
  expect(text).toContain(PLUGIN);
  expect(text).not.toContain("com.acme.e2e");

  await page.getByLabel("Search", { exact: true }).fill("");
  await page.getByLabel("Status").selectOption("revoked");
  await expect(table).toContainText("com.acme.e2e");
  const json = page.waitForEvent("download");
  await page.getByTestId("export-json").click();
  const rows = JSON.parse(fs.readFileSync(await (await json).path(), "utf8")) as { status: string; org: string }[];
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.status === "revoked" && r.org === "acme")).toBe(true);

  await page.getByLabel("Status").selectOption("");
  await page.getByRole("button", { name: /Expires/ }).click();
  await expect(page.getByRole("columnheader", { name: /Expires/ })).toHaveAttribute("aria-sort", "descending");
  await expectNoAxeViolations(page);
  await screenshots(page, "certificates");
});

test("audit: the operator restores the policy, filters the log by actor, organization and action, pages, and verifies the chain", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/settings");
  await page.getByLabel("Plugin certificate validity (days)").fill("365");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Store policy saved" })).toBeVisible();
  await page.getByRole("button", { name: `Remove webhook ${receiverUrl}` }).click();
  await expect(page.getByRole("list", { name: "Registered webhooks" })).toHaveCount(0);

  await page.goto("/audit");
  const table = page.getByTestId("audit-table");
  await expect(table).toContainText("settings.policy_updated");
  await page.getByLabel("Actor").fill(ORG.email);
  await page.getByLabel("Organization").selectOption(ORG.slug);
  await page.getByLabel("Action").selectOption("request.approved");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(table.locator("tbody tr").first()).toContainText("request.approved");
  const actors = await table.locator("tbody tr td:nth-child(3)").allTextContents();
  expect(actors.length).toBeGreaterThan(0);
  expect(new Set(actors)).toEqual(new Set([ORG.email]));

  await page.getByRole("button", { name: "Reset" }).click();
  await expect(page.getByText("Page 1")).toBeVisible();
  await page.getByRole("button", { name: "Older →" }).click();
  await expect(page.getByText("Page 2")).toBeVisible();
  await page.getByRole("button", { name: "← Newer" }).click();
  await expect(page.getByText("Page 1")).toBeVisible();

  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByText(/Chain intact: all \d+ events/)).toBeVisible();
  // The latest signed checkpoint of the head, to save outside the database.
  await expect(page.getByTestId("audit-checkpoint")).toContainText(/Event\s*#\d+/);
  await expect(page.getByTestId("audit-checkpoint")).toContainText("(Ed25519)");
  await expectNoAxeViolations(page);
  await screenshots(page, "audit");
});
