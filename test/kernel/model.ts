/**
 * A naive reference model of process memory for property tests: fork
 * deep-copies private memory, shared memory and files are single objects,
 * exec and exit drop everything. Reads in the real machine must return
 * what the model says, which is what proves COW invisible to programs.
 *
 * The commands cover every process verb: spawn (also --via vfork and posix-spawn), fork, vfork, exec, exit, kill
 * (of the login shell too), wait, timed actions with sleep, mmap (anonymous and file, private and
 * shared), munmap, mprotect, mremap, brk, read, write and msync, and the
 * overcommit mode (in mode 2 a refused call changes nothing), THP regions
 * (private, and shared anonymous ones with shmem THPs), mTHP sizes, and hugetlb
 * mappings (MAP_HUGETLB, private or shared, reserved or not, from a pool of
 * 4: a fault finding no page is SIGBUS, which the model allows only when
 * the pool had none free; moved and shrunk by mremap; the pool resized by
 * nr_hugepages), and save followed by load, after which the loaded copy
 * goes on.
 */
import fc from "fast-check";
import { CLONE_VM } from "../../src/kernel/clone.js";
import { OVERCOMMIT_NEVER } from "../../src/kernel/commit.js";
import {
  MADV_COLD,
  MADV_COLLAPSE,
  MADV_FREE,
  MADV_HUGEPAGE,
  MADV_MERGEABLE,
  MADV_PAGEOUT,
  MADV_POPULATE_READ,
  MADV_POPULATE_WRITE,
  MADV_UNMERGEABLE,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_HUGETLB,
  MAP_NORESERVE,
  MAP_PRIVATE,
  MAP_SHARED,
  MREMAP_DONTUNMAP,
  MREMAP_FIXED,
  MREMAP_MAYMOVE,
  NSEC_PER_SEC,
  PAGE_SIZE,
} from "../../src/kernel/constants.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import type { KernelConfig } from "../../src/kernel/kernel.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { checkThreadGroups, groupTasks } from "../../src/kernel/thread.js";
import type { Inode } from "../../src/kernel/vfs.js";
import type { VmStat } from "../../src/kernel/vmstat.js";
import "../rootfs/program-images.js"; // issue 14: exec of redis-server, nginx, python3, perl

/** A file's words by page index (absent: never written, reads 0). */
export interface FileModel {
  readonly path: string;
  readonly words: Map<number, number>;
}

/** One mapping a test process made, as the model sees it. */
export interface RegionModel {
  start: number;
  pages: number;
  writable: boolean;
  /** Private pages written by this process (a COW overlay over the backing). */
  words: Map<number, number>;
  /** What private pages not yet written read from: shared anonymous memory or a file. */
  backing: {
    readonly words: Map<number, number>;
    readonly pgoff: number;
    readonly shared: boolean;
  } | null;
  /**
   * Pages MADV_FREE made lazily freeable and nothing wrote since: reclaim
   * may have discarded them, so each reads its word or 0.
   */
  lazy?: Set<number>;
  /** A MAP_HUGETLB mapping: 2 MiB pages of the pool; a fault finding none is SIGBUS. */
  hugetlb?: boolean;
}

export interface ProcModel {
  pid: number;
  regions: RegionModel[];
  /** The simulated time it exits by itself (a timed action), if any. */
  exitsAt: number | null;
}

export interface Model {
  procs: ProcModel[];
  files: FileModel[];
  nextWord: number;
}

export interface Real {
  m: Machine;
}

const FILE_PAGES = 16;
/** The index in Model.files of the tmpfs file (shmem: swap-backed, as shared anonymous memory is). */
const TMPFS_FILE = 2;

/** What the program reads at page `i` of a region. */
function readModel(r: RegionModel, i: number): number {
  const b = r.backing;
  if (b?.shared) return b.words.get(b.pgoff + i) ?? 0;
  return r.words.get(i) ?? b?.words.get(b.pgoff + i) ?? 0;
}

function writeModel(r: RegionModel, i: number, word: number): void {
  const b = r.backing;
  if (b?.shared) b.words.set(b.pgoff + i, word);
  else r.words.set(i, word);
}

/** Boots a small machine with one test process (an idle shell) and three files, one on tmpfs. */
export function setup(options: Partial<KernelConfig> = {}): { model: Model; real: Real } {
  // A small swap file (255 slots), so that pageouts also find it full.
  // A pool of 4 huge pages (8 MiB), so that hugetlb mappings run out of it.
  // shmem_enabled=advise: shared anonymous THP regions (ThpMmapCmd) get shmem THPs.
  const m = Machine.boot({
    memBytes: 128 * 1024 * 1024,
    swapBytes: 1024 * 1024,
    hugepages: 4,
    thpShmem: "advise",
    ...options,
  });
  const files: FileModel[] = [];
  for (const path of ["/tmp/f0", "/tmp/f1", "/dev/shm/f2"]) {
    if (!m.truncate(path, FILE_PAGES * PAGE_SIZE).ok) throw new Error("truncate failed");
    files.push({ path, words: new Map() });
  }
  const r = m.spawn("/bin/sh", ["sh"]);
  if (!r.ok) throw new Error("spawn failed");
  return {
    model: { procs: [{ pid: r.value, regions: [], exitsAt: null }], files, nextWord: 1 },
    real: { m },
  };
}

const pick = <T>(xs: readonly T[], i: number): T | undefined =>
  xs.length === 0 ? undefined : xs[i % xs.length];
const withRegions = (m: Readonly<Model>): ProcModel[] =>
  m.procs.filter((p) => p.regions.length > 0);

/**
 * A dead test process leaves the model; the shell reaps its own children at
 * once (init reaps its own as they die, once the shell is gone).
 */
function died(model: Model, real: Real, p: ProcModel): void {
  model.procs = model.procs.filter((q) => q !== p);
  if (real.m.tasks.get(p.pid)?.ppid === 2 && real.m.tasks.get(p.pid)?.isZombie) real.m.wait(p.pid);
}

/**
 * The pages a command's small numbers pick: a process with regions, one of
 * its regions, and `count` pages from page `first` (which wraps round the
 * region; the count stops at its end). Precondition: some process has a
 * region (the commands' check).
 */
function pickRange(
  model: Readonly<Model>,
  at: {
    readonly proc: number;
    readonly region: number;
    readonly first: number;
    readonly count: number;
  },
): { p: ProcModel; region: RegionModel; first: number; count: number; addr: number } {
  const p = pick(withRegions(model), at.proc)!;
  const region = pick(p.regions, at.region)!;
  const first = at.first % region.pages;
  const count = Math.min(at.count, region.pages - first);
  return { p, region, first, count, addr: region.start + first * PAGE_SIZE };
}

abstract class Cmd implements fc.Command<Model, Real> {
  abstract check(m: Readonly<Model>): boolean;
  abstract run(model: Model, real: Real): void;
  abstract toString(): string;
}

class SpawnCmd extends Cmd {
  check = (m: Readonly<Model>) => m.procs.length < 8;
  run(model: Model, real: Real): void {
    const r = real.m.spawn("/bin/sh", ["sh"]);
    if (refusedByOvercommit(real, r)) return;
    if (!r.ok) throw new Error("spawn failed");
    model.procs.push({ pid: r.value, regions: [], exitsAt: null });
  }
  toString = () => "spawn()";
}

class MmapCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly pages: number,
    readonly shared: boolean,
    readonly file: number | null,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const fileModel = this.file === null ? null : pick(model.files, this.file)!;
    const pages = fileModel === null ? this.pages : Math.min(this.pages, FILE_PAGES);
    const inode = fileModel === null ? null : real.m.vfs.lookup(fileModel.path);
    if (inode !== null && !inode.ok) throw new Error("file missing");
    const r = real.m.mmap(p.pid, {
      addr: 0,
      length: pages * PAGE_SIZE,
      prot: 3,
      flags: (this.shared ? MAP_SHARED : MAP_PRIVATE) | (fileModel === null ? MAP_ANONYMOUS : 0),
      file: inode === null ? null : inode.value,
      fileWritable: true,
      offset: 0,
    });
    if (refusedByOvercommit(real, r)) return;
    if (!r.ok) throw new Error(`mmap failed: ${r.errno}`);
    const backing =
      fileModel !== null
        ? { words: fileModel.words, pgoff: 0, shared: this.shared }
        : this.shared
          ? { words: new Map<number, number>(), pgoff: 0, shared: true }
          : null;
    p.regions.push({ start: r.value, pages, writable: true, words: new Map(), backing });
  }
  toString = () =>
    `mmap(${this.proc}, ${this.pages}${this.shared ? ", shared" : ""}${this.file === null ? "" : `, file ${this.file}`})`;
}

/**
 * A 2 MiB-aligned private anonymous region advised MADV_HUGEPAGE: its first
 * write maps a PMD-sized THP, which the other verbs then fork, write after
 * fork (PMD split and 4 KiB copy), munmap, mprotect, page out and free in
 * part (PMD splits), move (mremap: the PMD whole, or split), or collapse
 * back (`collapse`: MADV_COLLAPSE). `shared`: shared anonymous memory
 * instead, advised MADV_HUGEPAGE under shmem_enabled=advise (setup): a
 * PMD-sized shmem folio in its page cache, mapped by PMD (a split zaps it).
 * Placed inside a PROT_NONE MAP_NORESERVE reservation, as hugepage.h does.
 */
class ThpMmapCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly collapse: boolean,
    readonly shared = false,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const HUGE = 2 * 1024 * 1024;
    const reserve = real.m.mmap(p.pid, {
      addr: 0,
      length: 2 * HUGE,
      prot: 0,
      flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
      file: null,
      fileWritable: false,
      offset: 0,
    });
    if (!reserve.ok) throw new Error(`mmap failed: ${reserve.errno}`);
    const start = Math.ceil(reserve.value / HUGE) * HUGE;
    const r = real.m.mmap(p.pid, {
      addr: start,
      length: HUGE,
      prot: 3,
      flags: (this.shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_FIXED,
      file: null,
      fileWritable: true,
      offset: 0,
    });
    if (refusedByOvercommit(real, r)) return;
    if (!r.ok) throw new Error(`mmap failed: ${r.errno}`);
    const collapse = this.collapse && !this.shared;
    if (
      !real.m.madvise(p.pid, start, HUGE, collapse ? MADV_COLLAPSE : MADV_HUGEPAGE).ok &&
      !collapse
    )
      throw new Error("madvise hugepage failed");
    p.regions.push({
      start,
      pages: HUGE / PAGE_SIZE,
      writable: true,
      words: new Map(),
      backing: this.shared ? { words: new Map<number, number>(), pgoff: 0, shared: true } : null,
    });
  }
  toString = () =>
    `thp_mmap(${this.proc}${this.collapse ? ", collapse" : ""}${this.shared ? ", shared" : ""})`;
}

/**
 * hugepages-<size>kB/enabled of an mTHP size (16 kB … 1 MiB): `always`
 * makes the next write faults map folios of that size by their PTEs, which
 * the other verbs then fork, copy, unmap and page out (kept) as large folios.
 */
class MthpCmd extends Cmd {
  constructor(
    readonly order: number,
    readonly mode: "always" | "never",
  ) {
    super();
  }
  check = () => true;
  run(_model: Model, real: Real): void {
    real.m.thp.setSize(this.order, this.mode);
  }
  toString = () => `mthp(${4 << this.order}kB, ${this.mode})`;
}

/** MADV_COLLAPSE of a whole region: what anyone reads stays the same. */
class CollapseCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const p = pick(withRegions(model), this.proc)!;
    const region = pick(p.regions, this.region)!;
    // EINVAL (a shared or file region, an empty 2 MiB), EAGAIN: nothing changed.
    real.m.madvise(p.pid, region.start, region.pages * PAGE_SIZE, MADV_COLLAPSE);
  }
  toString = () => `collapse(${this.proc}, ${this.region})`;
}

class AccessCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly first: number,
    readonly count: number,
    readonly write: boolean,
    readonly add: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const { p, region, first, count, addr } = pickRange(model, this);
    if (this.write) {
      if (this.add && region.lazy !== undefined && region.writable)
        resolveLazy(real, p.pid, region, first, count);
      const word = model.nextWord++;
      const available = real.m.hugetlb.available;
      const marked = ownerTookPage(real, p.pid, addr);
      const r = real.m.access(p.pid, addr, count * PAGE_SIZE, true, word, false, this.add);
      if (!r.ok) throw new Error(`write failed: ${r.errno}`);
      if (hugetlbSigbus(region, r.value.signal, available, marked)) {
        died(model, real, p);
        return;
      }
      if (!region.writable) {
        if (r.value.signal?.signo !== 11)
          throw new Error("a write to a read-only mapping did not segfault");
        died(model, real, p);
        return;
      }
      if (r.value.signal !== null) throw new Error(`unexpected signal ${r.value.signal.signo}`);
      for (let i = 0; i < count; i++) {
        writeModel(
          region,
          first + i,
          this.add ? (readModel(region, first + i) + word) >>> 0 : word,
        );
        region.lazy?.delete(first + i);
      }
      return;
    }
    const available = real.m.hugetlb.available;
    const marked = ownerTookPage(real, p.pid, addr);
    const r = real.m.access(p.pid, addr, count * PAGE_SIZE, false, 0, true);
    if (r.ok && hugetlbSigbus(region, r.value.signal, available, marked)) {
      died(model, real, p);
      return;
    }
    if (!r.ok || r.value.signal !== null) throw new Error("read failed");
    r.value.words!.forEach((w, i) => {
      const want = readModel(region, first + i);
      if (w === 0 && region.lazy?.delete(first + i)) writeModel(region, first + i, 0);
      else if (w !== want)
        throw new Error(
          `pid ${p.pid} read ${w} at page ${first + i} of ${region.start.toString(16)}; the model says ${want}`,
        );
    });
  }
  toString = () =>
    `${this.write ? (this.add ? "add" : "write") : "read"}(${this.proc}, ${this.region}, ${this.first}, ${this.count})`;
}

/**
 * Whether an access to `region` ended in the SIGBUS of a hugetlb fault that
 * found no page: only when the pool had no unreserved page before it (an
 * access of the model's touches one huge page at most). The process died.
 */
function hugetlbSigbus(
  region: RegionModel,
  signal: { readonly signo: number } | null,
  available: number,
  marked: boolean,
): boolean {
  if (signal?.signo !== 7) return false;
  if (!region.hugetlb) throw new Error("SIGBUS outside a hugetlb mapping");
  if (available > 0 && !marked) throw new Error(`SIGBUS with ${available} huge pages free`);
  return true;
}

/** Whether the reservation owner took a page of this child's hugetlb VMA (unmap_ref_private). */
function ownerTookPage(real: Real, pid: number, addr: number): boolean {
  const vma = real.m.tasks.get(pid)?.mm?.vmaAt(addr);
  const file = vma?.file?.hugetlb;
  const anonVma = vma?.anonVma;
  return anonVma != null && (file?.unmapped.has(anonVma) ?? false);
}

