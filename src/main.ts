#!/usr/bin/env node
/**
 * The cowsh binary: parses its options with yargs, boots the simulated
 * machine, then runs either the Ink application (stdin is a terminal) or
 * the batch runner (a script file, -c, or commands on stdin).
 */
import { readFileSync } from "node:fs";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { parseSize } from "../commands/lib/args.js";
import { DEFAULT_CONFIG, type KernelConfig } from "./kernel/kernel.js";
import { Machine } from "./kernel/machine.js";
import { createSession, runSource } from "./shell/runtime.js";
import type { Block } from "./shell/types.js";

const VERSION = "0.1.0";

const GREETING =
  "cowsh: a shell over a simulated Linux machine. `help` lists the commands;\n" +
  "try `P=$(spawn /bin/sh)` then `cat /proc/$P/smaps`. Ctrl-D leaves.\n";

interface Args {
  script: string | undefined;
  command: string | undefined;
  errexit: boolean;
  mem: string;
  zeroPage: boolean;
  softDirty: boolean;
  anonNames: boolean;
  faultAround: number;
  readaheadKb: number;
}

function parseArgs(argv: string[]): Args {
  const parsed = yargs(argv)
    .scriptName("cowsh")
    .usage(
      "$0 [options] [script]\n\nA shell over a simulated Linux machine: fork, copy-on-write and exec, with the /proc Linux prints.",
    )
    .positional("script", {
      type: "string",
      describe: "run the commands in this file (batch mode)",
    })
    .option("command", { alias: "c", type: "string", describe: "run these commands (batch mode)" })
    .option("errexit", {
      alias: "e",
      type: "boolean",
      default: false,
      describe: "stop at the first failing command, as bash -e",
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
    .version(VERSION)
    .help()
    .strict()
    .parseSync();
  return {
    script: parsed._[0] === undefined ? undefined : String(parsed._[0]),
    command: parsed.command,
    errexit: parsed.errexit,
    mem: parsed.mem,
    zeroPage: parsed["zero-page"],
    softDirty: parsed["soft-dirty"],
    anonNames: parsed["anon-names"],
    faultAround: parsed["fault-around"],
    readaheadKb: parsed["readahead-kb"],
  };
}

/** The kernel's boot options from the command line; null with a message if one is bad. */
export function kernelConfig(args: Args): KernelConfig | string {
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

/** Prints a block as batch mode does: plain text, errors to stderr. */
function printBlock(block: Block): void {
  if (block.kind === "err") process.stderr.write(block.text);
  else process.stdout.write(block.text);
}

async function main(): Promise<number> {
  const args = parseArgs(hideBin(process.argv));
  const config = kernelConfig(args);
  if (typeof config === "string") {
    process.stderr.write(`${config}\n`);
    return 2;
  }
  const machine = Machine.boot(config);
  const session = createSession(machine);
  let source: string | undefined;
  let scriptName: string | undefined;
  if (args.command !== undefined) {
    source = args.command;
    scriptName = "cowsh: -c";
  } else if (args.script !== undefined) {
    try {
      source = readFileSync(args.script, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      process.stderr.write(
        `cowsh: ${args.script}: ${code === "ENOENT" ? "No such file or directory" : String(e)}\n`,
      );
      return 127;
    }
    scriptName = args.script;
  } else if (!process.stdin.isTTY) {
    source = readFileSync(0, "utf8");
    scriptName = "cowsh";
  }
  if (source !== undefined) {
    const outcome = runSource(session, source, printBlock, {
      errexit: args.errexit,
      ...(scriptName === undefined ? {} : { scriptName }),
    });
    return outcome.effect?.kind === "exit" ? outcome.effect.status : outcome.status;
  }
  const { runInteractive } = await import("./ui/main.js");
  const { createShellEngine } = await import("./ui/shell-engine.js");
  return runInteractive(createShellEngine(session), { greeting: GREETING });
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(
      `cowsh: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
