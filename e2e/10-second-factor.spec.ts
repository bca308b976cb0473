import { expect, test, type APIRequestContext } from "@playwright/test";
import { totp } from "../test/totp";
import { OPERATOR, readSetupToken, screenshots, signIn, verifyContactByApi } from "./fixtures";

// Second factors: an org admin enrolls an authenticator app and signs in with its code (computed
// here, RFC 6238, from the secret the page shows), adds a passkey and signs in with Chromium's
// virtual authenticator; an operator without a second factor is stopped before approving when the
// store policy requires one. Seeds through the API, so it also runs alone; the policy is put back.
test.describe.configure({ mode: "serial" });

const ORG = { name: "Ten Factors", slug: "ten2fa", prefix: "com.ten2fa.", email: "admin@ten2fa.test", password: "ten2fa-password-1" };
const PENDING = { name: "Ten Pending", slug: "ten2fa-pending", prefix: "com.ten2fapending.", email: "admin@ten2fa-pending.test", password: "ten2fa-password-2" };
let operatorToken = "";
let secret = Buffer.alloc(0) as Buffer;

async function post<T>(request: APIRequestContext, url: string, token: string | undefined, data: unknown, method: "post" | "patch" = "post"): Promise<T> {
  const res = await request[method](url, { data, headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as T;
}

function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...text.toUpperCase()].map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0")).join("");
  return Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
}

/** A code from a time step not used yet (better-auth refuses nothing here, but the app would show the next one). */
async function freshCode(previous?: string): Promise<string> {
  let code = totp(secret);
  while (code === previous) {
    await new Promise((r) => setTimeout(r, 1000));
    code = totp(secret);
  }
  return code;
}

let pendingRequestId = "";

test.beforeAll(async ({ browser, baseURL, playwright }) => {
  const api = await playwright.request.newContext({ baseURL });
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/");
  if (page.url().includes("/setup")) {
    operatorToken = (await post<{ operatorToken: string }>(api, "/api/v1/setup", undefined, { setupToken: readSetupToken(), adminEmail: OPERATOR.email, adminPassword: OPERATOR.password })).operatorToken;
  } else {
    await signIn(page, OPERATOR.email, OPERATOR.password);
    const res = await page.request.post("/api/v1/tokens", { data: { name: "e2e second factor" }, headers: { origin: baseURL! } });
    expect(res.status()).toBe(201);
    operatorToken = ((await res.json()) as { token: string }).token;
  }
  await context.close();
  for (const org of [ORG, PENDING]) {
    const reg = await post<{ request: { id: string } }>(api, "/api/v1/orgs", undefined, { name: org.name, slug: org.slug, pluginIdPrefix: org.prefix, admin: { email: org.email, password: org.password }, token: false });
    await verifyContactByApi(api, operatorToken, org.email);
    if (org === ORG) await post(api, `/api/v1/requests/${reg.request.id}/approve`, operatorToken, {});
    else pendingRequestId = reg.request.id;
  }
  await api.dispose();
});

test.afterAll(async ({ baseURL, playwright }) => {
  const api = await playwright.request.newContext({ baseURL });
  await post(api, "/api/v1/settings/policy", operatorToken, { requireSecondFactor: "none" }, "patch");
  await api.dispose();
});

test("TOTP: an org admin enrolls an authenticator app (QR, secret, code), keeps the recovery codes, and then signs in with a code", async ({ page, context }) => {
  await signIn(page, ORG.email, ORG.password);
  await page.goto("/settings");
  await page.getByRole("link", { name: /Security/ }).click();
  await expect(page).toHaveURL(/\/settings\/security/);
  await expect(page.getByTestId("session-factor")).toContainText("password only");
  await page.getByLabel("Password").fill(ORG.password);
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  await expect(page.getByRole("img", { name: "QR code of the authenticator secret" })).toBeVisible();
  secret = base32Decode((await page.getByTestId("totp-secret").textContent())!.trim());
  await screenshots(page, "security-totp-setup");
  const first = await freshCode();
  await page.getByLabel("Code from the app").fill(first);
  await page.getByRole("button", { name: "Confirm and enable" }).click();
  const codes = page.getByTestId("recovery-codes");
  await expect(codes.locator("li")).toHaveCount(10);
  await expect(page.getByTestId("session-factor")).toContainText("with a second factor");
  await screenshots(page, "security-recovery-codes");
  await page.getByRole("button", { name: "I have stored them" }).click();
  await expect(codes).toHaveCount(0);

  await context.clearCookies();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(ORG.email);
  await page.getByLabel("Password").fill(ORG.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const code = page.getByLabel("Code from your authenticator app");
  await expect(code).toBeVisible();
  await screenshots(page, "sign-in-totp");
  await code.fill("000000" === totp(secret) ? "111111" : "000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That code is not right.")).toBeVisible();
  await code.fill(await freshCode(first));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  await page.goto("/settings/security");
  await expect(page.getByTestId("session-factor")).toContainText("with a second factor");
});

test("passkey: the org admin adds a passkey and signs in with Chromium's virtual authenticator", async ({ page, context }) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  // Signed in with password + code (the pending sign-in step needs a code from a new time step).
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(ORG.email);
  await page.getByLabel("Password").fill(ORG.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Code from your authenticator app").fill(totp(secret));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  await page.goto("/settings/security");
  await page.getByLabel("Passkey name").fill("Virtual key");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("list", { name: "Your passkeys" })).toContainText("Virtual key");
  await screenshots(page, "security-passkey");

  await context.clearCookies();
  await page.goto("/sign-in");
  await screenshots(page, "sign-in-passkey");
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  await page.goto("/settings/security");
  await expect(page.getByTestId("session-factor")).toContainText("with a second factor");
});

test("policy: an operator without a second factor is stopped before approving and sent to enrolment", async ({ page, baseURL, playwright }) => {
  const api = await playwright.request.newContext({ baseURL });
  await post(api, "/api/v1/settings/policy", operatorToken, { requireSecondFactor: "operators" }, "patch");
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/settings");
  await expect(page.getByLabel("Second factor required")).toHaveValue("operators");
  await page.goto("/requests");
  await page.getByRole("button", { name: new RegExp(`Organization CA · ${PENDING.slug}`) }).click();
  await page.getByRole("button", { name: "Approve and issue" }).click();
  await expect(page).toHaveURL(/\/settings\/security\?required=1/);
  await expect(page.getByText("Store policy requires a second factor before you approve")).toBeVisible();
  await screenshots(page, "security-required");
  const res = await api.get(`/api/v1/requests/${pendingRequestId}`, { headers: { authorization: `Bearer ${operatorToken}` } });
  const body = (await res.json()) as { request?: { status: string }; status?: string };
  expect(body.request?.status ?? body.status).toBe("pending");
  await api.dispose();
});
