/**
 * The simulated machine: physical memory, the file tree, the process table
 * and the clock, with the system calls as methods. This file owns the
 * system-call surface: every method validates before it changes anything
 * and returns a Result; a process is named by its PID, and a verb runs as
 * that process. The work behind the calls lives beside it: reclaim.ts (the
 * allocator's slow path), sched.ts (timed actions and the clock),
 * filemap.ts (file operations), program-actions.ts (what each program does
 * by itself), gup.ts (populate), and mman.ts, fork.ts, exec.ts, exit.ts.
 *
 * Boot is deterministic: init is PID 1, a login shell PID 2, PIDs are handed
 * out in order, and there is no address-space randomisation.
 */
import { type AccessReport, accessRange, SIGKILL, SIGSEGV, type WordSource } from "./access.js";
import { clearRefs } from "./clear-refs.js";
import {
  CLONE_PARENT,
  CLONE_THREAD,
  CLONE_VFORK,
  CLONE_VM,
  type CloneArgs,
  cloneFlagsInvalid,
  FORK_FLAGS,
  firstStackPage,
  VFORK_FLAGS,
} from "./clone.js";
import {
  CommitState,
  type OvercommitSysctls,
  recountCommitted,
  sizeAccountedObjects,
  uncommitOrphans,
  vmEnoughMemory,
} from "./commit.js";
import {
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_STACK,
  MAX_MAP_COUNT,
  NSEC_PER_SEC,
  PAGE_SIZE,
  PROT_READ,
  PROT_WRITE,
  VM_SHARED,
} from "./constants.js";
import type { KernelEvent } from "./events.js";
import {
  checkArgs,
  type ExecOptions,
  execImage,
  findExecutable,
  programFor,
  textBusy,
} from "./exec.js";
import { doExit, exitedStatus, INIT_PID, reap, signaledStatus } from "./exit.js";
import {
  collectOrphans,
  invalidateCleanPages,
  isMapped,
  performWrite,
  releaseInodePages,
  truncateInode,
} from "./filemap.js";
import { dupMm } from "./fork.js";
import { populateRange } from "./gup.js";
import {
  type MthpMode,
  recountEntire,
  type ShmemEnabled,
  type ThpDefrag,
  type ThpEnabled,
  ThpState,
} from "./huge-memory.js";
import { HugetlbPool, releaseHugetlbOrphans, setNrHugepages } from "./hugetlb.js";
import { DEFAULT_CONFIG, type Kernel, type KernelConfig } from "./kernel.js";
import { type KsmImage, KsmState } from "./ksm.js";
import { type Mm, mmget, type ZapStats } from "./mm.js";
import {
  clearMlocked,
  doBrk,
  doMadvise,
  doMmap,
  doMprotect,
  doMunmap,
  doSetAnonName,
  type MmapRequest,
  setLocked,
  writeback,
} from "./mman.js";
import { doMremap, type MremapRequest } from "./mremap.js";
import { OOM_SCORE_ADJ_MIN, oomKillMessage, oomKillSummary } from "./oom.js";
import { PhysMem } from "./phys.js";
import { programActions, startProgramTasks } from "./program-actions.js";
import { allocFrameSlow } from "./reclaim.js";
import { failure, type Result, success } from "./result.js";
import { bootFilesystem, bootSpecialFrames } from "./rootfs.js";
import { advanceTo, exitTime, runActions, type Step, type Timeline } from "./sched.js";
import { signalKills } from "./signal.js";
import { SwapState, tryToUnuse } from "./swap.js";
import {
  bootSwapFile,
  giveBackPriority,
  type MkswapOptions,
  type MkswapReport,
  mkswap,
  SwapHeaders,
  swapAreaOf,
  swapLogLine,
  swapTypeOf,
  sysSwapon,
} from "./swapon.js";
import { type Action, Task } from "./task.js";
import {
  createThread,
  deThread,
  endOtherThreads,
  exitThread,
  forkedFromThread,
  joinGroup,
  leaderOf,
} from "./thread.js";
import {
  mmSharers,
  spawnStackBytes,
  spawnStackTouched,
  vforkBlocked,
  vforkRelease,
  vforkWait,
  vforkWaiting,
} from "./vfork.js";
import type { Inode, Vfs } from "./vfs.js";

export const LOGIN_SHELL_PID = 2;

/** How spawn starts a program (`spawn --via`). */
export type SpawnVia = "fork" | "vfork" | "posix-spawn";
export const SPAWN_VIAS: readonly SpawnVia[] = ["fork", "vfork", "posix-spawn"];

/** Free memory when the reserves are set at boot (init_user_reserve): the frames never handed out. */
const freeKbytesAtBoot = (phys: PhysMem): number =>
  (phys.nrFrames - phys.highWater) * (PAGE_SIZE / 1024);
/** Limits that keep a runaway script from exhausting the host. */
export const PID_MAX = 4_194_304;
export const MAX_TASKS = 32_768;
export { MAX_MAP_COUNT };

