import fs from "node:fs";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { expect, type APIRequestContext, type Browser, type Page, type PlaywrightWorkerArgs } from "@playwright/test";

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

/**
 * Desktop and phone, light and dark: the theme script reads the colour scheme at load, so each theme
 * reloads (`reload: false` takes the light pair of the page as it stands). `axe` also runs axe-core in
 * each theme.
 */
export async function screenshotThemes(page: Page, name: string, reload = true, { axe = false }: { axe?: boolean } = {}): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const scheme of ["light", "dark"] as const) {
    if (reload) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.reload();
      await page.waitForLoadState("networkidle");
    } else if (scheme === "dark") {
      break;
    }
    if (axe) await expectNoAxeViolations(page);
    for (const [device, width, height] of [["desktop", 1280, 900], ["phone", 390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `${name}-${device}-${reload ? scheme : "light"}`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
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

/** `res`'s JSON once its status is `status` (the body is shown when it is not). */
export async function expectJson<T>(res: Awaited<ReturnType<APIRequestContext["post"]>>, status: number): Promise<T> {
  expect(res.status(), await res.text()).toBe(status);
  return (await res.json()) as T;
}

/**
 * An operator API token, whatever ran before: Signet is set up through the API when this spec runs
 * alone on a fresh data dir, else the operator signs in on `page` and creates a token (the page is
 * signed out again).
 */
export async function operatorToken(page: Page, request: APIRequestContext, baseURL: string, name = "e2e seeding"): Promise<string> {
  let setupToken: string | undefined;
  try {
    setupToken = readSetupToken();
  } catch {
    setupToken = undefined;
  }
  if (setupToken) {
    // The Root CA named as 01-setup names it in the browser.
    const res = await request.post("/api/v1/setup", { data: { setupToken, adminEmail: OPERATOR.email, adminPassword: OPERATOR.password, rootCommonName: "E2E Store Root" } });
    if (res.status() === 201) return ((await res.json()) as { operatorToken: string }).operatorToken;
  }
  return userToken(page, baseURL, OPERATOR.email, OPERATOR.password, name);
}

export type SeedOrg = { name: string; slug: string; prefix: string; email: string; password: string };

/** Registers `org` through the API, confirms its admin's address and approves its CA; returns the admin's API token. */
export async function seedApprovedOrg(request: APIRequestContext, operator: string, org: SeedOrg): Promise<string> {
  const reg = await expectJson<{ token: string; request: { id: string } }>(
    await request.post("/api/v1/orgs", { data: { name: org.name, slug: org.slug, pluginIdPrefix: org.prefix, admin: { email: org.email, password: org.password }, token: true } }),
    201,
  );
  await verifyContactByApi(request, operator, org.email);
  await expectJson(await request.post(`/api/v1/requests/${reg.request.id}/approve`, { headers: { authorization: `Bearer ${operator}` } }), 200);
  return reg.token;
}

/** The organization 02 registers in the browser; 03 and 04 seed it through the API when they run without 02. */
export const ACME: SeedOrg = { name: "Acme Plugins", slug: "acme", prefix: "com.acme.", email: "admin@acme.test", password: "acme-password-123" };

/** An API token for a console user, made by signing in on `page` (which is signed out again). */
export async function userToken(page: Page, baseURL: string, email: string, password: string, name: string): Promise<string> {
  await signIn(page, email, password);
  const token = await expectJson<{ token: string }>(await page.request.post("/api/v1/tokens", { data: { name }, headers: { origin: baseURL } }), 201);
  await page.context().clearCookies();
  return token.token;
}

/**
 * The state 02-hierarchy leaves, for specs that build on it: the operator, the approved org "acme", and
 * its plugin certificate com.acme.e2e revoked for key compromise. What exists already is kept.
 */
export async function ensureAcme(page: Page, request: APIRequestContext, baseURL: string): Promise<{ operator: string }> {
  const operator = await operatorToken(page, request, baseURL, "e2e acme seeding");
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const org = await request.get(`/api/v1/orgs/${ACME.slug}`, { headers: bearer(operator) });
  let admin: string;
  if (org.status() === 404) admin = await seedApprovedOrg(request, operator, ACME);
  else {
    expect(((await expectJson<{ status: string }>(org, 200)).status), "acme, as 02-hierarchy leaves it").toBe("approved");
    admin = await userToken(page, baseURL, ACME.email, ACME.password, "e2e acme seeding");
  }
  const revoked = await expectJson<{ pluginId?: string }[]>(await request.get(`/api/v1/certificates?org=${ACME.slug}&status=revoked`, { headers: bearer(operator) }), 200);
  if (!revoked.some((c) => c.pluginId === "com.acme.e2e")) {
    const asked = await expectJson<{ request: { id: string } }>(await request.post(`/api/v1/orgs/${ACME.slug}/plugin-cert-requests`, { data: { pluginId: "com.acme.e2e" }, headers: bearer(admin) }), 201);
    const issued = await expectJson<{ certificate: { serial: string } }>(await request.post(`/api/v1/requests/${asked.request.id}/approve`, { headers: bearer(admin) }), 200);
    await expectJson(await request.post(`/api/v1/certificates/${issued.certificate.serial}/revoke`, { data: { reason: "keyCompromise" }, headers: bearer(admin) }), 200);
  }
  return { operator };
}

/** For beforeAll hooks: runs `seed` with a page and an API context of its own, closed afterwards. */
export async function seeding<T>(
  { browser, baseURL, playwright }: { browser: Browser; baseURL?: string; playwright: PlaywrightWorkerArgs["playwright"] },
  seed: (page: Page, request: APIRequestContext, baseURL: string) => Promise<T>,
): Promise<T> {
  const api = await playwright.request.newContext({ baseURL });
  const context = await browser.newContext({ baseURL });
  try {
    return await seed(await context.newPage(), api, baseURL!);
  } finally {
    await context.close();
    await api.dispose();
  }
}

/** operatorToken for a beforeAll hook that has a browser but no page: a context of its own, closed afterwards. */
export async function operatorApiToken(browser: Browser, api: APIRequestContext, baseURL: string, name: string): Promise<string> {
  const context = await browser.newContext({ baseURL });
  try {
    return await operatorToken(await context.newPage(), api, baseURL, name);
  } finally {
    await context.close();
  }
}
