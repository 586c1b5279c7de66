/**
 * The `cowsh` command line: its options (yargs), the kernel's boot options
 * they give, and the options a script may carry in its first lines
 * (`#!/usr/bin/env -S cowsh --mem 64M`, or a `# cowsh: --mem 64M` comment).
 */
import yargs from "yargs";
import { parseSize } from "../../commands/lib/args/operands.js";
import { DEFAULT_CONFIG, type KernelConfig } from "../kernel/kernel.js";

const VERSION = "0.1.0";

export interface CliArgs {
  readonly script: string | undefined;
  readonly command: string | undefined;
  readonly errexit: boolean;
  /** Verify the machine's invariants after every command. */
  readonly check: boolean;
  /** Start with the machine saved in this image file instead of booting one. */
  readonly load: string | undefined;
  readonly mem: string;
  readonly zeroPage: boolean;
  readonly softDirty: boolean;
  readonly anonNames: boolean;
  readonly faultAround: number;
  readonly readaheadKb: number;
  /** Replay this script in the interactive UI, typing each line. */
  readonly play: string | undefined;
  /** Ask the learner to predict the figures marked `# quiz: FIELD` in this script. */
  readonly quiz: string | undefined;
  /** Write the terminal session to this asciicast v2 file. */
  readonly record: string | undefined;
  /** Characters per second when --play types (0: each line at once). */
  readonly typingSpeed: number;
  /** Milliseconds --play waits after each command's output. */
  readonly pauseMs: number;
  /** Real seconds per simulated second for the interactive `sleep` (0: instant). */
  readonly timeScale: number;
}

/** Parses `argv` (without node and the script path); throws yargs' usage errors only through `fail`. */
export function parseCommandLine(
  argv: readonly string[],
  fail?: (message: string) => never,
): CliArgs {
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
    )
    .option("command", { alias: "c", type: "string", describe: "run these commands (batch mode)" })
    .option("errexit", {
      alias: "e",
      type: "boolean",
      default: false,
      describe: "stop at the first failing command, as bash -e",
    })
    .option("check", {
      type: "boolean",
      default: false,
      describe:
        "verify the machine's invariants after every command; a broken one is reported (and ends batch mode with status 70)",
    })
    .option("load", {
      type: "string",
      describe:
        "start with the machine saved in this file (by `save`) instead of booting one; the machine options are the image's",
    })
    .option("mem", { type: "string", default: "8G", describe: "simulated RAM (e.g. 64M, 8G)" })
    .option("zero-page", {
      type: "boolean",
      default: DEFAULT_CONFIG.zeroPage,
      describe:
        "read faults on untouched anonymous memory map the shared zero page (mainline); --no-zero-page allocates a page, as kernels booted with pvm_no_zero_page do",
    })
    .option("soft-dirty", {
      type: "boolean",
      default: DEFAULT_CONFIG.softDirty,
      describe: "kernel built with CONFIG_MEM_SOFT_DIRTY (VmFlags sd, pagemap bit 55)",
    })
    .option("anon-names", {
      type: "boolean",
      default: DEFAULT_CONFIG.anonNames,
      describe: "kernel built with CONFIG_ANON_VMA_NAME ([anon:NAME] mappings)",
    })
    .option("fault-around", {
      type: "number",
      default: DEFAULT_CONFIG.faultAroundBytes,
      describe: "fault_around_bytes (4096 turns fault-around off)",
    })
    .option("readahead-kb", {
      type: "number",
      default: DEFAULT_CONFIG.readaheadKb,
      describe: "read_ahead_kb of the simulated disk",
    })
    .option("play", {
      type: "string",
      describe: "replay a script in the interactive shell, typing each line at human speed",
    })
    .option("typing-speed", {
      type: "number",
      default: 30,
      describe: "characters per second --play types (0 types each line at once)",
    })
    .option("pause-ms", {
      type: "number",
      default: 1200,
      describe: "milliseconds --play waits after a command's output",
    })
    .option("record", {
      type: "string",
      describe: "write the session (interactive or --play) to an asciicast v2 file",
    })
    .option("time-scale", {
      type: "number",
      default: 0,
      describe:
        "real seconds per simulated second for `sleep` in the interactive shell (0: instant)",
    })
    .option("quiz", {
      type: "string",
      describe: "run a script, asking you to predict each figure marked `# quiz: FIELD`",
    })
    .conflicts("play", ["quiz", "command"])
    .conflicts("quiz", ["command"])
    .parserConfiguration({ "duplicate-arguments-array": false })
    .version(VERSION)
    .help()
    .strict();
  if (fail !== undefined) parser = parser.fail((message) => fail(message)).exitProcess(false);
  const parsed = parser.parseSync();
  return {
    script: typeof parsed.script === "string" ? parsed.script : undefined,
    command: parsed.command,
    errexit: parsed.errexit,
    check: parsed.check,
    load: parsed.load,
    mem: parsed.mem,
    zeroPage: parsed["zero-page"],
    softDirty: parsed["soft-dirty"],
    anonNames: parsed["anon-names"],
    faultAround: parsed["fault-around"],
    readaheadKb: parsed["readahead-kb"],
    play: parsed.play,
    quiz: parsed.quiz,
    record: parsed.record,
    typingSpeed: parsed["typing-speed"],
    pauseMs: parsed["pause-ms"],
    timeScale: parsed["time-scale"],
  };
}

