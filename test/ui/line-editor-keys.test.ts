import { describe, expect, it } from "vitest";
import { type EditAction, EMPTY_LINE, editLine, type LineState } from "../../src/ui/line-editor.js";

/** A line with the cursor where "|" is. */
function at(marked: string): LineState {
  const cursor = marked.indexOf("|");
  return { ...EMPTY_LINE, text: marked.replace("|", ""), cursor };
}
const show = (s: LineState) => `${s.text.slice(0, s.cursor)}|${s.text.slice(s.cursor)}`;
const run = (s: LineState, ...actions: EditAction[]) => actions.reduce(editLine, s);

describe("editLine", () => {
  it("inserts at the cursor", () => {
    expect(show(run(at("ac|"), "backward-char", { insert: "b" }))).toBe("ab|c");
  });

  it("moves by characters, to the ends, and stops at the edges", () => {
    expect(show(run(at("|ab"), "backward-char"))).toBe("|ab");
    expect(show(run(at("ab|"), "forward-char"))).toBe("ab|");
    expect(show(run(at("a|bc"), "end-of-line"))).toBe("abc|");
    expect(show(run(at("ab|c"), "beginning-of-line"))).toBe("|abc");
  });

  it("moves over a surrogate pair as one character", () => {
    expect(show(run(at("a🐄|"), "backward-char"))).toBe("a|🐄");
    expect(show(run(at("a🐄|"), "backward-delete-char"))).toBe("a|");
  });

  it("moves by words as readline (M-b, M-f)", () => {
    expect(show(run(at("cat /proc/12/smaps|"), "backward-word"))).toBe("cat /proc/12/|smaps");
    expect(show(run(at("cat /proc/12/smaps|"), "backward-word", "backward-word"))).toBe(
      "cat /proc/|12/smaps",
    );
    expect(show(run(at("|cat /proc"), "forward-word", "forward-word"))).toBe("cat /proc|");
  });

  it("deletes before (Backspace) and at (Delete) the cursor", () => {
    expect(show(run(at("ab|c"), "backward-delete-char"))).toBe("a|c");
    expect(show(run(at("ab|c"), "delete-char"))).toBe("ab|");
    expect(show(run(at("|abc"), "backward-delete-char"))).toBe("|abc");
  });

  it("kills to the start (C-u), to the end (C-k), and yanks back (C-y)", () => {
    const u = run(at("cat |smaps"), "unix-line-discard");
    expect(show(u)).toBe("|smaps");
    expect(show(run(u, "end-of-line", "yank"))).toBe("smapscat |");
    const k = run(at("cat |smaps"), "kill-line");
    expect(show(k)).toBe("cat |");
    expect(k.killed).toBe("smaps");
  });

  it("kills the previous whitespace word (C-w), and consecutive kills accumulate", () => {
    const once = run(at("grep Pss /proc/1/smaps|"), "unix-word-rubout");
    expect(show(once)).toBe("grep Pss |");
    const twice = run(once, "unix-word-rubout");
    expect(show(twice)).toBe("grep |");
    expect(twice.killed).toBe("Pss /proc/1/smaps");
    expect(show(run(twice, "yank"))).toBe("grep Pss /proc/1/smaps|");
  });

  it("kills alphanumeric words (M-backspace, M-d)", () => {
    expect(show(run(at("cat /proc/12|"), "backward-kill-word"))).toBe("cat /proc/|");
    expect(show(run(at("cat |/proc/12"), "kill-word"))).toBe("cat |/12");
  });

  it("transposes characters (C-t)", () => {
    expect(show(run(at("ca|t"), "transpose-chars"))).toBe("cta|");
    expect(show(run(at("ac|"), "transpose-chars"))).toBe("ca|");
    expect(show(run(at("|a"), "transpose-chars"))).toBe("|a");
  });
});
