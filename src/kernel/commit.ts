/**
 * Overcommit accounting (mm/util.c __vm_enough_memory, vm_commit_limit;
 * mm/mmap.c accountable_mapping; security/commoncap.c cap_vm_enough_memory).
 *
 * The machine's committed address space (vm_committed_as, meminfo's
 * Committed_AS) counts, in pages: every VM_ACCOUNT mapping of every mm
 * (private writable memory: charged by mmap, brk, mprotect making it
 * writable, fork for the child's copies, exec for the new stack; given
 * back by munmap, brk shrinking, exit and exec's teardown), and every
 * shared anonymous object made without MAP_NORESERVE, for its whole size
 * (shmem_acct_size), until the object is freed. tmpfs files and memfds
 * (VM_NORESERVE shmem) are charged by the pages they hold
 * (shmem_acct_blocks); meminfo adds those when it is read
 * (noreserveShmemPages).
 *
 * Every charge goes through vmEnoughMemory, which applies
 * vm.overcommit_memory: 0 (heuristic) refuses only a single charge larger
 * than RAM + swap; 1 refuses nothing; 2 (strict) refuses once the total
 * would reach CommitLimit, less the user reserve. The check charges first
 * and takes the charge back if it fails, as the kernel does.
 */
import { PAGE_SIZE, VM_ACCOUNT, VM_NORESERVE } from "./constants.js";
import type { Mm } from "./mm.js";
import type { PhysMem } from "./phys.js";
import { failure, type Result, success } from "./result.js";
import type { SwapState } from "./swap.js";
import type { Inode, Vfs } from "./vfs.js";
import { type Vma, vmaPages } from "./vma.js";

export const OVERCOMMIT_GUESS = 0;
export const OVERCOMMIT_ALWAYS = 1;
export const OVERCOMMIT_NEVER = 2;

/** The vm.* sysctls of overcommit, as /proc/sys/vm prints them. */
export interface OvercommitSysctls {
  overcommitMemory: number;
  overcommitRatio: number;
  overcommitKbytes: number;
  adminReserveKbytes: number;
  userReserveKbytes: number;
}

/** DEFAULT_RATELIMIT_INTERVAL (5 s) and DEFAULT_RATELIMIT_BURST of pr_warn_ratelimited. */
const RATELIMIT_NS = 5_000_000_000;
const RATELIMIT_BURST = 10;

/** The commitment of the machine and the sysctls that bound it. */
export class CommitState implements OvercommitSysctls {
  /** vm_committed_as, in pages: VM_ACCOUNT mappings and shared anonymous objects. */
  committed = 0;
  overcommitMemory = OVERCOMMIT_GUESS;
  overcommitRatio = 50;
  overcommitKbytes = 0;
  adminReserveKbytes: number;
  userReserveKbytes: number;
  /**
   * While above 0, charges are made without the check (vm_acct_memory):
   * exec's image past the point of no return (see withoutCheck).
   */
  unchecked = 0;
  /** The shared anonymous objects whose size is charged (shmem_acct_size), until they are freed. */
  readonly objects = new Set<Inode>();
  /** The pages of the last refused charge, for the caller's warning (takeRefused). */
  private refused: number | null = null;
  /** pr_warn_ratelimited's state: start of the window, messages printed and suppressed in it. */
  private rlBegin = -1;
  private rlPrinted = 0;
  private rlMissed = 0;

  /**
   * The reserves init_user_reserve and init_admin_reserve set at boot:
   * 1/32 of free memory, at most 128 MiB and 8 MiB.
   */
  constructor(freeKbytes: number) {
    this.userReserveKbytes = Math.min(Math.floor(freeKbytes / 32), 131_072);
    this.adminReserveKbytes = Math.min(Math.floor(freeKbytes / 32), 8192);
  }

  /** The sysctl values, for a machine image. */
  sysctls(): OvercommitSysctls {
    const { overcommitMemory, overcommitRatio, overcommitKbytes } = this;
    const { adminReserveKbytes, userReserveKbytes } = this;
    return {
      overcommitMemory,
      overcommitRatio,
      overcommitKbytes,
      adminReserveKbytes,
      userReserveKbytes,
    };
  }

  setSysctls(s: OvercommitSysctls): void {
    this.overcommitMemory = s.overcommitMemory;
    this.overcommitRatio = s.overcommitRatio;
    this.overcommitKbytes = s.overcommitKbytes;
    this.adminReserveKbytes = s.adminReserveKbytes;
    this.userReserveKbytes = s.userReserveKbytes;
  }

