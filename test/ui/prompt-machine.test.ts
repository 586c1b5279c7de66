import { describe, expect, it } from "vitest";
import type { Completion } from "../../src/ui/completion.js";
import { decodeKeys } from "../../src/ui/keys.js";
import {
  initialPrompt,
  type PromptContext,
  type PromptEffect,
  type PromptState,
  pressKey,
  visibleLine,
} from "../../src/ui/prompt.js";

const noCompletion = (): Completion => ({ from: 0, candidates: [] });

/** Types `input` (raw terminal bytes) at `state`: the final state and every effect. */
function type(state: PromptState, input: string, ctx: Partial<PromptContext> = {}) {
  const full: PromptContext = { busy: false, complete: noCompletion, ...ctx };
  const effects: PromptEffect[] = [];
  let s = state;
  for (const key of decodeKeys(input)) {
    const step = pressKey(s, key, full);
    s = step.state;
    effects.push(...step.effects);
  }
  return { state: s, effects, shown: visibleLine(s) };
}

const fresh = (history: string[] = []) => initialPrompt(history);

describe("accepting a line", () => {
  it("submits the line and records it in the history", () => {
    const r = type(fresh(["ls"]), "ps\r");
    expect(r.effects).toEqual([{ kind: "submit", line: "ps" }]);
    expect(r.state.history.entries).toEqual(["ls", "ps"]);
    expect(r.shown.text).toBe("");
  });

  it("submits a line starting with a space without recording it", () => {
    const r = type(fresh(["ls"]), " secret\r");
    expect(r.effects).toEqual([{ kind: "submit", line: " secret" }]);
    expect(r.state.history.entries).toEqual(["ls"]);
  });
});

describe("history keys", () => {
  it("↑ recalls older lines, ↓ comes back to the unsent draft", () => {
    const up = type(fresh(["ls", "ps"]), "cat /pr\u001b[A\u001b[A");
    expect(up.shown.text).toBe("ls");
    const down = type(up.state, "\u001b[B\u001b[B");
    expect(down.shown).toEqual({ prompt: true, text: "cat /pr", cursor: 7 });
  });

  it("↓ at the draft and ↑ at the oldest line do nothing", () => {
    expect(type(fresh(["ls"]), "x\u001b[B").shown.text).toBe("x");
    expect(type(fresh(["ls"]), "\u001b[A\u001b[A").shown.text).toBe("ls");
  });
});

describe("Ctrl-R", () => {
  const history = ["cat /proc/1/smaps", "pstree", "cat /proc/2/maps", "ls"];

  it("shows bash's search line and accepts the match with Enter", () => {
    const r = type(fresh(history), "\u0012cat");
    expect(r.shown.text).toBe("(reverse-i-search)`cat': cat /proc/2/maps");
    expect(r.shown.prompt).toBe(false);
    const again = type(r.state, "\u0012");
    expect(again.shown.text).toBe("(reverse-i-search)`cat': cat /proc/1/smaps");
    const accepted = type(again.state, "\r");
    expect(accepted.effects).toEqual([{ kind: "submit", line: "cat /proc/1/smaps" }]);
  });

  it("Ctrl-G abandons the search and restores the line", () => {
    const r = type(fresh(history), "echo\u0012tree\u0007");
    expect(r.shown).toEqual({ prompt: true, text: "echo", cursor: 4 });
  });

  it("Esc ends the search keeping the match to edit, cursor at the match", () => {
    const r = type(fresh(history), "\u0012tree\u001b");
    expect(r.shown).toEqual({ prompt: true, text: "pstree", cursor: 2 });
    expect(type(r.state, "\u0005!").shown.text).toBe("pstree!");
  });

  it("a movement key ends the search and moves; ↓ then returns to the draft", () => {
    const r = type(fresh(history), "draft\u0012tree\u0001");
    expect(r.shown).toEqual({ prompt: true, text: "pstree", cursor: 0 });
    expect(type(r.state, "\u001b[B\u001b[B\u001b[B").shown.text).toBe("draft");
  });

  it("says when nothing matches, and Ctrl-R Ctrl-R repeats the last search", () => {
    const failed = type(fresh(history), "\u0012zzz");
    expect(failed.shown.text).toBe("(failed reverse-i-search)`zzz': ");
    const r = type(fresh(history), "\u0012tree\u0007\u0012\u0012");
    expect(r.shown.text).toBe("(reverse-i-search)`tree': pstree");
  });
});

describe("Tab", () => {
  const complete = (line: string, cursor: number): Completion => {
    const from = line.lastIndexOf(" ", cursor - 1) + 1;
    const word = line.slice(from, cursor);
    return {
      from,
      candidates: ["spawn", "smaps", "smaps_rollup", "sleep"].filter((c) => c.startsWith(word)),
    };
  };

  it("completes a unique candidate with a space", () => {
    expect(type(fresh(), "spa\t", { complete }).shown.text).toBe("spawn ");
  });

  it("extends to the common prefix, then lists on the second Tab", () => {
    const once = type(fresh(), "cat sm\t", { complete });
    expect(once.shown.text).toBe("cat smaps");
    expect(once.effects).toEqual([]);
    const twice = type(once.state, "\t", { complete });
    expect(twice.effects).toEqual([
      {
        kind: "list",
        shown: { prompt: true, text: "cat smaps", cursor: 9 },
        candidates: ["smaps", "smaps_rollup"],
      },
    ]);
  });

  it("lists only on two Tabs in a row", () => {
    const r = type(fresh(), "cat s\tx\u007f\t", { complete });
    expect(r.effects).toEqual([]);
  });
});

describe("Ctrl-C, Ctrl-D, Ctrl-L", () => {
  it("Ctrl-C at the prompt cancels the line as shown", () => {
    const r = type(fresh(), "ls -l\u0003");
    expect(r.effects).toEqual([
      { kind: "cancel", shown: { prompt: true, text: "ls -l", cursor: 5 } },
    ]);
    expect(r.shown.text).toBe("");
  });

  it("Ctrl-C while busy interrupts and drops the typed-ahead line", () => {
    const r = type(fresh(), "ls\u0003", { busy: true });
    expect(r.effects).toEqual([{ kind: "interrupt" }]);
    expect(r.shown.text).toBe("");
  });

  it("Ctrl-D exits on an empty line and deletes the character under the cursor otherwise", () => {
    expect(type(fresh(), "\u0004").effects).toEqual([{ kind: "eof" }]);
    expect(type(fresh(), "ab\u0001\u0004").shown.text).toBe("b");
    expect(type(fresh(), "\u0004", { busy: true }).effects).toEqual([]);
  });

  it("Ctrl-L clears the screen and keeps the line", () => {
    const r = type(fresh(), "ls\u000c");
    expect(r.effects).toEqual([{ kind: "clear-screen" }]);
    expect(r.shown.text).toBe("ls");
  });
});
