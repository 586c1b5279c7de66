/**
 * The screen README.md shows under "What it looks like" is what cowsh
 * prints: each command there, run in order on a fresh machine, prints the
 * lines below it (tabs expanded as the terminal showed them), and the
 * status line at the bottom is the engine's.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource } from "../../src/shell/runtime.js";
import { expandTabs, formatStatus } from "../../src/ui/format.js";
import { createShellEngine } from "../../src/ui/shell-engine.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const section = readme.slice(readme.indexOf("## What it looks like"));
const start = section.indexOf("```\n") + 4;
const screen = section.slice(start, section.indexOf("\n```", start)).split("\n");

describe("README: what it looks like", () => {
  const prompts = screen.flatMap((line, i) => (line.startsWith("cowsh$") ? [i] : []));

  test("is a screen of the interactive shell, ending at a prompt above the status line", () => {
    expect(prompts.length).toBeGreaterThan(5);
    expect(screen.at(-2)).toBe("cowsh$");
    expect(screen.at(-1)).toMatch(/^t=[0-9.]+s {2}[0-9]+ processes {2}free /);
  });

  test("every command prints what the screen shows, and the status line is the machine's", () => {
    const session = createSession(Machine.boot());
    prompts.slice(0, -1).forEach((at, n) => {
      const line = screen[at]!.slice("cowsh$ ".length);
      const shown = screen.slice(at + 1, prompts[n + 1]).join("\n");
      let printed = "";
      runSource(session, line, (b) => {
        printed += b.text;
      });
      const lines = printed
        .split("\n")
        .map((l) => expandTabs(l).trimEnd())
        .join("\n");
      expect(lines, line).toBe(shown === "" ? "" : `${shown}\n`);
    });
    expect(formatStatus(createShellEngine(session).status())).toBe(screen.at(-1));
  });
});
