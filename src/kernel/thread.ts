/**
 * Threads as glibc's pthread_create makes them (nptl/pthread_create.c,
 * nptl/allocatestack.c, nptl/nptl-stack.c) on the kernel's clone(CLONE_VM |
 * CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
 * CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID): a new task with
 * its own TID in the caller's thread group, sharing the group's mm (mmget),
 * running on a stack glibc maps for it. Every figure is the one the ground
 * truth scenarios 107-111 captured (test/truth/README.md, "Threads"):
 *
 *  - the stack: RLIMIT_STACK (8 MiB) plus a one-page guard, mapped
 *    PROT_NONE with MAP_STACK (VM_NOHUGEPAGE since 6.7), then all but the
 *    guard made read-write: a `---p` guard VMA of 4 kB under an 8192 kB
 *    `rw-p` VMA (`ac nh`);
 *  - the creating thread writes the new thread's descriptor (struct pthread,
 *    the static TLS) at the stack's top: one fault in the creator; the new
 *    thread's first frames fault the page below it: one fault in the thread;
 *  - a thread that returns from its start routine MADV_DONTNEEDs its stack
 *    below 16 KiB under its frames (advise_stack_range), leaves, and is
 *    joined: glibc keeps the stack mapped in its cache (at most 40 MiB of
 *    cached stacks; the oldest beyond are unmapped), and the next
 *    pthread_create takes it from there: no mapping, no fault;
 *  - fork by a thread copies the mm and only the caller; the child's glibc
 *    (reclaim_stacks) writes the descriptor of every other thread that was
 *    running, putting its stack in the child's cache, and the child runs on
 *    its copy of the caller's stack (writing its two pages);
 *  - exec by any thread (de_thread) ends the others; a thread that is not
 *    the leader takes the leader's PID (and start time), and its own fault
 *    counters go on; the leader's go to the group's count of exited tasks;
 *  - exit_group (exit, a fatal signal) ends every task of the group; the
 *    leader stays a zombie for its parent, the others go at once.
 *
 * /proc/PID/stat counts the faults of the whole group, the exited threads
 * included (signal_struct's min_flt); /proc/PID/task/TID/stat the thread's own.
 */

import type { Accessor, AccessReport } from "./access.js";
import {
  MADV_DONTNEED,
  MAP_ANONYMOUS,
  MAP_PRIVATE,
  MAP_STACK,
  PAGE_SIZE,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
} from "./constants.js";
import { populateRange } from "./gup.js";
import type { Kernel } from "./kernel.js";
import { type Mm, mmget, mmput, type ZapStats } from "./mm.js";
import type { MmapRequest } from "./mman.js";
import { failure, type Result, success } from "./result.js";
import type { Task } from "./task.js";

/** A thread's default stack: RLIMIT_STACK, 8 MiB (__pthread_initialize_minimal). */
export const THREAD_STACK_BYTES = 8 * 1024 * 1024;
/** The guard below it: one page (the default guardsize). */
export const THREAD_GUARD_BYTES = PAGE_SIZE;
/** nptl-stack.c's stack_cache_maxsize: cached stacks beyond 40 MiB are unmapped. */
export const STACK_CACHE_MAX_BYTES = 40 * 1024 * 1024;
/** PTHREAD_STACK_MIN: advise_stack_range keeps this much below the frames in use. */
const PTHREAD_STACK_MIN = 16384;
/** The pages a thread's start leaves resident at its stack's top: the descriptor, then the first frames. */
const DESCRIPTOR_PAGES = 1;
const START_PAGES = 2;

/** One stack glibc mapped for a thread: the guard's start, the mapping's size, who runs on it. */
export interface GlibcStack {
  /** Start of the mapping (its guard page). */
  readonly base: number;
  /** Bytes mapped: the stack and its guard. */
  readonly size: number;
  /** The TID running on it; 0 while it waits in the stack cache. */
  tid: number;
}

