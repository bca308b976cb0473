import fs from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

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
