import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import yazl from "yazl";
import { ACME, ensureAcme, screenshot, signIn, requestHostedPluginCert, seeding } from "./fixtures";

// Builds on 02-hierarchy's state — the org "acme" approved, its browser-key certificate revoked — so
// this journey asks for a hosted-key one; that state is seeded through the API when 02 did not run.
test.describe.configure({ mode: "serial" });

const ORG = ACME;

test.beforeAll(({ browser, baseURL, playwright }) => seeding({ browser, baseURL, playwright }, ensureAcme));

const PLUGIN = "com.acme.signed";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "signet-e2e-signing-"));

/** A plugin archive made here with yazl: manifest, data files and a few MB of library so the upload shows progress. */
function buildPlugin(file: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify({ id: PLUGIN, name: "Signed", version: "1.0.0", description: "E2E plugin" })), "manifest.json");
  zip.addEmptyDirectory("data/");
  zip.addBuffer(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"), "data/icon.svg");
  zip.addBuffer(Buffer.from(JSON.stringify([{ key: "mode", type: "List" }])), "data/preferences.json");
  zip.addEmptyDirectory("lib/x86_64-linux-gnu/");
  zip.addBuffer(crypto.randomBytes(6 * 1024 * 1024), "lib/x86_64-linux-gnu/libsigned.so", { compress: false, mode: 0o100755 });
  zip.end();
  return new Promise((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(file)).on("close", () => resolve()).on("error", reject));
}

test("signing: a member gets a hosted-key plugin certificate, uploads a plugin with progress, downloads it signed, and /verify accepts it", async ({ page }) => {
  const input = path.join(work, "plugin.jpl");
  await buildPlugin(input);
  await signIn(page, ORG.email, ORG.password);
  await requestHostedPluginCert(page, ORG.slug, PLUGIN);
  await page.getByRole("button", { name: new RegExp(PLUGIN.replace(/\./g, "\\.")) }).click();
  await page.getByRole("button", { name: "Approve and issue" }).click();
  await expect(page.getByTestId("request-review")).toContainText("Approved");

  const form = page.getByRole("form", { name: "Sign a plugin archive" });
  await expect(form.getByLabel("Plugin", { exact: true })).toHaveValue(PLUGIN);
  await form.getByLabel("Plugin archive", { exact: true }).setInputFiles(input);
  await form.getByRole("button", { name: "Upload and sign" }).click();
  const progress = page.getByRole("progressbar", { name: "Upload progress" });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  await expect(page.getByText("Uploaded and signed")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(`Signed ${PLUGIN}`)).toBeVisible();
  await screenshot(page, "signing-desktop");

  const jplDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download signed archive" }).click();
  const signedPath = path.join(work, "signed.jpl");
  await (await jplDownload).saveAs(signedPath);
  const p7sDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download signature (.p7s)" }).click();
  await (await p7sDownload).saveAs(`${signedPath}.p7s`);
  // Stock tools agree: the archive is a sound ZIP carrying the Jami signature entries.
  expect(execFileSync("unzip", ["-Z1", signedPath], { encoding: "utf8" }).trim().split("\n").slice(-3)).toEqual([`${PLUGIN}.crt`, "signatures", "signatures.sig"]);

  // The list shows the new artifact.
  await expect(page.getByRole("cell", { name: PLUGIN, exact: true }).first()).toBeVisible();

  await page.goto("/verify");
  await page.getByLabel("Signed plugin archive").setInputFiles(signedPath);
  const result = page.getByTestId("verification-result");
  await expect(result).toContainText("Valid: every file is signed", { timeout: 60_000 });
  const files = page.getByRole("table", { name: "Files and their signature states" });
  await expect(files.getByRole("row")).toHaveCount(1 + 6);
  await expect(files.getByText("modified")).toHaveCount(0);
  await expect(files).toContainText("lib/x86_64-linux-gnu/libsigned.so");
  await expect(result).toContainText(`O=Acme Plugins, CN=${PLUGIN}`);
  await expect(result.getByText("good", { exact: true })).toHaveCount(2);
  await expect(result).toContainText("not revoked");
  await screenshot(page, "verify-desktop");
});

test("verification: a tampered archive is reported file by file on /verify", async ({ page }) => {
  const signedPath = path.join(work, "signed.jpl");
  test.skip(!fs.existsSync(signedPath), "needs the signed archive from the previous test");
  // Re-zip with one file added: that entry is unsigned, everything else still valid.
  const tampered = path.join(work, "tampered.jpl");
  execFileSync("cp", [signedPath, tampered]);
  fs.writeFileSync(path.join(work, "extra.js"), "steal()");
  execFileSync("zip", ["-q", "-j", tampered, path.join(work, "extra.js")]);
  await page.goto("/verify");
  await page.getByLabel("Signed plugin archive").setInputFiles(tampered);
  const result = page.getByTestId("verification-result");
  await expect(result).toContainText("Not valid.", { timeout: 60_000 });
  const files = page.getByRole("table", { name: "Files and their signature states" });
  await expect(files.getByRole("row", { name: /unsigned\s+extra\.js/ })).toBeVisible();
  await screenshot(page, "verify-tampered-desktop");
});
