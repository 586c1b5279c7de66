/**
 * What `write` and `read` share: the process touches every page of a range,
 * as a loop storing or loading one word per page would.
 */
import { hex, hexPad } from "../../../fs/hex.js";
import type { AccessReport } from "../../../src/kernel/access.js";
import { type GetoptSpec, getopt, hasOption, lastValue } from "../../../src/shell/getopt.js";
import {
  type Block,
  type CommandContext,
  type CommandResult,
  err,
  fail,
  ok,
  out,
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
  ],
});

/** Runs `write` (store) or `read` (load) with its arguments. */
export function runAccess(
  ctx: CommandContext,
  argv: readonly string[],
  write: boolean,
): CommandResult {
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
  const words = hasOption(options, "words");
  const r = m.access(task.value.pid, target.value.addr, length.value, write, word, words && !write);
  if (!r.ok) return failed(cmd, String(task.value.pid), r);
  const blocks: Block[] = [];
  if (words && r.value.words !== null) {
    const base = Math.floor(target.value.addr / 4096) * 4096;
    blocks.push(
      out(r.value.words.map((w, i) => `${hex(base + i * 4096)}: 0x${hexPad(w, 8)}\n`).join("")),
    );
  }
  if (hasOption(options, "v")) blocks.push(out(`${faultSummary(r.value)}\n`));
  return signalled(r.value, task.value.pid, cmd, blocks) ?? ok(...blocks);
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