/**
 * mmap(MAP_HUGETLB) of one or two 2 MiB pages, private or shared, reserved
 * (ENOMEM when the pool has too few unreserved pages: nothing changes) or
 * MAP_NORESERVE.
 */
class HugetlbMmapCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly hpages: number,
    readonly shared: boolean,
    readonly noreserve: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const available = real.m.hugetlb.available;
    const r = real.m.mmap(p.pid, {
      addr: 0,
      length: this.hpages * 2 * 1024 * 1024,
      prot: 3,
      flags:
        (this.shared ? MAP_SHARED : MAP_PRIVATE) |
        MAP_ANONYMOUS |
        MAP_HUGETLB |
        (this.noreserve ? MAP_NORESERVE : 0),
      file: null,
      fileWritable: false,
      offset: 0,
    });
    if (!r.ok) {
      if (r.errno === "ENOMEM" && !this.noreserve && available < this.hpages) return;
      throw new Error(`hugetlb mmap failed: ${r.errno}`);
    }
    p.regions.push({
      start: r.value,
      pages: this.hpages * 512,
      writable: true,
      words: new Map(),
      backing: this.shared ? { words: new Map<number, number>(), pgoff: 0, shared: true } : null,
      hugetlb: true,
    });
  }
  toString = () =>
    `hugetlb_mmap(${this.proc}, ${this.hpages}${this.shared ? ", shared" : ""}${this.noreserve ? ", noreserve" : ""})`;
}

class ForkCmd extends Cmd {
  constructor(readonly proc: number) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0 && m.procs.length < 8;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const r = real.m.fork(p.pid);
    if (refusedByOvercommit(real, r)) return;
    if (!r.ok) throw new Error("fork failed");
    const regions = p.regions.map((reg) => ({
      ...reg,
      words: new Map(reg.words),
      ...(reg.lazy === undefined ? {} : { lazy: new Set(reg.lazy) }),
    }));
    model.procs.push({ pid: r.value, regions, exitsAt: null });
  }
  toString = () => `fork(${this.proc})`;
}

class ExecCmd extends Cmd {
  constructor(readonly proc: number) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    if (!real.m.exec(p.pid, "/bin/sh", ["sh"]).ok) throw new Error("exec failed");
    p.regions = [];
    p.exitsAt = null;
  }
  toString = () => `exec(${this.proc})`;
}

// ---- issue 14 (t-programs): exec of the programs read at their first exec ----
/** Their images come from src/kernel/programs through the test reader. */
const LAZY_EXECS = [
  ["/usr/bin/redis-server", ["redis-server", "--port", "0"]],
  ["/usr/sbin/nginx", ["nginx", "-c", "/etc/nginx/cowsh.conf"]],
  ["/usr/bin/python3", ["python3", "-c", "import time; time.sleep(1000)"]],
  ["/usr/bin/perl", ["perl", "-e", "sleep 2000"]], // not the captured 1000: no timed exit
] as const;

/** exec of redis-server (thread stacks, MAP_NORESERVE arenas), nginx (a shared zone), python3, perl. */
class ExecProgramCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly program: number,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const [path, argv] = LAZY_EXECS[this.program % LAZY_EXECS.length]!;
    if (!real.m.exec(p.pid, path, argv).ok) throw new Error(`exec ${path} failed`);
    p.regions = [];
    p.exitsAt = null;
  }
  toString = () => `execProgram(${this.proc}, ${LAZY_EXECS[this.program % LAZY_EXECS.length]![0]})`;
}
// ---- end issue 14 (t-programs) ----

class ExitCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly signal: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 1;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const r = this.signal ? real.m.kill(p.pid, 9) : real.m.exit(p.pid, 0);
    if (!r.ok) throw new Error("exit failed");
    died(model, real, p);
  }
  toString = () => `${this.signal ? "kill" : "exit"}(${this.proc})`;
}

/**
 * kill -9 of the login shell (PID 2), once: it dies, init adopts the test
 * processes it parents and reaps them as they die; spawn forks init.
 */
class KillShellCmd extends Cmd {
  check = () => true;
  run(_model: Model, real: Real): void {
    const alive = real.m.tasks.has(2);
    if (real.m.kill(2, 9).ok !== alive) throw new Error("kill of the login shell");
    if (real.m.tasks.has(2)) throw new Error("the login shell survived SIGKILL");
    for (const t of real.m.tasks.values())
      if (t.ppid === 2) throw new Error(`pid ${t.pid}'s parent is still the dead shell`);
  }
  toString = () => "kill(login shell)";
}

/** The process will exit by itself after `seconds` of simulated time. */
class RunCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly seconds: number,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.some((p) => p.exitsAt === null) && m.procs.length > 1;
  run(model: Model, real: Real): void {
    const p = pick(
      model.procs.filter((q) => q.exitsAt === null),
      this.proc,
    )!;
    const ns = this.seconds * NSEC_PER_SEC;
    if (
      !real.m.run(p.pid, [
        { kind: "sleep", ns },
        { kind: "exit", status: 0 },
      ]).ok
    )
      throw new Error("run failed");
    p.exitsAt = real.m.now + ns;
  }
  toString = () => `run(${this.proc}, sleep ${this.seconds}; exit)`;
}

/** The shell sleeps: processes whose time has come exit. */
class SleepCmd extends Cmd {
  constructor(readonly seconds: number) {
    super();
  }
  check = () => true;
  run(model: Model, real: Real): void {
    real.m.advance(this.seconds * NSEC_PER_SEC);
    for (const p of [...model.procs]) {
      if (p.exitsAt !== null && p.exitsAt <= real.m.now) {
        if (!real.m.tasks.get(p.pid)?.isZombie && real.m.tasks.has(p.pid))
          throw new Error(`pid ${p.pid} should have exited`);
        died(model, real, p);
      }
    }
  }
  toString = () => `sleep(${this.seconds})`;
}

class MunmapCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const p = pick(withRegions(model), this.proc)!;
    const region = pick(p.regions, this.region)!;
    if (!real.m.munmap(p.pid, region.start, region.pages * PAGE_SIZE).ok)
      throw new Error("munmap failed");
    p.regions = p.regions.filter((r) => r !== region);
  }
  toString = () => `munmap(${this.proc}, ${this.region})`;
}

class MprotectCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly writable: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const p = pick(withRegions(model), this.proc)!;
    const region = pick(p.regions, this.region)!;
    const r = real.m.mprotect(p.pid, region.start, region.pages * PAGE_SIZE, this.writable ? 3 : 1);
    if (refusedByOvercommit(real, r)) return;
    if (!r.ok) throw new Error("mprotect failed");
    region.writable = this.writable;
  }
  toString = () => `mprotect(${this.proc}, ${this.region}, ${this.writable ? "rw" : "r"})`;
}

/** brk(+pages): the heap grows; the new pages are a private anonymous region. */
class BrkCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly pages: number,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const mm = real.m.tasks.get(p.pid)!.mm!;
    const oldEnd = Math.ceil(mm.brk / PAGE_SIZE) * PAGE_SIZE;
    const r = real.m.brk(p.pid, oldEnd + this.pages * PAGE_SIZE);
    if (!r.ok) throw new Error("brk failed");
    if (r.value === oldEnd + this.pages * PAGE_SIZE) {
      p.regions.push({
        start: oldEnd,
        pages: this.pages,
        writable: true,
        words: new Map(),
        backing: null,
      });
    }
  }
  toString = () => `brk(${this.proc}, +${this.pages})`;
}

/** msync of a whole region: writeback changes no word anyone reads. */
class MsyncCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const p = pick(withRegions(model), this.proc)!;
    const region = pick(p.regions, this.region)!;
    if (!real.m.msync(p.pid, region.start, region.pages * PAGE_SIZE).ok)
      throw new Error("msync failed");
  }
  toString = () => `msync(${this.proc}, ${this.region})`;
}

