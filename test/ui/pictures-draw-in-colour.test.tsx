/**
 * The Ink renderers of vmmap, frames and cat's changes: colour where batch
 * mode prints letters, laid out for the terminal's width, and the block's
 * plain text when colours are off.
 */
import chalk from "chalk";
import { cleanup, render } from "ink-testing-library";
import stripAnsi from "strip-ansi";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import type { Block } from "../../src/shell/types.js";
import { App } from "../../src/ui/app.js";
import { createShellEngine } from "../../src/ui/shell-engine.js";
import { COWSH_VIEWS, renderView } from "../../src/ui/views.js";
import { forked, sh } from "../commands/pictures-helpers.js";

const savedLevel = chalk.level;
beforeAll(() => {
  chalk.level = 1;
});
afterAll(() => {
  chalk.level = savedLevel;
});
afterEach(cleanup);

const MAGENTA_BG = "\u001b[45m";
const YELLOW_BG = "\u001b[43m";

/** The view block a line prints, drawn as the app draws it. */
function drawn(source: string, columns = 80, s = forked()): { text: string; screen: string } {
  const block = sh(s, source).blocks.find(
    (b): b is Extract<Block, { kind: "view" }> => b.kind === "view",
  );
  if (block === undefined) throw new Error(`no view from ${source}`);
  const text = block.text.replace(/\n$/, "");
  return { text, screen: renderView(COWSH_VIEWS, block.view, text, columns) };
}

describe("vmmap in colour", () => {
  test("shared dirty cells are magenta and show their map count, private dirty ones yellow", () => {
    const { screen } = drawn("vmmap $P buf");
    expect(screen).toContain(MAGENTA_BG);
    expect(screen).toContain(YELLOW_BG);
    const lines = stripAnsi(screen).split("\n");
    expect(lines).toContain(`7ffff6c00000 ${"P".repeat(64)}`);
    expect(lines).toContain(`7ffff6d00000 ${"2".repeat(64)}`);
    expect(lines).toContain("*            (29 more rows the same)");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  test("lays itself out for a wider terminal", () => {
    const { screen } = drawn("vmmap $P", 160);
    expect(stripAnsi(screen)).toContain("(4096 pages, 1 cell = 32 pages)");
    expect(stripAnsi(screen)).toContain(`  ${"P".repeat(8)}${"2".repeat(120)}\n`);
  });

  test("has a legend with a sample of each state", () => {
    const plain = stripAnsi(drawn("vmmap $P").screen);
    for (const name of [
      "not present",
      "zero page",
      "private clean",
      "private dirty",
      "shared clean",
      "shared dirty",
      "mixed group",
    ])
      expect(plain).toContain(name);
  });

  test("without colours, shows the plain text", () => {
    chalk.level = 0;
    try {
      const { text, screen } = drawn("vmmap $P");
      expect(screen).toBe(text);
    } finally {
      chalk.level = 1;
    }
  });
});

describe("frames in colour", () => {
  test("anonymous frames on yellow, with their map counts, then the meminfo totals", () => {
    const { screen } = drawn("frames");
    expect(screen).toContain(YELLOW_BG);
    const plain = stripAnsi(screen);
    expect(plain).toMatch(/\n[0-9a-f]{6} 2{64}\n/);
    expect(plain).toContain("owner      frames         kB   /proc/meminfo");
  });
});

describe("cat's changes in colour", () => {
  test("the changed numbers are yellow and bold; the text is the file's", () => {
    const s = forked();
    sh(s, "cat /proc/$P/smaps_rollup");
    sh(s, "write $P buf+2M 1M");
    const { text, screen } = drawn("cat /proc/$P/smaps_rollup", 80, s);
    expect(screen).toContain("\u001b[1m\u001b[33m10969\u001b[39m\u001b[22m");
    const lines = stripAnsi(screen).split("\n");
    expect(lines.slice(0, -1).map((l) => l.trimEnd())).toEqual(
      text.split("\n").map((l) => l.trimEnd()),
    );
    expect(lines.at(-1)).toBe("(since cat last showed /proc/3/smaps_rollup: 5 lines changed)");
  });
});

test("the interactive shell draws vmmap with these renderers", async () => {
  const s = forked();
  const written: string[] = [];
  const app = render(
    <App engine={createShellEngine(s)} views={COWSH_VIEWS} print={(t) => void written.push(t)} />,
  );
  app.stdin.write("vmmap $P buf\r");
  await vi.waitFor(() => expect(written.join("")).toContain(MAGENTA_BG), { timeout: 10_000 });
  expect(stripAnsi(written.join(""))).toContain(`7ffff6d00000 ${"2".repeat(64)}`);
});
