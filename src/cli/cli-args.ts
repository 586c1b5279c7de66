/**
 * The `cowsh` options as data, and the quick reading of a command line that
 * uses only their plain forms. yargs (cli-options.ts) builds its parser from
 * the same table and stays the authority: `quickParse` answers only when it
 * is sure to give what yargs gives, and says `undefined` otherwise (--help,
 * --version, an unknown or repeated option, joined short flags, a value
 * that starts with `-`, a number that is not plain, conflicting options).
 * Loading yargs costs more than the whole rest of a batch start-up, and a
 * script's `cowsh -c '…'` or `cowsh FILE` never needs it.
 */
import { parseSize } from "../../commands/lib/args/operands.js";
import { SHMEM_ENABLED_MODES, THP_ENABLED_MODES } from "../kernel/huge-memory.js";
import { DEFAULT_CONFIG, KERNEL_VERSIONS, type KernelConfig } from "../kernel/kernel.js";

export const VERSION = "0.1.0";

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
  /** Size of the swap file swapped on at boot ("0": none). */
  readonly swap: string;
  /** Huge pages in the hugetlb pool at boot (vm.nr_hugepages). */
  readonly hugepages: number;
  /** transparent_hugepage/enabled at boot: always, madvise or never. */
  readonly thp: string;
  /** transparent_hugepage/shmem_enabled at boot. */
  readonly thpShmem: string;
  /** The kernel version whose /proc formats to print (4.19 … 6.18). */
  readonly kernel: string;
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

type OptionKey = Exclude<keyof CliArgs, "script">;

interface OptionBase {
  /** The long name, as typed after `--`. */
  readonly name: string;
  readonly key: OptionKey;
  readonly alias?: string;
  readonly describe: string;
}

export type OptionSpec =
  | (OptionBase & { readonly type: "string"; readonly default?: string })
  | (OptionBase & { readonly type: "boolean"; readonly default: boolean })
  | (OptionBase & { readonly type: "number"; readonly default: number });

/** Every option, in the order `--help` lists them. */
export const OPTIONS: readonly OptionSpec[] = [
  {
    name: "command",
    key: "command",
    alias: "c",
    type: "string",
    describe: "run these commands (batch mode)",
  },
  {
    name: "errexit",
    key: "errexit",
    alias: "e",
    type: "boolean",
    default: false,
    describe: "stop at the first failing command, as bash -e",
  },
  {
    name: "check",
    key: "check",
    type: "boolean",
    default: false,
    describe:
      "verify the machine's invariants after every command; a broken one is reported (and ends batch mode with status 70)",
  },
  {
    name: "load",
    key: "load",
    type: "string",
    describe:
      "start with the machine saved in this file (by `save`) instead of booting one; the machine options are the image's",
  },
  {
    name: "mem",
    key: "mem",
    type: "string",
    default: "8G",
    describe: "simulated RAM (e.g. 64M, 8G)",
  },
  {
    name: "zero-page",
    key: "zeroPage",
    type: "boolean",
    default: DEFAULT_CONFIG.zeroPage,
    describe:
      "read faults on untouched anonymous memory map the shared zero page (mainline); --no-zero-page allocates a page, as kernels booted with pvm_no_zero_page do",
  },
  {
    name: "soft-dirty",
    key: "softDirty",
    type: "boolean",
    default: DEFAULT_CONFIG.softDirty,
    describe: "kernel built with CONFIG_MEM_SOFT_DIRTY (VmFlags sd, pagemap bit 55)",
  },
  {
    name: "anon-names",
    key: "anonNames",
    type: "boolean",
    default: DEFAULT_CONFIG.anonNames,
    describe: "kernel built with CONFIG_ANON_VMA_NAME ([anon:NAME] mappings)",
  },
  {
    name: "fault-around",
    key: "faultAround",
    type: "number",
    default: DEFAULT_CONFIG.faultAroundBytes,
    describe: "fault_around_bytes (4096 turns fault-around off)",
  },
  {
    name: "readahead-kb",
    key: "readaheadKb",
    type: "number",
    default: DEFAULT_CONFIG.readaheadKb,
    describe: "read_ahead_kb of the simulated disk",
  },
  {
    name: "swap",
    key: "swap",
    type: "string",
    default: "0",
    describe: "boot with a swap file /swapfile of this size swapped on (e.g. 256M; 0: no swap)",
  },
  {
    name: "hugepages",
    key: "hugepages",
    type: "number",
    default: DEFAULT_CONFIG.hugepages,
    describe: "2 MiB pages in the hugetlb pool at boot (vm.nr_hugepages)",
  },
  {
    name: "thp",
    key: "thp",
    type: "string",
    default: DEFAULT_CONFIG.thp,
    describe:
      "transparent huge pages at boot: always, madvise or never (transparent_hugepage/enabled)",
  },
  {
    name: "thp-shmem",
    key: "thpShmem",
    type: "string",
    default: DEFAULT_CONFIG.thpShmem,
    describe:
      "shmem huge pages at boot: always, within_size, advise, never, deny or force (transparent_hugepage/shmem_enabled)",
  },
  {
    name: "kernel",
    key: "kernel",
    type: "string",
    default: DEFAULT_CONFIG.kernelVersion,
    describe: `the kernel whose /proc formats (and vDSO layout, dw) to follow: ${KERNEL_VERSIONS.join(", ")} (see docs/KERNEL-FORMATS.md)`,
  },
  {
    name: "play",
    key: "play",
    type: "string",
    describe: "replay a script in the interactive shell, typing each line at human speed",
  },
  {
    name: "typing-speed",
    key: "typingSpeed",
    type: "number",
    default: 30,
    describe: "characters per second --play types (0 types each line at once)",
  },
  {
    name: "pause-ms",
    key: "pauseMs",
    type: "number",
    default: 1200,
    describe: "milliseconds --play waits after a command's output",
  },
  {
    name: "record",
    key: "record",
    type: "string",
    describe:
      "write the session (interactive or --play) to an asciicast v2 file, or to an animated SVG when the name ends in .svg",
  },
  {
    name: "time-scale",
    key: "timeScale",
    type: "number",
    default: 0,
    describe: "real seconds per simulated second for `sleep` in the interactive shell (0: instant)",
  },
  {
    name: "quiz",
    key: "quiz",
    type: "string",
    describe: "run a script, asking you to predict each figure marked `# quiz: FIELD`",
  },
];

