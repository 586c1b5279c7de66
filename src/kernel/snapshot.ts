/**
 * Machine images: the whole machine as plain data, and a machine rebuilt
 * from such data (`save`, `load`, `cowsh --load`). No I/O here: the command
 * layer turns an image into bytes (with a header, a checksum and gzip) and
 * back.
 *
 * An image holds everything a machine holds, so that after a round trip
 * every /proc file reads the same, byte for byte, and the two machines go
 * on identically (the same frames allocated, the same timed actions firing):
 *
 * - frames below the allocator's high-water mark (mapcount, flags, content
 *   word), the bump pointer and the free stack in order;
 * - the file tree and every inode reachable from it, from a mapping, from
 *   an exe link or from the page-cache list (unlinked shmem and memfd
 *   objects included): page cache, written-back words, text, mtime; a root
 *   image file's ELF headers are named by its path in the root image (rootfs-image.json);
 * - PTE tables once each, however many mms share one, with their sharer
 *   counts; each mm's slots name a table and a young bitmap by index;
 * - anon_vmas once each, so VMAs that shared one share it again;
 * - every task field, pending actions and wake-up times, the clock, the
 *   PID counter, the inode counters, the boot options and the kernel log.
 *
 * Typed arrays stay typed arrays in the image; the encoder decides how to
 * store them. loadMachine() trusts nothing: it checks the data's shape and
 * bounds before building anything, then the machine's invariants, and
 * answers a problem instead of a machine when any check fails.
 */
import type { OvercommitSysctls } from "./commit.js";
import { PAGE_SIZE, PMD_SIZE, PTRS_PER_PTE, TASK_SIZE } from "./constants.js";
import { INIT_PID } from "./exit.js";
import {
  MTHP_MODES,
  MTHP_ORDERS,
  type MthpMode,
  SHMEM_ENABLED_MODES,
  type ShmemEnabled,
  THP_DEFRAG_MODES,
  THP_ENABLED_MODES,
  type ThpDefrag,
  type ThpEnabled,
} from "./huge-memory.js";
import { HugetlbPool, newHugetlbFile } from "./hugetlb.js";
import { checkInvariants } from "./invariants.js";
import { KERNEL_VERSIONS, type KernelConfig } from "./kernel.js";
import type { KsmImage, KsmTunables } from "./ksm.js";
import { LOGIN_SHELL_PID, Machine, PID_MAX } from "./machine.js";
import { MM_SAVED_NUMBERS, Mm, type MmSavedNumber, mmget } from "./mm.js";
import { PteTable, ptePresent } from "./page-table.js";
import {
  KIND_FREE,
  KIND_MASK,
  LRU_SEQ_LIMIT,
  PG_CACHED,
  PG_RESERVED,
  PhysMem,
  stampSeq,
} from "./phys.js";
import { bootSpecialFrames } from "./rootfs.js";
import { ROOTFS_FILES } from "./rootfs-image.js";
import {
  restoreSwap,
  restoreSwapRuntime,
  type SwapAreaImage,
  type SwapImage,
  type SwapRuntimeImage,
  SwapState,
  saveSwap,
  saveSwapRuntime,
} from "./swap.js";
import {
  restoreSwapHeaders,
  type SwapHeaders,
  type SwapHeadersImage,
  saveSwapHeaders,
} from "./swapon.js";
import { type Action, STATE_NAMES, Task, type TaskState } from "./task.js";
import { checkThreadGroups, ThreadGroup } from "./thread.js";
import {
  fileWord,
  type Inode,
  type InodeType,
  type Mount,
  PageCache,
  Vfs,
  type VfsState,
  zeroWords,
} from "./vfs.js";
import { type AnonVma, newVma, type ReadaheadState, type SpecialMapping, type Vma } from "./vma.js";
import { restoreVmStat, saveVmStat, type VmStatImage } from "./vmstat.js";

/** The layout version of MachineImage; an image with a higher one is refused. */
export const IMAGE_VERSION = 1;

export interface MachineImage {
  readonly version: number;
  readonly config: KernelConfig;
  readonly now: number;
  readonly nextPid: number;
  readonly log: readonly string[];
  readonly logTimes: readonly number[];
  readonly phys: PhysImage;
  readonly vfs: VfsImage;
  readonly tables: TablesImage;
  /** anon_vma ids; a VMA names its anon_vma by index in this list. */
  readonly anonVmas: readonly number[];
  /** The process table, in its order. */
  readonly tasks: readonly TaskImage[];
  /** Swap areas and the swap cache; absent when the machine never had swap. */
  readonly swap?: SwapImage;
  /** The vm.overcommit_* sysctls; absent in older images (the boot defaults). */
  readonly sysctls?: OvercommitSysctls;
  /** The lazyfree batch, page-cluster and swap read-ahead's state; absent when as at boot. */
  readonly swapRuntime?: SwapRuntimeImage;
  /** The swap headers mkswap wrote (swapon.ts); absent when none. */
  readonly swapHeaders?: SwapHeadersImage;
  /** The LRU lists' order; absent in older images (each list then in PFN order). */
  readonly lru?: LruImage;
  /** KSM (ksm.ts); absent in older images (ksmd as at boot). */
  readonly ksm?: KsmImage;
  /** The content generator of `write --random`; absent in older images. */
  readonly randomState?: number;
  /** transparent_hugepage/enabled and defrag; absent in older images (the boot option, madvise). */
  readonly thp?: {
    readonly enabled: string;
    readonly defrag: string;
    readonly shmemEnabled?: string;
    /** mTHP sizes as [order, mode]; absent in older images (the defaults). */
    readonly sizes?: readonly (readonly [number, string])[];
  };
  /** The hugetlb pool (hugetlb.ts); absent when it never held a page. */
  readonly hugetlb?: HugetlbPoolImage;
}

/** The hugetlb pool: its free pages' heads (the next handed out last) and its counters. */
export interface HugetlbPoolImage {
  readonly free: readonly number[];
  readonly total: number;
  readonly resv: number;
  readonly surplus: number;
}

/** The LRU lists' order: each frame's lru stamp (phys.ts), frames [0, bump), and the last seq given. */
export interface LruImage {
  readonly seq: number;
  readonly stamps: Uint32Array;
}

/** Frames [0, bump): every frame above was never handed out, so is all zeros. */
export interface PhysImage {
  readonly nrFrames: number;
  readonly bump: number;
  readonly nrFree: number;
  /** The free stack, bottom first (the top is handed out next). */
  readonly free: Uint32Array;
  readonly mapcount: Uint32Array;
  readonly flags: Uint16Array;
  readonly content: Uint32Array;
  /** Large folios as [head, order]; absent when there are none. */
  readonly large?: readonly (readonly [number, number])[];
  /** The event counters and the reclaim scanner's positions; absent in older images (all 0). */
  readonly vm?: VmStatImage;
}

export interface VfsImage {
  readonly now: number;
  readonly nextIno: number;
  readonly nextShmemIno: number;
  readonly mounts: readonly { path: string; dev: [number, number]; shmem: boolean }[];
  /** Index of "/" in `inodes`. */
  readonly root: number;
  /** The page-cache list, in order, as indexes in `inodes`. */
  readonly cached: readonly number[];
  readonly inodes: readonly InodeImage[];
}

export interface InodeImage {
  readonly ino: number;
  readonly dev: [number, number];
  readonly type: InodeType;
  readonly mode: number;
  readonly size: number;
  readonly nlink: number;
  readonly shmem: boolean;
  readonly path: string;
  readonly mtime: number;
  /** What a page never written reads as: zeros, or the root image file's words (fileWord). */
  readonly words: "zero" | "image";
  /** Cached pages: (page index, pfn) pairs, in index order. */
  readonly cache: Float64Array;
  /** Written-back pages: (page index, word) pairs, in the order they were first written. */
  readonly disk: Float64Array;
  /** A shmem object's swapped pages: (page index, swap entry) pairs; absent when none. */
  readonly swapped?: Float64Array;
  /** A directory's entries, in order: (name, index in `inodes`). */
  readonly entries?: readonly [string, number][];
  readonly target?: string;
  readonly text?: string;
  /** The path in the root image whose ELF headers the file carries. */
  readonly elf?: string;
  /** Bytes allocated, when fewer than the size (holes). */
  readonly allocated?: number;
  /** A hugetlbfs file (hugetlb.ts): its pages as (index, head pfn) pairs, its reserved indices, its owner's anon_vma (index in anonVmas). */
  readonly hugetlb?: {
    readonly pages: readonly number[];
    readonly resv: readonly number[];
    readonly owner: number | null;
    /** Children's VMAs the owner took a page from (anonVmas indices); absent when none. */
    readonly unmapped?: readonly number[];
  };
}

