/**
 * Signal dispositions (struct sighand_struct) and what a signal sent with
 * kill(2) does to a task (kernel/signal.c). The model runs no handlers: a
 * program's dispositions are fixed per program, as the capture machine
 * printed them, and a signal either does nothing (ignored, or caught by a
 * handler that returns) or ends the task.
 */
import { SIGKILL } from "./access.js";
import { INIT_PID } from "./exit.js";
import { commOf, type Task } from "./task.js";

/** The signals whose default action ends a process, by name and number. */
export const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  ABRT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
};

/** SIGKILL for 9, or "signal N" for a number without a name here. */
export function signalName(signo: number): string {
  const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === signo);
  return name === undefined ? `signal ${signo}` : `SIG${name}`;
}

const SIGINT = 2;

/** Signal masks as status prints them (SigIgn, SigCgt): bit signo - 1. */
export interface SignalDisposition {
  readonly ignored: number;
  readonly caught: number;
}

/**
 * Signal dispositions of the root image's programs: the values of
 * test/rootfs/fixtures/{bash,bash-c,sh,sh-c,tini}/run1/final/status. Keyed
 * by the executable's name (init is tini), plus " -c" when argv[1] is "-c".
 * Programs not listed (sleep, cat, ls, true) ignore and catch nothing.
 */
const DISPOSITIONS: ReadonlyMap<string, SignalDisposition> = new Map([
  ["bash", { ignored: 0x384004, caught: 0x4b813efb }],
  ["bash -c", { ignored: 0x4, caught: 0x10000 }],
  ["sh", { ignored: 0x284004, caught: 0x10002 }],
  ["sh -c", { ignored: 0x0, caught: 0x10002 }],
  ["tini", { ignored: 0x300000, caught: 0x0 }],
]);
const NO_HANDLERS: SignalDisposition = { ignored: 0, caught: 0 };

/**
 * Caught signals whose handler returns and lets the program go on: an
 * interactive shell's SIGINT handler drops the line being typed. Every
 * other signal bash and dash catch ends them (bash's termsig_sighandler
 * cleans up and re-raises it; dash's -c SIGINT handler does the same).
 */
const SURVIVED: ReadonlyMap<string, number> = new Map([
  ["bash", 1 << (SIGINT - 1)],
  ["sh", 1 << (SIGINT - 1)],
]);

/** The key of a task's program in the tables above. */
function programKey(task: Task): string {
  const program = task.exe === null ? task.comm : commOf(task.exe.path);
  return task.argv[1] === "-c" ? `${program} -c` : program;
}

/** The task's signal dispositions, as /proc/PID/status shows them. */
export function dispositionOf(task: Task): SignalDisposition {
  return DISPOSITIONS.get(programKey(task)) ?? NO_HANDLERS;
}

/** Whether bit signo - 1 of a mask (below 2^32) is set. */
const has = (mask: number, signo: number): boolean => ((mask >>> (signo - 1)) & 1) === 1;

/**
 * Whether kill(2) of `signo` (1 to 31) ends `task`. Nothing ends init: a
 * signal it has no handler for is dropped, SIGKILL included
 * (sig_task_ignored() with SIGNAL_UNKILLABLE), and tini handles none.
 * SIGKILL ends any other task. The login shell (`loginShell`, the one
 * process reading the terminal) keeps its program's dispositions: an
 * ignored signal, or a caught one whose handler returns, leaves it as it
 * was. Every other process stands for a program run without a terminal,
 * and any of kill's signals ends it.
 */
export function signalKills(task: Task, signo: number, loginShell: boolean): boolean {
  if (task.tgid === INIT_PID) return false; // and its threads: the signal is the group's
  if (signo === SIGKILL || !loginShell) return true;
  const { ignored, caught } = dispositionOf(task);
  if (has(ignored, signo)) return false;
  return !has(caught, signo) || !has(SURVIVED.get(programKey(task)) ?? 0, signo);
}
