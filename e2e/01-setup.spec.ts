import { expect, test } from "@playwright/test";
import { appAlert, OPERATOR, readSetupToken, screenshot, signIn } from "./fixtures";

test.describe.configure({ mode: "serial" });

test("setup: first run creates the operator and the Root CA in the browser", async ({ browser, baseURL }) => {
  const page = await (await browser.newContext({ baseURL, permissions: ["clipboard-read", "clipboard-write"] })).newPage();
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup/);
  await expect(page.getByRole("heading", { name: /Create the store operator/ })).toBeVisible();
  await screenshot(page, "setup-desktop");

  // A wrong token is refused with a clear message.
  await page.getByLabel("Setup token").fill("not-the-token");
  await page.getByLabel("Operator email").fill(OPERATOR.email);
  await page.getByLabel("Password", { exact: true }).fill(OPERATOR.password);
  await page.getByLabel("Repeat password").fill(OPERATOR.password);
  await page.getByRole("button", { name: "Create operator and Root CA" }).click();
  await expect(appAlert(page)).toContainText("setup token is not valid");

  await page.getByLabel("Setup token").fill(readSetupToken());
  await page.getByLabel("Root CA name").fill("E2E Store Root");
  await page.getByRole("button", { name: "Create operator and Root CA" }).click();
  await expect(page.getByTestId("operator-token")).toContainText("sgt_");
  // Shown once: a Copy button so nobody retypes a 40-character secret (issue 13, defect 7).
  await page.getByRole("button", { name: "Copy token" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe((await page.getByTestId("operator-token").innerText()).trim());
  await page.getByRole("button", { name: "Continue to the console" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByTestId("root-ca")).toContainText("CN=E2E Store Root");
  await screenshot(page, "dashboard-desktop");
});

test("setup: the setup page is closed once Signet is initialized", async ({ page }) => {
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("sign-in: the operator signs out and back in", async ({ page }) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel("Email").fill(OPERATOR.email);
  await page.getByLabel("Password").fill("wrong-password-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(appAlert(page)).toContainText("Wrong email or password");
  await screenshot(page, "sign-in-desktop");
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await expect(page.getByTestId("root-ca")).toContainText("E2E Store Root");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "dashboard-phone");
  await page.getByRole("button", { name: /Sign out/ }).first().click();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("security headers: every page forbids framing and foreign scripts; HSTS only over TLS", async ({ request }) => {
  const plain = await request.get("/sign-in");
  const headers = plain.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).toContain("default-src 'self'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["strict-transport-security"]).toBeUndefined();
  const viaTls = await request.get("/sign-in", { headers: { "x-forwarded-proto": "https" } });
  expect(viaTls.headers()["strict-transport-security"]).toContain("max-age=31536000");
});