/** The top of a stack mapping: the descriptor sits right below it. */
export const stackTop = (s: GlibcStack): number => s.base + s.size;

/**
 * What a thread group's tasks share besides the mm: the faults of its tasks
 * that have gone (signal_struct's min_flt, maj_flt), and glibc's list of
 * thread stacks, in use or cached (oldest cached first).
 */
export class ThreadGroup {
  deadMinflt = 0;
  deadMajflt = 0;
  stacks: GlibcStack[] = [];
}

/** What thread.ts needs of the machine: the process table and a few system calls by TID. */
export interface ThreadHost extends Kernel {
  readonly tasks: Map<number, Task>;
  mmap(pid: number, req: MmapRequest): Result<number>;
  munmap(pid: number, addr: number, length: number): Result<ZapStats>;
  mprotect(pid: number, addr: number, length: number, prot: number): Result<void>;
  madvise(pid: number, addr: number, length: number, advice: number): Result<void>;
  access(pid: number, addr: number, length: number, write: boolean): Result<AccessReport>;
  /** A new task in the table with the next free ID (EAGAIN when none is left). */
  allocTask(ppid: number, comm: string, mm: Mm): Result<Task>;
}

/** The tasks of `tgid`'s group, leader first, then by TID. */
export function groupTasks(tasks: ReadonlyMap<number, Task>, tgid: number): Task[] {
  const found: Task[] = [];
  for (const t of tasks.values()) if (t.tgid === tgid) found.push(t);
  return found.sort((a, b) => (a.pid === tgid ? -1 : b.pid === tgid ? 1 : a.pid - b.pid));
}

/** get_nr_threads: how many tasks the group of `task` has. */
export function threadCount(tasks: ReadonlyMap<number, Task>, task: Task): number {
  let n = 0;
  for (const t of tasks.values()) if (t.tgid === task.tgid) n++;
  return Math.max(1, n);
}

/** The group's leader (the task itself for a process). */
export const leaderOf = (tasks: ReadonlyMap<number, Task>, task: Task): Task =>
  tasks.get(task.tgid) ?? task;

/** The faults of the whole group, as /proc/PID/stat counts them (do_task_stat, whole). */
export function groupFaults(
  tasks: ReadonlyMap<number, Task>,
  task: Task,
): { minflt: number; majflt: number } {
  const group = leaderOf(tasks, task).group;
  let minflt = group?.deadMinflt ?? 0;
  let majflt = group?.deadMajflt ?? 0;
  for (const t of tasks.values()) {
    if (t.tgid !== task.tgid) continue;
    minflt += t.minflt;
    majflt += t.majflt;
  }
  return { minflt, majflt };
}

/**
 * pthread_create by the task `callerTid`: a stack from glibc's cache or a
 * new mapping, the new task, the faults of the start. Returns the new TID.
 */
export function createThread(h: ThreadHost, callerTid: number): Result<number> {
  const caller = h.tasks.get(callerTid);
  if (caller === undefined || caller.mm === null) return failure("ESRCH");
  const leader = leaderOf(h.tasks, caller);
  const group = leader.group ?? new ThreadGroup();
  const stack = cachedStack(group) ?? mapStack(h, caller.pid);
  if (!stack.ok) return stack;
  const made = h.allocTask(leader.ppid, caller.comm, caller.mm);
  if (!made.ok) {
    if (!group.stacks.includes(stack.value))
      h.munmap(caller.pid, stack.value.base, stack.value.size);
    return made;
  }
  leader.group = group;
  if (!group.stacks.includes(stack.value)) group.stacks.push(stack.value);
  else group.stacks.push(...group.stacks.splice(group.stacks.indexOf(stack.value), 1));
  const thread = made.value;
  joinGroup(h.tasks, caller, thread);
  stack.value.tid = thread.pid;
  const top = stackTop(stack.value);
  // allocate_stack: the creator writes struct pthread and the static TLS at the top;
  // start_thread: the new thread's first frames lie in the page below.
  h.access(caller.pid, top - DESCRIPTOR_PAGES * PAGE_SIZE, 1, true);
  h.access(thread.pid, top - START_PAGES * PAGE_SIZE, 1, true);
  return success(thread.pid);
}

