import path from "node:path";
import { defineConfig } from "@playwright/test";

// Debian's Chromium: Playwright's own browser download cannot run on these machines.
const PORT = Number(process.env.SIGNET_E2E_PORT ?? 3100);
export const E2E_DATA_DIR = path.resolve(process.env.SIGNET_E2E_DATA_DIR ?? "e2e-results/data");

export default defineConfig({
  testDir: "e2e",
  outputDir: "e2e-results/artifacts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  },
  webServer: {
    command: "node scripts/start.mjs",
    url: `http://localhost:${PORT}/api/v1/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      SIGNET_DATA_DIR: E2E_DATA_DIR,
      SIGNET_PUBLIC_URL: `http://localhost:${PORT}`,
      // The browser suite runs on the embedded database; `npm test` covers the server path.
      DATABASE_URL: "",
      // Ten specs sign in from one address, faster than a person would: the default 20 a minute is
      // the product's, not the suite's.
      SIGNET_SIGN_IN_PER_MINUTE: "600",
    },
  },
});