/**
 * MADV_PAGEOUT or MADV_COLD of part of a region: pages go to swap (or stay,
 * when the swap is full or another process maps them); no word anyone
 * reads changes, and the next access swaps them back in.
 */
class PageoutCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly first: number,
    readonly count: number,
    readonly cold: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const { p, region, addr, count } = pickRange(model, this);
    const advice = this.cold ? MADV_COLD : MADV_PAGEOUT;
    const r = real.m.madvise(p.pid, addr, count * PAGE_SIZE, advice);
    if (region.hugetlb) {
      if (r.ok || r.errno !== "EINVAL") throw new Error("MADV_PAGEOUT of hugetlb did not fail");
      return;
    }
    if (!r.ok) throw new Error(`madvise failed: ${r.errno}`);
  }
  toString = () =>
    `${this.cold ? "cold" : "pageout"}(${this.proc}, ${this.region}, ${this.first}, ${this.count})`;
}

/**
 * mremap of a whole region: resized (private anonymous memory may grow,
 * moving where it cannot grow in place; anything may shrink), moved with
 * MREMAP_FIXED onto a fresh PROT_NONE reservation, or moved with
 * MREMAP_DONTUNMAP, which leaves the old range mapped as fresh memory over
 * the same backing. The words move with the pages.
 */
class MremapCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly pages: number,
    readonly how: "resize" | "fixed" | "aligned" | "dontunmap",
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const p = pick(withRegions(model), this.proc)!;
    const region = pick(p.regions, this.region)!;
    let pages = this.how === "dontunmap" ? region.pages : this.pages;
    // Shared memory and files keep their size: a grown part would be past their end.
    if (region.backing !== null) pages = Math.min(pages, region.pages);
    let flags = MREMAP_MAYMOVE;
    let newAddr = 0;
    let reservedAt = 0;
    // "aligned": to a 2 MiB boundary, where a THP region's PMDs move whole
    const slack = this.how === "aligned" ? 2 * 1024 * 1024 : 0;
    const fixed = this.how === "fixed" || this.how === "aligned";
    if (fixed) {
      const reserved = real.m.mmap(p.pid, {
        addr: 0,
        length: pages * PAGE_SIZE + slack,
        prot: 0,
        flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
        file: null,
        fileWritable: false,
        offset: 0,
      });
      if (!reserved.ok) throw new Error(`mmap failed: ${reserved.errno}`);
      reservedAt = reserved.value;
      newAddr = slack === 0 ? reserved.value : Math.ceil(reserved.value / slack) * slack;
      flags |= MREMAP_FIXED;
    }
    if (this.how === "dontunmap") flags |= MREMAP_DONTUNMAP;
    if (region.hugetlb) {
      if (fixed) real.m.munmap(p.pid, reservedAt, pages * PAGE_SIZE + slack);
      remapHugetlb(real, p, region, pages, this.how === "aligned" ? "fixed" : this.how);
      return;
    }
    const vma = real.m.tasks.get(p.pid)!.mm!.vmaAt(region.start);
    const spansVmas = vma !== undefined && vma.end < region.start + region.pages * PAGE_SIZE;
    const r = real.m.mremap(p.pid, {
      addr: region.start,
      oldLen: region.pages * PAGE_SIZE,
      newLen: pages * PAGE_SIZE,
      flags,
      newAddr,
    });
    if (refusedByOvercommit(real, r)) return;
    if (!r.ok && r.errno === "EFAULT" && spansVmas) {
      // KSM advice of part of it (KsmCmd) split the region: mremap refuses
      // a range of several VMAs (vma_to_resize) and changes nothing, unless
      // it is a same-length MREMAP_FIXED move (remap_move, Linux 6.17)
      if (fixed && pages === region.pages)
        throw new Error("a same-length fixed move across VMAs failed");
      if (fixed) real.m.munmap(p.pid, reservedAt, pages * PAGE_SIZE + slack);
      return;
    }
    if (!r.ok) throw new Error(`mremap failed: ${r.errno}`);
    if (this.how === "dontunmap") {
      const { start, writable, backing } = region;
      p.regions.push({ start, pages: region.pages, writable, words: new Map(), backing });
    }
    region.start = r.value.addr;
    for (const i of [...region.words.keys()]) if (i >= pages) region.words.delete(i);
    for (const i of [...(region.lazy ?? [])]) if (i >= pages) region.lazy!.delete(i);
    region.pages = pages;
  }
  toString = () => `mremap(${this.proc}, ${this.region}, ${this.pages}, ${this.how})`;
}

const HPAGE_PAGES = 512;

/**
 * mremap of a hugetlb region (scenario 98): lengths round up to 2 MiB, so
 * `pages` asks for one huge page. Resized: a region of two shrinks to one,
 * of one stays; with MREMAP_FIXED it moves (and shrinks) to a 2 MiB-aligned
 * place cut out of a fresh PROT_NONE reservation; MREMAP_DONTUNMAP is
 * EINVAL. The words go with the pages; a shrunk tail's are gone.
 */
function remapHugetlb(
  real: Real,
  p: ProcModel,
  region: RegionModel,
  pages: number,
  how: "resize" | "fixed" | "dontunmap",
): void {
  const newPages = Math.ceil(pages / HPAGE_PAGES) * HPAGE_PAGES;
  let newAddr = 0;
  let flags = MREMAP_MAYMOVE;
  if (how === "fixed") {
    const len = newPages * PAGE_SIZE;
    const reserved = real.m.mmap(p.pid, {
      addr: 0,
      length: len + 2 * 1024 * 1024,
      prot: 0,
      flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
      file: null,
      fileWritable: false,
      offset: 0,
    });
    if (!reserved.ok) throw new Error(`mmap failed: ${reserved.errno}`);
    newAddr = Math.ceil(reserved.value / (2 * 1024 * 1024)) * 2 * 1024 * 1024;
    // only the aligned destination stays reserved
    real.m.munmap(p.pid, reserved.value, newAddr - reserved.value);
    real.m.munmap(p.pid, newAddr + len, reserved.value + 2 * 1024 * 1024 - newAddr);
    flags |= MREMAP_FIXED;
  }
  if (how === "dontunmap") flags |= MREMAP_DONTUNMAP;
  const r = real.m.mremap(p.pid, {
    addr: region.start,
    oldLen: region.pages * PAGE_SIZE,
    newLen: pages * PAGE_SIZE,
    flags,
    newAddr,
  });
  if (how === "dontunmap") {
    if (r.ok || r.errno !== "EINVAL") throw new Error("MREMAP_DONTUNMAP of hugetlb did not fail");
    return;
  }
  if (!r.ok) throw new Error(`hugetlb mremap failed: ${r.errno}`);
  if (how === "fixed" && r.value.addr !== newAddr)
    throw new Error("hugetlb mremap moved elsewhere");
  region.start = r.value.addr;
  for (const i of [...region.words.keys()]) if (i >= newPages) region.words.delete(i);
  region.pages = Math.min(region.pages, newPages);
}

/**
 * vm.nr_hugepages = count: the pool grows from free memory, or gives back
 * its free pages; pages in use or reserved stay (surplus). No word changes;
 * what a later fault finds is AccessCmd's to check.
 */
class NrHugepagesCmd extends Cmd {
  constructor(readonly count: number) {
    super();
  }
  check = () => true;
  run(_model: Model, real: Real): void {
    real.m.setNrHugepages(this.count);
  }
  toString = () => `nr_hugepages(${this.count})`;
}

/**
 * save, then load: the machine goes on as the loaded copy, so every word,
 * entry, reservation and counter must have come through the image.
 */
