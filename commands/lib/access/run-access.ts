/**
 * What `write` and `read` share: the process touches every page of a range,
 * as a loop storing or loading one word per page would. A big range (64 MiB
 * or more) is touched in 16 MiB chunks with a `progress` step after each, so
 * an interactive run can show how far it got and stop between two chunks;
 * the chunks touch the same pages in the same order as one access would.
 */
import { hex, hexPad } from "../../../fs/hex.js";
import type { AccessReport, WordSource } from "../../../src/kernel/access.js";
import { PAGE_SIZE } from "../../../src/kernel/constants.js";
import type { Machine } from "../../../src/kernel/machine.js";
import { type GetoptSpec, getopt, hasOption, lastValue } from "../../../src/shell/getopt.js";
import {
  type Block,
  type CommandContext,
  type CommandResult,
  drain,
  err,
  fail,
  ok,
  out,
  type Steps,
} from "../../../src/shell/types.js";
import {
  failed,
  livePidArg,
  machineOf,
  parseSize,
  restOfMapping,
  sizeArg,
  targetArg,
  usage,
} from "../args/operands.js";
import { faultSummary, SIGNAL_NAMES } from "./fault-summary.js";

const spec = (name: string): GetoptSpec => ({
  name,
  options: [
    { key: "v", short: "v", long: "verbose" },
    { key: "value", long: "value", arg: "required" },
    { key: "words", long: "words" },
    { key: "byte", long: "byte", arg: "required" },
    { key: "random", long: "random" },
  ],
});

/** Ranges at least this long are touched in chunks, with progress. */
export const CHUNK_THRESHOLD = 64 * 1024 * 1024;
/** Bytes per chunk (a multiple of the page size). */
export const CHUNK_BYTES = 16 * 1024 * 1024;

/** Runs `write` (store) or `read` (load) with its arguments, at once. */
export function runAccess(
  ctx: CommandContext,
  argv: readonly string[],
  write: boolean,
): CommandResult {
  return drain(accessSteps(ctx, argv, write));
}

/** Runs `write` (store) or `read` (load) with its arguments, in steps for a big range. */
export function* accessSteps(
  ctx: CommandContext,
  argv: readonly string[],
  write: boolean,
): Steps<CommandResult> {
  const cmd = write ? "write" : "read";
  const parsed = getopt(spec(cmd), argv);
  if (!parsed.ok) return usage(parsed.message);
  const { options, operands } = parsed;
  const m = machineOf(ctx);
  const task = livePidArg(cmd, m, operands[0]);
  if (!task.ok) return usage(task.message);
  const target = targetArg(cmd, task.value, operands[1]);
  if (!target.ok) return usage(target.message);
  const length =
    operands[2] === undefined
      ? { ok: true as const, value: restOfMapping(target.value) }
      : sizeArg(cmd, operands[2], "length");
  if (!length.ok) return usage(length.message);
  const valueText = lastValue(options, "value");
  const word = valueText === undefined ? 1 : parseSize(valueText);
  if (word === null || word > 0xffffffff)
    return usage(`${cmd}: invalid value: '${valueText}' (a 32-bit word)`);
  const fill = contentOf(cmd, m, word, lastValue(options, "byte"), hasOption(options, "random"));
  if (typeof fill === "string") return usage(fill);
  const words = hasOption(options, "words");
  const { pid } = task.value;
  const start = target.value.addr;
  const end = start + length.value;
  const chunked = length.value >= CHUNK_THRESHOLD;
  let report: AccessReport | undefined;
  let at = start;
  do {
    const next = chunked
      ? Math.min(end, Math.floor(at / PAGE_SIZE) * PAGE_SIZE + CHUNK_BYTES)
      : end;
    const r = m.access(pid, at, next - at, write, fill, words && !write);
    if (!r.ok) return failed(cmd, String(pid), r);
    report = report === undefined ? r.value : addReport(report, r.value);
    at = next;
    if (report.signal !== null) break;
    if (chunked) yield { kind: "progress", done: at - start, total: length.value };
  } while (at < end);
  const blocks: Block[] = [];
  if (words && report.words !== null) {
    const base = Math.floor(target.value.addr / 4096) * 4096;
    blocks.push(
      out(report.words.map((w, i) => `${hex(base + i * 4096)}: 0x${hexPad(w, 8)}\n`).join("")),
    );
  }
  if (hasOption(options, "v")) blocks.push(out(`${faultSummary(report)}\n`));
  return signalled(report, pid, cmd, blocks) ?? ok(...blocks);
}

/**
 * What each written page holds: `--byte N` a page filled with byte N (its
 * content word N * 0x01010101, the page's first word), `--random` its own
 * word per page (the machine's generator), else the one `word`. An error
 * message for a bad or conflicting option.
 */
function contentOf(
  cmd: string,
  m: Machine,
  word: number,
  byteText: string | undefined,
  random: boolean,
): number | WordSource | string {
  if (cmd === "read" && (byteText !== undefined || random))
    return `read: --byte and --random are options of write`;
  if (byteText !== undefined && random) return `${cmd}: --byte and --random exclude each other`;
  if (random) return () => m.randomWord();
  if (byteText === undefined) return word;
  const n = parseSize(byteText);
  if (n === null || n > 255) return `${cmd}: invalid byte: '${byteText}' (0-255)`;
  return Math.imul(n, 0x01010101) >>> 0;
}

/** `into` with `more`'s counts, words and signal added: the report of the two accesses as one. */
function addReport(into: AccessReport, more: AccessReport): AccessReport {
  into.pages += more.pages;
  into.minflt += more.minflt;
  into.majflt += more.majflt;
  more.byKind.forEach((n, i) => {
    into.byKind[i] = (into.byKind[i] ?? 0) + n;
  });
  if (more.words !== null) into.words?.push(...more.words);
  into.signal = more.signal;
  return into;
}

/** If the access killed the process, bash's message and status 128 + signal. */
function signalled(
  r: AccessReport,
  pid: number,
  cmd: string,
  blocks: Block[],
): CommandResult | null {
  if (r.signal === null) return null;
  const what = SIGNAL_NAMES[r.signal.signo] ?? `signal ${r.signal.signo}`;
  const line = `cowsh: pid ${pid}: ${what} (${cmd} at ${hex(r.signal.addr)}: ${r.signal.reason})`;
  return fail(128 + r.signal.signo, ...blocks, err(line));
}
