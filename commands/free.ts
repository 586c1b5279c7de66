/**
 * free [-b|-k|-m|-g|--kilo…] [-h] [--si] [-w] [-t] [-l] [-v] [-c N [-s N]]:
 * the amount of free and used memory, as procps-ng 4.0.2's free prints it,
 * from the simulated /proc/meminfo (the only file free reads). Swap lines
 * show what meminfo's SwapTotal/SwapFree say.
 *
 * Figures, as libproc2's meminfo: used = MemTotal - MemAvailable (or
 * MemTotal - MemFree if that were negative), cache = Cached +
 * SReclaimable, buff/cache = Buffers + cache, shared = Shmem, swap used
 * = SwapTotal - SwapFree; -l's Low is MemTotal/MemFree (no highmem).
 * Repetition (-c, -s) lets simulated time pass between reports, as sleep
 * does; -s without -c would repeat forever, which a script cannot stop.
 */
import { NSEC_PER_SEC } from "../src/kernel/constants.js";
import { getopt, hasOption, type ParsedOption } from "../src/shell/getopt.js";
import {
  type Block,
  type Command,
  type CommandContext,
  type CommandResult,
  drain,
  err,
  fail,
  ok,
  out,
  passTime,
  type Steps,
} from "../src/shell/types.js";
import { machineOf } from "./lib/args/operands.js";
import { readWhole } from "./lib/files/machine-files.js";

const HELP = `
Usage:
 free [options]

Options:
 -b, --bytes         show output in bytes
     --kilo          show output in kilobytes
     --mega          show output in megabytes
     --giga          show output in gigabytes
     --tera          show output in terabytes
     --peta          show output in petabytes
 -k, --kibi          show output in kibibytes
 -m, --mebi          show output in mebibytes
 -g, --gibi          show output in gibibytes
     --tebi          show output in tebibytes
     --pebi          show output in pebibytes
 -h, --human         show human-readable output
     --si            use powers of 1000 not 1024
 -l, --lohi          show detailed low and high memory statistics
 -t, --total         show total for RAM + swap
 -v, --committed     show committed memory and commit limit
 -s N, --seconds N   repeat printing every N seconds
 -c N, --count N     repeat printing N times, then exit
 -w, --wide          wide output

     --help     display this help and exit
 -V, --version  output version information and exit

For more details see free(1).
`;

/** Unit options: the exponent of 1024 (or 1000 with SI) that a figure in bytes is divided by, plus one. */
const UNITS: readonly {
  key: string;
  short?: string;
  long: string;
  exponent: number;
  si: boolean;
}[] = [
  { key: "b", short: "b", long: "bytes", exponent: 1, si: false },
  { key: "kilo", long: "kilo", exponent: 2, si: true },
  { key: "mega", long: "mega", exponent: 3, si: true },
  { key: "giga", long: "giga", exponent: 4, si: true },
  { key: "tera", long: "tera", exponent: 5, si: true },
  { key: "peta", long: "peta", exponent: 6, si: true },
  { key: "k", short: "k", long: "kibi", exponent: 2, si: false },
  { key: "m", short: "m", long: "mebi", exponent: 3, si: false },
  { key: "g", short: "g", long: "gibi", exponent: 4, si: false },
  { key: "tebi", long: "tebi", exponent: 5, si: false },
  { key: "pebi", long: "pebi", exponent: 6, si: false },
];

const SPEC = {
  name: "free",
  options: [
    ...UNITS.map(({ key, short, long }) =>
      short === undefined ? { key, long } : { key, short, long },
    ),
    { key: "h", short: "h", long: "human" },
    { key: "si", long: "si" },
    { key: "l", short: "l", long: "lohi" },
    { key: "t", short: "t", long: "total" },
    { key: "v", short: "v", long: "committed" },
    { key: "s", short: "s", long: "seconds", arg: "required" as const },
    { key: "c", short: "c", long: "count", arg: "required" as const },
    { key: "w", short: "w", long: "wide" },
    { key: "help", long: "help" },
    { key: "V", short: "V", long: "version" },
  ],
};

