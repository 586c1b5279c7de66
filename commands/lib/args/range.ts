/** The `PID ADDR|MAPPING[+OFF] LENGTH` operands of munmap, mprotect, madvise, mlock, msync. */
import type { Machine } from "../../../src/kernel/machine.js";
import { livePidArg, type Parsed, restOfMapping, sizeArg, targetArg } from "./operands.js";

export interface RangeArgs {
  readonly pid: number;
  readonly addr: number;
  readonly length: number;
}

/** Parses PID, TARGET and LENGTH (default: the rest of the target's mapping). */
export function rangeArgs(cmd: string, m: Machine, operands: readonly string[]): Parsed<RangeArgs> {
  const task = livePidArg(cmd, m, operands[0]);
  if (!task.ok) return task;
  const target = targetArg(cmd, task.value, operands[1]);
  if (!target.ok) return target;
  const length =
    operands[2] === undefined
      ? { ok: true as const, value: restOfMapping(target.value) }
      : sizeArg(cmd, operands[2], "length");
  if (!length.ok) return length;
  return {
    ok: true,
    value: { pid: task.value.pid, addr: target.value.addr, length: length.value },
  };
}
