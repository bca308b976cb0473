import { chromium } from "playwright-core";
import fs from "node:fs";
const jar = fs.readFileSync("/tmp/outage/jar", "utf8").split("\n").filter((l) => l.includes("better-auth"));
const cookies = jar.map((l) => { const f = l.split("\t"); return { name: f[5], value: f[6], domain: "127.0.0.1", path: "/", httpOnly: true }; });
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const ctx = await browser.newContext({ viewport: { width: 1100, height: 700 } });
await ctx.addCookies(cookies);
const page = await ctx.newPage();
for (const [name, url] of process.argv.slice(2).map((a) => a.split("="))) {
  const res = await page.goto(`http://127.0.0.1:4820${url}`, { waitUntil: "networkidle" });
  await page.waitForTimeout(500);
  console.log(name, url, res.status(), page.url(), JSON.stringify((await page.locator("h1").allInnerTexts())));
  await page.screenshot({ path: `/tmp/outage/${name}.png` });
}
await browser.close();
