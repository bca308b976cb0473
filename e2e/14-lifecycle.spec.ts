import { expect, test, type APIRequestContext } from "@playwright/test";
import { appAlert, expectNoAxeViolations, OPERATOR, operatorApiToken, screenshots, signIn, verifyContactByApi } from "./fixtures";

// The lifecycle an operator expects (issue 13): renew a plugin certificate, one plugin's page with
// every certificate and its downloads, withdraw a pending request, re-apply after a rejection, and
// suspend an organization after seeing what it revokes. Seeds its own state through the API, so it
// also runs alone.
test.describe.configure({ mode: "serial" });

const LIFE = { name: "Life Fourteen", slug: "life14", prefix: "com.life14.", email: "admin@life14.test", password: "life14-password-1" };
const REJ = { name: "Reject Fourteen", slug: "rej14", prefix: "com.rej14.", email: "admin@rej14.test", password: "rej14-password-1" };
const DOOM = { name: "Doom Fourteen", slug: "doom14", prefix: "com.doom14.", email: "admin@doom14.test", password: "doom14-password-1" };
const PLUGIN = "com.life14.tool";
const PENDING = "com.life14.later";
let operatorToken = "";
let lifeToken = "";
let doomToken = "";
let serial = "";
let doomSerial = "";

async function send<T>(request: APIRequestContext, method: "post" | "patch" | "get", url: string, token: string | undefined, data?: unknown): Promise<T> {
  const res = await request[method](url, { ...(data === undefined ? {} : { data }), headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as T;
}

async function registerApproved(api: APIRequestContext, org: typeof LIFE, approve: boolean): Promise<{ token: string; requestId: string }> {
  const reg = await send<{ token: string; request: { id: string } }>(api, "post", "/api/v1/orgs", undefined, { name: org.name, slug: org.slug, pluginIdPrefix: org.prefix, admin: { email: org.email, password: org.password }, token: true });
  await verifyContactByApi(api, operatorToken, org.email);
  if (approve) await send(api, "post", `/api/v1/requests/${reg.request.id}/approve`, operatorToken, {});
  return { token: reg.token, requestId: reg.request.id };
}

async function hostedPluginCert(api: APIRequestContext, token: string, slug: string, pluginId: string): Promise<string> {
  const asked = await send<{ request: { id: string } }>(api, "post", `/api/v1/orgs/${slug}/plugin-cert-requests`, token, { pluginId, keyAlgorithm: "rsa-2048" });
  return (await send<{ certificate: { serial: string } }>(api, "post", `/api/v1/requests/${asked.request.id}/approve`, operatorToken, {})).certificate.serial;
}

test.beforeAll(async ({ browser, baseURL, playwright }) => {
  const api = await playwright.request.newContext({ baseURL });
  operatorToken = await operatorApiToken(browser, api, baseURL!, "e2e lifecycle");
  lifeToken = (await registerApproved(api, LIFE, true)).token;
  serial = await hostedPluginCert(api, lifeToken, LIFE.slug, PLUGIN);
  await send(api, "post", `/api/v1/orgs/${LIFE.slug}/plugin-cert-requests`, lifeToken, { pluginId: PENDING, keyAlgorithm: "rsa-2048" });
  const rej = await registerApproved(api, REJ, false);
  await send(api, "post", `/api/v1/requests/${rej.requestId}/reject`, operatorToken, { reason: "Tell us more about your plugins" });
  doomToken = (await registerApproved(api, DOOM, true)).token;
  doomSerial = await hostedPluginCert(api, doomToken, DOOM.slug, "com.doom14.gone");
  await api.dispose();
});

test("renew: an org admin renews a plugin certificate on the same key, and the new one is linked", async ({ page }) => {
  await signIn(page, LIFE.email, LIFE.password);
  await page.goto(`/certificates/${serial}`);
  const panel = page.getByTestId("renew-panel");
  await expect(panel.getByLabel("The same key")).toBeChecked();
  await expectNoAxeViolations(page);
  await panel.getByRole("button", { name: "Renew certificate" }).click();
  const done = panel.getByText(/Renewed:/);
  await expect(done).toBeVisible();
  await screenshots(page, "14-renewed");
  await panel.getByRole("link", { name: /certificate [0-9a-f]+/ }).click();
  await expect(page).not.toHaveURL(new RegExp(`/certificates/${serial}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(PLUGIN);
});

test("per-plugin page: every certificate of the plugin id with its downloads, the renewal pointing at what it renews", async ({ page }) => {
  await signIn(page, LIFE.email, LIFE.password);
  await page.goto(`/orgs/${LIFE.slug}`);
  await page.getByRole("list", { name: "Plugins" }).getByRole("link", { name: PLUGIN }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${LIFE.slug}/plugins/${PLUGIN.replace(/\./g, "\\.")}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(PLUGIN);
  const table = page.getByRole("table", { name: "Certificates" });
  await expect(table.getByRole("row")).toHaveCount(3);
  await expect(table.getByRole("link", { name: serial, exact: true })).toHaveCount(2);
  const pem = await page.request.get(await page.getByRole("link", { name: `Download certificate ${serial} (PEM)` }).getAttribute("href") ?? "");
  expect(pem.status()).toBe(200);
  expect(await pem.text()).toContain("BEGIN CERTIFICATE");
  await expect(page.getByRole("list", { name: "Requests" }).getByText("approved")).toHaveCount(2);
  await expectNoAxeViolations(page);
  await screenshots(page, "14-plugin-page");
});

test("withdraw: the requester takes a pending request back, and it issues nothing", async ({ page }) => {
  await signIn(page, LIFE.email, LIFE.password);
  await page.goto("/requests");
  await page.getByRole("button", { name: new RegExp(PENDING.replace(/\./g, "\\.")) }).click();
  const review = page.getByTestId("request-review");
  await expectNoAxeViolations(page);
  await review.getByRole("button", { name: "Withdraw request" }).click();
  await expect(review).toContainText("Withdrawn: nothing will be issued from this request.");
  await screenshots(page, "14-withdrawn");
  await page.getByRole("tab", { name: "withdrawn" }).click();
  await expect(page.getByRole("button", { name: new RegExp(PENDING.replace(/\./g, "\\.")) })).toBeVisible();
  const res = await page.request.get(`/api/v1/requests?status=pending`);
  expect(((await res.json()) as { pluginId?: string }[]).some((r) => r.pluginId === PENDING)).toBe(false);
});

test("re-apply: a rejected organization's admin applies again, and the request waits for an operator", async ({ page }) => {
  await signIn(page, REJ.email, REJ.password);
  await page.goto(`/orgs/${REJ.slug}`);
  await expect(appAlert(page)).toContainText("Tell us more about your plugins");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Re-apply" }).click();
  // The organization is pending again: the page says who decides now, and offers no Re-apply.
  await expect(page.getByText("Your registration is waiting for a store operator")).toBeVisible();
  await expect(page.getByRole("button", { name: "Re-apply" })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await screenshots(page, "14-reapplied");
});

test("suspend: the operator sees the impact, confirms, and everything the organization held is revoked", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto(`/orgs/${DOOM.slug}`);
  await page.getByRole("button", { name: "Suspend…" }).click();
  const panel = page.getByTestId("suspend-panel");
  const impact = panel.getByRole("list", { name: "Impact" });
  await expect(impact).toContainText("1 organization CA certificate(s)");
  await expect(impact).toContainText("1 plugin certificate(s)");
  await expect(impact).toContainText("1 API token(s)");
  const button = panel.getByRole("button", { name: "Suspend and revoke everything" });
  await panel.getByLabel(/Reason/).fill("Shipped malware in a plugin");
  await expect(button).toBeDisabled();
  await panel.getByLabel(/to confirm/).fill(DOOM.slug);
  await expectNoAxeViolations(page);
  await screenshots(page, "14-suspend-impact");
  await button.click();
  await expect(page.getByText(/Suspended on .*Shipped malware in a plugin/)).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshots(page, "14-suspended");
  const cert = await page.request.get(`/api/v1/certificates/${doomSerial}`);
  expect(((await cert.json()) as { status: string }).status).toBe("revoked");
  // Its admin's token no longer works: the organization can neither request nor sign.
  const refused = await page.request.post(`/api/v1/orgs/${DOOM.slug}/plugin-cert-requests`, { data: { pluginId: "com.doom14.more" }, headers: { authorization: `Bearer ${doomToken}` } });
  expect(refused.status()).toBe(401);
});

test("webhooks: an org admin registers a receiver for the organization's own events on the org page", async ({ page }) => {
  await signIn(page, LIFE.email, LIFE.password);
  await page.goto(`/orgs/${LIFE.slug}`);
  const form = page.getByRole("form", { name: "Register a webhook" });
  await form.getByLabel("Receiver URL").fill("http://127.0.0.1:9/hook");
  await form.getByRole("button", { name: "Register webhook" }).click();
  await expect(appAlert(page)).toContainText("https");
  await form.getByLabel("Receiver URL").fill("https://hooks.example.com/life14");
  await expect(form.getByText("org.registered")).toHaveCount(0);
  await form.getByRole("button", { name: "Register webhook" }).click();
  await expect(page.getByTestId("webhook-secret")).toBeVisible();
  await expect(page.getByRole("list", { name: "Registered webhooks" })).toContainText("https://hooks.example.com/life14");
  await expectNoAxeViolations(page);
  await screenshots(page, "14-org-webhooks");
});
