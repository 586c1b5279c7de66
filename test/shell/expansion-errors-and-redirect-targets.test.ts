// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell source, where ${NAME} is parameter expansion
/**
 * Expansion failures are values with bash's words; assignment values are not
 * split; redirection targets must expand to exactly one field.
 */
import { expect, test } from "vitest";
import type { Command as AstCommand, SimpleCommand } from "../../src/shell/ast.js";
import { expandRedirectTarget, expandString, expandWord } from "../../src/shell/expand.js";
import { parse } from "../../src/shell/parser.js";
import { miniEnv } from "./mini-runtime.js";

/** The simple command a test parsed (anything else is a test failure). */
const asSimple = (c: AstCommand): SimpleCommand => {
  if (c.kind !== "simple") throw new Error(`not a simple command: ${c.kind}`);
  return c;
};

function simple(line: string) {
  const r = parse(line);
  if (!r.ok) throw new Error(r.error.message);
  return r.list.items[0]!.first.commands.map(asSimple)[0]!;
}

test("${a b} parses, and fails to expand with bash's message", () => {
  const word = simple("echo ${a b}").words[1]!;
  expect(expandWord(word, miniEnv({}))).toEqual({ ok: false, message: "${a b}: bad substitution" });
  expect(expandWord(simple("echo ${}").words[1]!, miniEnv({}))).toEqual({
    ok: false,
    message: "${}: bad substitution",
  });
});

test("an assignment's value is one string, never split", () => {
  const cmd = simple("X=$y");
  expect(cmd.assignments[0]!.name).toBe("X");
  expect(expandString(cmd.assignments[0]!.value, miniEnv({ y: "a  b" }))).toEqual({
    ok: true,
    value: "a  b",
  });
});

test("NAME=$(command) assigns the command's output", () => {
  const cmd = simple("addr=$(printf '0x7f0000000000\\n')");
  expect(cmd.words).toEqual([]);
  expect(expandString(cmd.assignments[0]!.value, miniEnv({}))).toEqual({
    ok: true,
    value: "0x7f0000000000",
  });
});

test("a redirection target expanding to several fields, or none, is ambiguous", () => {
  const env = miniEnv({ two: "a b", none: "" });
  const target = (line: string) => simple(line).redirects[0]!.target;
  expect(expandRedirectTarget(target("echo > $two"), env)).toEqual({
    ok: false,
    message: "$two: ambiguous redirect",
  });
  expect(expandRedirectTarget(target("echo > $none"), env)).toEqual({
    ok: false,
    message: "$none: ambiguous redirect",
  });
  expect(expandRedirectTarget(target('echo > "$two"'), env)).toEqual({ ok: true, value: "a b" });
});
