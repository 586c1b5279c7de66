/**
 * The `cowsh` command line: its options (yargs), the kernel's boot options
 * they give, and the options a script may carry in its first lines
 * (`#!/usr/bin/env -S cowsh --mem 64M`, or a `# cowsh: --mem 64M` comment).
 */
import yargs from "yargs";
import {
  type CliArgs,
  CONFLICTS,
  missingArgument,
  OPTIONS,
  usageMessage,
  VERSION,
} from "./cli-args.js";

export type { CliArgs } from "./cli-args.js";
export { checkFrontEndArgs, directiveArgs, kernelConfig, VERSION } from "./cli-args.js";

/**
 * Parses `argv` (without node and the script path). A usage error goes to
 * `fail` as one line in bash's words (`-c: option requires an argument`);
 * yargs exits itself after --help and --version only when `exitProcess`.
 */
export function parseCommandLine(
  argv: readonly string[],
  fail?: (message: string) => never,
  exitProcess = fail === undefined,
): CliArgs {
  const missing = missingArgument(argv);
  if (missing !== undefined && fail !== undefined) fail(`${missing}: option requires an argument`);
  let parser = yargs([...argv])
    .scriptName("cowsh")
    .command(
      "$0 [script]",
      "A shell over a simulated Linux machine: fork, copy-on-write and exec, with the /proc Linux prints.",
      (y) =>
        y.positional("script", {
          type: "string",
          describe: "run the commands in this file (batch mode)",
        }),
    );
  for (const o of OPTIONS) {
    const { name, key: _key, ...rest } = o;
    parser = parser.option(name, rest);
  }
  for (const [key, others] of CONFLICTS)
    parser = parser.conflicts(optionName(key), others.map(optionName));
  parser = parser
    .parserConfiguration({ "duplicate-arguments-array": false })
    .version(VERSION)
    .help()
    .strict();
  if (fail !== undefined)
    parser = parser.fail((message) => fail(usageMessage(message, argv))).exitProcess(exitProcess);
  const parsed = parser.parseSync() as Record<string, unknown>;
  const args: Record<string, unknown> = {
    script: typeof parsed.script === "string" ? parsed.script : undefined,
  };
  for (const o of OPTIONS) args[o.key] = parsed[o.name];
  return args as unknown as CliArgs;
}

function optionName(key: string): string {
  const spec = OPTIONS.find((o) => o.key === key);
  if (spec === undefined) throw new Error(`cli-options: no option ${key}`);
  return spec.name;
}