/** Every PTE table once: table i is pte[512 i, 512 (i + 1)), used by sharers[i] mms. */
export interface TablesImage {
  readonly pte: Uint32Array;
  readonly sharers: readonly number[];
  /** Young bitmaps, 16 words each; a slot names one by index (-1: all old). */
  readonly young: Uint32Array;
}

const TASK_NUMBERS = [
  "pid",
  "ppid",
  "pgrp",
  "session",
  "minflt",
  "majflt",
  "cminflt",
  "cmajflt",
  "exitStatus",
  "startTime",
  "oomScoreAdj",
] as const;

export type TaskImage = { readonly [K in (typeof TASK_NUMBERS)[number]]: number } & {
  readonly comm: string;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  /** Index in vfs.inodes, or null. */
  readonly exe: number | null;
  readonly state: TaskState;
  readonly actions: readonly Action[];
  readonly wakeAt: number | null;
  readonly forkNoExec: boolean;
  readonly mm: MmImage | null;
} & VforkImage &
  ThreadImage;

/* ---- vfork (vfork.ts): a pair's links, and an mm the child borrows ---- */

/** A vfork pair's fields of a task; absent in older images and on tasks outside a pair. */
interface VforkImage {
  /** The task uses the mm saved with this earlier task (a vfork child), instead of `mm`. */
  readonly mmOf?: number;
  readonly vforkParent?: number;
  readonly vforkChild?: number;
  readonly vforkSavedState?: TaskState;
  readonly vforkPausedNs?: number;
}

/** The mms saved so far in one save, with the task that holds each. */
const savedMms = new WeakMap<Saving, Map<Mm, number>>();

/** saveTask's mm: saved with the first task using it; the others name that task. */
function saveTaskMm(task: Task, s: Saving): { mm: MmImage | null } & VforkImage {
  if (task.mm === null) return { mm: null };
  const saved = savedMms.get(s) ?? new Map<Mm, number>();
  savedMms.set(s, saved);
  const holder = saved.get(task.mm);
  if (holder !== undefined) return { mm: null, mmOf: holder };
  saved.set(task.mm, task.pid);
  return { mm: saveMm(task.mm, s) };
}

function saveVfork(task: Task): VforkImage {
  if (task.vforkParent === null && task.vforkChild === null) return {};
  return {
    ...(task.vforkParent === null ? {} : { vforkParent: task.vforkParent }),
    ...(task.vforkChild === null
      ? {}
      : {
          vforkChild: task.vforkChild,
          vforkSavedState: task.vforkSavedState,
          ...(task.vforkPausedNs === null ? {} : { vforkPausedNs: task.vforkPausedNs }),
        }),
  };
}

/**
 * Threads (thread.ts): a thread's image names its group (`tgid`) and has no
 * mm of its own (it shares its leader's); a leader that made threads keeps
 * its group's counts and glibc's stacks (`group`). Both absent otherwise.
 */
interface ThreadImage {
  readonly tgid?: number;
  readonly group?: {
    readonly deadMinflt: number;
    readonly deadMajflt: number;
    /** Triples: the mapping's start, its size, the TID on it (0: cached). */
    readonly stacks: readonly number[];
  };
}

function saveThread(task: Task): ThreadImage {
  const g = task.group;
  return {
    ...(task.tgid !== task.pid ? { tgid: task.tgid } : {}),
    ...(g === null
      ? {}
      : {
          group: {
            deadMinflt: g.deadMinflt,
            deadMajflt: g.deadMajflt,
            stacks: g.stacks.flatMap((st) => [st.base, st.size, st.tid]),
          },
        }),
  };
}

/** Tasks loaded with `mmOf`: linked to that task's mm once every task is loaded. */
const borrowers = new WeakMap<Task, number>();

function loadVfork(task: Task, x: Record<string, unknown>, at: string): void {
  const pid = (k: string) => (x[k] === undefined ? null : int(x[k], `${at}.${k}`, 1, PID_MAX));
  task.vforkParent = pid("vforkParent");
  task.vforkChild = pid("vforkChild");
  if (x.vforkSavedState !== undefined) {
    const state = text(x.vforkSavedState, `${at}.vforkSavedState`);
    if (!Object.hasOwn(STATE_NAMES, state)) problem(`${at}.vforkSavedState`, `'${state}'`);
    task.vforkSavedState = state as TaskState;
  }
  task.vforkPausedNs =
    x.vforkPausedNs === undefined ? null : int(x.vforkPausedNs, `${at}.vforkPausedNs`);
  const mmOf = pid("mmOf");
  if (mmOf !== null) {
    if (x.mm !== null) problem(`${at}.mmOf`, "a task with its own mm");
    borrowers.set(task, mmOf);
  }
}

/** Each task loaded with `mmOf` uses that earlier task's mm (mmget). */
function linkBorrowedMms(tasks: readonly Task[]): void {
  const byPid = new Map(tasks.map((t) => [t.pid, t]));
  for (const task of tasks) {
    const of = borrowers.get(task);
    if (of === undefined) continue;
    const holder = byPid.get(of);
    if (holder === undefined || holder.mm === null || borrowers.has(holder))
      problem(`tasks.${task.pid}.mmOf`, `${of} holds no saved mm`);
    task.mm = holder.mm;
    task.mm.users++;
  }
}

function loadThread(x: Record<string, unknown>, at: string, task: Task): void {
  if (x.tgid !== undefined) task.tgid = int(x.tgid, `${at}.tgid`, 1, PID_MAX);
  if (x.group === undefined) return;
  const g = record(x.group, `${at}.group`);
  const group = new ThreadGroup();
  group.deadMinflt = int(g.deadMinflt, `${at}.group.deadMinflt`);
  group.deadMajflt = int(g.deadMajflt, `${at}.group.deadMajflt`);
  const flat = list(g.stacks, `${at}.group.stacks`).map((n, i) =>
    int(n, `${at}.group.stacks[${i}]`),
  );
  if (flat.length % 3 !== 0) problem(`${at}.group.stacks`, "not triples");
  for (let i = 0; i < flat.length; i += 3)
    group.stacks.push({ base: flat[i]!, size: flat[i + 1]!, tid: flat[i + 2]! });
  task.group = group;
}

/** A thread shares its leader's mm (one more mm_users); then the groups must hold together. */
function linkThreads(tasks: readonly Task[]): void {
  const byPid = new Map(tasks.map((t) => [t.pid, t]));
  for (const t of tasks) {
    if (t.tgid === t.pid) continue;
    const leader = byPid.get(t.tgid);
    if (leader === undefined || leader.tgid !== leader.pid || leader.mm === null || t.isZombie)
      problem(`tasks: PID ${t.pid}`, `a thread of ${t.tgid}, which is no live process`);
    t.mm = leader.mm;
    mmget(leader.mm);
  }
  const wrong = checkThreadGroups(byPid);
  if (wrong.length > 0) problem("tasks", wrong[0]!);
}

const MM_NUMBERS = MM_SAVED_NUMBERS;

export type MmImage = { readonly [K in MmSavedNumber]: number } & {
  readonly vmas: readonly VmaImage[];
  /** The page table's slots in order, as triples: region key, table index, young index (-1: none). */
  readonly slots: readonly number[];
  /** Huge entries of hugetlb VMAs (hugetlb.ts) as (2 MiB page index, entry) pairs; absent when none. */
  readonly hugePtes?: readonly number[];
  /** Regions mapped by a huge PMD (huge-memory.ts); absent when none. */
  readonly huge?: readonly number[];
};

export interface VmaImage {
  readonly start: number;
  readonly end: number;
  readonly flags: number;
  readonly pgoff: number;
  /** Index in vfs.inodes, or null. */
  readonly file: number | null;
  /** Index in anonVmas, or null. */
  readonly anonVma: number | null;
  readonly anonVmaForked: boolean;
  readonly anonName: string | null;
  readonly special: SpecialMapping | null;
  readonly ra: ReadaheadState | null;
}

const YOUNG_WORDS = PTRS_PER_PTE / 32;
const SPECIALS: readonly SpecialMapping[] = ["vdso", "vvar", "vvar_vclock"];