/**
 * copy_process's part for CLONE_THREAD (pthread_create and clone --thread):
 * the new task `thread` joins the group of `caller` on its mm (mmget),
 * with its leader's parent and what a task inherits. The leader gets its
 * ThreadGroup (the exited threads' faults) if it had none.
 */
export function joinGroup(tasks: ReadonlyMap<number, Task>, caller: Task, thread: Task): void {
  const leader = leaderOf(tasks, caller);
  leader.group ??= new ThreadGroup();
  if (caller.mm === null) throw new Error(`joinGroup: task ${caller.pid} has no mm`);
  mmget(caller.mm);
  thread.mm = caller.mm;
  thread.tgid = leader.pid;
  thread.ppid = leader.ppid;
  thread.inheritFrom(leader);
  thread.oomScoreAdj = leader.oomScoreAdj;
  thread.forkNoExec = leader.forkNoExec;
}

/**
 * A thread a program's replayed start-up made (exec of a captured program,
 * program-actions.ts): glibc's pthread_create on a stack the replay already
 * mapped at `base` (`size` bytes with its guard) and whose pages it already
 * made resident. The new task joins the leader's group and runs on that
 * stack; nothing is mapped or touched here. Returns the new task.
 */
export function adoptThread(
  h: ThreadHost,
  leaderPid: number,
  base: number,
  size: number,
): Result<Task> {
  const leader = h.tasks.get(leaderPid);
  if (leader === undefined || leader.mm === null || leader.tgid !== leader.pid)
    return failure("ESRCH");
  if (leader.mm.vmaAt(base + size - PAGE_SIZE) === undefined) return failure("EFAULT");
  const made = h.allocTask(leader.ppid, leader.comm, leader.mm);
  if (!made.ok) return made;
  const thread = made.value;
  joinGroup(h.tasks, leader, thread);
  leader.group!.stacks.push({ base, size, tid: thread.pid });
  return success(thread);
}

/** get_cached_stack: the most recently cached stack, if any. */
function cachedStack(group: ThreadGroup): Result<GlibcStack> | null {
  for (let i = group.stacks.length - 1; i >= 0; i--) {
    const s = group.stacks[i]!;
    if (s.tid === 0) return success(s);
  }
  return null;
}

/** allocate_stack's mmap: the whole block PROT_NONE, MAP_STACK (nh), then all but the guard read-write. */
function mapStack(h: ThreadHost, pid: number): Result<GlibcStack> {
  const size = THREAD_STACK_BYTES + THREAD_GUARD_BYTES;
  const base = h.mmap(pid, {
    addr: 0,
    length: size,
    prot: PROT_NONE,
    flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, // VM_NOHUGEPAGE (6.7 and later): mmap's
    file: null,
    fileWritable: false,
    offset: 0,
  });
  if (!base.ok) return failure("EAGAIN", base.detail);
  const rw = h.mprotect(
    pid,
    base.value + THREAD_GUARD_BYTES,
    THREAD_STACK_BYTES,
    PROT_READ | PROT_WRITE,
  );
  if (!rw.ok) {
    h.munmap(pid, base.value, size);
    return failure("EAGAIN", rw.detail);
  }
  return success({ base: base.value, size, tid: 0 });
}

/**
 * A thread returns from its start routine and is joined: advise_stack_range
 * drops its stack below 16 KiB under its frames, the task goes (its faults
 * stay counted in the group), and the stack enters glibc's cache.
 */
