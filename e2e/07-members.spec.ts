import { expect, test, type APIRequestContext } from "@playwright/test";
import { mailedLink, OPERATOR, readSetupToken, requestHostedPluginCert, screenshots, signIn, verifyContactByApi } from "./fixtures";

// Teams: an org admin invites a colleague from the org page; the colleague opens the mailed link
// (read from the outbox: the e2e server has no SMTP), chooses a password, lands in the org as a
// member and requests a plugin certificate. Seeds through the API, so it also runs alone.
test.describe.configure({ mode: "serial" });

const ORG = { name: "Team Seven", slug: "team7", prefix: "com.team7.", email: "admin@team7.test", password: "team7-password-1" };
const DEV = { name: "Dev Seven", email: "dev@team7.test", password: "dev7-password-123" };
let operatorToken = "";
// The operator's session from beforeAll, reused: the whole suite signs in often enough to meet
// better-auth's per-address sign-in rate limit.
let operatorState: Awaited<ReturnType<import("@playwright/test").BrowserContext["storageState"]>> | undefined;

async function post<T>(request: APIRequestContext, url: string, token: string | undefined, data: unknown): Promise<T> {
  const res = await request.post(url, { data, headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as T;
}

test.beforeAll(async ({ browser, baseURL, playwright }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  // Seeding goes through a cookie-less API client, as a script would.
  const api = await playwright.request.newContext({ baseURL });
  await page.goto("/");
  if (page.url().includes("/setup")) {
    // Alone on a fresh data directory: initialize through the API with the printed setup token.
    operatorToken = (await post<{ operatorToken: string }>(api, "/api/v1/setup", undefined, { setupToken: readSetupToken(), adminEmail: OPERATOR.email, adminPassword: OPERATOR.password })).operatorToken;
  } else {
    await signIn(page, OPERATOR.email, OPERATOR.password);
    const res = await page.request.post("/api/v1/tokens", { data: { name: "e2e members" }, headers: { origin: baseURL! } });
    expect(res.status()).toBe(201);
    operatorToken = ((await res.json()) as { token: string }).token;
    operatorState = await context.storageState();
  }
  const reg = await post<{ request: { id: string } }>(api, "/api/v1/orgs", undefined, {
    name: ORG.name,
    slug: ORG.slug,
    pluginIdPrefix: ORG.prefix,
    admin: { email: ORG.email, password: ORG.password },
    token: false,
  });
  await verifyContactByApi(api, operatorToken, ORG.email);
  await post(api, `/api/v1/requests/${reg.request.id}/approve`, operatorToken, {});
  await api.dispose();
  await context.close();
});

test("members: an org admin invites a colleague from the org page", async ({ page }) => {
  await signIn(page, ORG.email, ORG.password);
  await page.goto(`/orgs/${ORG.slug}`);
  const members = page.getByRole("list", { name: "Members" });
  await expect(members).toContainText(ORG.email);
  await expect(members).toContainText("admin");
  await page.getByLabel("Email address").fill(DEV.email);
  await page.getByLabel("Role").selectOption("member");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation mailed to ${DEV.email}`)).toBeVisible();
  await expect(page.getByRole("list", { name: "Pending invitations" })).toContainText(DEV.email);
  await screenshots(page, "members");
});

test("members: the colleague accepts the mailed link with a new password and requests a plugin certificate", async ({ browser, baseURL, request }) => {
  const link = await mailedLink(request, DEV.email, "invitation", operatorToken);
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByText(`Join ${ORG.name}`).first()).toBeVisible();
  await expect(page.getByText(`An invitation for ${DEV.email} to join as member`)).toBeVisible();
  await page.getByLabel("Your name").fill(DEV.name);
  await page.getByLabel("Choose a password").fill(DEV.password);
  await screenshots(page, "invite-accept");
  await page.getByRole("button", { name: `Join ${ORG.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${ORG.slug}`));
  await expect(page.getByRole("heading", { name: ORG.name })).toBeVisible();
  // A member requests certificates but does not manage the team.
  await expect(page.getByRole("list", { name: "Members" })).toHaveCount(0);
  await requestHostedPluginCert(page, ORG.slug, "com.team7.widget");
  // The link worked once.
  await page.goto(link);
  await expect(page.getByText("already accepted")).toBeVisible();
  await context.close();
});

test("members: the admin sees the new member and can make them admin", async ({ page }) => {
  await signIn(page, ORG.email, ORG.password);
  await page.goto(`/orgs/${ORG.slug}`);
  const row = page.getByRole("list", { name: "Members" }).getByRole("listitem").filter({ hasText: DEV.email });
  await expect(row).toContainText("member");
  await row.getByRole("button", { name: "Make admin" }).click();
  await expect(page.getByText(`${DEV.email} is now admin`)).toBeVisible();
  await expect(row.getByRole("button", { name: "Make member" })).toBeVisible();
});

test("outbox: with no SMTP configured, the operator reads the invitation in Settings", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, ...(operatorState ? { storageState: operatorState } : {}) });
  const page = await context.newPage();
  if (!operatorState) await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/settings");
  const outbox = page.getByRole("list", { name: "Outbox messages" });
  const invitation = outbox.getByRole("button", { name: new RegExp(`invites you to ${ORG.name}`) }).first();
  await expect(invitation).toContainText(`to ${DEV.email}`);
  await invitation.click();
  await expect(page.getByTestId("outbox-text").first()).toContainText("/invite/");
  await screenshots(page, "outbox");
  await context.close();
});
