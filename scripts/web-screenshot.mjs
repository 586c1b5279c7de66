/**
 * Takes docs/web.png, the README's picture of the web page: serves dist/web
 * (run `npm run web` first), types a short experiment into the page in
 * Debian's chromium (playwright-core), and saves the window.
 *   node scripts/web-screenshot.mjs [OUT.png]
 */
import { chromium } from "playwright-core";
import { serveWeb } from "./serve-web.mjs";

const out = process.argv[2] ?? "docs/web.png";
const LINES = [
  "P=$(spawn /bin/sh)",
  "mmap $P 16M --name buf",
  "write $P buf",
  "C=$(fork $P)",
  "write $P buf 1M -v",
  "smaps $C buf | grep -E '^(Rss|Pss|Shared_Dirty|Private_Dirty)'",
  "vmmap $P buf",
];

const { server, url } = await serveWeb({ port: 0 });
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 860 } });
  await page.goto(url);
  await page.waitForFunction("window.cowsh !== undefined");
  await page.click("#terminal");
  for (const line of LINES) {
    await page.keyboard.type(line);
    await page.keyboard.press("Enter");
    await page.evaluate("window.cowsh.idle()");
  }
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}
