/**
 * /proc/PID/cmdline, comm and environ (fs/proc/base.c). Linux copies
 * cmdline and environ out of the process's memory between arg_start and
 * env_end; the model keeps the strings exec placed there, so they are
 * printed from the task: each string followed by a NUL.
 */
import type { Machine } from "../../src/kernel/machine.js";
import { failure, type Result, success } from "../../src/kernel/result.js";
import type { Task } from "../../src/kernel/task.js";
import { firstBytes } from "./kstrto.js";

const nulTerminated = (strings: readonly string[]): string => strings.map((s) => `${s}\0`).join("");

/** proc_pid_cmdline_read: the arguments; empty without an mm (a zombie). */
export function showCmdline(task: Task): string {
  return task.mm === null ? "" : nulTerminated(task.argv);
}

/** comm_show: the comm as it is (no escaping) and a newline; zombies keep theirs. */
export const showComm = (task: Task): string => `${task.comm}\n`;

/** environ_read: the environment; opening it fails with ESRCH without an mm. */
export function showEnviron(task: Task): Result<string> {
  return task.mm === null ? failure("ESRCH") : success(nulTerminated(task.env));
}

/** Bytes of a comm (TASK_COMM_LEN - 1). */
const COMM_MAX = 15;

/**
 * comm_write: the first 15 bytes written become the comm, newline and all
 * (`echo foo > comm` gives "foo\n"). Only a process's own comm may be
 * written: commands run as the login shell (or init once it is gone:
 * Machine.shellPid), so another's is EINVAL.
 */
export function commWrite(m: Machine, task: Task, text: string): Result<number> {
  if (task.pid !== m.shellPid) return failure("EINVAL");
  const r = m.setComm(task.pid, firstBytes(text, COMM_MAX));
  return r.ok ? success(text.length) : r;
}
