import { expect, test } from "@playwright/test";
import { ACME, OPERATOR, operatorToken, screenshot, signIn, verifyContactInBrowser, seeding } from "./fixtures";

// Registers the org "acme" in the browser and has the operator approve it; 03 and 04 build on what it
// leaves (and seed it themselves when run without it). The operator is set up through the API when
// this spec runs alone.
test.describe.configure({ mode: "serial" });

const ORG = ACME;

test.beforeAll(({ browser, baseURL, playwright }) => seeding({ browser, baseURL, playwright }, (page, request, baseURL) => operatorToken(page, request, baseURL, "e2e hierarchy")));

test("enrollment: an organization registers in the browser", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("Organization name").fill(ORG.name);
  // The slug is derived from the name until the user edits it.
  await expect(page.getByLabel("Short name (slug)")).toHaveValue("acme-plugins");
  await page.getByLabel("Short name (slug)").fill(ORG.slug);
  await page.getByLabel("Plugin id prefix").fill(ORG.prefix);
  await page.getByLabel("Admin email").fill(ORG.email);
  await page.getByLabel("Admin password").fill(ORG.password);
  await screenshot(page, "register-desktop");
  await page.getByRole("button", { name: "Register organization" }).click();
  await expect(page).toHaveURL(/\/orgs\/acme/);
  await expect(page.getByText("waiting for a store operator")).toBeVisible();
});

test("enrollment: the operator reviews the request and approves it", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await verifyContactInBrowser(page, ORG.email);
  await page.goto("/requests");
  await page.getByRole("button", { name: /Organization CA · acme/ }).click();
  const review = page.getByTestId("request-review");
  await expect(review).toContainText("What will be issued");
  await expect(review).toContainText("pathlen:0");
  await expect(review).toContainText("O=Acme Plugins");
  await screenshot(page, "requests-desktop");
  await page.getByRole("button", { name: "Approve and issue" }).click();
  await expect(review).toContainText("Approved");
});

test("plugin certificate: a member requests one with a browser-generated key, approves it and revokes it", async ({ page }) => {
  await signIn(page, ORG.email, ORG.password);
  await page.goto(`/orgs/${ORG.slug}`);
  await expect(page.getByRole("heading", { name: ORG.name })).toBeVisible();
  await page.getByRole("textbox", { name: "Plugin id" }).fill("com.acme.e2e");
  await page.getByLabel("Generate a key in this browser").check();
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByText("Your private key never left this browser")).toBeVisible({ timeout: 30_000 });
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download com.acme.e2e.key" }).click();
  const key = await download;
  expect(key.suggestedFilename()).toBe("com.acme.e2e.key");
  await screenshot(page, "org-desktop");

  await page.getByRole("button", { name: /com\.acme\.e2e/ }).click();
  await page.getByRole("button", { name: "Approve and issue" }).click();
  await expect(page.getByTestId("request-review")).toContainText("Approved");

  await page.goto("/certificates");
  await page.getByRole("link", { name: /CN=com\.acme\.e2e/ }).click();
  await expect(page.getByText("Held by the organization")).toBeVisible();
  await screenshot(page, "certificate-desktop");
  await page.getByRole("button", { name: "Revoke…" }).click();
  await page.getByLabel("Reason").selectOption("keyCompromise");
  await page.getByRole("button", { name: "Revoke certificate" }).click();
  await expect(page.getByText(/Revoked\. Affected/)).toBeVisible();
  await expect(page.getByText("keyCompromise at")).toBeVisible();

  await page.goto("/hierarchy");
  await expect(page.getByRole("tree")).toContainText("com.acme.e2e");
  await screenshot(page, "hierarchy-desktop");
});