/** Root image files with ELF headers, by path: what an image's `elf` names. */
const ELF_BY_PATH = new Map(
  ROOTFS_FILES.filter((f) => f.elf !== undefined).map((f) => [f.path, f.elf!] as const),
);
const PATH_BY_ELF = new Map([...ELF_BY_PATH].map(([path, elf]) => [elf, path]));

/* ---- saving ---- */

/** Numbers objects by identity, in the order first seen. */
class Numbering<T> {
  readonly list: T[] = [];
  private readonly index = new Map<T, number>();
  of(item: T): number {
    let i = this.index.get(item);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(item, i);
      this.list.push(item);
    }
    return i;
  }
}

interface Saving {
  readonly inodes: Numbering<Inode>;
  readonly tables: Numbering<PteTable>;
  readonly young: Numbering<Uint32Array>;
  readonly anonVmas: Numbering<AnonVma>;
}

/** The whole machine as plain data. Changes nothing in the machine. */
export function saveMachine(m: Machine): MachineImage {
  const s: Saving = {
    inodes: new Numbering(),
    tables: new Numbering(),
    young: new Numbering(),
    anonVmas: new Numbering(),
  };
  const tasks = [...m.tasks.values()].map((task) => saveTask(task, s));
  const { bump, free } = m.phys.allocatorState();
  return {
    version: IMAGE_VERSION,
    config: { ...m.config },
    now: m.now,
    nextPid: m.lastPid + 1,
    log: [...m.log],
    logTimes: [...m.logTimes],
    phys: {
      nrFrames: m.phys.nrFrames,
      bump,
      nrFree: m.phys.nrFree,
      free,
      mapcount: Uint32Array.from({ length: bump }, (_, pfn) => m.phys.mapcountOf(pfn)),
      flags: m.phys.flags.slice(0, bump),
      content: m.phys.content.slice(0, bump),
      ...(m.phys.large.size > 0 ? { large: [...m.phys.large] } : {}),
      vm: saveVmStat(m.phys.vm),
    },
    vfs: saveVfs(m.vfs, s),
    tables: saveTables(s),
    anonVmas: s.anonVmas.list.map((a) => a.id),
    tasks,
    ...(m.swap.areas.length > 0 ? { swap: saveSwap(m.swap) } : {}),
    sysctls: m.commit.sysctls(),
    ...swapRuntimeOf(m.swap),
    ...(m.swapHeaders.bySeed.size > 0 ? { swapHeaders: saveSwapHeaders(m.swapHeaders) } : {}),
    lru: saveLru(m.phys, bump),
    ksm: m.ksm.save((mm) => [...m.tasks.values()].find((t) => t.mm === mm)?.pid ?? -1),
    randomState: m.randomState,
    ...(m.hugetlb.total > 0 ? { hugetlb: saveHugetlbPool(m.hugetlb) } : {}),
    thp: {
      enabled: m.thp.enabled,
      defrag: m.thp.defrag,
      shmemEnabled: m.thp.shmemEnabled,
      sizes: [...m.thp.sizes],
    },
  };
}

function saveHugetlbPool(pool: HugetlbPool): HugetlbPoolImage {
  return { free: [...pool.free], total: pool.total, resv: pool.resv, surplus: pool.surplus };
}

function saveLru(phys: PhysMem, bump: number): LruImage {
  return { seq: phys.lruSeq, stamps: phys.lruStamps().slice(0, bump) };
}

/**
 * The LRU order an image saved, each stamp below the last seq given (the
 * invariant checker then checks that each names its frame's list and that
 * no two share a place); without one, every frame in use joins its list
 * in PFN order, as the scanner of older builds visited them.
 */
function loadLru(v: unknown, phys: PhysMem): void {
  if (v === undefined) {
    for (let pfn = phys.firstUsable; pfn < phys.highWater; pfn++) phys.lruAdd(pfn);
    return;
  }
  const x = record(v, "lru");
  const seq = int(x.seq, "lru.seq", 0, LRU_SEQ_LIMIT - 1);
  const stamps = typed(x.stamps, Uint32Array, "lru.stamps", phys.highWater);
  stamps.forEach((stamp, pfn) => {
    if (stampSeq(stamp) > seq) problem(`lru.stamps[${pfn}]`, `a place after the last (${seq})`);
  });
  phys.restoreLru(stamps, seq);
}

function saveTask(task: Task, s: Saving): TaskImage {
  const numbers = Object.fromEntries(TASK_NUMBERS.map((k) => [k, task[k]])) as {
    [K in (typeof TASK_NUMBERS)[number]]: number;
  };
  return {
    ...numbers,
    comm: task.comm,
    argv: [...task.argv],
    env: [...task.env],
    exe: task.exe === null ? null : s.inodes.of(task.exe),
    state: task.state,
    actions: task.actions.map((a) => ({ ...a })),
    wakeAt: task.wakeAt,
    forkNoExec: task.forkNoExec,
    ...(task.tgid !== task.pid ? { mm: null } : saveTaskMm(task, s)), // a thread's mm is its leader's
    ...saveVfork(task),
    ...saveThread(task),
  };
}

function saveMm(mm: Mm, s: Saving): MmImage {
  const numbers = Object.fromEntries(MM_NUMBERS.map((k) => [k, mm[k]])) as {
    [K in MmSavedNumber]: number;
  };
  const slots: number[] = [];
  mm.pt.forEachTable((key, table, young) => {
    slots.push(key, s.tables.of(table), young === null ? -1 : s.young.of(young));
  });
  const hugePtes = [...mm.hugePtes].flat();
  const huge = mm.pt.hugeKeys();
  return {
    ...numbers,
    vmas: mm.vmas.map((v) => saveVma(v, s)),
    slots,
    ...(hugePtes.length > 0 ? { hugePtes } : {}),
    ...(huge.length > 0 ? { huge } : {}),
  };
}

function saveVma(vma: Vma, s: Saving): VmaImage {
  return {
    start: vma.start,
    end: vma.end,
    flags: vma.flags,
    pgoff: vma.pgoff,
    file: vma.file === null ? null : s.inodes.of(vma.file),
    anonVma: vma.anonVma === null ? null : s.anonVmas.of(vma.anonVma),
    anonVmaForked: vma.anonVmaForked,
    anonName: vma.anonName,
    special: vma.special,
    ra: vma.ra === null ? null : { ...vma.ra },
  };
}

function saveTables(s: Saving): TablesImage {
  const pte = new Uint32Array(s.tables.list.length * PTRS_PER_PTE);
  s.tables.list.forEach((t, i) => {
    pte.set(t.entries, i * PTRS_PER_PTE);
  });
  const young = new Uint32Array(s.young.list.length * YOUNG_WORDS);
  s.young.list.forEach((y, i) => {
    young.set(y, i * YOUNG_WORDS);
  });
  return { pte, sharers: s.tables.list.map((t) => t.sharers), young };
}

function saveVfs(vfs: Vfs, s: Saving): VfsImage {
  const state = vfs.snapshotState();
  const root = s.inodes.of(vfs.root);
  const cached = state.cached.map((inode) => s.inodes.of(inode));
  const inodes: InodeImage[] = [];
  // Saving a directory numbers its entries, so the list grows as we go.
  for (let i = 0; i < s.inodes.list.length; i++) inodes.push(saveInode(s.inodes.list[i]!, s));
  return {
    now: state.now,
    nextIno: state.nextIno,
    nextShmemIno: state.nextShmemIno,
    mounts: state.mounts.map((mt) => ({
      path: mt.path,
      dev: [mt.dev.major, mt.dev.minor],
      shmem: mt.shmem,
    })),
    root,
    cached,
    inodes,
  };
}