const usageError = (first?: string) =>
  fail(1, ...(first === undefined ? [] : [err(first)]), { kind: "err", text: HELP });

interface Scale {
  /** 1 bytes, 2 kilo/kibi … 6 peta/pebi. */
  readonly exponent: number;
  readonly human: boolean;
  readonly si: boolean;
}

/** printf("%.1f") of a double: round half to even on exact ties, as glibc does. */
function fixed1(x: number): string {
  const tenths = x * 10;
  const floor = Math.floor(tenths);
  const rounded =
    tenths - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(tenths);
  return (rounded / 10).toFixed(1);
}

/** scale_size: a figure in kB as free prints it in one column. */
export function scaleSize(kb: number, s: Scale): string {
  const base = s.si ? 1000 : 1024;
  const bytes = kb * 1024;
  if (!s.human) {
    if (s.exponent === 1) return String(bytes);
    return String(Math.trunc(bytes / base ** (s.exponent - 1)));
  }
  if (String(bytes).length + 1 <= 4) return `${bytes}B`;
  const suffix = s.si ? "" : "i";
  const width = s.si ? 4 : 5;
  let text = "";
  for (const [i, unit] of ["K", "M", "G", "T", "P"].entries()) {
    const value = bytes / base ** (i + 1);
    // free divides in double and keeps the quotient as a float.
    text = `${fixed1(Math.fround(value))}${unit}${suffix}`;
    if (text.length <= width) return text;
    text = `${Math.trunc(value)}${unit}${suffix}`;
    if (text.length <= width) return text;
  }
  return text;
}

/** The `Key: N kB` lines of /proc/meminfo, in kB. */
function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([^:]+):\s+([0-9]+)/.exec(line);
    if (m !== null) fields.set(m[1]!, Number(m[2]));
  }
  return fields;
}

/** print_head_col: the row label left-aligned in 9 columns. */
const head = (label: string): string => label.padEnd(9);

/** One report, every row, from one reading of meminfo. */
function report(meminfo: string, s: Scale, flags: ReadonlySet<string>): string {
  const f = parseMeminfo(meminfo);
  const get = (k: string) => f.get(k) ?? 0;
  const total = get("MemTotal");
  const free = get("MemFree");
  let available = get("MemAvailable");
  if (available === 0 || available > total) available = free;
  const usedRaw = total - available;
  const used = usedRaw < 0 ? total - free : usedRaw;
  const cache = get("Cached") + get("SReclaimable");
  const buffers = get("Buffers");
  const swapTotal = get("SwapTotal");
  const swapFree = get("SwapFree");
  const swapUsed = swapFree < swapTotal ? swapTotal - swapFree : 0;
  const cols = (values: readonly number[]) =>
    values.map((v, i) => (i === 0 ? "" : " ") + scaleSize(v, s).padStart(11)).join("");
  const wide = flags.has("w");
  const lines = [
    wide
      ? "               total        used        free      shared     buffers       cache   available"
      : "               total        used        free      shared  buff/cache   available",
    head("Mem:") +
      cols([
        total,
        used,
        free,
        get("Shmem"),
        ...(wide ? [buffers, cache] : [buffers + cache]),
        available,
      ]),
  ];
  if (flags.has("l")) {
    lines.push(head("Low:") + cols([total, free < total ? total - free : 0, free]));
    lines.push(head("High:") + cols([0, 0, 0]));
  }
  lines.push(head("Swap:") + cols([swapTotal, swapUsed, swapFree]));
  if (flags.has("t"))
    lines.push(head("Total:") + cols([total + swapTotal, used + swapUsed, free + swapFree]));
  if (flags.has("v")) {
    const limit = get("CommitLimit");
    const committed = get("Committed_AS");
    lines.push(head("Comm:") + cols([limit, committed, limit - committed]));
  }
  return `${lines.join("\n")}\n`;
}

