/**
 * A task (struct task_struct): a process, or one thread of a process's
 * thread group (thread.ts): identity, state, its mm (shared by the group's
 * tasks), fault counters, and the actions it performs in simulated time.
 */
import type { Mm } from "./mm.js";
import type { ThreadGroup } from "./thread.js";
import type { Inode } from "./vfs.js";

/** What /proc shows in State: (fs/proc/array.c task_state_array). */
export type TaskState = "R" | "S" | "D" | "T" | "Z";

export const STATE_NAMES: Readonly<Record<TaskState, string>> = {
  R: "R (running)",
  S: "S (sleeping)",
  D: "D (disk sleep)",
  T: "T (stopped)",
  Z: "Z (zombie)",
};

/** One step of a process's timed behaviour. */
export type Action =
  | { readonly kind: "sleep"; readonly ns: number }
  | { readonly kind: "exec"; readonly path: string; readonly argv: readonly string[] }
  | { readonly kind: "exit"; readonly status: number }
  | { readonly kind: "write" | "read"; readonly addr: number; readonly length: number };

export class Task {
  /** The task's ID: the PID of a process, the TID of a thread. */
  readonly pid: number;
  /** The thread group's ID: its leader's PID (this task's own for a process). */
  tgid: number;
  /**
   * What the group's tasks share besides the mm (signal_struct's counts of
   * exited threads, glibc's thread stacks): set on the leader once it makes
   * a thread, else null (thread.ts).
   */
  group: ThreadGroup | null = null;
  /** The parent's TGID (a thread's: its leader's parent). */
  ppid: number;
  pgrp: number;
  session: number;
  /** TASK_COMM_LEN is 16: at most 15 characters. */
  comm: string;
  argv: readonly string[];
  env: readonly string[];
  exe: Inode | null = null;
  state: TaskState = "S";
  mm: Mm | null;
  /** Faults of this task (ru_minflt, ru_majflt) and of its reaped children. */
  minflt = 0;
  majflt = 0;
  cminflt = 0;
  cmajflt = 0;
  /** Wait status once a zombie: exit code << 8, or the killing signal. */
  exitStatus = 0;
  /** Boot-relative start time in nanoseconds. */
  readonly startTime: number;
  /** Pending timed behaviour, run in order. */
  actions: Action[] = [];
  /** While sleeping in an action: when it wakes (ns), else null. */
  wakeAt: number | null = null;
  /** PF_FORKNOEXEC: forked and has not exec'd since. */
  forkNoExec = false;
  /** oom_score_adj: -1000 exempts the task from the OOM killer. */
  oomScoreAdj = 0;
  /** exit_signal: SIGCHLD (17) for children of fork. */
  readonly exitSignal = 17;

  /* ---- vfork (vfork.ts) ---- */
  /** A vfork child until it execs or exits: the PID of the parent waiting for it (vfork_done). */
  vforkParent: number | null = null;
  /** A parent sleeping in vfork: the child it waits for, else null. */
  vforkChild: number | null = null;
  /** The state to return to when the vfork wait ends. */
  vforkSavedState: TaskState = "S";
  /** The rest of a timed sleep the vfork wait interrupted (ns), else null. */
  vforkPausedNs: number | null = null;

  constructor(pid: number, ppid: number, comm: string, mm: Mm | null, startTime: number) {
    this.pid = pid;
    this.tgid = pid;
    this.ppid = ppid;
    this.pgrp = pid;
    this.session = pid;
    this.comm = comm.slice(0, 15);
    this.argv = [comm];
    this.env = [];
    this.mm = mm;
    this.startTime = startTime;
  }

  get isZombie(): boolean {
    return this.state === "Z";
  }

  /** What a new task copies from the one it is cloned from (copy_process): argv, environment, executable, process group, session. */
  inheritFrom(from: Task): void {
    this.argv = from.argv;
    this.env = from.env;
    this.exe = from.exe;
    this.pgrp = from.pgrp;
    this.session = from.session;
  }
}

/** The comm a path gives a task after exec: its basename, at most 15 characters. */
export const commOf = (path: string): string => path.slice(path.lastIndexOf("/") + 1).slice(0, 15);