class SaveLoadCmd extends Cmd {
  check = () => true;
  run(_model: Model, real: Real): void {
    const loaded = loadMachine(saveMachine(real.m));
    if (!loaded.ok) throw new Error(`load failed: ${loaded.problem}`);
    loaded.machine.trace = real.m.trace;
    real.m = loaded.machine;
  }
  toString = () => "save_load()";
}

/* ---- vfork and posix_spawn (t-spawn) ---- */

/** How a vfork pair's wait ends in VforkCmd. */
type VforkEnd = "exec" | "exit" | "kill-child" | "kill-parent" | "save-load-exec";

/**
 * vfork by a test process; the child writes pages of one of the parent's
 * regions (they land in the parent's mm: the model writes the parent's
 * region); then the wait ends one of the VforkEnd ways. The parent runs
 * again (or, killed, leaves its regions to the child, which goes on alone
 * with the mm).
 */
class VforkCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly first: number,
    readonly count: number,
    readonly end: VforkEnd,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0 && m.procs.length < 8;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const r = real.m.vfork(p.pid);
    if (!r.ok) throw new Error(`vfork failed: ${r.errno}`);
    const child = r.value;
    if (real.m.tasks.get(p.pid)!.state !== "D") throw new Error("the vfork parent is not in D");
    const writable = p.regions.filter((g) => g.writable && !g.hugetlb && !g.lazy?.size);
    const region = pick(writable, this.region);
    if (region !== undefined) {
      const first = this.first % region.pages;
      const count = Math.min(this.count, region.pages - first);
      const word = model.nextWord++;
      const w = real.m.access(
        child,
        region.start + first * PAGE_SIZE,
        count * PAGE_SIZE,
        true,
        word,
      );
      if (!w.ok || w.value.signal !== null) throw new Error("the vfork child's write failed");
      for (let i = 0; i < count; i++) writeModel(region, first + i, word);
    }
    const must = (x: { ok: boolean; errno?: string }, what: string): void => {
      if (!x.ok) throw new Error(`${what} failed: ${x.errno}`);
    };
    switch (this.end) {
      case "save-load-exec":
        new SaveLoadCmd().run(model, real);
        if (real.m.tasks.get(child)!.mm !== real.m.tasks.get(p.pid)!.mm)
          throw new Error("a loaded vfork pair does not share its mm");
        must(real.m.exec(child, "/bin/sh", ["sh"]), "exec");
        model.procs.push({ pid: child, regions: [], exitsAt: null });
        break;
      case "exec":
        must(real.m.exec(child, "/bin/sh", ["sh"]), "exec");
        model.procs.push({ pid: child, regions: [], exitsAt: null });
        break;
      case "exit":
      case "kill-child":
        must(this.end === "exit" ? real.m.exit(child, 0) : real.m.kill(child, 9), this.end);
        must(real.m.wait(child), "wait");
        break;
      case "kill-parent":
        must(real.m.kill(p.pid, 9), "kill");
        model.procs.push({ pid: child, regions: p.regions, exitsAt: null });
        died(model, real, p);
        return;
    }
    if (real.m.tasks.get(p.pid)!.state === "D") throw new Error("the vfork parent still waits");
  }
  toString = () =>
    `vfork(${this.proc}, child writes ${this.count} at ${this.region}:${this.first}, ${this.end})`;
}

/** spawn --via vfork or posix-spawn: the shell (or init) starts a test process. */
class SpawnViaCmd extends Cmd {
  constructor(readonly via: "vfork" | "posix-spawn") {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length < 8;
  run(model: Model, real: Real): void {
    const r = real.m.spawnVia(this.via, "/bin/sh", ["sh"]);
    if (refusedByOvercommit(real, r)) return;
    if (!r.ok) throw new Error(`spawn --via ${this.via} failed: ${r.errno}`);
    model.procs.push({ pid: r.value, regions: [], exitsAt: null });
  }
  toString = () => `spawn(--via ${this.via})`;
}

const VFORK_ENDS: readonly VforkEnd[] = ["exec", "exit", "kill-child", "kill-parent"];
const vforkArb = fc
  .tuple(fc.nat(7), fc.nat(7), fc.nat(63), fc.integer({ min: 1, max: 40 }), fc.nat(15))
  // the four ends alike; a save and load (a boot's cost) one time in sixteen
  .map(
    ([p, r, f, c, k]) => new VforkCmd(p, r, f, c, k === 0 ? "save-load-exec" : VFORK_ENDS[k % 4]!),
  );
const spawnViaArb = fc
  .constantFrom("vfork" as const, "posix-spawn" as const)
  .map((via) => new SpawnViaCmd(via));

/* ---- overcommit ---- */

/**
 * A call overcommit refused: ENOMEM in strict mode (mode 2), which changes
 * nothing, so the model does not change either.
 */
function refusedByOvercommit(real: Real, r: { ok: boolean; errno?: string }): boolean {
  return !r.ok && r.errno === "ENOMEM" && real.m.commit.overcommitMemory === OVERCOMMIT_NEVER;
}

/**
 * vm.overcommit_memory = mode; in mode 2 with CommitLimit = what is
 * committed now + `headroom` pages, so that the next charges sometimes fit
 * and sometimes are refused.
 */
class OvercommitCmd extends Cmd {
  constructor(
    readonly mode: number,
    readonly headroom: number,
  ) {
    super();
  }
  check = () => true;
  run(_model: Model, real: Real): void {
    const kbytes = ((real.m.commit.committed + this.headroom) * PAGE_SIZE) / 1024;
    real.m.setOvercommit({ overcommitMemory: this.mode, overcommitKbytes: kbytes });
  }
  toString = () => `overcommit(${this.mode}, +${this.headroom})`;
}

const overcommitArb = fc
  .tuple(fc.nat(2), fc.nat(120))
  .map(([mode, headroom]) => new OvercommitCmd(mode, headroom));

/** A lazy-free page of [first, first + count) that reads 0 was discarded: the model learns it. */
function resolveLazy(
  real: Real,
  pid: number,
  region: RegionModel,
  first: number,
  count: number,
): void {
  const r = real.m.access(pid, region.start + first * PAGE_SIZE, count * PAGE_SIZE, false, 0, true);
  if (!r.ok || r.value.signal !== null) throw new Error("read failed");
  r.value.words!.forEach((w, i) => {
    if (w === 0 && region.lazy!.delete(first + i)) writeModel(region, first + i, 0);
  });
}

/**
 * MADV_FREE of part of a region: a private anonymous one's pages become
 * lazily freeable (their words may read 0 once reclaim discards them);
 * any other mapping refuses it (EINVAL).
 */
class FreeCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly first: number,
    readonly count: number,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const { p, region, first, count, addr } = pickRange(model, this);
    const r = real.m.madvise(p.pid, addr, count * PAGE_SIZE, MADV_FREE);
    if (region.backing !== null || region.hugetlb) {
      if (r.ok || r.errno !== "EINVAL")
        throw new Error("MADV_FREE of a file or shmem mapping did not fail");
      return;
    }
    if (!r.ok) throw new Error(`madvise free failed: ${r.errno}`);
    region.lazy ??= new Set();
    for (let i = first; i < first + count; i++) region.lazy.add(i);
  }
  toString = () => `free(${this.proc}, ${this.region}, ${this.first}, ${this.count})`;
}

/**
 * MADV_POPULATE_READ or _WRITE of part of a region: no word changes; a
 * write populate of a read-only region fails (EINVAL), and of lazy-free
 * pages makes them dirty again (no longer discardable).
 */
class PopulateCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly first: number,
    readonly count: number,
    readonly write: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const { p, region, first, count, addr } = pickRange(model, this);
    if (region.backing !== null && !region.backing.shared) return; // a file: its end may lie inside (EFAULT)
    if (region.hugetlb) return; // a fault there may find no huge page (its SIGBUS is AccessCmd's)
    const advice = this.write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;
    const r = real.m.madvise(p.pid, addr, count * PAGE_SIZE, advice);
    if (this.write && !region.writable) {
      if (r.ok || r.errno !== "EINVAL")
        throw new Error("a write populate of a read-only mapping did not fail");
      return;
    }
    if (!r.ok) throw new Error(`madvise populate failed: ${r.errno}`);
    if (this.write && region.lazy !== undefined) {
      resolveLazy(real, p.pid, region, first, count);
      for (let i = first; i < first + count; i++) region.lazy.delete(i);
    }
  }
  toString = () =>
    `populate_${this.write ? "write" : "read"}(${this.proc}, ${this.region}, ${this.first}, ${this.count})`;
}

/**
 * MADV_MERGEABLE or MADV_UNMERGEABLE of part of a region, with ksmd running
 * fast (a batch of 64 pages every simulated millisecond): whatever KSM
 * merges, breaks or copies, every page must still read what was written.
 * Shared mappings are left alone by MADV_MERGEABLE; neither advice fails.
 */
class KsmCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly first: number,
    readonly count: number,
    readonly unmerge: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const { p, count, addr } = pickRange(model, this);
    Object.assign(real.m.ksm.tun, { run: 1, pagesToScan: 64, sleepMillisecs: 1 });
    const advice = this.unmerge ? MADV_UNMERGEABLE : MADV_MERGEABLE;
    const r = real.m.madvise(p.pid, addr, count * PAGE_SIZE, advice);
    if (!r.ok) throw new Error(`madvise ${this.unmerge ? "un" : ""}mergeable failed: ${r.errno}`);
  }
  toString = () =>
    `${this.unmerge ? "unmergeable" : "mergeable"}(${this.proc}, ${this.region}, ${this.first}, ${this.count})`;
}

const ksmArb = fc
  .tuple(fc.nat(7), fc.nat(7), fc.nat(63), fc.integer({ min: 1, max: 40 }), fc.nat(3))
  .map(([p, r, f, c, u]) => new KsmCmd(p, r, f, c, u === 0));

const mmapArb = fc
  .tuple(
    fc.nat(7),
    fc.integer({ min: 1, max: 40 }),
    fc.boolean(),
    fc.option(fc.nat(2), { freq: 3 }),
  )
  .map(([p, n, s, f]) => new MmapCmd(p, n, s, f));
const accessArb = fc
  .tuple(
    fc.nat(7),
    fc.nat(7),
    fc.nat(63),
    fc.integer({ min: 1, max: 40 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([p, r, f, c, w, a]) => new AccessCmd(p, r, f, c, w, a));
const forkArb = fc.nat(7).map((p) => new ForkCmd(p));
const hugetlbMmapArb = fc
  .tuple(fc.nat(7), fc.integer({ min: 1, max: 2 }), fc.boolean(), fc.nat(3))
  .map(([p, n, s, nr]) => new HugetlbMmapCmd(p, n, s, nr === 0));
const pageoutArb = fc
  .tuple(fc.nat(7), fc.nat(7), fc.nat(63), fc.integer({ min: 1, max: 40 }), fc.nat(3))
  .map(([p, r, f, c, cold]) => new PageoutCmd(p, r, f, c, cold === 0));

/**
 * Under memory pressure, shared memory too: reclaim swaps a shmem page out
 * only if it is dirty (a clean one is dropped), so besides every command
 * these map shared anonymous memory and the tmpfs file, and write to it.
 */
const sharedMmapArb = fc
  .tuple(fc.nat(7), fc.integer({ min: 8, max: 40 }), fc.boolean())
  .map(([p, n, tmpfs]) => new MmapCmd(p, n, true, tmpfs ? TMPFS_FILE : null));
const writeArb = fc
  .tuple(fc.nat(7), fc.nat(7), fc.nat(63), fc.integer({ min: 1, max: 40 }), fc.boolean())
  .map(([p, r, f, c, a]) => new AccessCmd(p, r, f, c, true, a));

/* ---- threads (thread.ts, issue 14) ---- */

/** The TIDs of a process's threads other than its leader, from the machine (the model keeps memory, not tasks). */
const threadsOf = (real: Real, p: ProcModel): number[] =>
  groupTasks(real.m.tasks, p.pid)
    .slice(1)
    .map((t) => t.pid);

/** pthread_create by the process or one of its threads. EAGAIN only when strict overcommit refuses the stack. */
class ThreadCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly by: number,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const caller = pick([p.pid, ...threadsOf(real, p)], this.by)!;
    const r = real.m.createThread(caller);
    if (!r.ok && !(r.errno === "EAGAIN" && real.m.commit.overcommitMemory === OVERCOMMIT_NEVER))
      throw new Error(`pthread_create failed: ${r.errno}`);
  }
  toString = () => `thread(${this.proc}, by ${this.by})`;
}

/** A thread (not the leader) writes or reads a range: the group's memory, as the model says. */
class ThreadAccessCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly first: number,
    readonly count: number,
    readonly write: boolean,
    readonly by: number,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => withRegions(m).length > 0;
  run(model: Model, real: Real): void {
    const { p, region, first, count, addr } = pickRange(model, this);
    const tid = pick(threadsOf(real, p), this.by);
    if (tid === undefined || region.hugetlb) return;
    if (this.write && region.writable) {
      const word = model.nextWord++;
      const r = real.m.access(tid, addr, count * PAGE_SIZE, true, word);
      if (!r.ok || r.value.signal !== null) throw new Error("thread write failed");
      for (let i = 0; i < count; i++) {
        writeModel(region, first + i, word);
        region.lazy?.delete(first + i);
      }
      return;
    }
    const r = real.m.access(tid, addr, count * PAGE_SIZE, false, 0, true);
    if (!r.ok || r.value.signal !== null) throw new Error("thread read failed");
    r.value.words!.forEach((w, i) => {
      const want = readModel(region, first + i);
      if (w === 0 && region.lazy?.delete(first + i)) writeModel(region, first + i, 0);
      else if (w !== want)
        throw new Error(`thread ${tid} read ${w} at page ${first + i}; the model says ${want}`);
    });
  }
  toString = () =>
    `thread_${this.write ? "write" : "read"}(${this.proc}, ${this.region}, ${this.first}, ${this.count}, by ${this.by})`;
}

/** A thread returns and is joined (its stack cached); or, `group`, it calls exit (exit_group) or is killed. */
class ThreadExitCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly by: number,
    readonly how: "thread" | "exit" | "kill",
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 1;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const tid = pick(threadsOf(real, p), this.by);
    if (tid === undefined) return;
    const r =
      this.how === "thread"
        ? real.m.exitThread(tid)
        : this.how === "exit"
          ? real.m.exit(tid, 0)
          : real.m.kill(tid, 9);
    if (!r.ok) throw new Error(`thread ${this.how} failed: ${r.errno}`);
    if (this.how !== "thread") died(model, real, p);
  }
  toString = () => `thread_${this.how}(${this.proc}, by ${this.by})`;
}

