/**
 * Batch start-up reads plain command lines without loading yargs; whatever
 * it reads, it reads as yargs does, and it hands everything else to yargs.
 */
import { describe, expect, test } from "vitest";
import { quickParse } from "../../src/cli/cli-args.js";
import { parseCommandLine } from "../../src/cli/cli-options.js";

const yargsParse = (argv: string[]) =>
  parseCommandLine(argv, (message) => {
    throw new Error(message);
  });

describe("quickParse", () => {
  test.each([
    [[]],
    [["-c", "echo hi"]],
    [["-e", "-c", "false; echo no"]],
    [["--errexit", "demo/fork-exec.cowsh"]],
    [["demo/fork-exec.cowsh", "--mem", "64M"]],
    [["--mem=1G", "--no-zero-page", "--soft-dirty", "--no-anon-names", "x.cowsh"]],
    [["--fault-around", "4096", "--readahead-kb=0", "-c", "ps"]],
    [["--check", "--command", "ps"]],
    [["--thp", "always", "--thp-shmem=within_size", "-c", "ps"]],
    [["--kernel", "5.10", "-c", "ps"]],
    [["--load", "m.img"]],
    [["--play", "demo/x.cowsh", "--typing-speed", "50", "--pause-ms", "0", "--record", "x.cast"]],
    [["--quiz", "demo/x.cowsh", "--time-scale", "0.5"]],
    [["-c", ""]],
  ])("%j reads as yargs reads it", (argv) => {
    const quick = quickParse(argv);
    expect(quick).toBeDefined();
    expect(quick).toEqual(yargsParse(argv));
  });

  test.each([
    [["--help"]],
    [["--version"]],
    [["-ec", "echo hi"]],
    [["--mem"]],
    [["--mem", "-5"]],
    [["--fault-around", "0x1000"]],
    [["--fault-around", "lots"]],
    [["--no-mem", "x"]],
    [["--check=true"]],
    [["-c", "a", "-c", "b"]],
    [["a.cowsh", "b.cowsh"]],
    [["--unknown"]],
    [["--zeroPage"]],
    [["--play", "x", "-c", "ps"]],
    [["--quiz", "x", "--command", "ps"]],
    [["-"]],
    [["--", "x"]],
  ])("%j is left to yargs", (argv) => {
    expect(quickParse(argv)).toBeUndefined();
  });
});