/** The repetition options: how many reports, and the nanoseconds between them. */
function repetition(opts: readonly ParsedOption[]): { count: number; ns: number } | Block {
  let count = 1;
  let seconds = 1;
  for (const o of opts) {
    const v = o.value!;
    if (o.key === "s") {
      if (!/^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(v))
        return err(`free: seconds argument failed: '${v}': Invalid argument`);
      seconds = Number(v);
      if (seconds * 1e6 < 1) return err(`free: seconds argument \`${v}' is not positive number`);
    } else if (o.key === "c") {
      if (!/^\s*[+-]?[0-9]+$/.test(v)) return err(`free: failed to parse count argument: '${v}'`);
      count = Number(v);
      if (count < 1)
        return err(`free: failed to parse count argument: '${v}': Numerical result out of range`);
    }
  }
  if (hasOption(opts, "s") && !hasOption(opts, "c"))
    return err("free: -s repeats until interrupted: give a count with -c too");
  return { count, ns: Math.round(seconds * NSEC_PER_SEC) };
}

/** What free needs from the machine: a fresh read of /proc/meminfo (null: unreadable), and the clock. */
export interface FreeSource {
  meminfo(): string | null;
  advance(ns: number): void;
}

/** free with `argv`, reading meminfo from `src`: its output blocks and status, all at once. */
export const runFree = (argv: readonly string[], src: FreeSource): CommandResult =>
  drain(freeSteps(argv, src));

/** free as steps: the time between two reports (-s) passes as the driver grants it. */
function* freeSteps(argv: readonly string[], src: FreeSource): Steps<CommandResult> {
  const parsed = getopt(SPEC, argv);
  if (!parsed.ok) return usageError(parsed.message.split("\n")[0]);
  const opts = parsed.options;
  let exponent = 2;
  let si = false;
  let unitSet = false;
  for (const o of opts) {
    if (o.key === "help") return ok(out(HELP));
    if (o.key === "V") return ok(out("free from procps-ng 4.0.2\n"));
    const unit = UNITS.find((u) => u.key === o.key);
    if (unit === undefined) continue;
    if (unitSet) return fail(1, err("free: Multiple unit options don't make sense."));
    unitSet = true;
    exponent = unit.exponent;
    if (unit.si) si = true;
  }
  if (parsed.operands.length > 0) return usageError();
  const rep = repetition(opts);
  if ("kind" in rep) return fail(1, rep);
  const scale = { exponent, human: hasOption(opts, "h"), si: si || hasOption(opts, "si") };
  const flags = new Set(opts.map((o) => o.key));
  const reports: string[] = [];
  for (let i = 0; i < rep.count; i++) {
    if (i > 0) yield* passTime(rep.ns, (ns) => src.advance(ns));
    const meminfo = src.meminfo();
    if (meminfo === null) return fail(1, err("free: Unable to create meminfo structure"));
    reports.push(report(meminfo, scale, flags));
  }
  return ok(out(reports.join("\n")));
}

export const free: Command = {
  name: "free",
  summary: "show free and used memory from /proc/meminfo, as procps-ng's free does",
  usage: [
    "free [-b|-k|-m|-g|-h] [--si] [-w] [-t] [-l] [-v] [-c N [-s N]]",
    "free [--bytes|--kibi|--mebi|--gibi|--kilo|--mega|--giga|--human] [--wide] [--total] [--count N]",
  ],
  prints:
    "the memory table (total, used, free, shared, buff/cache, available; then Swap), once or -c times",
  ownHelp: true,
  steps: (ctx, argv) => freeSteps(argv, machineSource(ctx)),
  run: (ctx, argv) => runFree(argv, machineSource(ctx)),
};

/** The simulated machine as free's source. */
function machineSource(ctx: CommandContext): FreeSource {
  const m = machineOf(ctx);
  return {
    meminfo() {
      const r = readWhole(m, "/proc/meminfo");
      return r.ok ? r.value.text : null;
    },
    advance: (ns) => m.advance(ns),
  };
}