/** Everything a machine holds, as snapshot.ts saves and rebuilds it (Machine.restore). */
export interface MachineParts {
  readonly config: KernelConfig;
  readonly phys: PhysMem;
  readonly vfs: Vfs;
  /** Swap areas and swap cache; absent in images saved before swap existed (no swap). */
  readonly swap?: SwapState | undefined;
  /** The vm.overcommit_* sysctls; absent in images saved before they existed (the defaults). */
  readonly sysctls?: OvercommitSysctls | undefined;
  /** The hugetlb pool; absent in images saved before it existed (empty). */
  readonly hugetlb?: HugetlbPool | undefined;
  /** The swap headers mkswap wrote (swapon.ts); absent in older images (none). */
  readonly swapHeaders?: SwapHeaders | undefined;
  /** transparent_hugepage/enabled and defrag; absent in older images (the boot option, madvise). */
  readonly thp?:
    | {
        readonly enabled: ThpEnabled;
        readonly defrag: ThpDefrag;
        /** Absent in images saved before shmem THP (the boot option, never). */
        readonly shmemEnabled?: ShmemEnabled | undefined;
        /** mTHP sizes' modes by order; absent in older images (the defaults). */
        readonly sizes?: readonly (readonly [number, MthpMode])[] | undefined;
      }
    | undefined;
  /** The process table, in its order. */
  readonly tasks: readonly Task[];
  readonly now: number;
  /** The PID fork hands out next (lastPid + 1). */
  readonly nextPid: number;
  readonly log: readonly string[];
  readonly logTimes: readonly number[];
  /** KSM's state (ksm.ts); absent in older images (ksmd as at boot). */
  readonly ksm?: KsmImage | undefined;
  /** randomWord()'s generator; absent in older images (as at boot). */
  readonly randomState?: number | undefined;
}

export class Machine implements Kernel, Timeline {
  readonly config: KernelConfig;
  readonly phys: PhysMem;
  readonly vfs: Vfs;
  readonly swap: SwapState;
  /** What mkswap wrote into swap headers besides the signature (swapon.ts). */
  readonly swapHeaders: SwapHeaders;
  readonly commit: CommitState;
  /** The hugetlb pool (hugetlb.ts). */
  readonly hugetlb: HugetlbPool;
  /** Transparent huge pages: settings and entire mapcounts (huge-memory.ts). */
  readonly thp: ThpState;
  readonly tasks = new Map<number, Task>();
  trace: ((event: KernelEvent) => void) | null = null;
  /** Nanoseconds since boot. */
  now = 0;
  /** The state of randomWord()'s generator. */
  randomState = 0x2545f491;
  /** KSM: ksmd's tunables, trees and counters (ksm.ts). */
  readonly ksm = new KsmState();
  /** Wall-clock seconds of the boot (btime), fixed so output is reproducible. */
  readonly bootTime = 1_798_761_600; // 2027-01-01 00:00:00 UTC
  /** Messages the kernel logged (OOM kills), for the shell to show. */
  readonly log: string[] = [];
  /** When each message of `log` was logged (`now`, in ns), as printk stamps its records. */
  readonly logTimes: number[] = [];
  /**
   * Lines processes wrote to the terminal's stderr on their own (a failed
   * exec in `run`), waiting for the console to take them (`takeTtyErr`).
   * Transient: not part of a saved machine.
   */
  private readonly ttyErr: string[] = [];
  /**
   * The wait status the login shell died with, until the console takes it
   * to say what that means (takeLoginShellDeath). Transient.
   */
  private loginShellStatus: number | null = null;
  private nextPid = INIT_PID;

  /** The PID handed out last (/proc/loadavg shows it). */
  get lastPid(): number {
    return this.nextPid - 1;
  }

  /** A machine at power-on, or over restored parts (see restore). */
  private constructor(config: KernelConfig, parts?: MachineParts) {
    this.config = config;
    this.thp = new ThpState(
      parts?.thp?.enabled ?? config.thp ?? "madvise",
      parts?.thp?.shmemEnabled ?? config.thpShmem ?? "never",
    );
    if (parts?.thp !== undefined) this.thp.defrag = parts.thp.defrag;
    for (const [order, mode] of parts?.thp?.sizes ?? []) this.thp.setSize(order, mode);
    if (parts !== undefined) {
      this.phys = parts.phys;
      this.vfs = parts.vfs;
      this.swap = parts.swap ?? new SwapState();
      this.swapHeaders = parts.swapHeaders ?? new SwapHeaders();
      this.commit = new CommitState(freeKbytesAtBoot(this.phys));
      if (parts.sysctls !== undefined) this.commit.setSysctls(parts.sysctls);
      this.hugetlb = parts.hugetlb ?? new HugetlbPool();
      return;
    }
    this.phys = new PhysMem(Math.floor(config.memBytes / PAGE_SIZE));
    bootSpecialFrames(this.phys);
    this.commit = new CommitState(freeKbytesAtBoot(this.phys));
    this.hugetlb = new HugetlbPool();
    // hugepages= on the command line: the pool is taken before anything else runs
    setNrHugepages(this.phys, this.hugetlb, config.hugepages);
    this.vfs = bootFilesystem();
    this.swap = new SwapState();
    this.swapHeaders = new SwapHeaders();
    if (config.swapBytes > 0) bootSwapFile(this.swap, this.vfs, config.swapBytes);
  }

  /**
   * Snapshot support: the machine snapshot.ts rebuilt from an image, from
   * parts it has already checked. Runs nothing: the state is as saved.
   */
  static restore(parts: MachineParts): Machine {
    const m = new Machine(parts.config, parts);
    for (const task of parts.tasks) m.tasks.set(task.pid, task);
    recountEntire(m);
    // The commitment is what the restored mappings charge.
    m.commit.acct(recountCommitted(m.mms()));
    for (const inode of sizeAccountedObjects(m.mms())) m.commit.objects.add(inode);
    m.now = parts.now;
    m.nextPid = parts.nextPid;
    for (const line of parts.log) m.log.push(line);
    for (const at of parts.logTimes) m.logTimes.push(at);
    if (parts.ksm !== undefined)
      m.ksm.restore(parts.ksm, (pid) => m.tasks.get(pid)?.mm ?? undefined);
    if (parts.randomState !== undefined) m.randomState = parts.randomState;
    return m;
  }

