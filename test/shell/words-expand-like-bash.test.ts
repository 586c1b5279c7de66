// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell source, where ${NAME} is parameter expansion
/**
 * Quoting, parameter expansion, command substitution and field splitting give
 * the fields bash 5.2 gives (each expectation was checked against bash).
 */
import { describe, expect, test } from "vitest";
import { fieldsOf } from "./mini-runtime.js";

const VARS = { x: "a  b ", e: "", sp: "  ", q: "7", nl: "l1\nl2\n\n", "?": "0" };

const CASES: readonly (readonly [string, readonly string[]])[] = [
  ["$x", ["a", "b"]],
  ['"$x"', ["a  b "]],
  ['$x"$x"', ["a", "b", "a  b "]],
  ["a$x", ["aa", "b"]],
  ["${x}b", ["a", "b", "b"]],
  ["$e", []],
  ['"$e"', [""]],
  ["$e a", ["a"]],
  ["a''b", ["ab"]],
  ["''", [""]],
  ['""', [""]],
  ["$sp", []],
  ["a${sp}b", ["a", "b"]],
  [`"a"'b'c`, ["abc"]],
  ["\\$x", ["$x"]],
  ["'$x'", ["$x"]],
  ['"\\$x \\\\ \\" \\` \\a"', ['$x \\ " ` \\a']],
  ["a\\ b", ["a b"]],
  ["$q$q", ["77"]],
  ["$(printf 'a b\\n\\n')", ["a", "b"]],
  [`"$(printf 'a b\\n\\n')"`, ["a b"]],
  ["x$(printf '')y", ["xy"]],
  ["$(echo $x)", ["a", "b"]],
  ['"$(echo "$x")"', ["a  b "]],
  ["`echo hi there`", ["hi", "there"]],
  ["$nl", ["l1", "l2"]],
  ['"$nl"', ["l1\nl2\n\n"]],
  ["$'a\\tb'", ["a\tb"]],
  ['$"a b"', ["a b"]],
  ["$", ["$"]],
  ["a$", ["a$"]],
  ["$/", ["$/"]],
  ['"$"', ["$"]],
  ["$?", ["0"]],
  ["${q}0", ["70"]],
  ["$q0", []],
  ["\\\\", ["\\"]],
  ["'a'\\''b'", ["a'b"]],
  ["a#b", ["a#b"]],
  ["a #b", ["a"]],
  ["*.txt ~", ["*.txt", "~"]],
  ["$(echo $(echo nested))", ["nested"]],
  ['"$(echo "a  $(echo b)")"', ["a  b"]],
];

describe("words expand to bash's fields", () => {
  test.each(CASES)("%s", (word, fields) => {
    expect(fieldsOf(`show ${word}`, VARS).slice(1)).toEqual(fields);
  });
});

test("an unset variable expands to nothing, quoted to one empty field", () => {
  expect(fieldsOf("show $nope", {})).toEqual(["show"]);
  expect(fieldsOf('show "$nope"', {})).toEqual(["show", ""]);
});

test("a backslash-newline continues the word", () => {
  expect(fieldsOf("echo a\\\nb")).toEqual(["echo", "ab"]);
  expect(fieldsOf('echo "a\\\nb"')).toEqual(["echo", "ab"]);
  expect(fieldsOf("echo 'a\\\nb'")).toEqual(["echo", "a\\\nb"]);
});
