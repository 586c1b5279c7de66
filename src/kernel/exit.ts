/**
 * Process death and reaping (kernel/exit.c): do_exit drops the task's mm,
 * which the last task using it tears down at once, so pages the dead
 * process shared become private to the survivors;
 * the task stays a zombie until its parent waits for it, and orphans pass
 * to init, which reaps its zombies at once.
 */
import type { Kernel } from "./kernel.js";
import { mmput } from "./mm.js";
import type { Task } from "./task.js";

export const INIT_PID = 1;

/** The process table as exit and wait need it. */
export interface TaskTable {
  readonly tasks: Map<number, Task>;
}

/**
 * do_exit: releases the mm (mmput; exit_mmap for its last user), makes the task a zombie with wait
 * status `status`, hands its children to init, and lets init reap what it
 * now parents.
 */
export function doExit(k: Kernel, table: TaskTable, task: Task, status: number): void {
  if (task.isZombie) return;
  if (task.mm !== null) {
    // exit_mm: only the last task using the mm tears it down.
    const stats = mmput(k, task.mm);
    if (stats !== null)
      k.trace?.({
        kind: "teardown",
        pid: task.pid,
        why: "exit",
        unmapped: stats.unmapped,
        freed: stats.freed,
      });
    task.mm = null;
  }
  task.state = "Z";
  task.exitStatus = status;
  task.actions = [];
  task.wakeAt = null;
  k.trace?.({ kind: "exit", pid: task.pid, status });
  for (const child of table.tasks.values()) {
    if (child.ppid === task.pid) child.ppid = INIT_PID;
  }
  reapInitsZombies(table);
}

/** init (tini) reaps every zombie child it has. */
function reapInitsZombies(table: TaskTable): void {
  for (const child of [...table.tasks.values()]) {
    if (child.ppid === INIT_PID && child.isZombie && child.pid !== INIT_PID) reap(table, child);
  }
}

/**
 * release_task after wait: the parent inherits the child's fault counts,
 * those of the child's exited threads included (signal_struct's).
 */
export function reap(table: TaskTable, zombie: Task): void {
  const parent = table.tasks.get(zombie.ppid);
  if (parent !== undefined) {
    parent.cminflt += zombie.minflt + zombie.cminflt + (zombie.group?.deadMinflt ?? 0);
    parent.cmajflt += zombie.majflt + zombie.cmajflt + (zombie.group?.deadMajflt ?? 0);
  }
  table.tasks.delete(zombie.pid);
}

/** The wait status of exit(code). */
export const exitedStatus = (code: number): number => (code & 0xff) << 8;
/** The wait status of death by signal `signo`. */
export const signaledStatus = (signo: number): number => signo & 0x7f;
