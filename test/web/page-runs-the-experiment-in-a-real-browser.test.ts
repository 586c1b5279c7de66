/**
 * The web page (web/, built by `npm run web`) in a real browser: Debian's
 * chromium, driven by playwright-core. The site is built once into a
 * temporary folder and served by scripts/serve-web.mjs. The tests type the
 * acceptance experiment key by key and check the same figures as the batch
 * test (test/demo/fork-exec-prints-the-real-kernels-figures.test.ts), then
 * Tab, Ctrl-R and the history kept in the browser, a share link replayed,
 * a demo played, the smaps panel, and a cast recorded and played back; no
 * console error may be logged anywhere. Without chromium the browser suite
 * fails under CI and skips elsewhere (test/helpers/host-tools.ts); the
 * size budget (docs/WEB.md) is checked either way.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildWeb } from "../../scripts/build-web.mjs";
import { serveWeb } from "../../scripts/serve-web.mjs";
import { expandTabs } from "../../src/ui/format.js";
import { sections, smapsMismatches } from "../helpers/experiment.js";
import { describeWithTools, missingTool } from "../helpers/host-tools.js";

const CHROMIUM = "/usr/bin/chromium";
const DEMO = readFileSync(new URL("../../demo/fork-exec.cowsh", import.meta.url), "utf8");
const DEMO_OUT = readFileSync(new URL("../../demo/fork-exec.out", import.meta.url), "utf8");

/**
 * Each browser test's own budget: alone they take 1–20 s, but on a machine
 * running other suites at once the experiment typed key by key took 48 s.
 */
const BROWSER_TEST_MS = 120_000;

/** The size budget of docs/WEB.md, in bytes. */
const BUDGET = {
  /** The page's script as served (minified), and gzipped. */
  entry: 1_100_000,
  entryGzip: 310_000,
  /** Everything the page loads before its first prompt: HTML, CSS and the script, gzipped. */
  firstLoadGzip: 320_000,
};

let outDir = "";
let files: string[] = [];

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "cowsh-web-"));
  files = await buildWeb({ outDir });
}, 60_000);

afterAll(() => {
  if (outDir !== "") rmSync(outDir, { recursive: true, force: true });
});

const size = (name: string): number => statSync(join(outDir, name)).size;
const gzipped = (name: string): number => gzipSync(readFileSync(join(outDir, name))).length;

describe("the built site", () => {
  test("has the page, its styles and its script, and no import of a Node built-in", () => {
    expect(files).toContain("cowsh.js");
    for (const name of ["index.html", "style.css", "xterm.css", "cowsh.js"])
      expect(size(name)).toBeGreaterThan(0);
    for (const name of files.filter((f) => f.endsWith(".js"))) {
      const text = readFileSync(join(outDir, name), "utf8");
      expect(text, name).not.toMatch(/\bfrom\s*["']node:|\bimport\s*\(?\s*["']node:|require\(/);
    }
  });

  test("stays within its size budget (docs/WEB.md)", () => {
    const firstLoad = ["index.html", "style.css", "xterm.css", "cowsh.js"]
      .map(gzipped)
      .reduce((a, b) => a + b, 0);
    console.log(
      `web bundle: cowsh.js ${size("cowsh.js")} B, ${gzipped("cowsh.js")} B gzipped; first load ${firstLoad} B gzipped`,
    );
    expect(size("cowsh.js")).toBeLessThanOrEqual(BUDGET.entry);
    expect(gzipped("cowsh.js")).toBeLessThanOrEqual(BUDGET.entryGzip);
    expect(firstLoad).toBeLessThanOrEqual(BUDGET.firstLoadGzip);
  });
});

/** The terminal's whole buffer, wrapped rows joined. */
const screenOf = (page: Page): Promise<string> =>
  page.evaluate("window.cowsh.screen()") as Promise<string>;
/** Waits until every line typed has run and a played demo has ended. */
const idle = async (page: Page): Promise<void> => void (await page.evaluate("window.cowsh.idle()"));
/** The page has booted its machine and drawn its first prompt. */
const READY = "window.cowsh !== undefined";

/** Types `line` key by key into the terminal, then Enter, and waits for it to run. */
async function typeLine(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
  await idle(page);
}

/** The commands of a script (comments and blank lines left out), one per line. */
const commandsOf = (script: string): string[] =>
  script.split("\n").filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));

