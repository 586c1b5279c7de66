/**
 * A script may name the machine it needs in its first lines: after `cowsh`
 * on a `#!` line, or in `# cowsh:` comments of its opening comment block.
 * Only machine options and -e; the command line wins over them.
 */
import { describe, expect, test } from "vitest";
import { directiveArgs, kernelConfig, parseCommandLine } from "../../src/cli/cli-options.js";

const parse = (argv: string[]) =>
  parseCommandLine(argv, (message) => {
    throw new Error(message);
  });

describe("script options", () => {
  test("after cowsh on a #! line, and in # cowsh: comments of the opening block", () => {
    expect(directiveArgs("#!/usr/bin/env -S cowsh --mem 64M\necho hi\n")).toEqual(["--mem", "64M"]);
    expect(directiveArgs("#!cowsh --mem 64M\n")).toEqual(["--mem", "64M"]);
    expect(directiveArgs("# A demo.\n# cowsh: --mem 64M --no-zero-page\n#\necho\n")).toEqual([
      "--mem",
      "64M",
      "--no-zero-page",
    ]);
    expect(directiveArgs("echo hi\n# cowsh: --mem 64M\n")).toEqual([]);
    expect(directiveArgs("#!/bin/sh --mem 64M\n")).toEqual([]);
  });

  test("only the machine's options and -e", () => {
    expect(
      directiveArgs("# cowsh: -e --fault-around=4096 --readahead-kb 0 --soft-dirty\n"),
    ).toEqual(["-e", "--fault-around=4096", "--readahead-kb", "0", "--soft-dirty"]);
    expect(directiveArgs("# cowsh: --play x.cowsh\n")).toBe(
      "--play: a script may set only machine options (--mem, --zero-page, …) and -e",
    );
  });

  test("they give the kernel its configuration, and the command line overrides them", () => {
    const script = directiveArgs("# cowsh: --mem 64M --no-zero-page\n") as string[];
    const fromScript = kernelConfig(parse(script));
    expect(fromScript).toMatchObject({ memBytes: 64 * 2 ** 20, zeroPage: false });
    const overridden = kernelConfig(parse([...script, "--mem", "1G", "demo.cowsh"]));
    expect(overridden).toMatchObject({ memBytes: 2 ** 30, zeroPage: false });
  });

  test("--swap SIZE boots with a swap file of that size; 0 (the default) without; a bad size is refused", () => {
    expect(kernelConfig(parse([]))).toMatchObject({ swapBytes: 0 });
    const script = directiveArgs("# cowsh: --swap 256M\n") as string[];
    expect(script).toEqual(["--swap", "256M"]);
    expect(kernelConfig(parse(script))).toMatchObject({ swapBytes: 256 * 2 ** 20 });
    expect(kernelConfig(parse(["--swap", "lots"]))).toBe(
      "cowsh: --swap: invalid size 'lots' (0, or at least 40K)",
    );
  });

  test("the front end's options", () => {
    const args = parse([
      "--play",
      "demo/x.cowsh",
      "--typing-speed",
      "50",
      "--pause-ms",
      "0",
      "--record",
      "x.cast",
    ]);
    expect(args).toMatchObject({
      play: "demo/x.cowsh",
      typingSpeed: 50,
      pauseMs: 0,
      record: "x.cast",
      timeScale: 0,
    });
    expect(parse(["--time-scale", "0.5"]).timeScale).toBe(0.5);
    expect(parse(["--quiz", "demo/x.cowsh"]).quiz).toBe("demo/x.cowsh");
    expect(parse(["demo/x.cowsh"]).script).toBe("demo/x.cowsh");
    expect(() => parse(["--play", "a", "--quiz", "b"])).toThrow(/mutually exclusive/);
  });
});