  /** Boots a machine: init (PID 1), then the login shell (PID 2). */
  static boot(options: Partial<KernelConfig> = {}): Machine {
    const m = new Machine({ ...DEFAULT_CONFIG, ...options });
    const init = m.newTask(0, "init", null);
    m.mustExec(init, "/sbin/init", ["/sbin/init"]);
    init.oomScoreAdj = 0;
    const shell = m.mustFork(INIT_PID);
    m.mustExec(shell, "/bin/bash", ["-bash"]);
    shell.oomScoreAdj = OOM_SCORE_ADJ_MIN;
    // The login shell leads its own session and process group (setsid).
    shell.pgrp = shell.pid;
    shell.session = shell.pid;
    return m;
  }

  private mustFork(pid: number): Task {
    const r = this.fork(pid);
    if (!r.ok) throw new Error(`boot: fork failed: ${r.errno}`);
    return this.tasks.get(r.value)!;
  }

  private mustExec(task: Task, path: string, argv: string[]): void {
    const r = this.exec(task.pid, path, argv);
    if (!r.ok) throw new Error(`boot: exec ${path} failed: ${r.errno}`);
  }

  private newTask(ppid: number, comm: string, mm: Mm | null): Task {
    const task = new Task(this.nextPid++, ppid, comm, mm, this.now);
    this.tasks.set(task.pid, task);
    return task;
  }

  /** A new task with the next free ID, for clone (thread.ts); EAGAIN as fork when none is left. */
  allocTask(ppid: number, comm: string, mm: Mm): Result<Task> {
    return this.tasksFull() ?? success(this.newTask(ppid, comm, mm));
  }

  /** EAGAIN when no task can be made (the table is full, or the PIDs ran out), as fork and clone fail; else null. */
  private tasksFull(): Result<never> | null {
    return this.tasks.size >= MAX_TASKS || this.nextPid >= PID_MAX
      ? failure("EAGAIN", "too many processes")
      : null;
  }

  /** copy_process for fork and vfork: `parent`'s child on `mm`, with what a forked process inherits. */
  private forkChild(parent: Task, mm: Mm): Task {
    const child = this.newTask(parent.pid, parent.comm, mm);
    child.inheritFrom(parent);
    child.forkNoExec = true;
    child.oomScoreAdj = parent.pid === LOGIN_SHELL_PID ? 0 : parent.oomScoreAdj;
    return child;
  }

  /**
   * The process the console's commands run as: the login shell, or init
   * once the login shell is gone (killed, or exited). /proc/self names it.
   */
  get shellPid(): number {
    return this.tasks.get(LOGIN_SHELL_PID)?.mm != null ? LOGIN_SHELL_PID : INIT_PID;
  }

  /* ---- lookup ---- */

  /** The task, zombies included. */
  task(pid: number): Result<Task> {
    const task = this.tasks.get(pid);
    return task === undefined ? failure("ESRCH") : success(task);
  }

  /** A task that still has an address space (not a zombie). */
  private live(pid: number): Result<Task & { mm: Mm }> {
    const task = this.tasks.get(pid);
    if (task === undefined || task.mm === null) return failure("ESRCH");
    const blocked = vforkBlocked(task);
    if (blocked !== null) return blocked;
    return success(task as Task & { mm: Mm });
  }

  /** Every live mm once (a thread group's tasks and a vfork child share one), for operations that reach across processes (writeback). */
  *mms(): Generator<Mm> {
    const seen = new Set<Mm>();
    for (const task of this.tasks.values())
      if (task.mm !== null && !seen.has(task.mm)) {
        seen.add(task.mm);
        yield task.mm;
      }
  }

  pidOf(mm: Mm): number {
    for (const task of this.tasks.values()) if (task.mm === mm) return task.pid;
    return 0;
  }

  /* ---- memory ---- */

  allocFrame(kind: number, word: number, requesterPid: number): number {
    const pfn = this.phys.alloc(kind, word);
    if (pfn >= 0) return pfn;
    return allocFrameSlow(this, this.tasks, kind, word, requesterPid, (v) => this.oomKill(v));
  }

  /** printk: a line for the kernel log, stamped with the simulated time. */
  private printk(message: string): void {
    this.log.push(message);
    this.logTimes.push(this.now);
  }

  /**
   * After a system call of `task` failed: if overcommit refused a charge,
   * __vm_enough_memory's warning goes to the log (pr_warn_ratelimited: 10
   * in 5 s, then a count of those suppressed). Returns `r`.
   */
  private refused<T>(task: Task, r: T): T {
    const pages = this.commit.takeRefused();
    if (pages === null) return r;
    const { print, missed } = this.commit.ratelimit(this.now);
    if (missed > 0) this.printk(`__vm_enough_memory: ${missed} callbacks suppressed`);
    if (print) {
      this.printk(
        `__vm_enough_memory: pid: ${task.pid}, comm: ${task.comm}, bytes: ${pages * PAGE_SIZE} not enough memory for the allocation`,
      );
    }
    return r;
  }

  /** oom_kill_process: the victim's line goes to the log, then it dies of SIGKILL. */
  private oomKill(victim: Task): void {
    const message = oomKillMessage(victim);
    for (const line of [oomKillSummary(victim), message]) {
      this.log.push(line);
      this.logTimes.push(this.now);
    }
    this.trace?.({ kind: "oom-kill", pid: victim.pid, comm: victim.comm, message });
    const mm = victim.mm;
    this.die(victim, signaledStatus(SIGKILL));
    // Every other process sharing the mm (a vfork pair) gets SIGKILL too; not init (nor, in cowsh, the login shell).
    for (const t of mmSharers(this, mm))
      if (t.pid !== INIT_PID && t.pid !== LOGIN_SHELL_PID) this.die(t, signaledStatus(SIGKILL));
  }