export function exitThread(h: ThreadHost, tid: number): Result<void> {
  const task = h.tasks.get(tid);
  if (task === undefined || task.mm === null) return failure("ESRCH");
  if (task.tgid === task.pid)
    return failure("EINVAL", "the main thread ends with exit, which ends the process");
  const leader = leaderOf(h.tasks, task);
  const stack = leader.group?.stacks.find((s) => s.tid === tid);
  if (stack !== undefined) {
    const sp = stackTop(stack) - START_PAGES * PAGE_SIZE;
    const free = sp - stack.base - PTHREAD_STACK_MIN;
    if (free > 0) h.madvise(tid, stack.base, free, MADV_DONTNEED);
  }
  releaseThread(h, h, task);
  if (stack !== undefined && leader.group !== null) {
    // The exit clears the TID in the descriptor and wakes the joiner's futex
    // on it: a shared futex, whose key get_user_pages finds with FOLL_TOUCH
    // (PG_referenced on the descriptor's page, as 109 shows).
    if (leader.mm !== null)
      populateRange(h, leader as Accessor, stackTop(stack) - PAGE_SIZE, stackTop(stack), true);
    stack.tid = 0;
    const stacks = leader.group.stacks;
    stacks.push(...stacks.splice(stacks.indexOf(stack), 1));
    freeStacks(h, leader, STACK_CACHE_MAX_BYTES);
  }
  return success(undefined);
}

/** free_stacks: unmaps the oldest cached stacks while the cache holds more than `limit` bytes. */
function freeStacks(h: ThreadHost, leader: Task, limit: number): void {
  const group = leader.group!;
  let cached = group.stacks.reduce((sum, s) => sum + (s.tid === 0 ? s.size : 0), 0);
  for (const s of [...group.stacks]) {
    if (cached <= limit) break;
    if (s.tid !== 0) continue;
    h.munmap(leader.pid, s.base, s.size);
    group.stacks.splice(group.stacks.indexOf(s), 1);
    cached -= s.size;
  }
}

/** The process table as exit needs it. */
interface TaskTable {
  readonly tasks: Map<number, Task>;
}

/**
 * A thread that is not the leader leaves: its mm reference goes (mmput, which
 * never tears down here: the leader holds the mm), its faults go to the
 * group's count (__exit_signal), and it is released at once (a thread's
 * exit_signal is -1: nobody waits for it).
 */
export function releaseThread(k: Kernel, table: TaskTable, task: Task): void {
  const leader = table.tasks.get(task.tgid);
  if (leader !== undefined && leader !== task) {
    leader.group ??= new ThreadGroup();
    leader.group.deadMinflt += task.minflt;
    leader.group.deadMajflt += task.majflt;
  }
  unlinkThread(k, table, task);
  k.trace?.({ kind: "exit", pid: task.pid, status: 0 });
}

/** A thread leaves the task table at once (no zombie): its reference to the mm goes with it. */
function unlinkThread(k: Kernel, table: TaskTable, task: Task): void {
  if (task.mm !== null) mmput(k, task.mm);
  task.mm = null;
  task.state = "Z";
  task.actions = [];
  task.wakeAt = null;
  table.tasks.delete(task.pid);
}

/**
 * exit_group and a fatal signal (zap_other_threads): every task of the
 * group but the leader goes; the leader is returned, to die as the process.
 */
export function endOtherThreads(k: Kernel, table: TaskTable, task: Task): Task {
  const leader = table.tasks.get(task.tgid) ?? task;
  for (const t of groupTasks(table.tasks, task.tgid)) if (t !== leader) releaseThread(k, table, t);
  if (leader.group !== null) leader.group.stacks = [];
  return leader;
}

/**
 * de_thread, at exec's point of no return: the other tasks go; a thread that
 * is not the leader takes the leader's place (its PID, start time, parent),
 * keeping its own fault counts, while the leader's join the group's count.
 * Returns the task that goes on with the exec. The new image has no threads:
 * glibc's stack list is gone with the old mm.
 */