/** The transcript lines without the echoed prompt lines, as batch mode prints it. */
const withoutPrompts = (screen: string): string =>
  screen
    .split("\n")
    .filter((l) => !l.startsWith("cowsh$ "))
    .join("\n");

describeWithTools(
  "the web page in a real browser (chromium)",
  [missingTool("chromium", CHROMIUM, ["--version"])],
  () => {
    let server: Server;
    let url = "";
    let browser: Browser;
    const errors: string[] = [];

    /** A fresh page (its own storage) at `path`, console errors collected. */
    async function open(path = ""): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const page = await context.newPage();
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`${path}: ${m.text()}`);
      });
      page.on("pageerror", (e) => errors.push(`${path}: ${e.message}`));
      await page.goto(url + path);
      await page.waitForFunction(READY);
      await page.click("#terminal");
      return page;
    }

    beforeAll(async () => {
      ({ server, url } = await serveWeb({ root: outDir, port: 0 }));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      server?.close();
    });

    test(
      "loads in well under two seconds from the local server (the target, 1 s, is a measured figure)",
      async () => {
        // From navigation to the first prompt drawn (the page's own clock): a
        // first load, then four reloads (the browser revalidates every file).
        // The target is 1 s (docs/WEB.md: 302–696 ms here on a machine doing
        // nothing else); the suite runs the model test on the other core at
        // the same time, which put the best of three at 1,002 ms once, so
        // the test holds the page to 2 s: it catches a load that blocks or a
        // bundle that doubles, not the last 10% of a shared machine.
        const page = await open();
        const times = [(await page.evaluate("window.cowsh.readyMs")) as number];
        for (let i = 0; i < 4; i++) {
          await page.reload();
          await page.waitForFunction(READY);
          times.push((await page.evaluate("window.cowsh.readyMs")) as number);
        }
        await page.context().close();
        console.log(`web page ready after ${times.map((t) => Math.round(t)).join(", ")} ms`);
        expect(Math.min(...times)).toBeLessThan(2000);
      },
      BROWSER_TEST_MS,
    );

    test(
      "the experiment typed key by key prints the real kernel's figures",
      async () => {
        const page = await open();
        for (const line of commandsOf(DEMO)) await typeLine(page, line);
        const screen = await screenOf(page);
        expect(screen).toContain("Shared_Dirty:      16384 kB");
        expect(smapsMismatches(sections(withoutPrompts(screen)))).toEqual([]);
        const faults = screen
          .split("\n")
          .filter((l) => l.startsWith("minflt="))
          .map((l) => Number(/minflt=(\d+)/.exec(l)![1]));
        expect(faults.slice(-3)).toEqual([256, 256, 0]);
        // The panel follows the first process made (the parent), its changes marked.
        expect(await page.textContent("#smaps-title")).toMatch(/^\/proc\/3\/smaps$/);
        expect(await page.textContent("#smaps")).toContain("[anon:buf]");
        const shot = process.env.COWSH_WEB_SCREENSHOT;
        if (shot) await page.screenshot({ path: shot });
        await page.context().close();
      },
      BROWSER_TEST_MS,
    );

    test(
      "Tab completes, Ctrl-R finds, and the history survives a reload",
      async () => {
        const page = await open();
        await typeLine(page, "P=$(spawn /bin/sh)");
        await typeLine(page, "mmap $P 1M --name buf");
        await page.keyboard.type("smaps $P bu");
        await page.keyboard.press("Tab");
        await page.keyboard.type("| grep Rss");
        await page.keyboard.press("Enter");
        await idle(page);
        expect(await screenOf(page)).toContain("cowsh$ smaps $P buf | grep Rss\nRss:");
        await page.keyboard.press("Control+r");
        await page.keyboard.type("mmap");
        await page.keyboard.press("Enter");
        await idle(page);
        expect((await screenOf(page)).match(/cowsh\$ mmap \$P 1M --name buf/g)).toHaveLength(2);
        await page.reload();
        await page.waitForFunction(READY);
        await page.click("#terminal");
        await page.keyboard.press("ArrowUp");
        await page.keyboard.press("Enter");
        await idle(page);
        expect(await screenOf(page)).toContain("cowsh$ mmap $P 1M --name buf");
        await page.context().close();
      },
      BROWSER_TEST_MS,
    );

    test(
      "a share link replays the session on a fresh machine",
      async () => {
        const page = await open();
        for (const line of ["P=$(spawn /bin/sh)", "mmap $P 16M --name buf", "write $P buf"])
          await typeLine(page, line);
        await typeLine(page, "C=$(fork $P)");
        await page.click("#share");
        const link = await page.inputValue("#share-url");
        expect(link).toMatch(/#s=/);
        await page.context().close();
        const other = await open(link.slice(url.length));
        await idle(other);
        await other.keyboard.type("smaps $C buf | grep Shared_Dirty");
        await other.keyboard.press("Enter");
        await idle(other);
        const screen = await screenOf(other);
        expect(screen).toContain("replaying 4 lines from the link");
        expect(screen).toContain("cowsh$ C=$(fork $P)");
        expect(screen).toContain("Shared_Dirty:      16384 kB");
        await other.context().close();
      },
      BROWSER_TEST_MS,
    );

    test(
      "a demo plays with one click, printing what batch mode prints",
      async () => {
        const page = await open("?typing=0&pause=0");
        await page.click('button[data-demo="fork-exec.cowsh"]');
        await page.waitForFunction("document.body.dataset.playing !== undefined");
        await idle(page);
        const lines = (await screenOf(page)).split("\n");
        let at = 0;
        for (const want of DEMO_OUT.replace(/\n$/, "").split("\n")) {
          const line = expandTabs(want).trimEnd();
          const found = lines.indexOf(line, at);
          expect(found, `"${line}" after line ${at}`).toBeGreaterThanOrEqual(0);
          at = found + 1;
        }
        await page.context().close();
      },
      BROWSER_TEST_MS,
    );

    test(
      "a demo's link boots the machine the demo asked for",
      async () => {
        const page = await open("?typing=0&pause=0");
        await page.click('button[data-demo="oom.cowsh"]');
        await page.waitForFunction("document.body.dataset.playing !== undefined");
        await idle(page);
        await page.click("#share");
        const link = await page.inputValue("#share-url");
        await page.context().close();
        const other = await open(link.slice(url.length));
        await idle(other);
        await typeLine(other, "grep MemTotal /proc/meminfo");
        const screen = await screenOf(other);
        expect(screen).toMatch(
          /replaying \d+ lines from the link on a machine booted with --mem 64M/,
        );
        expect(screen).not.toContain("cowsh$ #");
        expect(screen).toMatch(/MemTotal: +\d{5} kB/); // 64 MiB, not the default 8 GiB
        await other.context().close();
      },
      BROWSER_TEST_MS,
    );

    test(
      "a recorded session downloads as a cast, and asciinema's player plays it",
      async () => {
        const page = await open();
        await page.click("#record");
        await page.click("#terminal");
        await typeLine(page, "echo recorded here");
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.click("#record"),
        ]);
        const cast = readFileSync(await download.path(), "utf8").split("\n");
        expect(JSON.parse(cast[0]!)).toMatchObject({
          version: 2,
          width: 100,
          env: { SHELL: "cowsh" },
        });
        const events = cast.slice(1, -1).map((l) => JSON.parse(l) as [number, string, string]);
        expect(events.every(([t, kind]) => typeof t === "number" && kind === "o")).toBe(true);
        expect(events.map((e) => e[2]).join("")).toContain("recorded here");
        await page.waitForSelector("#player .ap-player", { timeout: 10_000 });
        await page.context().close();
      },
      BROWSER_TEST_MS,
    );

    test("no console error was logged", () => {
      expect(errors).toEqual([]);
    });
  },
);