function saveInode(inode: Inode, s: Saving): InodeImage {
  const words = inode.initialWord === zeroWords ? "zero" : "image";
  if (words === "image" && inode.initialWord(0) !== fileWord(inode.ino, 0))
    throw new Error(`save: ${inode.path}: its pages' initial content cannot be saved`);
  let elf: string | undefined;
  if (inode.elf !== undefined) {
    elf = PATH_BY_ELF.get(inode.elf);
    if (elf === undefined)
      throw new Error(`save: ${inode.path}: ELF headers not from the root image`);
  }
  const cache = new Float64Array(inode.cache.size * 2);
  let at = 0;
  for (const [index, pfn] of inode.cache.entries()) {
    cache[at++] = index;
    cache[at++] = pfn;
  }
  const disk = new Float64Array(inode.disk.size * 2);
  at = 0;
  for (const [index, word] of inode.disk) {
    disk[at++] = index;
    disk[at++] = word;
  }
  return {
    ino: inode.ino,
    dev: [inode.dev.major, inode.dev.minor],
    type: inode.type,
    mode: inode.mode,
    size: inode.size,
    nlink: inode.nlink,
    shmem: inode.shmem,
    path: inode.path,
    mtime: inode.mtime,
    words,
    cache,
    disk,
    ...(inode.swapped.size === 0 ? {} : { swapped: Float64Array.from([...inode.swapped].flat()) }),
    ...(inode.entries === undefined
      ? {}
      : { entries: [...inode.entries].map(([name, child]) => [name, s.inodes.of(child)]) }),
    ...(inode.target === undefined ? {} : { target: inode.target }),
    ...(inode.text === undefined ? {} : { text: inode.text }),
    ...(inode.allocated === undefined ? {} : { allocated: inode.allocated }),
    ...(elf === undefined ? {} : { elf }),
    ...(inode.hugetlb === undefined
      ? {}
      : {
          hugetlb: {
            pages: [...inode.hugetlb.pages].flat(),
            resv: [...inode.hugetlb.resv],
            owner: inode.hugetlb.owner === null ? null : s.anonVmas.of(inode.hugetlb.owner),
            ...(inode.hugetlb.unmapped.size === 0
              ? {}
              : { unmapped: [...inode.hugetlb.unmapped].map((a) => s.anonVmas.of(a)) }),
          },
        }),
  };
}

/* ---- loading ---- */

export type LoadResult =
  | { readonly ok: true; readonly machine: Machine }
  | { readonly ok: false; readonly problem: string };

/** Thrown by the checks below; loadMachine turns it into a problem. */
class ImageProblem extends Error {}

function problem(at: string, what: string): never {
  throw new ImageProblem(`${at}: ${what}`);
}

function record(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v) || ArrayBuffer.isView(v))
    problem(at, "not an object");
  return v as Record<string, unknown>;
}

function list(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) problem(at, "not a list");
  return v;
}

function int(v: unknown, at: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max)
    problem(at, `not an integer from ${min} to ${max}`);
  return v;
}

function bool(v: unknown, at: string): boolean {
  if (typeof v !== "boolean") problem(at, "not true or false");
  return v;
}

function text(v: unknown, at: string): string {
  if (typeof v !== "string") problem(at, "not a string");
  return v;
}

const orNull = <T>(v: unknown, read: (v: unknown) => T): T | null => (v === null ? null : read(v));

function strings(v: unknown, at: string): string[] {
  return list(v, at).map((s, i) => text(s, `${at}[${i}]`));
}

