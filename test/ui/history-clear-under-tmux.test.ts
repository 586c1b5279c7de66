/**
 * `history -c` at the interactive prompt forgets the lines for ↑ at once,
 * as bash's does: ↑ right after it recalls nothing, and the lines typed
 * after it are recalled as usual.
 */
import { describe, expect, test } from "vitest";
import { paneWithHome, promptLine, ready, TMUX_OR_CI } from "./tmux-pane.js";

describe.skipIf(!TMUX_OR_CI)("history -c (tmux)", () => {
  const { pane, env } = paneWithHome("histc");

  const run = async (line: string) => {
    pane.type(line);
    pane.keys("Enter");
    await pane.waitFor((s) => s.includes(`cowsh$ ${line}\n`) && ready(s), line);
  };

  test("clears ↑ recall at once", async () => {
    pane.startCowsh(100, 30, env);
    await pane.waitFor(ready, "the prompt");
    await run("echo one");
    await run("history -c");
    // A key typed after ↑ shows once ↑ was handled: no sleep to guess how long that takes.
    pane.keys("Up");
    pane.type("x");
    await pane.waitFor((s) => (promptLine(s) ?? "").endsWith("x"), "the x typed after Up");
    expect(promptLine(pane.screen())).toBe("cowsh$ x");
    pane.keys("C-u");
    await pane.waitFor((s) => promptLine(s) === "cowsh$", "the line erased");
    await run("echo two");
    pane.keys("Up");
    await pane.waitFor((s) => promptLine(s) === "cowsh$ echo two", "echo two recalled");
    pane.keys("Up");
    pane.type("x");
    await pane.waitFor((s) => (promptLine(s) ?? "").endsWith("x"), "the x typed after Up");
    expect(promptLine(pane.screen())).toBe("cowsh$ echo twox");
  });
});
