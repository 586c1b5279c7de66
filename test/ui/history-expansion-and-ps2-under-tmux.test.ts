/**
 * History expansion, Alt-. and PS2 in a real terminal, through the binary:
 * `!!` and `!$` print the expanded line before it runs, `!99` says "event
 * not found", a `for` loop typed over three lines shows "> " and runs once,
 * Alt-. (ESC .) yanks the last word of the line before, and ↑ recalls the
 * loop as one line.
 */
import { describe, expect, test } from "vitest";
import { paneWithHome, promptLine, ready, TMUX_OR_CI } from "./tmux-pane.js";

describe.skipIf(!TMUX_OR_CI)("history expansion and PS2 (tmux)", () => {
  const { pane, env } = paneWithHome("histexp");

  const enter = async (line: string, until: (s: string) => boolean, what: string) => {
    pane.type(line);
    pane.keys("Enter");
    return pane.waitFor(until, what);
  };

  test("expands !! and !$, reports !99, reads a for loop over PS2, yanks with Alt-.", async () => {
    pane.startCowsh(100, 40, env);
    await pane.waitFor(ready, "the prompt");
    await enter("echo one two", (s) => s.includes("\none two\n") && ready(s), "echo");
    let s = await enter(
      "echo !$",
      (s) => s.includes("cowsh$ echo !$\necho two\ntwo\n") && ready(s),
      "!$",
    );
    s = await enter("!!", (s) => s.includes("cowsh$ !!\necho two\ntwo\n") && ready(s), "!!");
    s = await enter("!99", (s) => s.includes("cowsh$ !99\ncowsh: !99: event not found\n"), "!99");
    await enter("for i in 1 2; do", (s) => promptLine(s) === ">", "PS2");
    await enter("echo n=$i", (s) => promptLine(s) === ">", "PS2 again");
    s = await enter(
      "done",
      (s) => s.includes("> done\nn=1\nn=2\n") && ready(s),
      "the loop's output",
    );
    pane.type("echo ");
    pane.keys("M-.");
    await pane.waitFor((s) => promptLine(s) === "cowsh$ echo done", "Alt-. yanking done");
    pane.keys("C-u", "Up");
    s = await pane.waitFor((s) => promptLine(s) !== "cowsh$ echo done", "↑");
    expect(promptLine(s)).toBe("cowsh$ for i in 1 2; do echo n=$i; done");
  });
});
