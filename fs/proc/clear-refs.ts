/**
 * /proc/PID/clear_refs (fs/proc/task_mmu.c clear_refs_write): write-only,
 * mode 0200. A write holds a decimal number from 1 to 5; what each does is
 * src/kernel/clear-refs.ts. Reading it fails with EINVAL (no read op).
 */
import { CLEAR_REFS_ALL, CLEAR_REFS_LAST } from "../../src/kernel/clear-refs.js";
import type { Machine } from "../../src/kernel/machine.js";
import { failure, type Result, success } from "../../src/kernel/result.js";
import type { Task } from "../../src/kernel/task.js";
import { firstBytes, kstrtoint, strstrip } from "./kstrto.js";

/** The kernel copies at most this many bytes of a write (PROC_NUMBUF - 1). */
const MAX_BYTES = 12;

/**
 * clear_refs_write: the first 12 bytes, stripped of white space, parsed
 * as a decimal int (EINVAL, ERANGE); a type outside 1…5 is EINVAL. The
 * whole write counts as consumed.
 */
export function clearRefsWrite(m: Machine, task: Task, text: string): Result<number> {
  const value = kstrtoint(strstrip(firstBytes(text, MAX_BYTES)));
  if (!value.ok) return value;
  if (value.value < CLEAR_REFS_ALL || value.value >= CLEAR_REFS_LAST) return failure("EINVAL");
  const r = m.clearRefs(task.pid, value.value);
  return r.ok ? success(text.length) : r;
}
