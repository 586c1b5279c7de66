/**
 * `$(…)` is replaced by the list's output less all trailing newlines (not
 * inner ones, not other trailing blanks), quoted or not.
 */
import { expect, test } from "vitest";
import type { Command as AstCommand, List, SimpleCommand } from "../../src/shell/ast.js";
import { expandString, expandWord } from "../../src/shell/expand.js";
import { parse } from "../../src/shell/parser.js";

/** The simple command a test parsed (anything else is a test failure). */
const simple = (c: AstCommand): SimpleCommand => {
  if (c.kind !== "simple") throw new Error(`not a simple command: ${c.kind}`);
  return c;
};

/** The first word of the first command of `line`. */
function firstWord(line: string) {
  const r = parse(line);
  if (!r.ok) throw new Error(r.error.message);
  return r.list.items[0]!.first.commands.map(simple)[0]!.words[0]!;
}

const outputs = (text: string) => ({ getVar: () => undefined, substitute: (_: List) => text });

test("trailing newlines are removed", () => {
  expect(expandString(firstWord('"$(x)"'), outputs("16M\n\n\n"))).toEqual({
    ok: true,
    value: "16M",
  });
});

test("inner newlines and trailing spaces stay when quoted", () => {
  expect(expandString(firstWord('"$(x)"'), outputs("a\n\nb  \n"))).toEqual({
    ok: true,
    value: "a\n\nb  ",
  });
});

test("unquoted, the result is split into fields", () => {
  expect(expandWord(firstWord("$(x)"), outputs(" a\nb \n"))).toEqual({
    ok: true,
    value: ["a", "b"],
  });
});

test("output of only newlines is empty: no field unquoted, one empty field quoted", () => {
  expect(expandWord(firstWord("$(x)"), outputs("\n\n"))).toEqual({ ok: true, value: [] });
  expect(expandWord(firstWord('"$(x)"'), outputs("\n\n"))).toEqual({ ok: true, value: [""] });
});

test("the runtime is asked to run exactly the list inside the parentheses", () => {
  const seen: string[] = [];
  const env = {
    getVar: () => undefined,
    substitute: (list: List) => {
      seen.push(
        list.items
          .map((i) =>
            i.first.commands
              .map(simple)
              .map((c) => c.words.map((w) => w.raw).join(" "))
              .join(" | "),
          )
          .join("; "),
      );
      return "";
    },
  };
  expandWord(firstWord("$(mmap 3 16M | grep x; echo done)"), env);
  expect(seen).toEqual(["mmap 3 16M | grep x; echo done"]);
});