  mmap(pid: number, req: MmapRequest): Result<number> {
    const t = this.live(pid);
    if (!t.ok) return t;
    if (t.value.mm.vmas.length > MAX_MAP_COUNT) return failure("ENOMEM", "too many mappings");
    const r = doMmap(this, t.value.mm, req, () => this.vfs.newShmemObject(0));
    if (req.flags & MAP_FIXED) this.collectOrphans();
    return this.refused(t.value, r);
  }

  munmap(pid: number, addr: number, length: number): Result<ZapStats> {
    const t = this.live(pid);
    if (!t.ok) return t;
    const r = doMunmap(this, t.value.mm, addr, length);
    this.collectOrphans();
    return r;
  }

  /**
   * mremap(2) by `pid` (mremap.ts): the mapping's new address, and the
   * faults of populating a locked mapping's new part (mm_populate, after
   * the call; none otherwise).
   */
  mremap(pid: number, req: MremapRequest): Result<{ addr: number; faults: AccessReport }> {
    const t = this.live(pid);
    if (!t.ok) return t;
    const minflt = t.value.minflt;
    const r = this.refused(t.value, doMremap(this, t.value.mm, req, t.value));
    if (!r.ok) return r;
    this.collectOrphans();
    const broken = t.value.minflt - minflt; // KSM pages the move broke
    const [start, end] = r.value.populate ?? [r.value.addr, r.value.addr];
    const faults = populateRange(this, t.value, start, end);
    return success({ addr: r.value.addr, faults: { ...faults, minflt: faults.minflt + broken } });
  }

  /** do_exit, then the files only the dead process held are freed. */
  private die(dying: Task, status: number): void {
    const task = endOtherThreads(this, this, dying); // exit_group: the whole thread group
    if (task.pid === LOGIN_SHELL_PID && !task.isZombie) this.loginShellStatus = status;
    vforkRelease(this, task); // mm_release in exit_mm: a vfork parent runs again
    doExit(this, this, task, status);
    this.collectOrphans();
  }

  /** prctl(PR_SET_VMA_ANON_NAME) on a range of `pid`'s anonymous memory. */
  setAnonName(pid: number, addr: number, length: number, name: string | null): Result<void> {
    const t = this.live(pid);
    return t.ok ? doSetAnonName(this, t.value.mm, addr, length, name) : t;
  }

  /** memfd_create(name) + ftruncate(size): an unlinked shmem file to map. */
  memfdCreate(name: string, size: number): Result<Inode> {
    if (name.length > 249 || name.includes("/")) return failure("EINVAL");
    if (!Number.isSafeInteger(size) || size < 0) return failure("EINVAL");
    return success(this.vfs.newShmemObject(size, `/memfd:${name}`));
  }

  mprotect(pid: number, addr: number, length: number, prot: number): Result<void> {
    const t = this.live(pid);
    return t.ok ? this.refused(t.value, doMprotect(this, t.value.mm, addr, length, prot)) : t;
  }

  madvise(pid: number, addr: number, length: number, advice: number): Result<void> {
    const t = this.live(pid);
    return t.ok ? doMadvise(this, t.value.mm, addr, length, advice, t.value) : t;
  }

  /**
   * A write of `type` to /proc/PID/clear_refs (procfs parsed and checked
   * it, clear-refs.ts): a task without an mm (a zombie) is left alone and
   * the write still succeeds, as get_task_mm() returning NULL does.
   */
  clearRefs(pid: number, type: number): Result<void> {
    const t = this.task(pid);
    if (!t.ok) return t;
    if (t.value.mm !== null) clearRefs(this, t.value.mm, type);
    return success(undefined);
  }

  /**
   * A write to vm.nr_hugepages (procfs or sysfs parsed it): the pool grows
   * from free memory or gives its free pages back (set_max_huge_pages).
   */
  setNrHugepages(count: number): void {
    setNrHugepages(this.phys, this.hugetlb, count);
  }

  /** A write to /proc/sys/vm/page-cluster (0..31, checked by procfs): swap read-ahead's next window. */
  setPageCluster(value: number): void {
    this.swap.pageCluster = value;
  }

  /**
   * A write to /proc/sys/vm's overcommit files (procfs parsed and checked
   * the value, fs/proc/sysctl.ts): the new values take effect for the next
   * charge; what is committed already stays.
   */
  setOvercommit(values: Partial<OvercommitSysctls>): void {
    this.commit.setSysctls({ ...this.commit.sysctls(), ...values });
  }

  /** set_task_comm (a write to /proc/PID/comm): at most 15 characters, kept as given. */
  setComm(pid: number, comm: string): Result<void> {
    const t = this.task(pid);
    if (!t.ok) return t;
    t.value.comm = comm.slice(0, 15);
    return success(undefined);
  }

  /**
   * swapoff(2) of the area swapped on from `path`: every swapped page comes
   * back into memory (tryToUnuse). EINVAL if no area is that file, ENOMEM
   * if memory cannot hold the pages.
   */
  swapoff(path: string): Result<void> {
    const found = swapTypeOf(this.swap, this.vfs, path);
    if (!found.ok) return found;
    const type = found.value;
    const priority = this.swap.areas[type]!.priority;
    // What is committed must still fit once the area's pages leave CommitLimit.
    const fits = this.swapoffFits(this.swap.areas[type]!.slots);
    if (!fits.ok) return fits;
    const users = [...this.tasks.values()].flatMap((t) =>
      t.mm === null ? [] : [{ mm: t.mm, pid: t.pid }],
    );
    const unique = users.filter((u, i) => users.findIndex((v) => v.mm === u.mm) === i);
    if (!tryToUnuse(this, unique, type, this.vfs.cachedInodes())) return failure("ENOMEM");
    giveBackPriority(this.swap, priority);
    return success(undefined);
  }

