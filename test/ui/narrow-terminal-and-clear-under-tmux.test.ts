/**
 * In a real terminal 40 columns wide: the greeting breaks between words and
 * the status line takes one row. Ctrl-L clears the screen as bash's does,
 * keeping the terminal's scrollback; `clear` erases both, as clear(1) does.
 */
import { describe, expect, test } from "vitest";
import { wrapWords } from "../../src/ui/format.js";
import { paneWithHome, ready, TMUX_OR_CI } from "./tmux-pane.js";

const GREETING_WORDS = [
  "cowsh:",
  "simulated",
  "machine.",
  "`help`",
  "commands;",
  "`P=$(spawn",
  "/bin/sh)`",
  "`cat",
  "/proc/$P/smaps`.",
  "Ctrl-D",
  "leaves.",
];

describe("wrapWords", () => {
  test("breaks at spaces, keeps short lines, cuts only a word longer than a row", () => {
    expect(wrapWords("one two three four", 9)).toBe("one two\nthree\nfour");
    expect(wrapWords("short\nline two is long", 8)).toBe("short\nline two\nis long");
    expect(wrapWords("abcdefghij xy", 4)).toBe("abcd\nefgh\nij\nxy");
  });
});

describe.skipIf(!TMUX_OR_CI)("a 40-column terminal (tmux)", () => {
  const { pane, env } = paneWithHome("narrow");

  test("the greeting wraps at word boundaries and the status line fits one row", async () => {
    pane.startCowsh(40, 20, env);
    const text = await pane.waitFor(ready, "the prompt and a one-row status line");
    const words = text.split("\n").flatMap((line) => line.split(" "));
    for (const word of GREETING_WORDS) expect(words).toContain(word);
  });

  test("Ctrl-L clears the screen and keeps the scrollback", async () => {
    pane.type("echo first-line");
    pane.keys("Enter");
    await pane.waitFor((s) => s.includes("\nfirst-line\n") && ready(s), "the echo");
    pane.type("ps");
    pane.keys("C-l");
    await pane.waitFor(
      (s) => !s.includes("first-line") && s.startsWith("cowsh$ ps"),
      "a clear screen",
    );
    expect(pane.history()).toContain("\nfirst-line\n");
    pane.keys("C-u");
    pane.type("clear");
    // Until the typed line shows, an empty prompt is already on the screen:
    // wait for it, else the wait below would hold before `clear` ran.
    await pane.waitFor((s) => s.startsWith("cowsh$ clear"), "the typed clear");
    pane.keys("Enter");
    await pane.waitFor((s) => ready(s) && !s.includes("clear"), "the clear command");
    expect(pane.history()).not.toContain("first-line");
  });
});
