/**
 * A bad command line gets one line and the usage hint, status 2, as bash
 * does (`bash: -c: option requires an argument`), not the whole --help.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, test } from "vitest";
import { parseCommandLine } from "../../src/cli/cli-options.js";

const ROOT = join(import.meta.dirname, "../..");

const failure = (argv: string[]): string => {
  try {
    parseCommandLine(argv, (message) => {
      throw new Error(message);
    });
  } catch (e) {
    return (e as Error).message;
  }
  return "parsed";
};

test.each([
  [["-c"], "-c: option requires an argument"],
  [["--command"], "--command: option requires an argument"],
  [["-e", "--mem"], "--mem: option requires an argument"],
  [["--bogus"], "--bogus: invalid option"],
  [["-z", "x.cowsh"], "-z: invalid option"],
  [["a.cowsh", "b.cowsh"], "b.cowsh: extra operand (one script file only)"],
])("%j: %s", (argv, message) => {
  expect(failure(argv)).toBe(message);
});

test("the binary prints the line and the hint on stderr and exits 2", () => {
  for (const [argv, line] of [
    [["-c"], "cowsh: -c: option requires an argument"],
    [["--bogus"], "cowsh: --bogus: invalid option"],
  ] as const) {
    const r = spawnSync(process.execPath, [join(ROOT, "dist/bin/cowsh.js"), ...argv], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${line}\nTry 'cowsh --help' for more information.\n`);
  }
});