function typed<T extends Uint32Array | Uint16Array | Float64Array>(
  v: unknown,
  kind: new (n: number) => T,
  at: string,
  length?: number,
): T {
  if (!(v instanceof kind)) problem(at, `not a ${kind.name}`);
  if (length !== undefined && v.length !== length) problem(at, `holds ${v.length}, not ${length}`);
  return v;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * A machine from an image saveMachine() made, or the first problem found
 * if `data` is not one (wrong shape, out of range, inconsistent). Nothing
 * outside the new machine is touched either way.
 */
export function loadMachine(data: unknown): LoadResult {
  try {
    return { ok: true, machine: load(record(data, "image")) };
  } catch (e) {
    if (e instanceof ImageProblem) return { ok: false, problem: e.message };
    throw e;
  }
}

function load(image: Record<string, unknown>): Machine {
  const version = int(image.version, "version", 1);
  if (version !== IMAGE_VERSION) problem("version", `${version} is not ${IMAGE_VERSION}`);
  const config = loadConfig(record(image.config, "config"));
  const phys = loadPhys(record(image.phys, "phys"), config);
  loadLru(image.lru, phys);
  const vfsImage = record(image.vfs, "vfs");
  const inodes = loadInodes(vfsImage, phys);
  const vfsState = loadVfsState(vfsImage, inodes);
  const root = inodes[int(vfsImage.root, "vfs.root", 0, inodes.length - 1)]!;
  if (root.type !== "dir") problem("vfs.root", "not a directory");
  const tables = loadTables(record(image.tables, "tables"));
  const anonVmas = list(image.anonVmas, "anonVmas").map(
    (id, i): AnonVma => ({ id: int(id, `anonVmas[${i}]`) }),
  );
  loadHugetlbFiles(vfsImage, inodes, anonVmas, phys);
  const tasks = list(image.tasks, "tasks").map((t, i) =>
    loadTask(record(t, `tasks[${i}]`), `tasks[${i}]`, { inodes, tables, anonVmas }),
  );
  linkBorrowedMms(tasks);
  tables.checkSharers();
  linkThreads(tasks);
  const nextPid = int(image.nextPid, "nextPid", 1, PID_MAX);
  checkTaskTable(tasks, nextPid);
  const log = strings(image.log, "log");
  const logTimes = list(image.logTimes, "logTimes").map((t, i) => int(t, `logTimes[${i}]`));
  if (logTimes.length !== log.length) problem("logTimes", "not one time per log message");
  const swap = image.swap === undefined ? undefined : loadSwap(record(image.swap, "swap"), phys);
  const hugetlb = loadHugetlbPool(image.hugetlb, phys, tasks);
  const parts = {
    config,
    phys,
    hugetlb,
    swap: loadSwapRuntime(image.swapRuntime, swap, phys),
    sysctls:
      image.sysctls === undefined ? undefined : loadSysctls(record(image.sysctls, "sysctls")),
    swapHeaders: loadSwapHeaders(image.swapHeaders),
    ksm: image.ksm === undefined ? undefined : loadKsm(record(image.ksm, "ksm"), phys, tasks),
    randomState:
      image.randomState === undefined
        ? undefined
        : int(image.randomState, "randomState", 1, 0xffffffff),
    thp: image.thp === undefined ? undefined : loadThp(record(image.thp, "thp")),
    vfs: Vfs.restore(root, vfsState),
    tasks,
    now: int(image.now, "now"),
    nextPid,
    log,
    logTimes,
  };
  const report = checkInvariants(Machine.restore(parts));
  if (report.violations.length > 0) problem("machine", report.violations[0]!);
  // checkInvariants tidied that machine's page-cache list; hand out one with the list as saved.
  return Machine.restore({ ...parts, vfs: Vfs.restore(root, vfsState) });
}

/** KSM's state, every number in range and every index naming what exists. */
function loadKsm(x: Record<string, unknown>, phys: PhysMem, tasks: readonly Task[]): KsmImage {
  const t = record(x.tun, "ksm.tun");
  const U = 2 ** 31 - 1;
  const tun: KsmTunables = {
    run: int(t.run, "ksm.tun.run", 0, 1),
    pagesToScan: int(t.pagesToScan, "ksm.tun.pagesToScan", 0, U),
    sleepMillisecs: int(t.sleepMillisecs, "ksm.tun.sleepMillisecs", 0, 60_000),
    maxPageSharing: int(t.maxPageSharing, "ksm.tun.maxPageSharing", 2, U),
    smartScan: int(t.smartScan, "ksm.tun.smartScan", 0, 1),
  };
  const tuple = <T extends number[]>(v: unknown, at: string, n: number, min = 0): T => {
    const l = list(v, at);
    if (l.length !== n) problem(at, `not ${n} numbers`);
    return l.map((e, i) => int(e, `${at}[${i}]`, min)) as T;
  };
  const counters = tuple<KsmImage["counters"]>(x.counters, "ksm.counters", 6);
  const cursor = tuple<KsmImage["cursor"]>(x.cursor, "ksm.cursor", 3, -1);
  const nextScanAt = x.nextScanAt === null ? null : int(x.nextScanAt, "ksm.nextScanAt");
  const nodes = list(x.nodes, "ksm.nodes").map((n, i) => {
    const [kpfn, content, live] = tuple<[number, number, number]>(n, `ksm.nodes[${i}]`, 3, -1);
    if (kpfn >= phys.nrFrames || content > 0xffffffff || live > 1 || (live === 1 && kpfn < 0))
      problem(`ksm.nodes[${i}]`, "out of range");
    return [kpfn, content, live] as [number, number, number];
  });
  const pids = new Set(tasks.filter((task) => task.mm !== null).map((task) => task.pid));
  const slots = list(x.slots, "ksm.slots").map((sv, si) => {
    const s = record(sv, `ksm.slots[${si}]`);
    const pid = int(s.pid, `ksm.slots[${si}].pid`, -1, PID_MAX);
    if (pid >= 0 && !pids.has(pid)) problem(`ksm.slots[${si}].pid`, "no such process");
    const items = list(s.items, `ksm.slots[${si}].items`).map((iv, ii) => {
      const at = `ksm.slots[${si}].items[${ii}]`;
      const item = tuple<[number, number, number, number, number, number]>(iv, at, 6, -1);
      if (item[4] >= nodes.length || item[5] > 1 || item[2] > 255) problem(at, "out of range");
      return item;
    });
    return { pid, items };
  });
  const unstable = list(x.unstable, "ksm.unstable").map((u, i) => {
    const at = `ksm.unstable[${i}]`;
    const e = tuple<[number, number, number]>(u, at, 3);
    if (slots[e[1]]?.items[e[2]] === undefined) problem(at, "names no rmap item");
    return e;
  });
  return { tun, counters, nextScanAt, cursor, nodes, slots, unstable };
}

/**
 * The overcommit sysctls, within what their /proc/sys/vm files accept. The
 * commitment itself is not in the image: Machine.restore recounts it from
 * the mappings.
 */
function loadSysctls(v: Record<string, unknown>): OvercommitSysctls {
  return {
    overcommitMemory: int(v.overcommitMemory, "sysctls.overcommitMemory", 0, 2),
    overcommitRatio: int(v.overcommitRatio, "sysctls.overcommitRatio", INT32_MIN, INT32_MAX),
    overcommitKbytes: int(v.overcommitKbytes, "sysctls.overcommitKbytes"),
    adminReserveKbytes: int(v.adminReserveKbytes, "sysctls.adminReserveKbytes"),
    userReserveKbytes: int(v.userReserveKbytes, "sysctls.userReserveKbytes"),
  };
}

/** The swap headers of an image (none when absent): [seed, lastPage, uuid, label] rows. */
function loadSwapHeaders(x: unknown): SwapHeaders | undefined {
  if (x === undefined) return undefined;
  const rows = list(x, "swapHeaders").map((r, i) => {
    const at = `swapHeaders[${i}]`;
    const row = list(r, at);
    const [uuid, label] = strings(row.slice(2), at);
    if (row.length !== 4 || uuid === undefined || label === undefined)
      problem(at, "not [seed, lastPage, uuid, label]");
    return [int(row[0], `${at}[0]`), int(row[1], `${at}[1]`), uuid, label] as const;
  });
  const h = restoreSwapHeaders(rows);
  if (!h.ok) problem("swapHeaders", "a seed twice, out of range, or a bad UUID or label");
  return h.value;
}

function swapRuntimeOf(swap: SwapState): { swapRuntime?: SwapRuntimeImage } {
  const image = saveSwapRuntime(swap);
  return image === undefined ? {} : { swapRuntime: image };
}

/** The runtime swap state of an image into `swap` (a new SwapState when the image had no areas). */
function loadSwapRuntime(
  x: unknown,
  swap: SwapState | undefined,
  phys: PhysMem,
): SwapState | undefined {
  if (x === undefined) return swap;
  const v = record(x, "swapRuntime");
  const into = swap ?? new SwapState();
  restoreSwapRuntime(into, {
    lazyfreeBatch: list(v.lazyfreeBatch, "swapRuntime.lazyfreeBatch").map((pfn, i) =>
      int(pfn, `swapRuntime.lazyfreeBatch[${i}]`, phys.firstUsable, phys.highWater - 1),
    ),
    pageCluster: int(v.pageCluster, "swapRuntime.pageCluster", 0, 31),
    raHits: int(v.raHits, "swapRuntime.raHits", 0, INT32_MAX),
    raPrevOffset: int(v.raPrevOffset, "swapRuntime.raPrevOffset", 0, 2 ** 32),
    raLastPages: int(v.raLastPages, "swapRuntime.raLastPages", 0, 2 ** 31),
  });
  return into;
}

function loadSwap(v: Record<string, unknown>, phys: PhysMem): SwapState {
  const areas = list(v.areas, "swap.areas");
  if (areas.length > 32) problem("swap.areas", "more than 32 swap areas");
  const image: SwapImage = {
    nextPriority: int(v.nextPriority, "swap.nextPriority", INT32_MIN, INT32_MAX),
    areas: areas.map((x, i): SwapAreaImage | null => {
      if (x === null) return null;
      const at = `swap.areas[${i}]`;
      const a = record(x, at);
      const pages = int(a.pages, `${at}.pages`, 2, 2 ** 23);
      const kind = text(a.kind, `${at}.kind`);
      if (kind !== "file" && kind !== "partition") problem(`${at}.kind`, "not file or partition");
      const cache = list(a.cache, `${at}.cache`).map((pair, j) => {
        const [off, pfn] = list(pair, `${at}.cache[${j}]`);
        return [
          int(off, `${at}.cache[${j}][0]`, 1, pages - 1),
          int(pfn, `${at}.cache[${j}][1]`, phys.firstUsable, phys.highWater - 1),
        ] as const;
      });
      return {
        path: text(a.path, `${at}.path`),
        pages,
        priority: int(a.priority, `${at}.priority`, INT32_MIN, INT32_MAX),
        kind,
        counts: typed(a.counts, Uint32Array, `${at}.counts`, pages),
        data: typed(a.data, Uint32Array, `${at}.data`, pages),
        cache,
        cursor: int(a.cursor, `${at}.cursor`, 1, pages),
      };
    }),
  };
  return restoreSwap(image);
}

function loadConfig(c: Record<string, unknown>): KernelConfig {
  const memBytes = int(c.memBytes, "config.memBytes", PAGE_SIZE, 2 ** 28 * PAGE_SIZE);
  return {
    memBytes,
    zeroPage: bool(c.zeroPage, "config.zeroPage"),
    softDirty: bool(c.softDirty, "config.softDirty"),
    anonNames: bool(c.anonNames, "config.anonNames"),
    faultAroundBytes: int(c.faultAroundBytes, "config.faultAroundBytes", PAGE_SIZE, PMD_SIZE),
    readaheadKb: int(c.readaheadKb, "config.readaheadKb"),
    protectionKeys:
      c.protectionKeys === undefined ? false : bool(c.protectionKeys, "config.protectionKeys"),
    swapBytes: c.swapBytes === undefined ? 0 : int(c.swapBytes, "config.swapBytes"),
    hugepages: c.hugepages === undefined ? 0 : int(c.hugepages, "config.hugepages"),
    thp: c.thp === undefined ? "madvise" : oneOf(c.thp, THP_ENABLED_MODES, "config.thp"),
    thpShmem:
      c.thpShmem === undefined
        ? "never"
        : oneOf(c.thpShmem, SHMEM_ENABLED_MODES, "config.thpShmem"),
    kernelVersion:
      c.kernelVersion === undefined
        ? "6.18"
        : oneOf(c.kernelVersion, KERNEL_VERSIONS, "config.kernelVersion"),
  };
}

/** The THP settings. */
function loadThp(t: Record<string, unknown>): {
  enabled: ThpEnabled;
  defrag: ThpDefrag;
  shmemEnabled: ShmemEnabled | undefined;
  sizes: [number, MthpMode][] | undefined;
} {
  const sizes =
    t.sizes === undefined
      ? undefined
      : list(t.sizes, "thp.sizes").map((e, i): [number, MthpMode] => {
          const pair = list(e, `thp.sizes[${i}]`);
          const order = int(pair[0], `thp.sizes[${i}][0]`);
          if (!(MTHP_ORDERS as readonly number[]).includes(order))
            problem(`thp.sizes[${i}][0]`, "not an mTHP order");
          return [order, oneOf(pair[1], MTHP_MODES, `thp.sizes[${i}][1]`)];
        });
  return {
    sizes,
    enabled: oneOf(t.enabled, THP_ENABLED_MODES, "thp.enabled"),
    defrag: oneOf(t.defrag, THP_DEFRAG_MODES, "thp.defrag"),
    shmemEnabled:
      t.shmemEnabled === undefined
        ? undefined
        : oneOf(t.shmemEnabled, SHMEM_ENABLED_MODES, "thp.shmemEnabled"),
  };
}

/** A string that must be one of `words` (the THP modes). */
function oneOf<T extends string>(v: unknown, words: readonly T[], at: string): T {
  const found = words.find((w) => w === v);
  if (found === undefined) problem(at, `not one of ${words.join(", ")}`);
  return found;
}

/** The event counters (each a count) and reclaim's fruitless mark. */
function loadVmStat(v: Record<string, unknown>, phys: PhysMem): void {
  const raw = record(v.events, "phys.vm.events");
  const events: Record<string, number> = {};
  for (const [name, count] of Object.entries(raw))
    events[name] = int(count, `phys.vm.events.${name}`);
  const fruitless =
    v.reclaimFruitlessAt === undefined
      ? {}
      : { reclaimFruitlessAt: int(v.reclaimFruitlessAt, "phys.vm.reclaimFruitlessAt") };
  restoreVmStat(phys.vm, { events, ...fruitless });
}

/**
 * Frames and the allocator: the arrays cover [0, bump); the kernel's own
 * frames are those a boot reserves; the free stack holds each free frame
 * of [firstUsable, bump) exactly once, and nrFree counts them and the
 * frames above bump.
 */
function loadPhys(p: Record<string, unknown>, config: KernelConfig): PhysMem {
  const nrFrames = Math.floor(config.memBytes / PAGE_SIZE);
  if (int(p.nrFrames, "phys.nrFrames") !== nrFrames)
    problem("phys.nrFrames", "not config.memBytes");
  const phys = new PhysMem(nrFrames);
  bootSpecialFrames(phys);
  const bump = int(p.bump, "phys.bump", phys.firstUsable, nrFrames);
  const mapcount = typed(p.mapcount, Uint32Array, "phys.mapcount", bump);
  const flags = typed(p.flags, Uint16Array, "phys.flags", bump);
  const content = typed(p.content, Uint32Array, "phys.content", bump);
  const free = typed(p.free, Uint32Array, "phys.free");
  const kernelBits = KIND_MASK | PG_RESERVED;
  for (let pfn = 0; pfn < bump; pfn++) {
    const booted = pfn < phys.firstUsable ? phys.flags[pfn]! & kernelBits : 0;
    if (pfn < phys.firstUsable ? (flags[pfn]! & kernelBits) !== booted : flags[pfn]! & PG_RESERVED)
      problem(`phys.flags[${pfn}]`, "does not match the kernel's own frames");
  }
  const onStack = new Uint8Array(bump);
  free.forEach((pfn, i) => {
    if (pfn < phys.firstUsable || pfn >= bump || onStack[pfn] !== 0)
      problem(`phys.free[${i}]`, `${pfn} is not a frame the allocator handed out, once`);
    if ((flags[pfn]! & KIND_MASK) !== KIND_FREE) problem(`phys.free[${i}]`, `pfn ${pfn} is in use`);
    onStack[pfn] = 1;
  });
  for (let pfn = phys.firstUsable; pfn < bump; pfn++) {
    if ((flags[pfn]! & KIND_MASK) === KIND_FREE && onStack[pfn] === 0)
      problem("phys.free", `free pfn ${pfn} is missing`);
  }
  if (int(p.nrFree, "phys.nrFree") !== nrFrames - bump + free.length)
    problem("phys.nrFree", "does not count the free frames");
  for (let pfn = 0; pfn < bump; pfn++) phys.setMapcount(pfn, mapcount[pfn]!);
  phys.flags.set(flags);
  phys.content.set(content);
  phys.restoreAllocator(bump, free);
  if (p.large !== undefined) loadLarge(list(p.large, "phys.large"), phys);
  if (p.vm !== undefined) loadVmStat(record(p.vm, "phys.vm"), phys);
  return phys;
}

/** Large folios: aligned runs of frames in use, below the bump pointer, not overlapping. */
function loadLarge(items: readonly unknown[], phys: PhysMem): void {
  items.forEach((item, i) => {
    const [h, o] = list(item, `phys.large[${i}]`);
    const order = int(o, `phys.large[${i}]`, 1, 18);
    const head = int(h, `phys.large[${i}]`, phys.firstUsable, phys.highWater - 2 ** order);
    if (head % 2 ** order !== 0) problem(`phys.large[${i}]`, `head ${head} is not aligned`);
    for (let pfn = head; pfn < head + 2 ** order; pfn++)
      if (phys.kind(pfn) === KIND_FREE || phys.headOf(pfn) !== pfn)
        problem(`phys.large[${i}]`, `pfn ${pfn} is free or in another folio`);
    phys.restoreLarge(head, order);
  });
}

/**
 * The inodes, linked: a tree below the root (each inode named by at most
 * one directory entry, the root by none), page caches whose frames are
 * cached frames held by no other file, ELF headers found in the root image.
 */
function loadInodes(v: Record<string, unknown>, phys: PhysMem): Inode[] {
  const images = list(v.inodes, "vfs.inodes").map((x, i) => record(x, `vfs.inodes[${i}]`));
  const inodes = images.map((x, i) => makeInode(x, `vfs.inodes[${i}]`));
  const named = new Uint8Array(inodes.length);
  named[int(v.root, "vfs.root", 0, inodes.length - 1)] = 1;
  images.forEach((x, i) => {
    const at = `vfs.inodes[${i}]`;
    const entries = inodes[i]!.entries;
    if (entries === undefined) return;
    list(x.entries, `${at}.entries`).forEach((e, j) => {
      const [name, child] = list(e, `${at}.entries[${j}]`);
      const n = text(name, `${at}.entries[${j}]`);
      if (n === "" || n === "." || n === ".." || n.includes("/") || entries.has(n))
        problem(`${at}.entries[${j}]`, `'${n}' cannot be a name in the directory`);
      const c = int(child, `${at}.entries[${j}]`, 0, inodes.length - 1);
      if (named[c] !== 0)
        problem(`${at}.entries[${j}]`, "names the root or an inode named already");
      named[c] = 1;
      entries.set(n, inodes[c]!);
    });
  });
  const holder = new Uint8Array(phys.highWater);
  images.forEach((x, i) => {
    const at = `vfs.inodes[${i}]`;
    const inode = inodes[i]!;
    const cache = typed(x.cache, Float64Array, `${at}.cache`);
    if (cache.length % 2 !== 0) problem(`${at}.cache`, "not (index, pfn) pairs");
    for (let j = 0; j < cache.length; j += 2) {
      const index = int(cache[j], `${at}.cache[${j}]`);
      const pfn = int(cache[j + 1], `${at}.cache[${j + 1}]`, phys.firstUsable, phys.highWater - 1);
      if (holder[pfn] !== 0 || inode.cache.get(index) !== 0)
        problem(`${at}.cache[${j}]`, `page ${index} or pfn ${pfn} is cached twice`);
      holder[pfn] = 1;
      inode.cache.set(index, pfn);
    }
    const disk = typed(x.disk, Float64Array, `${at}.disk`);
    if (disk.length % 2 !== 0) problem(`${at}.disk`, "not (index, word) pairs");
    for (let j = 0; j < disk.length; j += 2)
      inode.disk.set(
        int(disk[j], `${at}.disk[${j}]`),
        int(disk[j + 1], `${at}.disk`, 0, 2 ** 32 - 1),
      );
    if (x.swapped !== undefined) {
      const swapped = typed(x.swapped, Float64Array, `${at}.swapped`);
      if (swapped.length % 2 !== 0 || !inode.shmem)
        problem(`${at}.swapped`, "not (index, entry) pairs of a shmem object");
      for (let j = 0; j < swapped.length; j += 2) {
        const index = int(swapped[j], `${at}.swapped[${j}]`);
        if (inode.cache.get(index) !== 0 || inode.swapped.has(index))
          problem(
            `${at}.swapped[${j}]`,
            `page ${index} is both cached and swapped, or swapped twice`,
          );
        inode.swapped.set(index, int(swapped[j + 1], `${at}.swapped[${j + 1}]`, 0, 2 ** 32 - 1));
      }
    }
  });
  for (let pfn = 0; pfn < phys.highWater; pfn++) {
    const flagged = (phys.flags[pfn]! & PG_CACHED) !== 0;
    if (flagged !== (holder[pfn] !== 0))
      problem(
        "vfs.inodes",
        `pfn ${pfn} is ${flagged ? "not " : ""}in a page cache, unlike its flags`,
      );
  }
  return inodes;
}

function makeInode(x: Record<string, unknown>, at: string): Inode {
  const type = text(x.type, `${at}.type`);
  if (type !== "reg" && type !== "dir" && type !== "lnk") problem(`${at}.type`, `'${type}'`);
  const ino = int(x.ino, `${at}.ino`, 1, 2 ** 32 - 1);
  const [major, minor] = list(x.dev, `${at}.dev`);
  const words = text(x.words, `${at}.words`);
  if (words !== "zero" && (words !== "image" || type !== "reg"))
    problem(`${at}.words`, `'${words}' for a ${type}`);
  const elfPath = orNull(x.elf ?? null, (p) => text(p, `${at}.elf`));
  const elf = elfPath === null ? undefined : ELF_BY_PATH.get(elfPath);
  if (elfPath !== null && (elf === undefined || type !== "reg"))
    problem(`${at}.elf`, `${elfPath} is not an ELF file of the root image`);
  if ((type === "dir") !== (x.entries !== undefined))
    problem(`${at}.entries`, `wrong for a ${type}`);
  if ((type === "lnk") !== (x.target !== undefined)) problem(`${at}.target`, `wrong for a ${type}`);
  return {
    ino,
    dev: {
      major: int(major, `${at}.dev`, 0, 4095),
      minor: int(minor, `${at}.dev`, 0, 2 ** 20 - 1),
    },
    type,
    mode: int(x.mode, `${at}.mode`, 0, 0o7777),
    size: int(x.size, `${at}.size`),
    nlink: int(x.nlink, `${at}.nlink`, 0, INT32_MAX),
    shmem: bool(x.shmem, `${at}.shmem`),
    path: text(x.path, `${at}.path`),
    cache: new PageCache(),
    disk: new Map(),
    swapped: new Map(),
    initialWord: words === "zero" ? zeroWords : (index: number) => fileWord(ino, index),
    mtime: int(x.mtime, `${at}.mtime`),
    ...(type === "dir" ? { entries: new Map<string, Inode>() } : {}),
    ...(type === "lnk" ? { target: text(x.target, `${at}.target`) } : {}),
    ...(x.text === undefined ? {} : { text: text(x.text, `${at}.text`) }),
    ...(elf === undefined ? {} : { elf }),
    ...(x.allocated === undefined ? {} : { allocated: int(x.allocated, `${at}.allocated`) }),
  };
}

function loadVfsState(v: Record<string, unknown>, inodes: readonly Inode[]): VfsState {
  const mounts = list(v.mounts, "vfs.mounts").map((x, i): Mount => {
    const mt = record(x, `vfs.mounts[${i}]`);
    const [major, minor] = list(mt.dev, `vfs.mounts[${i}].dev`);
    const path = text(mt.path, `vfs.mounts[${i}].path`);
    if (!path.startsWith("/")) problem(`vfs.mounts[${i}].path`, "not absolute");
    return {
      path,
      dev: { major: int(major, `vfs.mounts[${i}].dev`), minor: int(minor, `vfs.mounts[${i}].dev`) },
      shmem: bool(mt.shmem, `vfs.mounts[${i}].shmem`),
    };
  });
  const seen = new Set<Inode>();
  const cached = list(v.cached, "vfs.cached").map((x, i) => {
    const inode = inodes[int(x, `vfs.cached[${i}]`, 0, inodes.length - 1)]!;
    if (seen.has(inode)) problem(`vfs.cached[${i}]`, "listed twice");
    seen.add(inode);
    return inode;
  });
  for (const inode of inodes)
    if ((inode.cache.size > 0 || inode.swapped.size > 0) && !seen.has(inode))
      problem("vfs.cached", `${inode.path} has cached pages but is not listed`);
  return {
    mounts,
    nextIno: int(v.nextIno, "vfs.nextIno", 1, 2 ** 32 - 1),
    nextShmemIno: int(v.nextShmemIno, "vfs.nextShmemIno", 1, 2 ** 32 - 1),
    cached,
    now: int(v.now, "vfs.now"),
  };
}

/** The PTE tables and young bitmaps, handed out to slots as they are named. */
interface Tables {
  table(i: unknown, at: string): PteTable;
  young(i: unknown, at: string): Uint32Array | null;
  /** Every table is used by as many mms as its sharers count says. */
  checkSharers(): void;
}

function loadTables(t: Record<string, unknown>): Tables {
  const pte = typed(t.pte, Uint32Array, "tables.pte");
  const sharers = list(t.sharers, "tables.sharers");
  if (pte.length !== sharers.length * PTRS_PER_PTE) problem("tables.pte", "not 512 PTEs a table");
  const tables = sharers.map(
    (n, i) =>
      new PteTable(
        pte.slice(i * PTRS_PER_PTE, (i + 1) * PTRS_PER_PTE),
        int(n, `tables.sharers[${i}]`, 1),
      ),
  );
  const users = new Uint32Array(tables.length);
  const young = typed(t.young, Uint32Array, "tables.young");
  if (young.length % YOUNG_WORDS !== 0) problem("tables.young", "not 16 words a bitmap");
  const taken = new Uint8Array(young.length / YOUNG_WORDS);
  return {
    table(i, at) {
      const n = int(i, at, 0, tables.length - 1);
      users[n]!++;
      return tables[n]!;
    },
    young(i, at) {
      const n = int(i, at, -1, taken.length - 1);
      if (n < 0) return null;
      if (taken[n] !== 0) problem(at, "young bitmap used twice");
      taken[n] = 1;
      return young.slice(n * YOUNG_WORDS, (n + 1) * YOUNG_WORDS);
    },
    checkSharers() {
      tables.forEach((table, i) => {
        if (table.sharers !== users[i])
          problem(`tables.sharers[${i}]`, `${table.sharers}, but ${users[i]} mms use the table`);
      });
    },
  };
}

interface Refs {
  readonly inodes: readonly Inode[];
  readonly tables: Tables;
  readonly anonVmas: readonly AnonVma[];
}

function loadTask(x: Record<string, unknown>, at: string, refs: Refs): Task {
  const n = (k: (typeof TASK_NUMBERS)[number], min = 0, max = Number.MAX_SAFE_INTEGER) =>
    int(x[k], `${at}.${k}`, min, max);
  const comm = text(x.comm, `${at}.comm`);
  if (comm.length > 15) problem(`${at}.comm`, "longer than 15 characters");
  const task = new Task(n("pid", 1, PID_MAX), n("ppid"), comm, null, n("startTime"));
  task.pgrp = n("pgrp");
  task.session = n("session");
  task.minflt = n("minflt");
  task.majflt = n("majflt");
  task.cminflt = n("cminflt");
  task.cmajflt = n("cmajflt");
  task.exitStatus = n("exitStatus", 0, 0xffff);
  task.oomScoreAdj = n("oomScoreAdj", -1000, 1000);
  task.argv = strings(x.argv, `${at}.argv`);
  task.env = strings(x.env, `${at}.env`);
  task.exe = orNull(x.exe, (i) => refs.inodes[int(i, `${at}.exe`, 0, refs.inodes.length - 1)]!);
  const state = text(x.state, `${at}.state`);
  if (!Object.hasOwn(STATE_NAMES, state)) problem(`${at}.state`, `'${state}'`);
  task.state = state as TaskState;
  task.actions = list(x.actions, `${at}.actions`).map((a, i) =>
    loadAction(record(a, `${at}.actions[${i}]`), `${at}.actions[${i}]`),
  );
  task.wakeAt = orNull(x.wakeAt, (w) => int(w, `${at}.wakeAt`));
  task.forkNoExec = bool(x.forkNoExec, `${at}.forkNoExec`);
  task.mm = orNull(x.mm, (mm) => loadMm(record(mm, `${at}.mm`), `${at}.mm`, refs));
  loadVfork(task, x, at);
  loadThread(x, at, task);
  if (task.tgid === task.pid && task.isZombie !== (task.mm === null && !borrowers.has(task)))
    problem(at, "a zombie has no mm, and only a zombie");
  if (task.tgid !== task.pid && task.mm !== null) problem(at, "a thread has its leader's mm");
  return task;
}

function loadAction(a: Record<string, unknown>, at: string): Action {
  const kind = text(a.kind, `${at}.kind`);
  switch (kind) {
    case "sleep":
      return { kind, ns: int(a.ns, `${at}.ns`) };
    case "exec":
      return { kind, path: text(a.path, `${at}.path`), argv: strings(a.argv, `${at}.argv`) };
    case "exit":
      return { kind, status: int(a.status, `${at}.status`, INT32_MIN, INT32_MAX) };
    case "write":
    case "read":
      return { kind, addr: int(a.addr, `${at}.addr`), length: int(a.length, `${at}.length`) };
    default:
      return problem(`${at}.kind`, `'${kind}'`);
  }
}

function loadMm(x: Record<string, unknown>, at: string, refs: Refs): Mm {
  const mm = new Mm();
  for (const k of MM_NUMBERS) mm[k] = int(x[k], `${at}.${k}`);
  let prevEnd = 0;
  list(x.vmas, `${at}.vmas`).forEach((v, i) => {
    const vma = loadVma(record(v, `${at}.vmas[${i}]`), `${at}.vmas[${i}]`, refs);
    if (vma.start < prevEnd) problem(`${at}.vmas[${i}]`, "overlaps or is out of order");
    prevEnd = vma.end;
    mm.vmas.push(vma);
  });
  if (x.hugePtes !== undefined) {
    const huge = list(x.hugePtes, `${at}.hugePtes`);
    if (huge.length % 2 !== 0) problem(`${at}.hugePtes`, "not (index, entry) pairs");
    for (let i = 0; i < huge.length; i += 2) {
      const key = int(huge[i], `${at}.hugePtes[${i}]`, 0, TASK_SIZE / PMD_SIZE - 1);
      const pte = int(huge[i + 1], `${at}.hugePtes[${i + 1}]`, 1, 2 ** 32 - 1);
      if (mm.hugePtes.has(key) || !ptePresent(pte))
        problem(`${at}.hugePtes[${i}]`, "twice, or not a present entry");
      mm.hugePtes.set(key, pte);
    }
  }
  const slots = list(x.slots, `${at}.slots`);
  if (slots.length % 3 !== 0) problem(`${at}.slots`, "not (key, table, young) triples");
  for (let i = 0; i < slots.length; i += 3) {
    const key = int(slots[i], `${at}.slots[${i}]`, 0, TASK_SIZE / PMD_SIZE);
    if (mm.pt.hasTable(key)) problem(`${at}.slots[${i}]`, `region ${key} twice`);
    const table = refs.tables.table(slots[i + 1], `${at}.slots[${i + 1}]`);
    mm.pt.restoreTable(key, table, refs.tables.young(slots[i + 2], `${at}.slots[${i + 2}]`));
  }
  if (x.huge !== undefined)
    list(x.huge, `${at}.huge`).forEach((k, i) => {
      const key = int(k, `${at}.huge[${i}]`, 0, TASK_SIZE / PMD_SIZE);
      if (!mm.pt.hasTable(key)) problem(`${at}.huge[${i}]`, `region ${key} has no entries`);
      mm.pt.setHuge(key);
    });
  return mm;
}

function loadVma(v: Record<string, unknown>, at: string, refs: Refs): Vma {
  const start = int(v.start, `${at}.start`, 0, TASK_SIZE);
  const end = int(v.end, `${at}.end`, start + 1, TASK_SIZE);
  if (start % PAGE_SIZE !== 0 || end % PAGE_SIZE !== 0) problem(at, "not page aligned");
  const file = orNull(v.file, (i) => refs.inodes[int(i, `${at}.file`, 0, refs.inodes.length - 1)]!);
  if (file !== null && file.type !== "reg") problem(`${at}.file`, "not a regular file");
  const special = orNull(v.special, (s) => text(s, `${at}.special`));
  if (special !== null && !SPECIALS.includes(special as SpecialMapping))
    problem(`${at}.special`, `'${special}'`);
  const vma = newVma(
    start,
    end,
    int(v.flags, `${at}.flags`, INT32_MIN, INT32_MAX),
    int(v.pgoff, `${at}.pgoff`),
    {
      file,
      special: special as SpecialMapping | null,
      anonName: orNull(v.anonName, (s) => text(s, `${at}.anonName`)),
    },
  );
  vma.anonVma = orNull(
    v.anonVma,
    (i) => refs.anonVmas[int(i, `${at}.anonVma`, 0, refs.anonVmas.length - 1)]!,
  );
  vma.anonVmaForked = bool(v.anonVmaForked, `${at}.anonVmaForked`);
  vma.ra = orNull(v.ra, (r) => {
    const ra = record(r, `${at}.ra`);
    return {
      start: int(ra.start, `${at}.ra.start`),
      size: int(ra.size, `${at}.ra.size`),
      asyncSize: int(ra.asyncSize, `${at}.ra.asyncSize`),
      mmapMiss: int(ra.mmapMiss, `${at}.ra.mmapMiss`),
    };
  });
  return vma;
}

/**
 * PIDs unique and below nextPid; init alive; every parent present. The
 * login shell may be gone (killed: commands then run as init); while it
 * lives it is init's child.
 */
function checkTaskTable(tasks: readonly Task[], nextPid: number): void {
  const byPid = new Map(tasks.map((t) => [t.pid, t]));
  if (byPid.size !== tasks.length) problem("tasks", "a PID is used twice");
  if (byPid.get(INIT_PID)?.mm == null) problem("tasks", `PID ${INIT_PID} is not alive`);
  const shell = byPid.get(LOGIN_SHELL_PID);
  if (shell !== undefined && (shell.mm === null || shell.ppid !== INIT_PID))
    problem("tasks", `PID ${LOGIN_SHELL_PID} is not a live child of init`);
  for (const t of tasks) {
    if (t.pid >= nextPid) problem("nextPid", `PID ${t.pid} is not below it`);
    if (t.pid === INIT_PID ? t.ppid !== 0 : !byPid.has(t.ppid))
      problem(`tasks: PID ${t.pid}`, `its parent ${t.ppid} is missing`);
  }
}

/**
 * The hugetlbfs files' pages, reservations and owners (the invariant
 * checker then checks them against the pool and the mappings).
 */
function loadHugetlbFiles(
  v: Record<string, unknown>,
  inodes: readonly Inode[],
  anonVmas: readonly AnonVma[],
  phys: PhysMem,
): void {
  list(v.inodes, "vfs.inodes").forEach((x, i) => {
    const h = record(x, `vfs.inodes[${i}]`).hugetlb;
    if (h === undefined) return;
    const at = `vfs.inodes[${i}].hugetlb`;
    const r = record(h, at);
    const file = newHugetlbFile();
    const pages = list(r.pages, `${at}.pages`);
    if (pages.length % 2 !== 0) problem(`${at}.pages`, "not (index, pfn) pairs");
    for (let j = 0; j < pages.length; j += 2)
      file.pages.set(
        int(pages[j], `${at}.pages[${j}]`),
        int(pages[j + 1], `${at}.pages[${j + 1}]`, phys.firstUsable, phys.highWater - 1),
      );
    for (const [j, index] of list(r.resv, `${at}.resv`).entries())
      file.resv.add(int(index, `${at}.resv[${j}]`));
    file.owner = orNull(r.owner, (o) => anonVmas[int(o, `${at}.owner`, 0, anonVmas.length - 1)]!);
    if (r.unmapped !== undefined)
      for (const [j, a] of list(r.unmapped, `${at}.unmapped`).entries())
        file.unmapped.add(anonVmas[int(a, `${at}.unmapped[${j}]`, 0, anonVmas.length - 1)]!);
    inodes[i]!.hugetlb = file;
  });
}

/** The pool as saved, with the files the tasks' VMAs map (it keeps them for their release). */
function loadHugetlbPool(v: unknown, phys: PhysMem, tasks: readonly Task[]): HugetlbPool {
  const pool = new HugetlbPool();
  if (v !== undefined) {
    const x = record(v, "hugetlb");
    for (const [i, head] of list(x.free, "hugetlb.free").entries())
      pool.free.push(int(head, `hugetlb.free[${i}]`, phys.firstUsable, phys.highWater - 1));
    pool.total = int(x.total, "hugetlb.total");
    pool.resv = int(x.resv, "hugetlb.resv");
    pool.surplus = int(x.surplus, "hugetlb.surplus");
  }
  for (const task of tasks)
    for (const vma of task.mm?.vmas ?? []) if (vma.file?.hugetlb) pool.files.add(vma.file);
  return pool;
}