  /** vm_acct_memory. */
  acct(pages: number): void {
    this.committed += pages;
  }

  /** vm_unacct_memory. */
  unacct(pages: number): void {
    this.committed -= pages;
    if (this.committed < 0) throw new Error(`vm_committed_as went negative (${this.committed})`);
  }

  /** Remembers a refused charge of `pages`. */
  noteRefused(pages: number): void {
    this.refused = pages;
  }

  /** The pages of the charge refused since the last call, or null. */
  takeRefused(): number | null {
    const r = this.refused;
    this.refused = null;
    return r;
  }

  /**
   * ___ratelimit at simulated time `now`: whether a warning may be printed,
   * and how many were suppressed before it (a new window reports them).
   */
  ratelimit(now: number): { print: boolean; missed: number } {
    let missed = 0;
    if (this.rlBegin < 0 || now - this.rlBegin >= RATELIMIT_NS) {
      missed = this.rlMissed;
      this.rlBegin = now;
      this.rlPrinted = 0;
      this.rlMissed = 0;
    }
    if (this.rlPrinted < RATELIMIT_BURST) {
      this.rlPrinted++;
      return { print: true, missed };
    }
    this.rlMissed++;
    return { print: false, missed };
  }
}

/** What the check reads besides the commitment: RAM, swap, and the shmem it charges by pages. */
export interface CommitMachine {
  readonly phys: PhysMem;
  readonly swap: SwapState;
  readonly vfs: Vfs;
  readonly commit: CommitState;
  mms(): Iterable<Mm>;
}

/** vm_memory_committed(): meminfo's Committed_AS, in pages. */
export const vmMemoryCommitted = (k: CommitMachine): number =>
  k.commit.committed + noreserveShmemPages(k.vfs, k.mms());

/** totalram_pages(): the frames the page allocator manages. */
export const totalramPages = (phys: PhysMem): number => phys.nrFrames - phys.firstUsable;

/**
 * vm_commit_limit: overcommit_kbytes if set, else overcommit_ratio percent
 * of RAM (no hugetlb pages here), plus every swap page. In pages, as the
 * kernel's unsigned long: a negative ratio (which the file accepts) turns
 * into a huge one, and the product wraps at 2^64.
 */
export function vmCommitLimit(k: CommitMachine): bigint {
  const c = k.commit;
  const allowed =
    c.overcommitKbytes !== 0
      ? BigInt(Math.floor(c.overcommitKbytes / (PAGE_SIZE / 1024)))
      : BigInt.asUintN(
          64,
          BigInt(totalramPages(k.phys)) * BigInt.asUintN(64, BigInt(c.overcommitRatio)),
        ) / 100n;
  return BigInt.asUintN(64, allowed + BigInt(k.swap.totalPages()));
}

/**
 * __vm_enough_memory for a charge of `pages` by a task using `mm` (null for
 * none): charges them and succeeds, or charges nothing and fails with
 * ENOMEM (noteRefused: the caller prints the kernel's warning). Every
 * cowsh process is root (CAP_SYS_ADMIN), so the admin reserve is never
 * taken off the limit, as cap_vm_enough_memory decides for root.
 */
export function vmEnoughMemory(
  k: CommitMachine,
  mm: Mm | null,
  pages: number,
  capSysAdmin = true,
): Result<void> {
  const c = k.commit;
  c.acct(pages);
  if (c.unchecked > 0 || c.overcommitMemory === OVERCOMMIT_ALWAYS) return success(undefined);
  if (c.overcommitMemory === OVERCOMMIT_GUESS) {
    if (pages <= totalramPages(k.phys) + k.swap.totalPages()) return success(undefined);
  } else {
    // allowed is a long in the kernel: a limit of 2^63 or more is negative there.
    let allowed = Number(BigInt.asIntN(64, vmCommitLimit(k)));
    if (!capSysAdmin) allowed -= Math.floor(c.adminReserveKbytes / (PAGE_SIZE / 1024));
    if (mm !== null) {
      const reserve = Math.floor(c.userReserveKbytes / (PAGE_SIZE / 1024));
      allowed -= Math.min(Math.floor(mm.totalVm() / 32), reserve);
    }
    if (vmMemoryCommitted(k) < allowed) return success(undefined);
  }
  c.unacct(pages);
  c.noteRefused(pages);
  return failure(
    "ENOMEM",
    c.overcommitMemory === OVERCOMMIT_GUESS
      ? "overcommit: more than RAM and swap"
      : "overcommit: beyond CommitLimit",
  );
}

