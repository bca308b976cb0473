import { expect, test, type APIRequestContext } from "@playwright/test";
import { mailedLink, OPERATOR, readSetupToken, screenshots, signIn, verifyContactByApi } from "./fixtures";

// Approvals by more than one person: with the store policy at 2, the first operator's approval of
// an organization CA is recorded and shows in the queue; a second operator (invited by mail, the
// link read from the outbox) approves and the certificate is issued. Seeds through the API, so it
// also runs alone; the policy goes back to 1 at the end.
test.describe.configure({ mode: "serial" });

const ORG = { name: "Pair Nine", slug: "pair9", prefix: "com.pair9.", email: "admin@pair9.test", password: "pair9-password-1" };
const SECOND = { email: "second-operator@ops9.test", password: "second-op-pass-1" };
const LATE = { name: "Late Nine", slug: "late9", prefix: "com.late9.", email: "admin@late9.test", password: "late9-password-1" };
let operatorToken = "";

async function send<T>(request: APIRequestContext, method: "post" | "patch", url: string, token: string | undefined, data: unknown): Promise<T> {
  const res = await request[method](url, { data, headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as T;
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
    const res = await page.request.post("/api/v1/tokens", { data: { name: "e2e approvals" }, headers: { origin: baseURL! } });
    expect(res.status()).toBe(201);
    operatorToken = ((await res.json()) as { token: string }).token;
  }
  await context.close();
  await send(api, "patch", "/api/v1/settings/policy", operatorToken, { orgCaApprovals: 2 });
  await send(api, "post", "/api/v1/orgs", undefined, { name: ORG.name, slug: ORG.slug, pluginIdPrefix: ORG.prefix, admin: { email: ORG.email, password: ORG.password }, token: false });
  await verifyContactByApi(api, operatorToken, ORG.email);
  // The second operator, invited through the API and accepting the mailed link.
  await send(api, "post", "/api/v1/operators/invitations", operatorToken, { email: SECOND.email });
  const link = await mailedLink(api, SECOND.email, "invitation", operatorToken);
  const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(link)![1];
  await send(api, "post", `/api/v1/invitations/${token}/accept`, undefined, { name: "Second Operator", password: SECOND.password });
  await api.dispose();
});

