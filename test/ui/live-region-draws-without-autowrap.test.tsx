/**
 * On a terminal, the live region is drawn with autowrap off (DECAWM), so
 * that a frame drawn for a wider terminal than the one that reads it takes
 * one row per line (the resize race, resize-keeps-scrollback-clean-under-
 * tmux); scrollback text turns autowrap on for itself, so long output lines
 * still wrap, and leaving the shell turns it back on.
 */
import stripAnsi from "strip-ansi";
import { describe, expect, it } from "vitest";
import { FakeEngine } from "./fake-engine.js";
import { CapturedStdout, PipeStdin } from "./fake-streams.js";

// Ink draws no frame but the last one when it believes it runs in CI
// (is-in-ci, read once when ink is first imported), and `.ci/run` sets
// CI=true: a terminal's user is never in CI, so this file loads Ink as a
// terminal has it (vitest gives each test file its own module graph).
const ci = process.env.CI;
process.env.CI = "0";
const { runInteractive } = await import("../../src/ui/app.js");
const { createMemoryHistoryStore } = await import("../../src/ui/history.js");
const { AUTOWRAP_OFF, AUTOWRAP_ON } = await import("../../src/ui/use-scrollback.js");
if (ci === undefined) delete process.env.CI;
else process.env.CI = ci;

/** Polls until `ok` holds (at most 10 s: the suite runs on a loaded machine). */
async function until(ok: () => boolean): Promise<void> {
  for (let t = 0; !ok() && t < 1000; t++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("the live region on a terminal", () => {
  it("is drawn with autowrap off; scrollback turns it on for itself; exit restores it", async () => {
    const stdin = new PipeStdin();
    const stdout = new CapturedStdout(true);
    const stderr = new CapturedStdout(true);
    const done = runInteractive(new FakeEngine(), {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      patchConsole: false,
      history: createMemoryHistoryStore(),
      color: false,
    });
    const drawn = (text: string) => () => stdout.chunks.some((c) => stripAnsi(c).includes(text));
    // Type only once the prompt is drawn, and end once the output is out:
    // under load Ink's first frame can come later than any fixed wait.
    await until(drawn("cowsh$"));
    stdin.emit("data", "echo hi\r");
    await until(() => stdout.chunks.some((c) => stripAnsi(c) === "hi\n"));
    stdin.emit("end");
    expect(await done).toBe(0);
    const chunks = stdout.chunks;
    expect(chunks[0]).toBe(AUTOWRAP_OFF);
    expect(chunks.at(-1)).toBe(AUTOWRAP_ON);
    // Each piece of scrollback is wrapped in autowrap on … off.
    const scrollback = chunks.filter((c) => c.startsWith(AUTOWRAP_ON) && c.length > 5);
    expect(scrollback.map((c) => stripAnsi(c))).toEqual(["cowsh$ echo hi\n", "hi\n"]);
    for (const c of scrollback) expect(c.endsWith(AUTOWRAP_OFF)).toBe(true);
    // Ink's frames in between never turn autowrap on.
    const frames = chunks.slice(1, -1).filter((c) => !scrollback.includes(c));
    expect(frames.some((c) => stripAnsi(c).includes("cowsh$"))).toBe(true);
    expect(frames.filter((c) => c.includes(AUTOWRAP_ON))).toEqual([]);
  });
});