export function deThread(k: Kernel, table: TaskTable, task: Task): Task {
  const leader = table.tasks.get(task.tgid) ?? task;
  if (leader === task && leader.group === null) return task;
  for (const t of groupTasks(table.tasks, task.tgid))
    if (t !== leader && t !== task) releaseThread(k, table, t);
  if (task !== leader) {
    leader.group ??= new ThreadGroup();
    leader.group.deadMinflt += leader.minflt;
    leader.group.deadMajflt += leader.majflt;
    leader.minflt = task.minflt;
    leader.majflt = task.majflt;
    leader.comm = task.comm;
    leader.forkNoExec = task.forkNoExec;
    // The thread's reference to the mm goes; the leader's stays, for exec to drop.
    unlinkThread(k, table, task);
  }
  if (leader.group !== null) leader.group.stacks = [];
  return leader;
}

/**
 * After fork by `parent` (a thread of a group with glibc stacks) made
 * `child`: the child is its group's process (its parent is the caller's
 * group); the child's glibc (reclaim_stacks) puts every other running
 * thread's stack in its cache, writing each one's descriptor, and the child
 * runs on its copy of the caller's stack.
 */
export function forkedFromThread(h: ThreadHost, parent: Task, child: Task): void {
  child.ppid = parent.tgid;
  const group = leaderOf(h.tasks, parent).group;
  if (group === null || group.stacks.length === 0) return;
  const copy = new ThreadGroup();
  copy.stacks = group.stacks.map((s) => ({
    base: s.base,
    size: s.size,
    tid: s.tid === parent.pid ? child.pid : 0,
  }));
  child.group = copy;
  for (const s of group.stacks) {
    const top = stackTop(s);
    if (s.tid === parent.pid)
      h.access(child.pid, top - START_PAGES * PAGE_SIZE, START_PAGES * PAGE_SIZE, true);
    else if (s.tid !== 0) h.access(child.pid, top - DESCRIPTOR_PAGES * PAGE_SIZE, 1, true);
  }
}

/**
 * What must hold of the thread groups (the model test and the soak check
 * it beside checkInvariants): every task's group leader exists and leads
 * itself; a live group's tasks share one mm, and every mm's mm_users counts
 * the tasks using it (another group may borrow it too: CLONE_VM without
 * CLONE_THREAD, as vfork); a glibc stack names a task of the group or the
 * cache and lies inside a mapping. Returns the violations.
 */
export function checkThreadGroups(tasks: ReadonlyMap<number, Task>): string[] {
  const v: string[] = [];
  const users = new Map<Mm, number>();
  const owner = new Map<Mm, number>();
  for (const t of tasks.values()) {
    const leader = tasks.get(t.tgid);
    if (leader === undefined || leader.tgid !== leader.pid)
      v.push(`task ${t.pid}: its group leader ${t.tgid} is not a process`);
    else if (t !== leader && t.mm !== leader.mm)
      v.push(`thread ${t.pid} does not share its leader ${t.tgid}'s mm`);
    if (t !== leader && t.isZombie)
      v.push(`thread ${t.pid} is a zombie (threads are released at once)`);
    if (t.mm === null) continue;
    users.set(t.mm, (users.get(t.mm) ?? 0) + 1);
    if (!owner.has(t.mm)) owner.set(t.mm, t.tgid);
  }
  for (const [mm, n] of users)
    if (mm.users !== n)
      v.push(`mm of group ${owner.get(mm)}: mm_users ${mm.users}, ${n} tasks use it`);
  for (const t of tasks.values()) {
    if (t.group === null || t.mm === null) continue;
    for (const s of t.group.stacks) {
      if (s.tid !== 0 && tasks.get(s.tid)?.tgid !== t.pid)
        v.push(
          `group ${t.pid}: stack at 0x${s.base.toString(16)} names ${s.tid}, not one of its tasks`,
        );
      if (t.mm.vmaAt(stackTop(s) - PAGE_SIZE) === undefined)
        v.push(`group ${t.pid}: stack at 0x${s.base.toString(16)} is not mapped`);
    }
  }
  return v;
}
