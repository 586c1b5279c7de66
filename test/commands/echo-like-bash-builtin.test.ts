/**
 * echo behaves as bash's builtin echo (each expectation checked with bash 5.2):
 * only leading -n/-e/-E words are options, -e decodes escapes, \c stops output.
 */
import { expect, test } from "vitest";
import { echo } from "../../commands/echo.js";
import { run } from "./fake-session.js";

const said = (...argv: string[]) => run(echo, argv).stdout;

test.each([
  [["hi", "there"], "hi there\n"],
  [["-n", "hi"], "hi"],
  [[], "\n"],
  [["-n"], ""],
  [["-e", "a\\tb"], "a\tb\n"],
  [["a\\tb"], "a\\tb\n"],
  [["-E", "a\\tb"], "a\\tb\n"],
  [["-eE", "a\\nb"], "a\\nb\n"],
  [["-ne", "x\\n"], "x\n"],
  [["-nn", "-ee", "a\\\\b"], "a\\b"],
  [["-e", "a\\cb", "c"], "a"],
  [["-e", "\\0101\\x41\\u00e9"], "AAé\n"],
  [["-e", "\\e[0m"], "\x1b[0m\n"],
  [["-e", "a\\"], "a\\\n"],
  [["-e", "\\x"], "\\x\n"],
  [["-e", "\\0"], "\0\n"],
  [["-e", "\\101"], "\\101\n"],
  [["-e", "\\q"], "\\q\n"],
  [["-e", "\\x4g"], "\x04g\n"],
  [["-x", "hi"], "-x hi\n"],
  [["--", "hi"], "-- hi\n"],
  [["--help"], "--help\n"],
  [["-enx", "hi"], "-enx hi\n"],
])("echo %j", (argv, output) => {
  expect(said(...argv)).toBe(output);
});

test("echo always succeeds and writes nothing to stderr", () => {
  expect(run(echo, ["-z"])).toEqual({ stdout: "-z\n", stderr: "", status: 0 });
});
