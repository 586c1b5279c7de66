/**
 * Keys typed while a command runs, as bash's tty echoes them: the typed text
 * stays in the scrollback where it was typed (after the command's output),
 * and the line is then read at the next prompt, shown again after it. A line
 * ended by Enter during the command is echoed at once and runs after it.
 */
import { describe, expect, test } from "vitest";
import { paneWithHome, ready, TMUX_OR_CI } from "./tmux-pane.js";

describe.skipIf(!TMUX_OR_CI)("type-ahead echo (tmux)", () => {
  const { pane, env } = paneWithHome("typeahead");

  test("leaves a copy of the typed text where it was typed", async () => {
    pane.startCowsh(100, 30, env, "--time-scale", "1");
    await pane.waitFor(ready, "the prompt");
    pane.type("sleep 2");
    pane.keys("Enter");
    await pane.waitFor((s) => s.includes("cowsh$ sleep 2\n"), "the sleep to start");
    pane.type("echo ho");
    pane.keys("Enter");
    pane.type("echo hi");
    const lines = (s: string) => s.split("\n").map((l) => l.trimEnd());
    const screen = await pane.waitFor(
      (s) => lines(s).at(-2) === "cowsh$ echo hi" && s.includes("\nho\n"),
      "the next prompt with the typed-ahead line",
      20_000,
    );
    const all = lines(screen);
    const at = all.indexOf("cowsh$ sleep 2");
    expect(all.slice(at, -1)).toEqual([
      "cowsh$ sleep 2",
      "echo ho",
      "echo hi",
      "cowsh$ echo ho",
      "ho",
      "cowsh$ echo hi",
    ]);
  }, 40_000);
});
