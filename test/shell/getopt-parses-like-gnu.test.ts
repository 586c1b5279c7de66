/**
 * getopt() parses as glibc's getopt_long does and reports errors in its words,
 * followed by the usage footer GNU tools print.
 */
import { describe, expect, test } from "vitest";
import { type GetoptSpec, getopt, lastValue, usageError } from "../../src/shell/getopt.js";

const HEAD: GetoptSpec = {
  name: "head",
  options: [
    { key: "n", short: "n", long: "lines", arg: "required" },
    { key: "v", short: "v", long: "verbose" },
    { key: "q", short: "q", long: "quiet" },
    { key: "c", short: "c", long: "count" },
    { key: "color", long: "color", arg: "optional" },
    { key: "color", long: "colour", arg: "optional" },
    { key: "context", long: "context", arg: "required" },
  ],
};

const parsed = (argv: string[], spec: GetoptSpec = HEAD) => {
  const r = getopt(spec, argv);
  if (!r.ok) throw new Error(r.message);
  return { options: r.options.map((o) => [o.key, o.value ?? null]), operands: r.operands };
};

const message = (argv: string[], spec: GetoptSpec = HEAD) => {
  const r = getopt(spec, argv);
  return r.ok ? undefined : r.message;
};

describe("accepted spellings", () => {
  test("clustered short options, with the argument attached or next", () => {
    expect(parsed(["-vn3"]).options).toEqual([
      ["v", null],
      ["n", "3"],
    ]);
    expect(parsed(["-n", "3"]).options).toEqual([["n", "3"]]);
    expect(parsed(["-n3"]).options).toEqual([["n", "3"]]);
    expect(parsed(["-n", "-5"]).options).toEqual([["n", "-5"]]);
  });
  test("long options with = or a separate argument, and unambiguous prefixes", () => {
    expect(parsed(["--lines=3"]).options).toEqual([["n", "3"]]);
    expect(parsed(["--lines", "3"]).options).toEqual([["n", "3"]]);
    expect(parsed(["--li=3", "--verb"]).options).toEqual([
      ["n", "3"],
      ["v", null],
    ]);
    expect(parsed(["--lines="]).options).toEqual([["n", ""]]);
  });
  test("prefixes of two spellings of one option are not ambiguous", () => {
    expect(parsed(["--col"]).options).toEqual([["color", null]]);
    expect(parsed(["--colo=always"]).options).toEqual([["color", "always"]]);
  });
  test("options after operands (GNU permutation), -- ends options, - is an operand", () => {
    expect(parsed(["f", "-v", "g"])).toEqual({ options: [["v", null]], operands: ["f", "g"] });
    expect(parsed(["-v", "--", "-n", "x"])).toEqual({
      options: [["v", null]],
      operands: ["-n", "x"],
    });
    expect(parsed(["-", "-v"])).toEqual({ options: [["v", null]], operands: ["-"] });
  });
  test("without permutation the first operand ends the options", () => {
    expect(parsed(["f", "-v"], { ...HEAD, permute: false })).toEqual({
      options: [],
      operands: ["f", "-v"],
    });
  });
  test("negative numbers are operands where the spec says so", () => {
    expect(parsed(["-5", "-v"], { ...HEAD, negativeNumbers: true })).toEqual({
      options: [["v", null]],
      operands: ["-5"],
    });
  });
  test("the last value wins", () => {
    const r = getopt(HEAD, ["-n1", "--lines=2"]);
    expect(r.ok && lastValue(r.options, "n")).toBe("2");
  });
});

describe("glibc's messages", () => {
  const footer = "Try 'head --help' for more information.\n";
  test.each([
    [["-z"], "head: invalid option -- 'z'\n"],
    [["-vz"], "head: invalid option -- 'z'\n"],
    [["--foo"], "head: unrecognized option '--foo'\n"],
    [["--foo=bar"], "head: unrecognized option '--foo=bar'\n"],
    [["-n"], "head: option requires an argument -- 'n'\n"],
    [["--lines"], "head: option '--lines' requires an argument\n"],
    [["--count=3"], "head: option '--count' doesn't allow an argument\n"],
    [["--cou=3"], "head: option '--count' doesn't allow an argument\n"],
    [
      ["--co"],
      "head: option '--co' is ambiguous; possibilities: '--count' '--color' '--colour' '--context'\n",
    ],
  ])("%j", (argv, text) => {
    expect(message(argv)).toBe(text + footer);
  });

  test("grep-style usage lines and diff-style prefixed footer", () => {
    const grep: GetoptSpec = {
      name: "grep",
      options: [],
      usageLines: ["Usage: grep [OPTION]... PATTERNS [FILE]..."],
    };
    expect(message(["-z"], grep)).toBe(
      "grep: invalid option -- 'z'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
    );
    const diff: GetoptSpec = { name: "diff", options: [], prefixTry: true };
    expect(usageError(diff, "missing operand after 'a'")).toBe(
      "diff: missing operand after 'a'\ndiff: Try 'diff --help' for more information.\n",
    );
  });
});
