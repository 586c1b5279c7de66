/**
 * HOME names a directory that does not exist: the history cannot be saved,
 * and cowsh says so once, naming the directory (not its temporary file),
 * then keeps the history for the session.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { BIN, ready, TMUX_OR_CI, TmuxPane } from "./tmux-pane.js";

describe.skipIf(!TMUX_OR_CI)("HOME pointing nowhere (tmux)", () => {
  const pane = new TmuxPane("nohome");
  const dir = mkdtempSync(join(tmpdir(), "cowsh-nohome-"));
  const home = join(dir, "gone");

  afterAll(() => {
    pane.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the history's trouble is said once, in the user's terms", async () => {
    pane.start(100, 30, { HOME: home }, ["env", "-u", "COWSH_HISTORY", process.execPath, BIN]);
    await pane.waitFor(ready, "the prompt");
    for (const word of ["one", "two", "three"]) {
      pane.type(`echo ${word}`);
      pane.keys("Enter");
      await pane.waitFor((s) => s.includes(`\n${word}\n`) && ready(s), `echo ${word}`);
    }
    pane.keys("Up");
    await pane.waitFor((s) => s.split("\n").at(-2) === "cowsh$ echo three", "↑ recalls");
    const text = pane.screen();
    expect(text.match(/cannot save history/g)).toHaveLength(1);
    // The message is longer than a row: compare it with the rows joined.
    expect(text.replaceAll("\n", "")).toContain(
      `cowsh: cannot save history: ${home}: No such file or directory; history is kept for this session only`,
    );
    expect(text).not.toContain(".tmp");
  });
});
