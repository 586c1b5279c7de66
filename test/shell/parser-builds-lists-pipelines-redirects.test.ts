/**
 * The parser's tree: lists, && and ||, pipelines, assignments, redirections,
 * comments, blank lines, line numbers.
 */
import { describe, expect, test } from "vitest";
import type { Command as AstCommand, List, SimpleCommand } from "../../src/shell/ast.js";
import { parse } from "../../src/shell/parser.js";

/** The simple command a test parsed (anything else is a test failure). */
const simple = (c: AstCommand): SimpleCommand => {
  if (c.kind !== "simple") throw new Error(`not a simple command: ${c.kind}`);
  return c;
};

function ok(src: string): List {
  const r = parse(src);
  if (!r.ok) throw new Error(r.error.message);
  return r.list;
}

/** A compact picture of a list: words as typed, operators between them. */
function shape(list: List): string {
  const cmd = (c: SimpleCommand): string =>
    [
      ...c.assignments.map((a) => `${a.name}=${a.value.raw}`),
      ...c.words.map((w) => w.raw),
      ...c.redirects.map((r) => `${r.fd}${r.op}${r.target.raw}`),
    ].join(" ");
  return list.items
    .map((item) => {
      const pipes = [item.first, ...item.rest.map((r) => r.pipeline)].map((p) =>
        p.commands.map(simple).map(cmd).join(" | "),
      );
      const andOr = pipes.reduce((acc, p, i) => `${acc} ${item.rest[i - 1]!.op} ${p}`);
      return item.background ? `${andOr} &` : andOr;
    })
    .join(" ; ");
}

describe("lists", () => {
  test("; and newlines separate commands; blank lines and comments vanish", () => {
    expect(shape(ok("a; b\n\n# comment\nc # trailing\n  \n"))).toBe("a ; b ; c");
  });
  test("a trailing ; is allowed", () => {
    expect(shape(ok("a;"))).toBe("a");
  });
  test("empty and comment-only input is an empty list", () => {
    expect(ok("").items).toEqual([]);
    expect(ok("   # nothing\n\n").items).toEqual([]);
  });
  test("&& and || chain left to right, and may continue on the next line", () => {
    expect(shape(ok("a && b || c"))).toBe("a && b || c");
    expect(shape(ok("a &&\n\n b"))).toBe("a && b");
  });
  test("& ends an item that bash would run in the background", () => {
    expect(shape(ok("a & b"))).toBe("a & ; b");
  });
  test("each item knows its line", () => {
    expect(ok("a\n\nb; c\n").items.map((i) => i.line)).toEqual([1, 3, 3]);
  });
});

describe("pipelines", () => {
  test("| joins commands, and may continue on the next line", () => {
    expect(shape(ok("cat f | grep x | wc -l"))).toBe("cat f | grep x | wc -l");
    expect(shape(ok("a |\n b"))).toBe("a | b");
  });
  test("|& also sends stderr down the pipe", () => {
    expect(shape(ok("a |& b"))).toBe("a 2>&1 | b");
  });
});

describe("simple commands", () => {
  test("NAME=value before the name is an assignment; after it, an argument", () => {
    expect(shape(ok("A=1 B=2 cmd C=3"))).toBe("A=1 B=2 cmd C=3");
    const cmd = ok("A=1 B=2 cmd C=3").items[0]!.first.commands.map(simple)[0]!;
    expect(cmd.assignments.map((a) => a.name)).toEqual(["A", "B"]);
    expect(cmd.words.map((w) => w.raw)).toEqual(["cmd", "C=3"]);
  });
  test("an assignment alone has no words", () => {
    const cmd = ok("buf=$(mmap 3 16M)").items[0]!.first.commands.map(simple)[0]!;
    expect(cmd.words).toEqual([]);
    expect(cmd.assignments[0]!.value.parts[0]!.kind).toBe("subst");
  });
  test("a quoted or escaped = is not an assignment", () => {
    expect(ok("'A'=1").items[0]!.first.commands.map(simple)[0]!.assignments).toEqual([]);
    expect(ok("A\\=1").items[0]!.first.commands.map(simple)[0]!.assignments).toEqual([]);
  });
  test("redirections keep their order and default descriptors", () => {
    const cmd = ok("cmd >out 2>&1 <in 2>err >>log &>both 3< x").items[0]!.first.commands.map(
      simple,
    )[0]!;
    expect(cmd.redirects.map((r) => [r.fd, r.op, r.target.raw])).toEqual([
      [1, ">", "out"],
      [2, ">&", "1"],
      [0, "<", "in"],
      [2, ">", "err"],
      [1, ">>", "log"],
      [1, "&>", "both"],
      [3, "<", "x"],
    ]);
    expect(cmd.words.map((w) => w.raw)).toEqual(["cmd"]);
  });
  test("digits are a descriptor only right before the operator", () => {
    const cmd = ok("echo 2 >f a2>g").items[0]!.first.commands.map(simple)[0]!;
    expect(cmd.words.map((w) => w.raw)).toEqual(["echo", "2", "a2"]);
    expect(cmd.redirects.map((r) => r.fd)).toEqual([1, 1]);
  });
  test("a redirection alone is a command", () => {
    expect(shape(ok("> f"))).toBe("1>f");
  });
});

test("words record their source text and offset", () => {
  const w = ok("echo  'a b'\"$x\"").items[0]!.first.commands.map(simple)[0]!.words[1]!;
  expect(w.raw).toBe("'a b'\"$x\"");
  expect(w.pos).toBe(6);
});

test("a script that fails on line 3 hands back the complete commands before that line", () => {
  const r = parse("echo a\necho b |\n| c\necho d");
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error).toMatchObject({ message: "syntax error near unexpected token `|'", line: 3 });
  expect(shape(r.partial)).toBe("echo a");
});