  /**
   * swapon(2) of the file at `path` (swapon.ts sysSwapon); `priority` -1
   * for the next automatic one. The kernel logs the area it added.
   */
  swapon(path: string, priority: number): Result<void> {
    const inode = this.vfs.lookup(path);
    if (!inode.ok) return inode;
    const area = sysSwapon(this, inode.value, priority, (record) => {
      this.log.push(record);
      this.logTimes.push(this.now);
    });
    if (!area.ok) return area;
    this.log.push(swapLogLine(area.value, inode.value.size));
    this.logTimes.push(this.now);
    return success(undefined);
  }

  /** mkswap's write of a swap header into the file at `path` (swapon.ts). */
  mkswap(path: string, options?: MkswapOptions): Result<MkswapReport> {
    const inode = this.vfs.lookup(path);
    if (!inode.ok) return inode;
    return mkswap(this, inode.value, this.now, options);
  }

  /**
   * swapoff's overcommit check, as the login shell (which runs the
   * command): a charge of the area's pages that is given back at once
   * (security_vm_enough_memory_mm then vm_unacct_memory), so in mode 2 the
   * commitment must fit the limit without them. ENOMEM otherwise.
   */
  private swapoffFits(pages: number): Result<void> {
    const shell = this.tasks.get(this.shellPid);
    const r = vmEnoughMemory(this, shell?.mm ?? null, pages);
    if (!r.ok) return shell === undefined ? r : this.refused(shell, r);
    this.commit.unacct(pages);
    return r;
  }

  /** The paths of the swap areas in use, in type order (swapoff -a). */
  swapPaths(): string[] {
    return this.swap.areas.flatMap((a) => (a === null ? [] : [a.path]));
  }

  /** mlock(2): locks the range and populates it (writing where the mapping is private and writable). */
  mlock(pid: number, addr: number, length: number): Result<AccessReport> {
    const t = this.live(pid);
    if (!t.ok) return t;
    const end = setLocked(t.value.mm, addr, length, true);
    if (!end.ok) return end;
    return this.populate(pid, addr, end.value);
  }

  munlock(pid: number, addr: number, length: number): Result<void> {
    const t = this.live(pid);
    if (!t.ok) return t;
    const end = setLocked(t.value.mm, addr, length, false);
    if (!end.ok) return end;
    clearMlocked(this, t.value.mm, addr, end.value, this.mms());
    return success(undefined);
  }

  /**
   * populate_vma_page_range over [start, end): faults every page in; a
   * private writable mapping is faulted for writing (FOLL_WRITE), so COW is
   * broken up front. Returns the fault report of the whole range.
   */
  populate(pid: number, start: number, end: number): Result<AccessReport> {
    const t = this.live(pid);
    return t.ok ? success(populateRange(this, t.value, start, end)) : t;
  }

  brk(pid: number, addr: number): Result<number> {
    const t = this.live(pid);
    return t.ok ? success(this.refused(t.value, doBrk(this, t.value.mm, addr))) : t;
  }

  /** msync(MS_SYNC) over a range: writes back the files mapped there. */
  msync(pid: number, addr: number, length: number): Result<number> {
    const t = this.live(pid);
    if (!t.ok) return t;
    if (addr % PAGE_SIZE !== 0 || length < 0) return failure("EINVAL");
    const end = addr + Math.ceil(length / PAGE_SIZE) * PAGE_SIZE;
    let written = 0;
    let at = addr;
    for (const vma of t.value.mm.vmas) {
      if (vma.end <= addr || vma.start >= end) continue;
      if (vma.start > at) return failure("ENOMEM");
      at = vma.end;
      if (vma.file === null || !(vma.flags & VM_SHARED)) continue; // only MAP_SHARED file pages
      const first = vma.pgoff + (Math.max(addr, vma.start) - vma.start) / PAGE_SIZE;
      const last = vma.pgoff + (Math.min(end, vma.end) - vma.start) / PAGE_SIZE;
      written += writeback(this, vma.file, first, last, this.mms());
    }
    if (at < end) return failure("ENOMEM");
    return success(written);
  }

  /**
   * The process loads from or stores to every page of a range. A signal the
   * access raises is delivered: the process dies (SIGSEGV, SIGBUS) and the
   * report says why.
   */
  access(
    pid: number,
    addr: number,
    length: number,
    write: boolean,
    word: number | WordSource | null = 0,
    collect = false,
    add = false,
  ): Result<AccessReport> {
    const t = this.live(pid);
    if (!t.ok) return t;
    if (length < 0 || !Number.isSafeInteger(addr) || !Number.isSafeInteger(length))
      return failure("EINVAL");
    const report = accessRange(this, t.value, addr, length, write, word, collect, add);
    if (report.signal !== null && this.tasks.get(pid)?.mm != null) {
      const { signo, addr: at, reason } = report.signal;
      if (signo === SIGSEGV) this.trace?.({ kind: "segv", pid, addr: at, write, reason });
      // init never dies, and the OOM killer spares the login shell
      // (oom_score_adj -1000): the access fails instead where Linux would
      // panic. A fault of the login shell's own (SIGSEGV, SIGBUS) kills it.
      if (pid === INIT_PID || (pid === LOGIN_SHELL_PID && signo === SIGKILL)) {
        return failure(
          signo === SIGKILL ? "ENOMEM" : "EFAULT",
          `${reason} at 0x${at.toString(16)}; pid ${pid} is never killed`,
        );
      }
      this.die(t.value, signaledStatus(signo));
    }
    return success(report);
  }

  /* ---- processes ---- */

