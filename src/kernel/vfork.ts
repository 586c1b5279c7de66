/**
 * vfork(2) and glibc's posix_spawn (kernel/fork.c with CLONE_VM|CLONE_VFORK,
 * glibc 2.36 sysdeps/unix/sysv/linux/spawni.c).
 *
 * The child borrows the parent's mm (copy_mm with CLONE_VM: mmget, no page
 * copied, no PTE write-protected, no map count changed): its faults are its
 * own (ru_minflt counts per task) but the pages land in the parent's mm.
 * The parent sleeps in wait_for_vfork_done, TASK_KILLABLE, which /proc
 * shows as `D` (captured: scenario 115), until the child releases the mm:
 * mm_release completes vfork_done when the child execs (exec_mmap) or
 * exits (exit_mm). A SIGKILL wakes the parent, which dies; the child goes
 * on alone with the mm. A waiting parent makes no system call: every
 * operation it would make itself fails (vforkBlocked).
 *
 * posix_spawn (glibc 2.36, checked with strace on this machine): mmap of a
 * stack of ALIGN_UP(argc * 8 + 512 + 32 KiB, page) bytes, PROT_READ|
 * PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK (VM_NOHUGEPAGE on 6.18);
 * clone3(CLONE_VM|CLONE_VFORK, SIGCHLD) onto its top; the child faults in
 * the stack's top page (1 fault, scenarios 117, 118) and execs; the parent
 * munmaps the stack.
 */
import { PAGE_SIZE, pageAlignUp } from "./constants.js";
import type { Mm } from "./mm.js";
import { failure, type Result } from "./result.js";
import type { Task } from "./task.js";

/** The process table as vfork needs it. */
export interface VforkTable {
  readonly tasks: ReadonlyMap<number, Task>;
  now: number;
}

/** Whether `task` sleeps in vfork, waiting for its child to exec or exit. */
export const vforkWaiting = (task: Task): boolean => task.vforkChild !== null;

/**
 * The failure of an operation `task` would make itself while it waits in
 * vfork (it is blocked in the system call), or null.
 */
export function vforkBlocked(task: Task): Result<never> | null {
  if (task.vforkChild === null) return null;
  return failure(
    "EBUSY",
    `process ${task.pid} is waiting in vfork until its child ${task.vforkChild} execs or exits`,
  );
}

/**
 * The vfork pair's links, made once the child exists with the parent's mm
 * (mmget done by the caller): the parent sleeps in `D`; its timed
 * behaviour pauses with it.
 */
export function vforkWait(table: VforkTable, parent: Task, child: Task): void {
  child.vforkParent = parent.pid;
  parent.vforkChild = child.pid;
  parent.vforkSavedState = parent.state;
  parent.state = "D";
  if (parent.wakeAt !== null) {
    parent.vforkPausedNs = parent.wakeAt - table.now;
    parent.wakeAt = null;
  }
}

/**
 * mm_release's complete_vfork_done, called as `task` execs or exits: a
 * parent waiting for it runs again. And do_exit of a waiting parent
 * (killed): its child keeps the mm and nobody waits for it.
 */
export function vforkRelease(table: VforkTable, task: Task): void {
  if (task.vforkParent !== null) {
    const parent = table.tasks.get(task.vforkParent);
    task.vforkParent = null;
    if (parent !== undefined && parent.vforkChild === task.pid) wakeParent(table, parent);
  }
  if (task.vforkChild !== null) {
    const child = table.tasks.get(task.vforkChild);
    if (child !== undefined) child.vforkParent = null;
    wakeParent(table, task);
  }
}

function wakeParent(table: VforkTable, parent: Task): void {
  parent.vforkChild = null;
  if (parent.state === "D") parent.state = parent.vforkSavedState;
  if (parent.vforkPausedNs !== null) {
    parent.wakeAt = table.now + parent.vforkPausedNs;
    parent.vforkPausedNs = null;
  }
}

/** The live tasks using `mm` (a vfork pair's both sides), for __oom_kill_process. */
export function mmSharers(table: VforkTable, mm: Mm | null): Task[] {
  return mm === null ? [] : [...table.tasks.values()].filter((t) => t.mm === mm);
}

/** The size of the stack glibc 2.36's __spawnix maps for `argc` arguments. */
export function spawnStackBytes(argc: number): number {
  return pageAlignUp(argc * 8 + 512 + 32 * 1024);
}

/** The page of the spawn stack the child touches before it execs: the top one. */
export const spawnStackTouched = (addr: number, bytes: number): number => addr + bytes - PAGE_SIZE;

/**
 * The vfork invariant: a task waits in vfork exactly while its child is
 * alive and names it as its vfork parent, both with an mm (the same one
 * for vfork; clone's CLONE_VFORK without CLONE_VM gives the child a copy);
 * the parent's state is then `D`. Returns the problems found.
 */
export function checkVfork(table: VforkTable): string[] {
  const problems: string[] = [];
  for (const task of table.tasks.values()) {
    if (task.vforkChild !== null) {
      const child = table.tasks.get(task.vforkChild);
      if (child === undefined || child.isZombie)
        problems.push(`pid ${task.pid} waits for vfork child ${task.vforkChild}, which is gone`);
      else if (child.vforkParent !== task.pid)
        problems.push(
          `pid ${task.pid} waits for ${child.pid}, whose vfork parent is ${child.vforkParent}`,
        );
      else if (child.mm === null || task.mm === null)
        problems.push(`pid ${task.pid} waits for ${child.pid}, and one of them has no mm`);
      if (task.state !== "D")
        problems.push(`pid ${task.pid} waits in vfork in state ${task.state}`);
      if (task.wakeAt !== null) problems.push(`pid ${task.pid} waits in vfork with a timer`);
    }
    if (task.vforkParent !== null) {
      const parent = table.tasks.get(task.vforkParent);
      if (parent === undefined || parent.vforkChild !== task.pid)
        problems.push(
          `pid ${task.pid} names ${task.vforkParent} as its vfork parent, which does not wait`,
        );
    }
  }
  return problems;
}
