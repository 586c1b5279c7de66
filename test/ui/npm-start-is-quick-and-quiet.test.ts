/**
 * `npm start` at a built tree starts the shell at once (no compile), and the
 * terminal shows the shell, not npm: no `> cowsh@… start` banner, no npm
 * spinner drawn over the prompt. A source newer than the build is still
 * built first (checked on a copy of the tree's layout: the launcher's
 * `stale`).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { paneWithHome, ROOT, ready, TMUX_OR_CI } from "./tmux-pane.js";

/** `stale(root, built)` of scripts/start.mjs, asked in a child process (the launcher is plain JS). */
function stale(root: string): boolean {
  const script = `import(${JSON.stringify(join(ROOT, "scripts/start.mjs"))}).then((m) => console.log(m.stale(${JSON.stringify(root)}, ${JSON.stringify(join(root, "dist/bin/cowsh.js"))})))`;
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim() === "true";
}

describe("the launcher rebuilds only for changed sources", () => {
  test("missing build, newer source, older source", () => {
    const root = mkdtempSync(join(tmpdir(), "cowsh-start-"));
    try {
      mkdirSync(join(root, "src/ui"), { recursive: true });
      mkdirSync(join(root, "dist/bin"), { recursive: true });
      const source = join(root, "src/ui/app.tsx");
      const built = join(root, "dist/bin/cowsh.js");
      writeFileSync(source, "");
      expect(stale(root)).toBe(true);
      writeFileSync(built, "");
      const past = new Date(Date.now() - 60_000);
      for (const p of [source, join(root, "src/ui"), join(root, "src")]) utimesSync(p, past, past);
      expect(stale(root)).toBe(false);
      utimesSync(source, new Date(), new Date(Date.now() + 60_000));
      expect(stale(root)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!TMUX_OR_CI)("npm start in a real terminal (tmux)", () => {
  const { pane, env } = paneWithHome("npm-start");

  test("shows the greeting on the first row and the prompt within seconds", async () => {
    const t0 = Date.now();
    pane.start(100, 30, env, [
      "sh",
      "-c",
      `cd "$0" && npm start; echo "[exited $?]"; exec sleep 600`,
      ROOT,
    ]);
    const text = await pane.waitFor(ready, "the prompt", 30_000);
    const ms = Date.now() - t0;
    expect(text.split("\n")[0], text).toBe(
      "cowsh: a shell over a simulated Linux machine. `help` lists the commands;",
    );
    expect(text).not.toMatch(/> cowsh@|building/);
    // Well under a second on an idle machine; a compile alone takes ten.
    expect(ms).toBeLessThan(5000);
    // npm's spinner, drawn on the prompt's row after a while, would erase it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ready(pane.screen())).toBe(true);
    pane.keys("C-d");
    await pane.waitFor((s) => s.includes("[exited 0]"), "cowsh to exit");
  }, 60_000);
});