  /** fork(2) by `pid`: a copy of its address space; the child's PID. */
  fork(pid: number): Result<number> {
    return this.clone(pid, { flags: FORK_FLAGS, stack: null });
  }

  /**
   * clone(2) by the task `pid` (clone.ts): copy_process, which fork, vfork
   * and clone share. The flags are checked first (EINVAL), then the task
   * table (EAGAIN), then the mm is copied (fork: ENOMEM as dup_mmap) or
   * shared (CLONE_VM: mmget); CLONE_THREAD puts the child in the caller's
   * group (thread.ts joinGroup), CLONE_VFORK makes the caller wait, and a
   * stack is where the child's first push faults. The child's PID (TID).
   */
  clone(pid: number, args: CloneArgs): Result<number> {
    const t = this.live(pid);
    if (!t.ok) return t;
    const parent = t.value;
    const invalid = cloneFlagsInvalid(args.flags, parent.tgid === INIT_PID);
    if (invalid !== null) return invalid;
    const full = this.tasksFull();
    if (full !== null) return full;
    let copy: { mm: Mm; copied: number } | null = null;
    if (!(args.flags & CLONE_VM)) {
      const dup = dupMm(this, parent.mm);
      if (!dup.ok) return this.refused(parent, dup);
      copy = dup.value;
    }
    let child: Task;
    if (args.flags & CLONE_THREAD) {
      child = this.newTask(parent.pid, parent.comm, null);
      joinGroup(this.tasks, parent, child);
    } else {
      if (copy === null) mmget(parent.mm);
      child = this.forkChild(parent, copy?.mm ?? parent.mm);
      child.ppid = parent.tgid;
      if (copy !== null && (parent.tgid !== parent.pid || parent.group !== null))
        forkedFromThread(this, parent, child);
      if (args.flags & CLONE_PARENT) child.ppid = leaderOf(this.tasks, parent).ppid;
      this.trace?.({
        kind: "fork",
        parent: parent.pid,
        child: child.pid,
        copied: copy?.copied ?? 0,
      });
    }
    if (args.flags & CLONE_VFORK) vforkWait(this, parent, child);
    if (args.stack !== null) this.access(child.pid, firstStackPage(args.stack), 1, true);
    return success(child.pid);
  }

  /**
   * execve(2) by `pid`. Nothing changes if the file cannot be executed;
   * after that the old address space is torn down and the new image built.
   */
  exec(
    pid: number,
    path: string,
    argv: readonly string[],
    options: ExecOptions = {},
  ): Result<void> {
    const task = this.tasks.get(pid);
    if (task === undefined || task.isZombie) return failure("ESRCH");
    const blocked = vforkBlocked(task);
    if (blocked !== null) return blocked;
    const r = this.doExec(task, path, argv, options);
    const execed = this.tasks.get(task.tgid) ?? task; // de_thread: a thread execs as the leader
    if (r.ok && !execed.isZombie) this.runActions(execed);
    return r;
  }

  /** The exec itself: the new image, and the new program's own behaviour queued (not yet run). */
  private doExec(
    caller: Task,
    path: string,
    argv: readonly string[],
    options: ExecOptions = {},
  ): Result<void> {
    const found = findExecutable(this.vfs, path);
    if (!found.ok) return found;
    const args = checkArgs(path, argv, options.env ?? []);
    if (!args.ok) return args;
    const task = deThread(this, this, caller); // the point of no return: the other threads go
    const imaged = execImage(this, task, found.value, argv, options, path);
    vforkRelease(this, task); // mm_release in exec_mmap: a vfork parent runs again
    if (!imaged) {
      // Memory ran out while the new program started, past the point of no
      // return: the OOM killer has killed it (the usual victim: the only
      // killable task), or, when it chose nobody, it dies the same way.
      if (!task.isZombie) this.oomKill(task);
      this.trace?.({ kind: "exec", pid: task.pid, path });
      return success(undefined);
    }
    task.forkNoExec = false;
    this.collectOrphans();
    task.actions = programActions(found.value.path, argv);
    task.wakeAt = null;
    startProgramTasks(this, task, programFor(found.value.path, argv), imaged); // its threads and workers
    this.trace?.({ kind: "exec", pid: task.pid, path });
    return success(undefined);
  }

  /** exit(2) by `pid` with `code`. */
  exit(pid: number, code: number): Result<void> {
    const t = this.live(pid);
    if (!t.ok) return t;
    if (t.value.tgid === INIT_PID) return failure("EPERM", "init cannot exit");
    this.die(t.value, exitedStatus(code));
    return success(undefined);
  }

  /**
   * kill(2) by root of `signo` (1 to 31; SIGKILL by default): the task dies
   * of it unless it is init, or the login shell ignoring or handling it
   * (signalKills). Succeeds for a zombie too, doing nothing.
   */
  kill(pid: number, signo = SIGKILL): Result<void> {
    const t = this.task(pid);
    if (!t.ok) return t;
    const task = t.value;
    if (!task.isZombie && signalKills(task, signo, task.tgid === LOGIN_SHELL_PID))
      this.die(task, signaledStatus(signo));
    return success(undefined);
  }

  /**
   * wait(2) by the parent of `pid` for it. A child that will exit by itself
   * later (a timed action) is waited for: the clock advances to its end.
   */
  wait(pid: number): Result<{ pid: number; status: number }> {
    const t = this.task(pid);
    if (!t.ok) return t;
    const child = t.value;
    if (pid === INIT_PID || child.tgid !== child.pid) return failure("ECHILD"); // nobody's child
    if (vforkWaiting(child)) return failure("EAGAIN", "it waits in vfork for its child");
    if (!child.isZombie) {
      const end = exitTime(child, this.now);
      if (end === null) return failure("EAGAIN", "it will never exit by itself");
      this.advance(end - this.now);
      // init reaped its own child as it exited: the status is what it collected.
      if (!this.tasks.has(pid)) return success({ pid, status: child.exitStatus });
    }
    const status = child.exitStatus;
    reap(this, child);
    return success({ pid, status });
  }