/** fork or exec by a thread: the child copies the group's memory; exec ends the other threads. */
class ThreadForkExecCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly by: number,
    readonly exec: boolean,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0 && m.procs.length < 8;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const tid = pick(threadsOf(real, p), this.by);
    if (tid === undefined) return;
    if (this.exec) {
      if (!real.m.exec(tid, "/bin/sh", ["sh"]).ok) throw new Error("exec by a thread failed");
      if (real.m.tasks.get(p.pid)?.tgid !== p.pid || threadsOf(real, p).length > 0)
        throw new Error("exec by a thread left the group");
      p.regions = [];
      p.exitsAt = null;
      return;
    }
    const r = real.m.fork(tid);
    if (refusedByOvercommit(real, r)) return;
    if (!r.ok) throw new Error("fork by a thread failed");
    const regions = p.regions.map((reg) => ({
      ...reg,
      words: new Map(reg.words),
      ...(reg.lazy === undefined ? {} : { lazy: new Set(reg.lazy) }),
    }));
    model.procs.push({ pid: r.value, regions, exitsAt: null });
  }
  toString = () => `thread_${this.exec ? "exec" : "fork"}(${this.proc}, by ${this.by})`;
}

const threadArbs = [
  fc.tuple(fc.nat(7), fc.nat(3)).map(([p, b]) => new ThreadCmd(p, b)),
  fc
    .tuple(
      fc.nat(7),
      fc.nat(7),
      fc.nat(63),
      fc.integer({ min: 1, max: 40 }),
      fc.boolean(),
      fc.nat(3),
    )
    .map(([p, r, f, c, w, b]) => new ThreadAccessCmd(p, r, f, c, w, b)),
  fc
    .tuple(
      fc.nat(7),
      fc.nat(3),
      fc.constantFrom("thread" as const, "exit" as const, "kill" as const),
    )
    .map(([p, b, how]) => new ThreadExitCmd(p, b, how)),
  fc.tuple(fc.nat(7), fc.nat(3), fc.boolean()).map(([p, b, e]) => new ThreadForkExecCmd(p, b, e)),
];

/* ---- clone (t-clone) ---- */

/** How the CLONE_VM child's life ends in CloneVmCmd. */
type CloneVmEnd = "exit" | "exec" | "fork-then-exit" | "kill-parent" | "save-load-exit";

/**
 * clone(CLONE_VM) by a test process, without CLONE_VFORK: both run on one
 * mm. The child writes pages of one of the parent's regions (the model
 * writes the parent's region), the parent reads them back with the words
 * the model says; then the child exits, execs, forks (the fork copies the
 * shared mm: a new process with a copy of the parent's regions) and exits,
 * or the parent is killed and the child goes on alone with the mm.
 */
class CloneVmCmd extends Cmd {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly first: number,
    readonly count: number,
    readonly end: CloneVmEnd,
  ) {
    super();
  }
  check = (m: Readonly<Model>) => m.procs.length > 0 && m.procs.length < 8;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const r = real.m.clone(p.pid, { flags: CLONE_VM, stack: null });
    if (!r.ok) throw new Error(`clone --vm failed: ${r.errno}`);
    const child = r.value;
    if (real.m.tasks.get(child)!.mm !== real.m.tasks.get(p.pid)!.mm)
      throw new Error("a CLONE_VM child does not share its parent's mm");
    const region = pick(
      p.regions.filter((g) => g.writable && !g.hugetlb && !g.lazy?.size),
      this.region,
    );
    if (region !== undefined) {
      const first = this.first % region.pages;
      const count = Math.min(this.count, region.pages - first);
      const addr = region.start + first * PAGE_SIZE;
      const word = model.nextWord++;
      const w = real.m.access(child, addr, count * PAGE_SIZE, true, word);
      if (!w.ok || w.value.signal !== null) throw new Error("the CLONE_VM child's write failed");
      for (let i = 0; i < count; i++) writeModel(region, first + i, word);
      const back = real.m.access(p.pid, addr, count * PAGE_SIZE, false, null, true);
      if (!back.ok || back.value.signal !== null) throw new Error("the parent's read failed");
      if (back.value.minflt !== 0) throw new Error("the parent faulted on pages its mm has");
      back.value.words?.forEach((got, i) => {
        if (got !== readModel(region, first + i))
          throw new Error(`the parent read ${got} at page ${first + i} after the child's write`);
      });
    }
    const must = (x: { ok: boolean; errno?: string }, what: string): void => {
      if (!x.ok) throw new Error(`${what} failed: ${x.errno}`);
    };
    switch (this.end) {
      case "save-load-exit":
        new SaveLoadCmd().run(model, real);
        if (real.m.tasks.get(child)!.mm !== real.m.tasks.get(p.pid)!.mm)
          throw new Error("a loaded CLONE_VM pair does not share its mm");
        must(real.m.exit(child, 0), "exit");
        must(real.m.wait(child), "wait");
        break;
      case "fork-then-exit": {
        const g = real.m.fork(child);
        if (g.ok) {
          const regions = p.regions.map((reg) => ({
            ...reg,
            words: new Map(reg.words),
            ...(reg.lazy === undefined ? {} : { lazy: new Set(reg.lazy) }),
          }));
          model.procs.push({ pid: g.value, regions, exitsAt: null });
        } else if (!refusedByOvercommit(real, g)) throw new Error(`fork failed: ${g.errno}`);
        must(real.m.exit(child, 0), "exit");
        must(real.m.wait(child), "wait");
        break;
      }
      case "exit":
        must(real.m.exit(child, 0), "exit");
        must(real.m.wait(child), "wait");
        break;
      case "exec":
        must(real.m.exec(child, "/bin/sh", ["sh"]), "exec");
        model.procs.push({ pid: child, regions: [], exitsAt: null });
        break;
      case "kill-parent":
        must(real.m.kill(p.pid, 9), "kill");
        model.procs.push({ pid: child, regions: p.regions, exitsAt: null });
        died(model, real, p);
        return;
    }
  }
  toString = () =>
    `clone_vm(${this.proc}, child writes ${this.count} at ${this.region}:${this.first}, ${this.end})`;
}

const CLONE_VM_ENDS: readonly CloneVmEnd[] = ["exit", "exec", "fork-then-exit", "kill-parent"];
const cloneVmArb = fc
  .tuple(fc.nat(7), fc.nat(7), fc.nat(63), fc.integer({ min: 1, max: 40 }), fc.nat(15))
  // the four ends alike; a save and load (a boot's cost) one time in sixteen
  .map(
    ([p, r, f, c, k]) =>
      new CloneVmCmd(p, r, f, c, k === 0 ? "save-load-exit" : CLONE_VM_ENDS[k % 4]!),
  );

/**
 * Every command, with small arguments so that sequences interact. Accesses,
 * mappings and forks are listed several times: fast-check picks uniformly
 * among the list, and memory traffic is where the bugs live.
 */