/**
 * shmem_acct_size for a new shared anonymous object of `bytes`: charged
 * now, given back when the object is freed (uncommitOrphans).
 */
export function shmemAcctSize(k: CommitMachine, mm: Mm, inode: Inode, bytes: number): Result<void> {
  const r = vmEnoughMemory(k, mm, vmAcct(bytes));
  if (r.ok) k.commit.objects.add(inode);
  return r;
}

/** shmem_unacct_size for every size-charged object no mapping holds any more (it is freed). */
export function uncommitOrphans(k: CommitMachine): void {
  const c = k.commit;
  if (c.objects.size === 0) return;
  const mapped = sizeAccountedObjects(k.mms());
  for (const inode of c.objects) {
    if (mapped.has(inode)) continue;
    c.objects.delete(inode);
    c.unacct(vmAcct(inode.size));
  }
}

/** Runs `f` with charges made unchecked (exec's new image, past the point of no return). */
export function withoutCheck<T>(k: CommitMachine, f: () => T): T {
  k.commit.unchecked++;
  try {
    return f();
  } finally {
    k.commit.unchecked--;
  }
}

/** The pages a VMA holds charged: all of them if VM_ACCOUNT. */
export const accountedPages = (vma: Vma): number => (vma.flags & VM_ACCOUNT ? vmaPages(vma) : 0);

/**
 * accountable_mapping: a private writable mapping without VM_NORESERVE
 * (hugetlb files, which account by themselves, do not exist here).
 */
export const accountableMapping = (vmFlags: number, shared: boolean): boolean =>
  !shared && (vmFlags & VM_ACCOUNT) !== 0;

/**
 * Whether `vma` maps a shared anonymous object whose whole size was
 * charged when it was made (shmem_zero_setup -> shmem_acct_size): one
 * made without VM_NORESERVE. With it, the object is charged by its pages.
 */
export const mapsSizeAccounted = (vma: Vma): boolean =>
  vma.file?.shmem === true &&
  vma.file.nlink === 0 &&
  vma.file.path === "/dev/zero" &&
  !(vma.flags & VM_NORESERVE);

/** VM_ACCT(size): the pages a shmem object of `bytes` charges. */
export const vmAcct = (bytes: number): number => Math.ceil(bytes / PAGE_SIZE);

/** The size-charged shared anonymous objects `mms` map. */
export function sizeAccountedObjects(mms: Iterable<Mm>): Set<Inode> {
  const objects = new Set<Inode>();
  for (const mm of mms)
    for (const vma of mm.vmas) if (mapsSizeAccounted(vma)) objects.add(vma.file!);
  return objects;
}

/**
 * What `committed` should be, recounted from the machine (the invariant
 * checker compares the two; a loaded image starts from it): the VM_ACCOUNT
 * pages of every live mm, and each size-charged shmem object once.
 */
export function recountCommitted(mms: Iterable<Mm>): number {
  let pages = 0;
  const list = [...mms];
  for (const mm of list) for (const vma of mm.vmas) pages += accountedPages(vma);
  for (const inode of sizeAccountedObjects(list)) pages += vmAcct(inode.size);
  return pages;
}

/**
 * The pages VM_NORESERVE shmem holds (shmem_acct_blocks charges each as it
 * is allocated): tmpfs files (under /dev/shm), memfds and shared anonymous
 * objects mapped with MAP_NORESERVE, counted by the pages in their cache.
 */
export function noreserveShmemPages(vfs: Vfs, mms: Iterable<Mm>): number {
  const files = new Set<Inode>();
  const walk = (dir: Inode): void => {
    for (const inode of dir.entries?.values() ?? []) {
      if (inode.type === "dir") walk(inode);
      else if (inode.shmem) files.add(inode);
    }
  };
  const shm = vfs.lookup("/dev/shm");
  if (shm.ok) walk(shm.value);
  const list = [...mms];
  const charged = sizeAccountedObjects(list);
  for (const mm of list) {
    for (const vma of mm.vmas) {
      if (vma.file?.shmem && !charged.has(vma.file)) files.add(vma.file);
    }
  }
  let pages = 0;
  for (const inode of files) pages += inode.cache.size;
  return pages;
}
