import fs from "node:fs";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";

export const DATA_DIR = path.resolve(process.env.SIGNET_E2E_DATA_DIR ?? "e2e-results/data");
export const OPERATOR = { email: "ops@example.com", password: "operator-pass-1234" };

/** The one-time setup token the server wrote beside its embedded database (it also printed it). */
export function readSetupToken(): string {
  return fs.readFileSync(path.join(DATA_DIR, "setup-token"), "utf8").trim();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join("e2e-results", "screenshots", `${name}.png`), fullPage: true });
}

/** The app's own alerts (Next.js adds an empty route announcer with role=alert to every page). */
export function appAlert(page: Page) {
  return page.getByRole("alert").and(page.locator(":not(#__next-route-announcer__)"));
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}

/** Desktop (1280) and phone (390) screenshots of the current page: `${name}-desktop`, `${name}-phone`. */
export async function screenshots(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 720 };
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(size);
}

/** axe-core on the current page: no serious or critical violation (WCAG contrast, names, roles…). */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(blocking, `axe on ${page.url()}`).toEqual([]);
}

/** The org member's path to a plugin certificate on a hosted key: the request form on the org page. */
export async function requestHostedPluginCert(page: Page, slug: string, pluginId: string): Promise<void> {
  await page.goto(`/orgs/${slug}`);
  await page.getByRole("textbox", { name: "Plugin id" }).fill(pluginId);
  await page.getByLabel("Hosted by Signet").check();
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByText(`Request for ${pluginId} submitted`)).toBeVisible();
}

type OutboxMessage = { kind: string; to: string; subject: string; text: string };

/**
 * The console link Signet mailed to `address` (the e2e server runs with no SMTP, so mail lands in
 * the outbox), read through `GET /api/v1/outbox` as the operator: `auth` is an operator token, or
 * omitted when `request` is a signed-in operator's page.request. Delivery follows the commit, so poll.
 */
export async function mailedLink(request: APIRequestContext, address: string, kind: "contact-verification" | "invitation", auth?: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(async () => {
      const res = await request.get(`/api/v1/outbox?to=${encodeURIComponent(address)}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
      expect(res.status(), await res.text()).toBe(200);
      const message = ((await res.json()) as OutboxMessage[]).find((m) => m.kind === kind);
      link = message ? /https?:\/\/\S+\/(?:verify-contact|invite)\/[A-Za-z0-9_-]{43}/.exec(message.text)?.[0] : undefined;
      return Boolean(link);
    })
    .toBe(true);
  return new URL(link!).pathname;
}

/** Follows the contact-verification link by API, as a script would (POST what the page's button posts). */
export async function verifyContactByApi(request: APIRequestContext, operatorToken: string, address: string): Promise<void> {
  const link = await mailedLink(request, address, "contact-verification", operatorToken);
  const res = await request.post(`/api/v1/contact-verifications/${link.split("/").pop()}`, { data: {} });
  expect(res.status(), await res.text()).toBe(200);
}

/** The signed-in operator reads the verification mail in the outbox and opens its link in the browser. */
export async function verifyContactInBrowser(page: Page, address: string): Promise<void> {
  const link = await mailedLink(page.request, address, "contact-verification");
  await page.goto(link);
  await page.getByRole("button", { name: "Confirm this address" }).click();
  await expect(page.getByText(`${address} is confirmed`)).toBeVisible();
}

/**
 * An operator API token for seeding through the API: from the setup route when this spec is the
 * first to run (Signet not set up yet), else created by the signed-in operator.
 */
export async function operatorApiToken(browser: Browser, api: APIRequestContext, baseURL: string, name: string): Promise<string> {
  const context = await browser.newContext({ baseURL });
  try {
    const page = await context.newPage();
    await page.goto("/");
    if (page.url().includes("/setup")) {
      const res = await api.post("/api/v1/setup", { data: { setupToken: readSetupToken(), adminEmail: OPERATOR.email, adminPassword: OPERATOR.password } });
      expect(res.status(), await res.text()).toBeLessThan(300);
      return ((await res.json()) as { operatorToken: string }).operatorToken;
    }
    await signIn(page, OPERATOR.email, OPERATOR.password);
    const res = await page.request.post("/api/v1/tokens", { data: { name }, headers: { origin: baseURL } });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { token: string }).token;
  } finally {
    await context.close();
  }
}
