/**
 * clone(2) (kernel/fork.c kernel_clone, copy_process) for the flags that
 * change what /proc shows about memory, and the flag checks copy_process
 * makes before anything is created. fork(2) is clone with none of them
 * (SIGCHLD), vfork(2) CLONE_VM|CLONE_VFORK, pthread_create's task
 * CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|…: Machine.clone
 * is the one copy_process of all of them.
 *
 *  - CLONE_VM: the child uses the caller's mm (copy_mm: mmget), not a copy.
 *    Without CLONE_VFORK both run: a second process (its own PID and thread
 *    group) on the same mm, as LinuxThreads made threads. Its faults are its
 *    own (ru_minflt per task), its pages land in the shared mm, so both
 *    status files show the same Rss. The mm lives until its last user
 *    exits or execs (mmput).
 *  - CLONE_VFORK: the caller sleeps in `D` until the child execs or exits
 *    (vfork.ts). Without CLONE_VM the child has a copy of the mm, as fork.
 *  - CLONE_THREAD: the child joins the caller's thread group (thread.ts);
 *    no glibc stack is mapped for it (that is pthread_create's doing).
 *  - CLONE_SIGHAND, CLONE_FS, CLONE_FILES: share the signal handlers, the
 *    cwd/umask, the file table. Accepted; cowsh shows none of them
 *    (/proc/PID/status has no SigCgt line here, and tasks hold no files).
 *  - CLONE_PARENT: the child's parent is the caller's parent.
 *  - A stack (clone's second argument): the child's stack pointer; its
 *    first push writes the page below it, a fault in the child if the page
 *    is not there yet. Without one the child runs on the caller's stack
 *    pointer (a copy of it after fork; the same memory with CLONE_VM).
 */
import { PAGE_SIZE } from "./constants.js";
import type { Mm } from "./mm.js";
import { failure, type Result } from "./result.js";
import type { Task } from "./task.js";

export const CLONE_VM = 0x100;
export const CLONE_FS = 0x200;
export const CLONE_FILES = 0x400;
export const CLONE_SIGHAND = 0x800;
export const CLONE_VFORK = 0x4000;
export const CLONE_PARENT = 0x8000;
export const CLONE_THREAD = 0x10000;

/** The flags cowsh's clone accepts, by the name `clone --NAME` gives them. */
export const CLONE_FLAG_NAMES: Readonly<Record<string, number>> = {
  vm: CLONE_VM,
  fs: CLONE_FS,
  files: CLONE_FILES,
  sighand: CLONE_SIGHAND,
  vfork: CLONE_VFORK,
  parent: CLONE_PARENT,
  thread: CLONE_THREAD,
};

/** fork(2): clone(SIGCHLD). */
export const FORK_FLAGS = 0;
/** vfork(2): clone(CLONE_VM | CLONE_VFORK | SIGCHLD). */
export const VFORK_FLAGS = CLONE_VM | CLONE_VFORK;

/** What clone is asked for: the flags, and the child's stack pointer (null: the caller's). */
export interface CloneArgs {
  readonly flags: number;
  readonly stack: number | null;
}

/**
 * copy_process's checks of the flags, in its order, before anything is
 * made: EINVAL for CLONE_THREAD without CLONE_SIGHAND ("thread groups must
 * share signals as well"), CLONE_SIGHAND without CLONE_VM ("shared signal
 * handlers imply shared VM"), and CLONE_PARENT by init (SIGNAL_UNKILLABLE:
 * a sibling of init would stay a zombie nobody reaps). Null when valid.
 */
export function cloneFlagsInvalid(flags: number, callerIsInit: boolean): Result<never> | null {
  if (flags & CLONE_THREAD && !(flags & CLONE_SIGHAND))
    return failure("EINVAL", "CLONE_THREAD needs CLONE_SIGHAND");
  if (flags & CLONE_SIGHAND && !(flags & CLONE_VM))
    return failure("EINVAL", "CLONE_SIGHAND needs CLONE_VM");
  if (flags & CLONE_PARENT && callerIsInit)
    return failure("EINVAL", "init cannot make a sibling of itself");
  return null;
}

/** The page the child's first push writes: the one below its stack pointer. */
export const firstStackPage = (sp: number): number => Math.floor((sp - 1) / PAGE_SIZE) * PAGE_SIZE;

/** The flags as clone's man page writes them (`CLONE_VM|CLONE_VFORK`), or `0`. */
export function cloneFlagsText(flags: number): string {
  const names = Object.entries(CLONE_FLAG_NAMES)
    .filter(([, bit]) => flags & bit)
    .map(([name]) => `CLONE_${name.toUpperCase()}`);
  return names.length === 0 ? "0" : names.join("|");
}

/**
 * The shared-mm invariant, across thread groups (a CLONE_VM child, a vfork
 * pair, threads): every mm's mm_users is the number of tasks using it, so
 * it lives until its last user exits or execs, and no zombie holds one.
 * Returns the problems found.
 */
export function checkMmUsers(tasks: ReadonlyMap<number, Task>): string[] {
  const problems: string[] = [];
  const users = new Map<Mm, number[]>();
  for (const t of tasks.values()) {
    if (t.mm === null) continue;
    if (t.isZombie) problems.push(`zombie ${t.pid} still holds an mm`);
    const pids = users.get(t.mm) ?? [];
    users.set(t.mm, [...pids, t.pid]);
  }
  for (const [mm, pids] of users)
    if (mm.users !== pids.length)
      problems.push(
        `mm of tasks ${pids.join(",")}: mm_users ${mm.users}, ${pids.length} tasks use it`,
      );
  return problems;
}
