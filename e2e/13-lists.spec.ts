import fs from "node:fs";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectNoAxeViolations, OPERATOR, readSetupToken, screenshot, signIn, verifyContactByApi } from "./fixtures";

// Issue 13, "Scale in the console": the lists are filtered, searched and paged on the server, with
// the filters and the page in the URL (a reload or a shared link shows the same rows, Back returns
// to the previous view); pending requests are approved in bulk with a result per request; the audit
// log names what each event is about, links to it, and exports what its filters select. Seeds its
// own organization and 30 requests through the API, so it also runs alone.
test.describe.configure({ mode: "serial" });

const ORG = { name: "List Thirteen", slug: "list13", prefix: "com.list13.", email: "admin@list13.test", password: "list13-password-1" };
const PLUGINS = Array.from({ length: 30 }, (_, i) => `${ORG.prefix}p${String(i).padStart(2, "0")}`);
let operatorToken = "";
let adminToken = "";
const requestIds: Record<string, string> = {};

async function send<T>(request: APIRequestContext, method: "post" | "get", url: string, token: string | undefined, data?: unknown): Promise<T> {
  const res = await request[method](url, { ...(data === undefined ? {} : { data }), headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as T;
}

/** Desktop and phone, light and dark (the theme is read at load, so each scheme reloads). */
async function screenshotThemes(page: Page, name: string): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.reload();
    await page.waitForLoadState("networkidle");
    for (const [device, width, height] of [["desktop", 1280, 900], ["phone", 390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `lists-${name}-${device}-${scheme}`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  await page.setViewportSize({ width: 1280, height: 900 });
}

test.beforeAll(async ({ browser, baseURL, playwright }) => {
  const api = await playwright.request.newContext({ baseURL });
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/");
  if (page.url().includes("/setup")) {
    operatorToken = (await send<{ operatorToken: string }>(api, "post", "/api/v1/setup", undefined, { setupToken: readSetupToken(), adminEmail: OPERATOR.email, adminPassword: OPERATOR.password })).operatorToken;
  } else {
    await signIn(page, OPERATOR.email, OPERATOR.password);
    const res = await page.request.post("/api/v1/tokens", { data: { name: "e2e lists" }, headers: { origin: baseURL! } });
    expect(res.status()).toBe(201);
    operatorToken = ((await res.json()) as { token: string }).token;
  }
  await context.close();
  const reg = await send<{ token: string; request: { id: string } }>(api, "post", "/api/v1/orgs", undefined, { name: ORG.name, slug: ORG.slug, pluginIdPrefix: ORG.prefix, admin: { email: ORG.email, password: ORG.password }, token: true });
  adminToken = reg.token;
  await verifyContactByApi(api, operatorToken, ORG.email);
  await send(api, "post", `/api/v1/requests/${reg.request.id}/approve`, operatorToken, {});
  for (const pluginId of PLUGINS) {
    requestIds[pluginId] = (await send<{ request: { id: string } }>(api, "post", `/api/v1/orgs/${ORG.slug}/plugin-cert-requests`, adminToken, { pluginId, keyAlgorithm: "rsa-2048" })).request.id;
  }
  await api.dispose();
});

const queue = (page: Page) => page.getByRole("list", { name: "Requests" });

test("requests: search, filters and the page live in the URL; Back returns to the previous page", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto(`/requests?q=${ORG.prefix}`);
  await expect(page.getByLabel("Search requests")).toHaveValue(ORG.prefix);
  // Newest first, 25 a page: p29 … p05 here, p04 … p00 on the next.
  await expect(queue(page).getByRole("listitem")).toHaveCount(25);
  await expect(queue(page)).toContainText(`${ORG.prefix}p29`);
  await expect(queue(page)).not.toContainText(`${ORG.prefix}p04`);
  await page.getByRole("button", { name: "Next page →" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(queue(page).getByRole("listitem")).toHaveCount(5);
  await expect(queue(page)).toContainText(`${ORG.prefix}p00`);
  await expect(page.getByRole("button", { name: "Next page →" })).toBeDisabled();
  // The page is its own URL: a reload shows it again, Back the first page.
  await page.reload();
  await expect(queue(page).getByRole("listitem")).toHaveCount(5);
  await page.goBack();
  await expect(page).not.toHaveURL(/cursor=/);
  await expect(queue(page).getByRole("listitem")).toHaveCount(25);

  await page.getByLabel("Search requests").fill(`${ORG.prefix}p1`);
  await page.getByLabel("Search requests").press("Enter");
  await expect(page).toHaveURL(new RegExp(`q=${ORG.prefix.replace(/\./g, "\\.")}p1`));
  await expect(queue(page).getByRole("listitem")).toHaveCount(10);
  await page.getByRole("tab", { name: "approved" }).click();
  await expect(page).toHaveURL(/status=approved/);
  await expect(page.getByText("No approved requests match.")).toBeVisible();
  await page.goBack();
  await expect(page.getByRole("tab", { name: "pending" })).toHaveAttribute("aria-selected", "true");
  await expect(queue(page).getByRole("listitem")).toHaveCount(10);
  await expectNoAxeViolations(page);
});

test("requests: bulk approve decides each selected request on its own and shows each result", async ({ page, playwright, baseURL }) => {
  test.setTimeout(180_000); // RSA keys generated for each approval, and four screenshots
  await signIn(page, ORG.email, ORG.password);
  await page.goto(`/requests?q=${ORG.prefix}p0`);
  await expect(queue(page).getByRole("listitem")).toHaveCount(10);
  for (const n of ["01", "02", "03"]) await page.getByRole("checkbox", { name: `Select ${ORG.prefix}p${n}` }).check();
  await expect(page.getByTestId("bulk-decision")).toContainText("3 selected");
  // Meanwhile p03 is approved elsewhere: that one must come back refused, the others issued.
  const api = await playwright.request.newContext({ baseURL });
  await send(api, "post", `/api/v1/requests/${requestIds[`${ORG.prefix}p03`]}/approve`, adminToken, {});
  await api.dispose();
  await page.getByRole("button", { name: "Approve selected" }).click();
  const results = page.getByRole("status", { name: "Results of the bulk decision" });
  await expect(results).toContainText("2 of 3 approved");
  const items = page.getByTestId("bulk-results").getByRole("listitem");
  await expect(items.filter({ hasText: `${ORG.prefix}p01` })).toContainText("approved, certificate issued");
  await expect(items.filter({ hasText: `${ORG.prefix}p02` })).toContainText("approved, certificate issued");
  await expect(items.filter({ hasText: `${ORG.prefix}p03` })).toContainText("not decided");
  await expect(queue(page).getByRole("listitem")).toHaveCount(7);
  // An approved one links to its certificate.
  await expect(items.filter({ hasText: `${ORG.prefix}p01` }).getByRole("link", { name: "certificate issued" })).toHaveAttribute("href", /^\/certificates\/[0-9a-f]+$/);
  await screenshot(page, "lists-requests-bulk-results-desktop");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "lists-requests-bulk-results-phone");
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshotThemes(page, "requests-bulk");
  await expect(results).toHaveCount(0); // a reload starts clean
  // Select all on the page, reject with one reason.
  await page.getByLabel("Select all on this page").check();
  await page.getByRole("button", { name: "Reject selected…" }).click();
  await page.getByLabel("Reason sent to each organization").fill("bulk test: not needed");
  await page.getByRole("button", { name: "Reject 7" }).click();
  await expect(page.getByRole("status", { name: "Results of the bulk decision" })).toContainText("7 of 7 rejected");
  await expect(page.getByText("No pending requests match.")).toBeVisible();
  await expectNoAxeViolations(page);
});

test("certificates: filters in the URL, a shared link opens filtered, the export holds the filtered rows", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto(`/certificates?q=${ORG.prefix}p0&status=issued`);
  await expect(page.getByLabel("Search", { exact: true })).toHaveValue(`${ORG.prefix}p0`);
  await expect(page.getByLabel("Status")).toHaveValue("issued");
  const table = page.getByRole("table");
  await expect(table.locator("tbody tr")).toHaveCount(3);
  const csv = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const lines = fs.readFileSync(await (await csv).path(), "utf8").trimEnd().split("\r\n");
  expect(lines).toHaveLength(4);
  expect(lines.slice(1).every((l) => l.includes(`${ORG.prefix}p0`) && l.includes(",issued,"))).toBe(true);
  await page.getByLabel("Status").selectOption("revoked");
  await expect(page).toHaveURL(/status=revoked/);
  await expect(page.getByText("No certificates match")).toBeVisible();
  await page.goBack();
  await expect(page.getByLabel("Status")).toHaveValue("issued");
  await expect(table.locator("tbody tr")).toHaveCount(3);
  await expectNoAxeViolations(page);
  await screenshotThemes(page, "certificates");
});

test("organizations: search and status in the URL; the organization's page filters its lists in place", async ({ page }) => {
  test.setTimeout(180_000); // two pages, each reloaded for four screenshots
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/orgs?q=thirteen");
  await expect(page.getByRole("table")).toContainText(ORG.name);
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(1);
  await page.getByLabel("Status").selectOption("rejected");
  await expect(page.getByText("No organization matches.")).toBeVisible();
  await page.goBack();
  await expect(page.getByRole("table")).toContainText(ORG.name);
  await expectNoAxeViolations(page);
  await screenshotThemes(page, "orgs");

  // The organization's own page: its queue, certificates and archives, filtered in place.
  await page.getByRole("link", { name: ORG.name }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${ORG.slug}$`));
  await expect(page.getByLabel("Search archives")).toBeVisible();
  await expect(page.getByText("No signed archives yet.")).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshotThemes(page, "org-page");
});

test("audit: events name their subject with a link, filters live in the URL, the export holds what they select", async ({ page, playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  const certs = await send<{ serial: string; pluginId: string }[]>(api, "get", `/api/v1/certificates?q=${ORG.prefix}p01`, operatorToken);
  await api.dispose();
  const serial = certs[0].serial;
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto(`/audit?subject=${serial}`);
  await expect(page.getByLabel("About")).toHaveValue(serial);
  const table = page.getByTestId("audit-table");
  await expect(table).toContainText("certificate.issued");
  const link = table.getByRole("link", { name: `${ORG.prefix}p01 · serial ${serial}` }).first();
  await expect(link).toHaveAttribute("href", `/certificates/${serial}`);
  await expect(table.getByRole("link", { name: ORG.name }).first()).toHaveAttribute("href", `/orgs/${ORG.slug}`);

  const csv = page.waitForEvent("download");
  await page.getByTestId("audit-export-csv").click();
  const lines = fs.readFileSync(await (await csv).path(), "utf8").trimEnd().split("\r\n");
  expect(lines[0]).toBe("seq,at,actor,action,outcome,subjectType,subjectId,subject,org,details,hash");
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => l.includes(serial))).toBe(true);

  // Refusals are listed with the rest: the bulk approval's 409 above.
  await page.getByLabel("About").fill("");
  await page.getByLabel("Outcome").selectOption("problems");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/outcome=problems/);
  await expect(table).toContainText("http.conflict");
  const json = page.waitForEvent("download");
  await page.getByTestId("audit-export-json").click();
  const rows = JSON.parse(fs.readFileSync(await (await json).path(), "utf8")) as { outcome: string }[];
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.outcome !== "success")).toBe(true);
  await page.goBack();
  await expect(page.getByLabel("About")).toHaveValue(serial);
  await expectNoAxeViolations(page);
  await screenshotThemes(page, "audit");
});
