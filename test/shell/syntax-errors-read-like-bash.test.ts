/**
 * Syntax errors are worded as bash 5.2 words them (checked with `bash -c`),
 * say whether more input could complete the line, and format for scripts.
 */
import { describe, expect, test } from "vitest";
import { parse } from "../../src/shell/parser.js";
import { formatParseError } from "../../src/shell/syntax-error.js";

const ERRORS: readonly (readonly [string, string, boolean])[] = [
  ["echo 'abc", "unexpected EOF while looking for matching `''", true],
  ['echo "abc', "unexpected EOF while looking for matching `\"'", true],
  ["echo $(ls", "unexpected EOF while looking for matching `)'", true],
  ["echo $(ls |", "unexpected EOF while looking for matching `)'", true],
  ['echo "$(ls', "unexpected EOF while looking for matching `)'", true],
  ["echo $(echo 'a", "unexpected EOF while looking for matching `''", true],
  ["echo ${a", "unexpected EOF while looking for matching `}'", true],
  ["echo `ls", "unexpected EOF while looking for matching ``'", true],
  ["ls |", "syntax error: unexpected end of file", true],
  ["ls &&", "syntax error: unexpected end of file", true],
  ["echo a ||", "syntax error: unexpected end of file", true],
  ["| ls", "syntax error near unexpected token `|'", false],
  ["ls | | x", "syntax error near unexpected token `|'", false],
  ["&& ls", "syntax error near unexpected token `&&'", false],
  ["& ls", "syntax error near unexpected token `&'", false],
  ["ls ;;", "syntax error near unexpected token `;;'", false],
  ["echo a;;", "syntax error near unexpected token `;;'", false],
  [";", "syntax error near unexpected token `;'", false],
  ["ls ; ; ls", "syntax error near unexpected token `;'", false],
  ["echo )", "syntax error near unexpected token `)'", false],
  ["ls >", "syntax error near unexpected token `newline'", false],
  ["ls 2>", "syntax error near unexpected token `newline'", false],
  ["ls > |", "syntax error near unexpected token `|'", false],
  ["ls 2>&", "syntax error near unexpected token `newline'", false],
  ["echo a & ;", "syntax error near unexpected token `;'", false],
  ["ls < <", "syntax error near unexpected token `<'", false],
  ["echo $( ls |)", "syntax error near unexpected token `)'", false],
  ["echo $(echo ))", "syntax error near unexpected token `)'", false],
];

describe("bash's messages", () => {
  test.each(ERRORS)("%s", (src, message, incomplete) => {
    const r = parse(src);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.message, r.error.incomplete]).toEqual([message, incomplete]);
  });
});

test("arithmetic, subshells and here-documents parse; a here-document cut by EOF waits for more", () => {
  const message = (src: string) => {
    const r = parse(src);
    return r.ok ? undefined : [r.error.message, r.error.incomplete];
  };
  expect(message("echo $((1+2))")).toBeUndefined();
  expect(message("(ls)")).toBeUndefined();
  expect(message("cat <<EOF\nhi\nEOF\n")).toBeUndefined();
  expect(message("cat <<EOF\nhi\n")).toEqual([
    "warning: here-document at line 1 delimited by end-of-file (wanted `EOF')",
    true,
  ]);
  expect(message("if true; then echo; fi fi")).toEqual([
    "syntax error near unexpected token `fi'",
    false,
  ]);
  expect(message("fi")).toEqual(["syntax error near unexpected token `fi'", false]);
  expect(message("while true; do done")).toEqual([
    "syntax error near unexpected token `done'",
    false,
  ]);
  expect(message("for i in 1 2; do echo $i")).toEqual([
    "syntax error: unexpected end of file",
    true,
  ]);
});

test("interactive errors are one line; script errors name the line and echo it", () => {
  const src = "echo ok\n| ls";
  const r = parse(src);
  if (r.ok) throw new Error("expected an error");
  expect(formatParseError(r.error, src)).toEqual(["cowsh: syntax error near unexpected token `|'"]);
  expect(formatParseError(r.error, src, "demo.cowsh")).toEqual([
    "demo.cowsh: line 2: syntax error near unexpected token `|'",
    "demo.cowsh: line 2: `| ls'",
  ]);
});

test("error positions point into the source", () => {
  const r = parse("echo ok; echo 'oops");
  if (r.ok) throw new Error("expected an error");
  expect(r.error.pos).toBe(14);
});