/** Options that may not be given together (yargs' `conflicts`). */
export const CONFLICTS: readonly (readonly [OptionKey, readonly OptionKey[]])[] = [
  ["play", ["quiz", "command"]],
  ["quiz", ["command"]],
];

/** The arguments when no option is given: every option's default. */
function defaults(): Record<string, unknown> {
  const out: Record<string, unknown> = { script: undefined };
  for (const o of OPTIONS) out[o.key] = o.default;
  return out;
}

/** A plain decimal number, as yargs reads it; null for anything else. */
function plainNumber(text: string): number | null {
  return /^[0-9]+(?:\.[0-9]+)?$/.test(text) ? Number(text) : null;
}

/**
 * `argv` read without yargs, when it uses only the plain forms (`--name
 * VALUE`, `--name=VALUE`, `--flag`, `--no-flag`, `-c VALUE`, `-e`, one
 * script operand); `undefined` when yargs must read it.
 */
export function quickParse(argv: readonly string[]): CliArgs | undefined {
  const byName = new Map<string, OptionSpec>();
  for (const o of OPTIONS) {
    byName.set(`--${o.name}`, o);
    if (o.alias !== undefined) byName.set(`-${o.alias}`, o);
  }
  const out = defaults();
  const given = new Set<OptionKey>();
  let script: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith("-")) {
      if (script !== undefined) return undefined;
      script = word;
      continue;
    }
    const eq = word.startsWith("--") ? word.indexOf("=") : -1;
    const flag = eq < 0 ? word : word.slice(0, eq);
    const negated = flag.startsWith("--no-") ? byName.get(`--${flag.slice(5)}`) : undefined;
    const spec = byName.get(flag) ?? negated;
    if (spec === undefined || given.has(spec.key)) return undefined;
    given.add(spec.key);
    if (spec.type === "boolean") {
      if (eq >= 0) return undefined;
      out[spec.key] = spec !== negated;
      continue;
    }
    if (spec === negated) return undefined;
    const value = eq >= 0 ? word.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith("-"))) return undefined;
    if (spec.type === "number") {
      const n = plainNumber(value);
      if (n === null) return undefined;
      out[spec.key] = n;
    } else out[spec.key] = value;
  }
  for (const [key, others] of CONFLICTS)
    if (given.has(key) && others.some((o) => given.has(o))) return undefined;
  out.script = script;
  return out as unknown as CliArgs;
}

/**
 * The option (as typed) that ends the command line without the value it
 * takes (`cowsh -c`), or undefined. bash: `bash: -c: option requires an argument`.
 */
export function missingArgument(argv: readonly string[]): string | undefined {
  const last = argv[argv.length - 1];
  if (last === undefined || !last.startsWith("-") || last.includes("=")) return undefined;
  const spec = OPTIONS.find((o) => last === `--${o.name}` || last === `-${o.alias}`);
  return spec !== undefined && spec.type !== "boolean" ? last : undefined;
}

/**
 * yargs' message as one line in bash's words: an unknown option is invalid,
 * an operand after the script file is extra.
 */
export function usageMessage(message: string, argv: readonly string[]): string {
  const unknown = /^Unknown arguments?: ([^,]*)/.exec(message);
  if (unknown === null) return message;
  const name = unknown[1]!;
  const word = argv.find((w) => w === name || w.replace(/^--?/, "").split("=")[0] === name) ?? name;
  return word.startsWith("-")
    ? `${word}: invalid option`
    : `${word}: extra operand (one script file only)`;
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
  const swapBytes = parseSize(args.swap);
  if (swapBytes === null || (swapBytes !== 0 && swapBytes < 10 * 4096))
    return `cowsh: --swap: invalid size '${args.swap}' (0, or at least 40K)`;
  if (swapBytes > 32 * 1024 ** 3) return `cowsh: --swap: at most 32G can be simulated`;
  if (!Number.isInteger(args.hugepages) || args.hugepages < 0)
    return `cowsh: --hugepages: must be a whole number, 0 or more`;
  const thp = THP_ENABLED_MODES.find((m) => m === args.thp);
  if (thp === undefined) return `cowsh: --thp: must be always, madvise or never`;
  const thpShmem = SHMEM_ENABLED_MODES.find((m) => m === args.thpShmem);
  if (thpShmem === undefined)
    return `cowsh: --thp-shmem: must be always, within_size, advise, never, deny or force`;
  const kernelVersion = KERNEL_VERSIONS.find((v) => v === args.kernel);
  if (kernelVersion === undefined)
    return `cowsh: --kernel: must be one of ${KERNEL_VERSIONS.join(", ")}`;
  return {
    kernelVersion,
    thp,
    thpShmem,
    hugepages: args.hugepages,
    protectionKeys: DEFAULT_CONFIG.protectionKeys,
    swapBytes,
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
  /^(?:--(?:no-)?(?:mem|zero-page|soft-dirty|anon-names|fault-around|readahead-kb|swap|hugepages|thp|thp-shmem|kernel|errexit)(?:=.*)?|-e)$/;

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