  /** Whether wait(pid) can complete: the task is a zombie, or will exit by itself. */
  canWait(pid: number): boolean {
    const task = this.tasks.get(pid);
    if (task === undefined || pid === INIT_PID || vforkWaiting(task)) return false;
    return task.isZombie || exitTime(task, this.now) !== null;
  }

  /**
   * spawn: the login shell forks and the child execs path (what typing a
   * command does); once the login shell is gone, init is the parent.
   */
  spawn(path: string, argv: readonly string[]): Result<number> {
    const found = findExecutable(this.vfs, path);
    if (!found.ok) return found;
    const args = checkArgs(path, argv, []);
    if (!args.ok) return args;
    const child = this.fork(this.shellPid);
    if (!child.ok) return child;
    // Job control: an interactive shell puts each command in its own process group.
    this.tasks.get(child.value)!.pgrp = child.value;
    const r = this.exec(child.value, path, argv);
    if (!r.ok) return r;
    return child;
  }

  /* ---- vfork and posix_spawn (vfork.ts) ---- */

  /**
   * vfork(2) by `pid`: the child borrows the parent's mm (no page copied,
   * no PTE changed) and the parent sleeps in `D` until the child execs or
   * exits. The child's PID.
   */
  vfork(pid: number): Result<number> {
    return this.clone(pid, { flags: VFORK_FLAGS, stack: null });
  }

  /**
   * spawn with the way the login shell starts the child: fork then exec
   * (spawn), vfork then exec, or glibc's posix_spawn (a stack mapped in
   * the shell's mm for the child, which faults in its top page, execs,
   * and the stack is unmapped again).
   */
  spawnVia(via: SpawnVia, path: string, argv: readonly string[]): Result<number> {
    if (via === "fork") return this.spawn(path, argv);
    const found = findExecutable(this.vfs, path);
    if (!found.ok) return found;
    const args = checkArgs(path, argv, []);
    if (!args.ok) return args;
    const shell = this.shellPid;
    let stack = 0;
    const bytes = spawnStackBytes(argv.length);
    if (via === "posix-spawn") {
      const r = this.mmap(shell, {
        addr: 0,
        length: bytes,
        prot: PROT_READ | PROT_WRITE,
        flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, // VM_NOHUGEPAGE (6.7 and later): mmap's
        file: null,
        fileWritable: false,
        offset: 0,
      });
      if (!r.ok) return r;
      stack = r.value;
    }
    const child = this.vfork(shell);
    if (!child.ok) {
      if (stack !== 0) this.munmap(shell, stack, bytes);
      return child;
    }
    this.tasks.get(child.value)!.pgrp = child.value;
    if (stack !== 0) this.access(child.value, spawnStackTouched(stack, bytes), 1, true);
    const r = this.exec(child.value, path, argv);
    if (!r.ok) {
      // The child _exits(127) and posix_spawn reaps it (vfork: the caller would).
      const task = this.tasks.get(child.value)!;
      this.die(task, exitedStatus(127));
      reap(this, task);
    }
    if (stack !== 0 && this.tasks.get(shell)?.mm != null) this.munmap(shell, stack, bytes);
    return r.ok ? child : r;
  }

  /* ---- threads (thread.ts) ---- */

  /** pthread_create by the task `tid` (a process or one of its threads): the new thread's TID. */
  createThread(tid: number): Result<number> {
    return createThread(this, tid);
  }

  /** The thread `tid` returns from its start routine and is joined. */
  exitThread(tid: number): Result<void> {
    return exitThread(this, tid);
  }

  /* ---- time ---- */

  /** Gives a process actions to perform from now on, in simulated time. */
  run(pid: number, actions: readonly Action[]): Result<void> {
    const t = this.live(pid);
    if (!t.ok) return t;
    t.value.actions.push(...actions);
    if (t.value.wakeAt === null) this.runActions(t.value);
    return success(undefined);
  }

  /** Runs a task's actions until one makes it sleep (or it exits). */
  private runActions(task: Task): void {
    runActions(this, task, (t, step) => this.perform(t, step));
  }

  /** Carries out one action that is not a sleep, as `task`. */
  private perform(task: Task, step: Step): void {
    if (step.kind === "exit") this.die(task, exitedStatus(step.status));
    else if (step.kind === "exec") {
      // The new program's behaviour replaces whatever was queued.
      const r = this.doExec(task, step.path, step.argv);
      const leader = this.tasks.get(task.tgid);
      if (r.ok && leader !== undefined && leader !== task && !leader.isZombie)
        this.runActions(leader);
      if (!r.ok) {
        // as dash's `exec` fails: its message, then exit 126 (EACCES) or 127
        const denied = r.errno === "EACCES";
        this.ttyErr.push(
          `${task.comm}: 1: exec: ${step.path}: ${denied ? "Permission denied" : "not found"}`,
        );
        this.die(task, exitedStatus(denied ? 126 : 127));
      }
    } else this.access(task.pid, step.addr, step.length, step.kind === "write");
  }

  /**
   * The next word of the content generator (`write --random`): xorshift32,
   * never 0 (a zeroed page's word), deterministic from boot.
   */
  randomWord(): number {
    let x = this.randomState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.randomState = x >>> 0;
    return this.randomState;
  }

  /** Every live mm with its task's PID (for ksmd). */
  liveMms(): Map<Mm, number> {
    const found = new Map<Mm, number>();
    for (const t of this.tasks.values())
      if (t.mm !== null && !found.has(t.mm)) found.set(t.mm, t.pid);
    return found;
  }

