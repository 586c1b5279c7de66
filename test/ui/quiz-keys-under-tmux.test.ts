/**
 * `cowsh --quiz` at a real terminal: a guess that is not a number is asked
 * again; Ctrl-D skips the rest with "(no guess)" and the score; Ctrl-C
 * leaves the terminal's "^C" on its line, then the score so far, and
 * cowsh exits with 130.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { BIN, TMUX_OR_CI, TmuxPane } from "./tmux-pane.js";

const LESSON = `P=$(spawn /bin/sh)
BUF=$(mmap $P 16M --name buf)
write $P buf
C=$(fork $P)
# quiz: Pss
smaps $C buf | grep -E '^Pss:'
# quiz: Shared_Dirty
smaps $P buf | grep -E '^Shared_Dirty:'
`;

describe.skipIf(!TMUX_OR_CI)("--quiz at a terminal (tmux)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cowsh-quiz-"));
  const lesson = join(dir, "lesson.cowsh");
  writeFileSync(lesson, LESSON);
  const panes: TmuxPane[] = [];

  afterAll(() => {
    for (const p of panes) p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (name: string): TmuxPane => {
    const pane = new TmuxPane(name);
    panes.push(pane);
    pane.start(100, 30, { HOME: dir }, [
      "sh",
      "-c",
      // The wrapper survives Ctrl-C (a trap, unlike an ignored signal, is not inherited).
      `trap : INT; "$0" "$1" --quiz "$2"; echo "[exited $?]"; exec sleep 600`,
      process.execPath,
      BIN,
      lesson,
    ]);
    return pane;
  };

  test("re-asks a word, and Ctrl-D skips the rest with the score so far", async () => {
    const pane = start("quiz-d");
    await pane.waitFor((s) => s.endsWith("? Pss: your guess?"), "the first question");
    pane.type("sixteen");
    pane.keys("Enter");
    await pane.waitFor((s) => s.includes("a number, please"), "the question again");
    pane.type("8192");
    pane.keys("Enter");
    await pane.waitFor((s) => s.endsWith("? Shared_Dirty: your guess?"), "the second question");
    pane.keys("C-d");
    const text = await pane.waitFor((s) => s.includes("[exited"), "the end");
    expect(text).toContain("Pss: 8192 kB right!");
    expect(text).toContain("Shared_Dirty: 16384 kB (no guess)");
    expect(text).toContain("You got 1 of 1 right.\n[exited 0]");
  });

  test("Ctrl-C ends the line, prints the score so far and exits with 130", async () => {
    const pane = start("quiz-c");
    await pane.waitFor((s) => s.endsWith("? Pss: your guess?"), "the first question");
    pane.type("8192");
    pane.keys("Enter");
    await pane.waitFor((s) => s.endsWith("? Shared_Dirty: your guess?"), "the second question");
    pane.keys("C-c");
    const text = await pane.waitFor((s) => s.includes("[exited"), "the end");
    expect(text).toContain("? Shared_Dirty: your guess? ^C\n\nYou got 1 of 1 right.\n[exited 130]");
  });
});