/** The kernel's boot options from the command line, or a message if one is bad. */
export function kernelConfig(args: CliArgs): KernelConfig | string {
  const memBytes = parseSize(args.mem);
  if (memBytes === null || memBytes < 32 * 1024 * 1024)
    return `cowsh: --mem: invalid size '${args.mem}' (at least 32M)`;
  if (memBytes > 256 * 1024 ** 3) return `cowsh: --mem: at most 256G can be simulated`;
  const faultAround = args.faultAround;
  if (
    !Number.isInteger(faultAround) ||
    faultAround < 4096 ||
    faultAround > 2 * 1024 * 1024 ||
    (faultAround & (faultAround - 1)) !== 0
  ) {
    return `cowsh: --fault-around: must be a power of two between 4096 and 2097152`;
  }
  if (!Number.isInteger(args.readaheadKb) || args.readaheadKb < 0 || args.readaheadKb % 4 !== 0) {
    return `cowsh: --readahead-kb: must be a multiple of 4`;
  }
  return {
    memBytes,
    zeroPage: args.zeroPage,
    softDirty: args.softDirty,
    anonNames: args.anonNames,
    faultAroundBytes: faultAround,
    readaheadKb: args.readaheadKb,
  };
}

/** The front-end options that must be non-negative numbers; a message for the first that is not. */
export function checkFrontEndArgs(args: CliArgs): string | undefined {
  const numbers: [string, number][] = [
    ["--typing-speed", args.typingSpeed],
    ["--pause-ms", args.pauseMs],
    ["--time-scale", args.timeScale],
  ];
  for (const [name, value] of numbers) {
    if (!Number.isFinite(value) || value < 0) return `cowsh: ${name}: must be a number, 0 or more`;
  }
  return undefined;
}

/** Options a script may set for itself: the machine's, and -e. */
const DIRECTIVE_OPTIONS =
  /^(?:--(?:no-)?(?:mem|zero-page|soft-dirty|anon-names|fault-around|readahead-kb|errexit)(?:=.*)?|-e)$/;

/**
 * The options written in a script's first lines, in order: those after
 * `cowsh` on a `#!` first line (`#!/usr/bin/env -S cowsh --mem 64M`), then
 * those of `# cowsh: OPTIONS` lines in the comment block that opens the
 * script. A message instead when one is not a machine option (or -e).
 */
export function directiveArgs(source: string): string[] | string {
  const lines = source.split("\n");
  const args: string[] = [];
  const first = lines[0] ?? "";
  if (first.startsWith("#!")) {
    const words = first.slice(2).trim().split(/\s+/);
    const at = words.findIndex((w) => /(?:^|\/)cowsh$/.test(w));
    if (at >= 0) args.push(...words.slice(at + 1));
  }
  for (const line of lines) {
    if (!line.startsWith("#")) break;
    const m = /^#\s*cowsh:\s*(.*)$/.exec(line);
    if (m !== null)
      args.push(
        ...m[1]!
          .trim()
          .split(/\s+/)
          .filter((w) => w !== ""),
      );
  }
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (!word.startsWith("-")) continue;
    if (!DIRECTIVE_OPTIONS.test(word))
      return `${word}: a script may set only machine options (--mem, --zero-page, …) and -e`;
  }
  return args;
}