  /** The login shell's wait status if it died since the last call, else null. */
  takeLoginShellDeath(): number | null {
    const status = this.loginShellStatus;
    this.loginShellStatus = null;
    return status;
  }

  /** The lines processes wrote to the terminal since the last call, oldest first. */
  takeTtyErr(): string[] {
    return this.ttyErr.splice(0);
  }

  /** Advances the clock by `ns`, running every action that falls due, in time order. */
  advance(ns: number): void {
    const target = this.now + Math.max(0, ns);
    // ksmd's batches (ksm.ts) interleave with the tasks' timed actions.
    for (let at = this.ksm.nextBatch(this, this.now, target); at !== null; ) {
      advanceTo(this, at, (task) => this.runActions(task));
      this.ksm.batch(this, this.liveMms());
      at = this.ksm.nextBatch(this, this.now, target);
    }
    advanceTo(this, target, (task) => this.runActions(task));
    this.vfs.now = this.bootTime + Math.floor(this.now / NSEC_PER_SEC);
  }

  /* ---- files ---- */

  /**
   * get_write_access refused (ETXTBSY): `inode` is an active swap area
   * (S_SWAPFILE) or a program runs from it (exec.ts textBusy). Truncate,
   * fallocate and write all ask here first.
   */
  private writeDenied(inode: Inode): boolean {
    return swapAreaOf(this.swap, inode) !== undefined || textBusy(this, this.tasks.values(), inode);
  }

  /** truncate -s: sets a file's size, creating it; pages beyond the end leave the cache. */
  truncate(path: string, size: number): Result<Inode> {
    if (!Number.isSafeInteger(size) || size < 0) return failure("EINVAL");
    const inode = this.vfs.create(path);
    if (!inode.ok) return inode;
    if (this.writeDenied(inode.value)) return failure("ETXTBSY");
    // Growing leaves a hole: the blocks allocated stay what they were.
    const allocated = inode.value.allocated ?? roundUpToPage(inode.value.size);
    truncateInode(this.phys, this.vfs, inode.value, size, this.swap);
    setAllocated(inode.value, Math.min(allocated, roundUpToPage(size)));
    return inode;
  }

  /** fallocate -l LEN: the file is at least `length` bytes, all of them allocated (no holes there). */
  fallocate(path: string, length: number): Result<Inode> {
    if (!Number.isSafeInteger(length) || length <= 0) return failure("EINVAL");
    const inode = this.vfs.create(path);
    if (!inode.ok) return inode;
    if (inode.value.type !== "reg") return failure("ENODEV");
    if (this.writeDenied(inode.value)) return failure("ETXTBSY");
    const allocated = inode.value.allocated ?? roundUpToPage(inode.value.size);
    if (length > inode.value.size) {
      inode.value.size = length;
      inode.value.mtime = this.vfs.now;
    }
    setAllocated(inode.value, Math.max(allocated, roundUpToPage(length)));
    return inode;
  }

  /** chmod(2): the file's permission bits. */
  chmod(path: string, mode: number): Result<Inode> {
    const inode = this.vfs.lookup(path);
    if (!inode.ok) return inode;
    inode.value.mode = mode & 0o7777;
    return inode;
  }

  /** write(2) of `text` to a file (replacing or appending): its pages are cached dirty. */
  writeFile(path: string, text: string, append: boolean): Result<Inode> {
    const inode = this.vfs.create(path);
    if (!inode.ok) return inode;
    if (this.writeDenied(inode.value)) return failure("ETXTBSY");
    if (!append) delete inode.value.allocated;
    const r = performWrite(this, inode.value, text, append, this.shellPid);
    return r.ok ? inode : r;
  }

  /** fsync(2): writes the file's dirty pages back (they become clean). */
  fsync(path: string): Result<number> {
    const inode = this.vfs.lookup(path);
    if (!inode.ok) return inode;
    return success(writeback(this, inode.value, 0, Number.MAX_SAFE_INTEGER, this.mms()));
  }

  /** posix_fadvise(DONTNEED)-like: drops the file's clean, unmapped cached pages. */
  evict(path: string): Result<number> {
    const inode = this.vfs.lookup(path);
    return inode.ok ? success(invalidateCleanPages(this.phys, inode.value)) : inode;
  }

  unlink(path: string): Result<void> {
    const named = this.vfs.lookup(path, true);
    if (named.ok && swapAreaOf(this.swap, named.value) !== undefined) return failure("EPERM");
    const r = this.vfs.unlink(path);
    if (!r.ok) return r;
    if (r.value.nlink === 0 && !isMapped(r.value, this.mms()))
      releaseInodePages(this.phys, r.value, this.swap);
    return success(undefined);
  }

  /** Frees the shmem objects and deleted files that no mapping holds any more. */
  collectOrphans(): void {
    collectOrphans(this.phys, this.vfs, () => this.mms(), this.swap);
    releaseHugetlbOrphans(this, this.mms());
    uncommitOrphans(this);
  }

  /** The anonymous-mapping flags the shell uses. */
  static readonly ANON_PRIVATE = MAP_PRIVATE | MAP_ANONYMOUS;
  static readonly ANON_SHARED = MAP_SHARED | MAP_ANONYMOUS;
  static readonly RW = PROT_READ | PROT_WRITE;
}

const roundUpToPage = (bytes: number): number => Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE;

/** Records the bytes allocated to a file; none missing up to its size: no holes (the field goes). */
function setAllocated(inode: Inode, allocated: number): void {
  if (allocated >= roundUpToPage(inode.size)) delete inode.allocated;
  else inode.allocated = allocated;
}
