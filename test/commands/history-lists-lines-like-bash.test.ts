/**
 * history: the lines run so far, numbered as bash numbers them
 * (`%5d  line`); `history N` the last N; `history -c` forgets them. In batch
 * mode the history is the session's lines (each line once, recorded before
 * it runs, so `history` lists itself); in the interactive shell it is the
 * UI's store (see test/ui/terminal-under-tmux.test.ts for the whole flow).
 */
import { describe, expect, test } from "vitest";
import { attachHistory, sharedHistory } from "../../commands/history.js";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource, type ShellSession } from "../../src/shell/runtime.js";
import { createMemoryHistoryStore } from "../../src/ui/history.js";
import { runScript } from "../helpers/run-script.js";

function run(session: ShellSession, source: string) {
  let stdout = "";
  let stderr = "";
  const { status } = runSource(session, source, (b) => {
    if (b.kind === "err") stderr += b.text;
    else stdout += b.text;
  });
  return { stdout, stderr, status };
}

describe("history in batch mode: the lines run so far", () => {
  test("numbered from 1, each line once however many commands it holds", () => {
    const t = runScript("P=$(spawn /bin/sh)\necho a; echo b\n\n# a comment\n  history\n");
    expect(t.stdout).toBe(
      ["a", "b", "    1  P=$(spawn /bin/sh)", "    2  echo a; echo b", "    3  history", ""].join(
        "\n",
      ),
    );
  });

  test("history N shows the last N; history -c forgets everything before it", () => {
    const session = createSession(Machine.boot());
    run(session, "echo one >/dev/null");
    run(session, "echo two >/dev/null");
    expect(run(session, "history 2").stdout).toBe("    2  echo two >/dev/null\n    3  history 2\n");
    expect(run(session, "history 0").stdout).toBe("");
    expect(run(session, "history 99").stdout.split("\n")).toHaveLength(6);
    expect(run(session, "history -c")).toEqual({ stdout: "", stderr: "", status: 0 });
    expect(run(session, "history").stdout).toBe("    1  history\n");
  });

  test.each([
    ["history abc", "history: abc: numeric argument required\n", 1],
    ["history -x", "history: -x: invalid option\nhistory: usage: history [-c] [n]\n", 2],
    ["history -5", "history: -5: invalid option\nhistory: usage: history [-c] [n]\n", 2],
    ["history 1 2", "history: too many arguments\n", 1],
    ["history -c 3", "history: too many arguments\n", 1],
  ])("%s: as bash says it", (line, message, status) => {
    const session = createSession(Machine.boot());
    expect(run(session, line)).toEqual({ stdout: "", stderr: message, status });
  });
});

describe("history over the interactive shell's store", () => {
  test("lists what the UI saved, and -c clears it for good", () => {
    const store = createMemoryHistoryStore(["ps", "cat /proc/meminfo"]);
    const shared = sharedHistory(store);
    const session = createSession(Machine.boot());
    attachHistory(session, shared);
    // The UI loads once, then saves its whole list each time it adds a line.
    let ui = [...shared.load()];
    const typed = (line: string) => {
      ui = [...ui, line];
      shared.save(ui);
      return run(session, line);
    };
    expect(typed("history").stdout).toBe("    1  ps\n    2  cat /proc/meminfo\n    3  history\n");
    expect(typed("history -c").status).toBe(0);
    expect(store.load()).toEqual([]);
    // The UI still holds the old lines; they are not written back.
    expect(typed("history").stdout).toBe("    1  history\n");
    expect(store.load()).toEqual(["history"]);
  });
});