test.afterAll(async ({ playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  await send(api, "patch", "/api/v1/settings/policy", operatorToken, { orgCaApprovals: 1, orgCaRevocationApprovals: 1 });
  await api.dispose();
});

test("approvals: an org CA needs two operators when the policy says 2", async ({ browser, baseURL }) => {
  const first = await browser.newContext({ baseURL });
  const page = await first.newPage();
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/settings");
  await expect(page.getByLabel("Operators who must approve an organization CA")).toHaveValue("2");
  await expect(page.getByRole("list", { name: "Operators" })).toContainText(SECOND.email);
  await page.goto("/requests");
  await page.getByRole("button", { name: new RegExp(`Organization CA · ${ORG.slug}`) }).click();
  const review = page.getByTestId("request-review");
  await expect(review.getByRole("region", { name: "Approvals" })).toContainText("Approvals: 0 of 2");
  await review.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(review).toContainText("Your approval is recorded (1 of 2)");
  await screenshots(page, "approvals-first");
  await first.close();

  const second = await browser.newContext({ baseURL });
  const other = await second.newPage();
  await signIn(other, SECOND.email, SECOND.password);
  await other.goto("/requests");
  const row = other.getByRole("button", { name: new RegExp(`Organization CA · ${ORG.slug}`) });
  await expect(row).toContainText("1 of 2 approvals");
  await row.click();
  const review2 = other.getByTestId("request-review");
  const approvals = review2.getByRole("region", { name: "Approvals" });
  await expect(approvals).toContainText("Approvals: 1 of 2");
  await expect(approvals).toContainText(OPERATOR.email);
  await expect(approvals).toContainText("One more operator must approve");
  await review2.getByRole("button", { name: "Approve and issue" }).click();
  await expect(review2).toContainText("Approved: the certificate was issued.");
  await screenshots(other, "approvals-second");
  await second.close();
});

test("approvals: revoking an org CA needs two operators when the policy says 2; the queue shows who approved and what is missing", async ({ browser, baseURL, playwright }) => {
  const api = await playwright.request.newContext({ baseURL });
  await send(api, "patch", "/api/v1/settings/policy", operatorToken, { orgCaRevocationApprovals: 2 });
  const list = (await (await api.get("/api/v1/certificates?kind=org-ca", { headers: { authorization: `Bearer ${operatorToken}` } })).json()) as { serial: string; orgSlug: string; status: string }[];
  const serial = list.find((c) => c.orgSlug === ORG.slug && c.status === "issued")!.serial;
  await api.dispose();

  const first = await browser.newContext({ baseURL });
  const page = await first.newPage();
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/settings");
  await expect(page.getByLabel("Operators who must approve revoking an organization CA")).toHaveValue("2");
  await page.goto(`/certificates/${serial}`);
  await page.getByRole("button", { name: "Revoke…" }).click();
  await page.getByLabel("Reason").selectOption("cessationOfOperation");
  await page.getByRole("button", { name: "Revoke certificate" }).click();
  const panel = page.getByTestId("pending-revocation");
  await expect(panel).toContainText("Reason: cessationOfOperation");
  await expect(panel.getByRole("region", { name: "Approvals" })).toContainText("Approvals: 1 of 2");
  await expect(panel).toContainText("You approved this revocation; another operator must approve it.");
  await expect(page.getByRole("heading", { level: 1 }).locator("..")).toContainText("issued");
  await screenshots(page, "revocation-approvals-first");
  await first.close();

  const second = await browser.newContext({ baseURL });
  const other = await second.newPage();
  await signIn(other, SECOND.email, SECOND.password);
  await other.goto("/requests");
  const queue = other.getByRole("list", { name: "Pending revocations" });
  await expect(queue).toContainText("1 of 2 approvals");
  await expect(queue).toContainText(`approved by ${OPERATOR.email}`);
  await expect(queue).toContainText("one more operator needed");
  await screenshots(other, "revocation-approvals-queue");
  await queue.getByRole("link").first().click();
  await expect(other).toHaveURL(new RegExp(`/certificates/${serial}`));
  await other.getByTestId("pending-revocation").getByRole("button", { name: "Approve and revoke" }).click();
  await expect(other.getByText(/Revoked\. Affected:/)).toBeVisible();
  await expect(other.getByText("cessationOfOperation at")).toBeVisible();
  await screenshots(other, "revocation-approvals-second");
  await second.close();
});

test("contact verification: the review of an unverified org says so, links the message in the outbox, and approval waits for the link", async ({ browser, baseURL, playwright }) => {
  const api = await playwright.request.newContext({ baseURL });
  await send(api, "post", "/api/v1/orgs", undefined, { name: LATE.name, slug: LATE.slug, pluginIdPrefix: LATE.prefix, admin: { email: LATE.email, password: LATE.password }, token: false });
  await api.dispose();
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/requests");
  await page.getByRole("button", { name: new RegExp(`Organization CA · ${LATE.slug}`) }).click();
  const contact = page.getByTestId("request-review").getByRole("region", { name: "Contact address" });
  await expect(contact).toContainText("Contact not verified");
  await expect(contact).toContainText(LATE.email);
  await screenshots(page, "contact-not-verified-review");
  await contact.getByRole("link", { name: "Read the verification message in the mail outbox" }).click();
  await expect(page).toHaveURL(/\/settings\?outbox=/);
  const message = page.getByTestId("outbox-text");
  await expect(message).toContainText("/verify-contact/");
  await screenshots(page, "contact-outbox-filtered");
  // The operator forwards the link; its owner opens it and confirms.
  const link = /https?:\/\/\S+\/verify-contact\/[A-Za-z0-9_-]{43}/.exec((await message.textContent()) ?? "")![0];
  const owner = await browser.newContext({ baseURL });
  const ownerPage = await owner.newPage();
  await ownerPage.goto(new URL(link).pathname);
  await ownerPage.getByRole("button", { name: "Confirm this address" }).click();
  await expect(ownerPage.getByText(`${LATE.email} is confirmed`)).toBeVisible();
  await owner.close();
  await page.goto("/requests");
  await page.getByRole("button", { name: new RegExp(`Organization CA · ${LATE.slug}`) }).click();
  await expect(page.getByTestId("request-review")).not.toContainText("Contact not verified");
  await context.close();
});