export const allCommands = [
  fc.constant(new SpawnCmd()),
  hugetlbMmapArb,
  // nr_hugepages, and an eighth as often (a save and load costs a boot) save/load
  fc
    .tuple(fc.nat(7), fc.integer({ min: 0, max: 6 }))
    .map(([k, n]) => (k === 0 ? new SaveLoadCmd() : new NrHugepagesCmd(n))),
  fc.tuple(fc.nat(7), fc.boolean()).map(([p, c]) => new ThpMmapCmd(p, c)),
  fc.nat(7).map((p) => new ThpMmapCmd(p, false, true)),
  fc
    .tuple(fc.integer({ min: 2, max: 8 }), fc.constantFrom("always" as const, "never" as const))
    .map(([o, mode]) => new MthpCmd(o, mode)),
  fc.tuple(fc.nat(7), fc.nat(7)).map(([p, r]) => new CollapseCmd(p, r)),
  ksmArb,
  ksmArb,
  mmapArb,
  mmapArb,
  mmapArb,
  accessArb,
  accessArb,
  accessArb,
  accessArb,
  accessArb,
  accessArb,
  accessArb,
  accessArb,
  forkArb,
  forkArb,
  fc.nat(7).map((p) => new ExecCmd(p)),
  // issue 14 (t-programs): one in eight of these execs a larger program (redis-server is
  // 11.6 MiB of start-up to replay), so that the run stays within its budget
  fc
    .tuple(fc.nat(7), fc.nat(31))
    .map(([p, k]) => (k < 4 ? new ExecProgramCmd(p, k) : new ExecCmd(p))),
  vforkArb, // vfork and posix_spawn (t-spawn)
  spawnViaArb,
  fc.tuple(fc.nat(7), fc.boolean()).map(([p, s]) => new ExitCmd(p, s)),
  fc.constant(new KillShellCmd()),
  fc.tuple(fc.nat(7), fc.integer({ min: 1, max: 5 })).map(([p, s]) => new RunCmd(p, s)),
  fc.integer({ min: 1, max: 4 }).map((s) => new SleepCmd(s)),
  fc.tuple(fc.nat(7), fc.nat(7)).map(([p, r]) => new MunmapCmd(p, r)),
  fc.tuple(fc.nat(7), fc.nat(7), fc.boolean()).map(([p, r, w]) => new MprotectCmd(p, r, w)),
  fc.tuple(fc.nat(7), fc.integer({ min: 1, max: 40 })).map(([p, n]) => new BrkCmd(p, n)),
  fc.tuple(fc.nat(7), fc.nat(7)).map(([p, r]) => new MsyncCmd(p, r)),
  fc
    .tuple(
      fc.nat(7),
      fc.nat(7),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 512 }),
      fc.constantFrom(
        "resize" as const,
        "fixed" as const,
        "aligned" as const,
        "dontunmap" as const,
      ),
    )
    // a THP region moves whole (512 pages) or in part, else small sizes
    .map(([p, r, n, big, how]) => new MremapCmd(p, r, how === "aligned" ? big : n, how)),
  pageoutArb,
  pageoutArb,
  overcommitArb,
  fc
    .tuple(fc.nat(7), fc.nat(7), fc.nat(63), fc.integer({ min: 1, max: 40 }))
    .map(([p, r, f, c]) => new FreeCmd(p, r, f, c)),
  fc
    .tuple(fc.nat(7), fc.nat(7), fc.nat(63), fc.integer({ min: 1, max: 40 }), fc.boolean())
    .map(([p, r, f, c, w]) => new PopulateCmd(p, r, f, c, w)),
  ...threadArbs,
  threadArbs[0]!,
  threadArbs[1]!,
  cloneVmArb, // clone(CLONE_VM) (t-clone)
];

/**
 * allCommands, and more shared mappings written to and paged out: for the
 * runs under pressure, so that shmem goes to swap and comes back in most
 * runs' worth of sequences.
 */
export const pressureCommands = [
  ...allCommands,
  sharedMmapArb,
  pageoutArb,
  pageoutArb,
  sharedMmapArb,
  sharedMmapArb,
  writeArb,
  writeArb,
  writeArb,
  writeArb,
];

/**
 * Runs `cmds` on a fresh machine, checking the invariants after every one,
 * then lets every test process exit and checks that nothing leaked.
 */
export function runChecked(
  cmds: Iterable<fc.Command<Model, Real>>,
  options: Partial<KernelConfig> = {},
): void {
  runCheckedStats(cmds, options);
}

/** What a run did, besides keeping the invariants. */
export interface RunStats {
  /** The machine's event counters (did reclaim run? did it swap?). */
  readonly vm: VmStat;
  /** Pages of shmem objects (shared anonymous memory, tmpfs) that went to swap, step by step. */
  readonly shmemSwapOuts: number;
  /** Of those, pages that came back into their object's page cache (shmem swap-in). */
  readonly shmemSwapIns: number;
  /** Shmem swap-outs by reclaim (not MADV_PAGEOUT): its "pageout" events, one per mapping PTE. */
  readonly shmemReclaimed: number;
}

/** runChecked, returning what the run did (RunStats). */
export function runCheckedStats(
  cmds: Iterable<fc.Command<Model, Real>>,
  options: Partial<KernelConfig> = {},
): RunStats {
  const { model, real } = setup(options);
  const shmem = new ShmemSwapWatch();
  let shmemReclaimed = 0;
  real.m.trace = (e) => {
    if (e.kind === "pageout" && e.by === "reclaim" && e.out === "shmem-swap-out") shmemReclaimed++;
  };
  fc.modelRun(() => ({ model, real }), wrapChecks(cmds, shmem));
  for (const p of model.procs) real.m.exit(p.pid, 0);
  for (const task of [...real.m.tasks.values()]) if (task.isZombie) real.m.wait(task.pid);
  assertInvariants(real.m);
  assertThreadGroups(real.m);
  // The idle shells never swap: once the test processes are gone no slot is
  // held but by the tmpfs file's swapped pages (with their swap-cache pages).
  // (Unless reclaim ran: then it may have swapped the shells' own pages out,
  // and the invariants have checked each slot against its entries.)
  const { swap } = real.m;
  const reclaimed = real.m.phys.vm.pgscanDirect > 0;
  let fileSlots = 0;
  let fileCached = 0;
  for (const inode of real.m.vfs.cachedInodes())
    for (const entry of inode.swapped.values()) {
      fileSlots++;
      if (swap.cachedPage(entry) >= 0) fileCached++;
    }
  const slots = swap.usedPages() - fileSlots;
  const cached = swap.cachedPages() - fileCached;
  if (!reclaimed && (slots !== 0 || cached !== 0))
    throw new Error(`${slots} swap slots and ${cached} swap-cache pages leaked`);
  return {
    vm: real.m.phys.vm,
    shmemSwapOuts: shmem.outs,
    shmemSwapIns: shmem.ins,
    shmemReclaimed,
  };
}

/**
 * Counts shmem swap traffic from outside the kernel: after each step, the
 * swap entries shmem objects hold (Inode.swapped) are compared with the
 * step before. A new (object, index, entry) is a swap-out; one gone while
 * its object has the page cached again is a swap-in (gone otherwise: the
 * object was truncated or freed).
 */
export class ShmemSwapWatch {
  outs = 0;
  ins = 0;
  private held = new Map<string, { inode: Inode; index: number }>();

  step(m: Machine): void {
    const now = new Map<string, { inode: Inode; index: number }>();
    for (const inode of m.vfs.cachedInodes())
      for (const [index, entry] of inode.swapped)
        now.set(`${inode.ino}:${index}:${entry}`, { inode, index });
    for (const key of now.keys()) if (!this.held.has(key)) this.outs++;
    for (const [key, { inode, index }] of this.held)
      if (!now.has(key) && !inode.swapped.has(index) && inode.cache.get(index) !== 0) this.ins++;
    this.held = now;
  }
}

/** The thread groups' invariants (thread.ts checkThreadGroups), beside checkInvariants. */
export function assertThreadGroups(m: Machine): void {
  const wrong = checkThreadGroups(m.tasks);
  if (wrong.length > 0) throw new Error(`thread groups: ${wrong.join("; ")}`);
}

/** Wraps each command so the invariants are asserted right after it (and shmem swap counted). */
function* wrapChecks(
  cmds: Iterable<fc.Command<Model, Real>>,
  shmem: ShmemSwapWatch,
): Generator<fc.Command<Model, Real>> {
  for (const cmd of cmds) {
    yield {
      check: (m) => cmd.check(m),
      run: (model, real) => {
        cmd.run(model, real);
        assertInvariants(real.m);
        assertThreadGroups(real.m);
        shmem.step(real.m);
      },
      toString: () => cmd.toString(),
    };
  }
}
