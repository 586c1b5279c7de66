/**
 * An address space (struct mm_struct): its VMAs in address order, its page
 * table, its RSS counters and the layout fields /proc prints.
 *
 * This file keeps the VMA list (find, insert, split, merge, the top-down
 * search for free space) and tears pages out of it (zap). What creates
 * pages is in fault.ts; the system calls built on both are in mman.ts.
 */

import { accountedPages } from "./commit.js";
import {
  PAGE_SIZE,
  PMD_SIZE,
  PTRS_PER_PTE,
  TASK_SIZE,
  VM_GROWSDOWN,
  VM_HUGETLB,
  VM_LOCKED,
  VM_PFNMAP,
} from "./constants.js";
import { zapHugePmds } from "./huge-memory.js";
import { unmapHugepageRange } from "./hugetlb.js";
import type { Kernel } from "./kernel.js";
import {
  PageTable,
  type PteSpan,
  pteDirty,
  pteIsSwap,
  pteNone,
  ptePfn,
  ptePresent,
  swpEntry,
} from "./page-table.js";
import {
  KIND_ANON,
  KIND_FILE,
  KIND_MASK,
  KIND_SHMEM,
  markAccessed,
  PG_DIRTY,
  PG_MLOCKED,
  type PhysMem,
  ZERO_PFN,
} from "./phys.js";
import { drainLazyfree, freeSwapAndCache, releaseAnonPage, type SwapState } from "./swap.js";
import {
  canMerge,
  isDataMapping,
  isExecMapping,
  isStackMapping,
  splitOff,
  type Vma,
  vmaPages,
} from "./vma.js";

/** mmap_base without randomisation: TASK_SIZE less the minimum stack gap (128 MiB). */
export const MMAP_BASE = TASK_SIZE - 128 * 1024 * 1024;

/**
 * How each field of Mm is copied by fork and kept by the snapshot; the one
 * description fork.ts and snapshot.ts read, so a new field cannot be
 * forgotten in one of them (a test fails if a field of Mm is missing here).
 *   layout   a number fork copies to the child and the snapshot saves
 *   counter  a number the child counts for itself (RSS as its PTEs are
 *            copied, peaks from its own figures); the snapshot saves it
 *   own      a structure with its own copy (dupMm) and save (saveMm)
 *   users    mm_users: a new mm has one user; the snapshot saves an mm
 *            with each task using it, so it refuses a shared one
 */
export const MM_FIELDS = {
  vmas: "own",
  pt: "own",
  hugePtes: "own",
  users: "users",
  rssAnon: "counter",
  rssFile: "counter",
  rssShmem: "counter",
  swapents: "counter",
  hiwaterRss: "counter",
  hiwaterVm: "counter",
  startCode: "layout",
  endCode: "layout",
  startData: "layout",
  endData: "layout",
  startBrk: "layout",
  brk: "layout",
  startStack: "layout",
  argStart: "layout",
  argEnd: "layout",
  envStart: "layout",
  envEnd: "layout",
  mmapBase: "layout",
} as const satisfies Record<MmField, "layout" | "counter" | "own" | "users">;

/** The data fields of Mm (its methods and the derived `rss` aside). */
type MmField = Exclude<
  { [K in keyof Mm]: Mm[K] extends (...args: never[]) => unknown ? never : K }[keyof Mm],
  "rss"
>;
type FieldsWith<R> = {
  [K in keyof typeof MM_FIELDS]: (typeof MM_FIELDS)[K] extends R ? K : never;
}[keyof typeof MM_FIELDS];
const fieldsWith = <R extends string>(...rules: R[]): FieldsWith<R>[] =>
  (Object.keys(MM_FIELDS) as (keyof typeof MM_FIELDS)[]).filter((k) =>
    (rules as string[]).includes(MM_FIELDS[k]),
  ) as FieldsWith<R>[];

/** The numbers fork copies to the child. */
export const MM_LAYOUT_FIELDS = fieldsWith("layout");
/** The numbers a machine image holds for an mm, in image order. */
export const MM_SAVED_NUMBERS = fieldsWith("counter", "layout");
export type MmSavedNumber = (typeof MM_SAVED_NUMBERS)[number];
/** The lowest address mmap hands out (mmap_min_addr). */
const MMAP_MIN_ADDR = 0x10000;

export class Mm {
  readonly vmas: Vma[] = [];
  readonly pt = new PageTable();
  /** Huge entries of VM_HUGETLB VMAs: 2 MiB page index -> entry (hugetlb.ts's table, mkPte-encoded). */
  readonly hugePtes = new Map<number, number>();
  /** mm_users: the tasks using this mm. The last one to let go (mmput) tears it down. */
  users = 1;
  /** MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES: PTEs mapping pages of each kind. */
  rssAnon = 0;
  rssFile = 0;
  rssShmem = 0;
  /** MM_SWAPENTS: swap entries in this mm's page table (VmSwap). */
  swapents = 0;
  /** Peaks, updated just before RSS or total_vm drop (update_hiwater_*). */
  hiwaterRss = 0;
  hiwaterVm = 0;
  startCode = 0;
  endCode = 0;
  startData = 0;
  endData = 0;
  startBrk = 0;
  brk = 0;
  startStack = 0;
  argStart = 0;
  argEnd = 0;
  envStart = 0;
  envEnd = 0;
  mmapBase = MMAP_BASE;

  get rss(): number {
    return this.rssAnon + this.rssFile + this.rssShmem;
  }

  /** Index of the first VMA ending above addr (find_vma), or vmas.length. */
  findIndex(addr: number): number {
    let lo = 0;
    let hi = this.vmas.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.vmas[mid]!.end <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The VMA containing addr, if any. */
  vmaAt(addr: number): Vma | undefined {
    const vma = this.vmas[this.findIndex(addr)];
    return vma !== undefined && vma.start <= addr ? vma : undefined;
  }

  insert(vma: Vma): number {
    const i = this.findIndex(vma.start);
    this.vmas.splice(i, 0, vma);
    return i;
  }

  /** Splits vmas[i] at addr (strictly inside it); returns the upper part's index. */
  split(i: number, addr: number): number {
    const vma = this.vmas[i]!;
    const upper = splitOff(vma, addr);
    vma.end = addr;
    this.vmas.splice(i + 1, 0, upper);
    return i + 1;
  }

  /** Makes VMA boundaries fall at start and end; returns the index range covering [start, end). */
  splitAround(start: number, end: number): [number, number] {
    let i = this.findIndex(start);
    if (i < this.vmas.length && this.vmas[i]!.start < start) i = this.split(i, start);
    let j = this.findIndex(end);
    if (j < this.vmas.length && this.vmas[j]!.start < end) this.split(j, end);
    j = this.findIndex(end);
    return [i, j];
  }

  /** Merges vmas[i] with its neighbours where compatible (vma_merge); returns its new index. */
  mergeAround(i: number): number {
    const next = this.vmas[i + 1];
    if (next !== undefined && canMerge(this.vmas[i]!, next)) this.absorb(i);
    const prev = this.vmas[i - 1];
    if (prev !== undefined && canMerge(prev, this.vmas[i]!)) {
      this.absorb(i - 1);
      return i - 1;
    }
    return i;
  }

  /** vmas[i] takes over vmas[i + 1]. */
  private absorb(i: number): void {
    const lo = this.vmas[i]!;
    const hi = this.vmas[i + 1]!;
    lo.end = hi.end;
    lo.anonVma ??= hi.anonVma;
    lo.anonVmaForked ||= hi.anonVmaForked;
    this.vmas.splice(i + 1, 1);
  }

  /**
   * The highest free range of `len` bytes below mmapBase
   * (unmapped_area_topdown), or -1. With `alignPmd`, the range starts at
   * `pgoff`'s offset modulo 2 MiB, found as __thp_get_unmapped_area does:
   * search for len + 2 MiB, then slide up to the alignment.
   */
  unmappedArea(len: number, alignPmd: boolean, pgoff: number): number {
    const padded = alignPmd ? len + PMD_SIZE : len;
    // Gap i lies between vmas[i - 1] and vmas[i]; walk them from the top down.
    for (let i = this.findIndex(this.mmapBase); i >= 0; i--) {
      const above = this.vmas[i];
      const below = this.vmas[i - 1];
      const ceiling =
        above === undefined ? this.mmapBase : Math.min(this.mmapBase, startGap(above));
      const floor = below === undefined ? MMAP_MIN_ADDR : below.end;
      if (ceiling - floor >= padded) {
        const addr = ceiling - padded;
        if (!alignPmd) return addr;
        const shift = (pgoff * PAGE_SIZE - addr) % PMD_SIZE;
        const offSub = shift < 0 ? shift + PMD_SIZE : shift;
        return offSub === 0 ? addr + PMD_SIZE : addr + offSub;
      }
    }
    return -1;
  }

  /** Whether [start, end) overlaps no VMA. */
  isFree(start: number, end: number): boolean {
    const vma = this.vmas[this.findIndex(start)];
    return vma === undefined || vma.start >= end;
  }

  /* vm_stat_account figures, in pages, derived from the VMAs. */
  totalVm(): number {
    return this.sumPages(() => true);
  }
  lockedVm(): number {
    return this.sumPages((f) => (f & VM_LOCKED) !== 0);
  }
  execVm(): number {
    return this.sumPages(isExecMapping);
  }
  stackVm(): number {
    return this.sumPages(isStackMapping);
  }
  dataVm(): number {
    return this.sumPages(isDataMapping);
  }

  private sumPages(pred: (flags: number) => boolean): number {
    let pages = 0;
    for (const vma of this.vmas) if (pred(vma.flags)) pages += vmaPages(vma);
    return pages;
  }

  updateHiwaterRss(): void {
    if (this.rss > this.hiwaterRss) this.hiwaterRss = this.rss;
  }

  updateHiwaterVm(): void {
    const total = this.totalVm();
    if (total > this.hiwaterVm) this.hiwaterVm = total;
  }

  /** Adds `delta` PTEs of frame kind `kind` to the RSS counters. */
  addRss(kind: number, delta: number): void {
    if (kind === KIND_ANON) this.rssAnon += delta;
    else if (kind === KIND_FILE) this.rssFile += delta;
    else if (kind === KIND_SHMEM) this.rssShmem += delta;
  }
}

/** A stack that grows down keeps a guard gap below it (vm_start_gap, stack_guard_gap = 256 pages). */
const startGap = (vma: Vma): number =>
  vma.flags & VM_GROWSDOWN ? vma.start - 256 * PAGE_SIZE : vma.start;

/** The page a present PTE maps, or -1 for none, a swap entry or a special mapping (vm_normal_page() returning NULL). */
export function normalPage(vma: Vma, pte: number): number {
  if (!ptePresent(pte)) return -1;
  const pfn = ptePfn(pte);
  return pfn === ZERO_PFN || vma.flags & VM_PFNMAP ? -1 : pfn;
}

/**
 * Drops one mapping of `pfn` from `mm` (zap_present_folio_ptes): the PTE's
 * dirty bit passes to a file page and its young bit marks the page accessed
 * (folio_mark_accessed), mapcount and RSS drop, and an anonymous page nobody
 * maps any more is freed. Returns 1 if it was freed.
 */
function unmapPage(
  phys: PhysMem,
  swap: SwapState,
  mm: Mm,
  vma: Vma,
  pfn: number,
  pte: number,
  young: boolean,
  stats: ZapStats,
): number {
  const flags = phys.flags[pfn]!;
  const kind = flags & KIND_MASK;
  if (kind !== KIND_ANON) {
    if (pteDirty(pte)) phys.flags[pfn]! |= PG_DIRTY;
    if (young) markAccessed(phys, pfn, (flags & PG_MLOCKED) !== 0);
  }
  mm.addRss(kind, -1);
  const left = phys.decMapcount(pfn);
  if (left > 0 && vma.flags & VM_LOCKED && flags & PG_MLOCKED) {
    stats.munlock ??= [];
    stats.munlock.push(pfn);
  }
  if (left === 0) {
    if (phys.flags[pfn]! & PG_MLOCKED) phys.setFlags(pfn, phys.flags[pfn]! & ~PG_MLOCKED);
    if (kind === KIND_ANON) return releaseAnonPage(phys, swap, pfn);
  }
  return 0;
}

/** A swap entry leaves `mm`'s page table (zap_nonpresent_ptes): the slot loses it. */
function zapSwapEntry(k: Kernel, mm: Mm, pte: number): void {
  mm.swapents--;
  freeSwapAndCache(k.phys, k.swap, swpEntry(pte));
}

export interface ZapStats {
  unmapped: number;
  freed: number;
  /** Pages a VM_LOCKED VMA stopped mapping that others still map mlocked: munlockUnmapped decides. */
  munlock?: number[];
}

/** Removes every PTE in [start, end) of `vma` (zap_page_range). */
export function zapRange(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  start: number,
  end: number,
  stats: ZapStats,
): void {
  if (vma.flags & VM_HUGETLB) {
    unmapHugepageRange(k, mm, vma, start, end, true);
    return;
  }
  drainLazyfree(k.phys, k.swap); // lru_add_drain (zap_page_range_single, unmap_region, exit_mmap)
  mm.updateHiwaterRss();
  zapHugePmds(k, mm, start, end, stats); // zap_huge_pmd, or the split of a partial one
  mm.pt.walk(start / PAGE_SIZE, end / PAGE_SIZE, {
    pmdEntry(span) {
      if (span.anyEntry()) zapPteRange(k, mm, vma, span, stats);
    },
  });
}

/** zap_pte_range: clears the span's entries, dropping each page's mapping. */
function zapPteRange(k: Kernel, mm: Mm, vma: Vma, span: PteSpan, stats: ZapStats): void {
  const { phys, swap } = k;
  const table = span.writable();
  const { lo, hi } = span;
  for (let i = lo; i < hi; i++) {
    const pte = table[i]!;
    if (pteNone(pte)) continue;
    table[i] = 0;
    const young = span.isYoung(i);
    span.mkOld(i);
    if (pteIsSwap(pte)) {
      zapSwapEntry(k, mm, pte);
      continue;
    }
    const pfn = normalPage(vma, pte);
    if (pfn < 0) continue;
    stats.unmapped++;
    stats.freed += unmapPage(phys, swap, mm, vma, pfn, pte, young, stats);
  }
}

/**
 * Tears down the whole address space (exit_mmap): every mapping is dropped
 * at once, so the pages this mm shared become private to the others.
 * Tables shared with other mms are only read, then released.
 */
export function exitMmap(k: Kernel, mm: Mm): ZapStats {
  const stats: ZapStats = { unmapped: 0, freed: 0 };
  mm.updateHiwaterRss();
  mm.updateHiwaterVm();
  zapHugePmds(k, mm, 0, TASK_SIZE, stats); // the folios lose their PMD mappings
  for (const vma of mm.vmas) {
    if (vma.flags & VM_HUGETLB) unmapHugepageRange(k, mm, vma, vma.start, vma.end, true);
    mm.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
      pmdEntry(span) {
        unmapSpan(k, mm, vma, span, stats);
      },
    });
  }
  mm.pt.releaseAll();
  k.commit.unacct(accountedPagesOf(mm.vmas));
  mm.vmas.length = 0;
  munlockUnmapped(k, stats);
  return stats;
}

/** mmget: one more task uses `mm` (a thread, or a vfork child, sharing it). */
export function mmget(mm: Mm): void {
  mm.users++;
}

/**
 * mmput: a task stops using `mm`. The last user tears the address space
 * down (exit_mmap) and gets its figures; the others get null, and the mm
 * stays whole for the tasks still using it.
 */
export function mmput(k: Kernel, mm: Mm): ZapStats | null {
  if (mm.users <= 0) throw new Error("mmput on an mm nobody uses");
  mm.users--;
  return mm.users === 0 ? exitMmap(k, mm) : null;
}

/** exit_mmap's per-table step: drops the mapping of each page the span maps, leaving the entries. */
function unmapSpan(k: Kernel, mm: Mm, vma: Vma, span: PteSpan, stats: ZapStats): void {
  const { phys, swap } = k;
  const table = span.entries;
  const { lo, hi } = span;
  for (let i = lo; i < hi; i++) {
    const pte = table[i]!;
    if (pteIsSwap(pte)) {
      zapSwapEntry(k, mm, pte);
      continue;
    }
    const pfn = normalPage(vma, pte);
    if (pfn < 0) continue;
    stats.unmapped++;
    stats.freed += unmapPage(phys, swap, mm, vma, pfn, pte, span.isYoung(i), stats);
  }
}

/** The VM_ACCOUNT pages of `vmas` (the nr_accounted munmap and exit_mmap give back). */
export function accountedPagesOf(vmas: Iterable<Vma>): number {
  let pages = 0;
  for (const vma of vmas) pages += accountedPages(vma);
  return pages;
}

/** Frees the PTE tables that no VMA overlaps any more (free_pgtables). */
export function freePgtables(mm: Mm): void {
  for (const key of mm.pt.tableKeys()) {
    const start = key * PTRS_PER_PTE * PAGE_SIZE;
    if (mm.isFree(start, start + PMD_SIZE)) mm.pt.freeTable(key);
  }
}

/** The frames some VM_LOCKED VMA of `mms` maps. */
export function lockedPages(mms: Iterable<Mm>): Set<number> {
  const found = new Set<number>();
  for (const mm of mms) {
    for (const vma of mm.vmas) {
      if (!(vma.flags & VM_LOCKED)) continue;
      mm.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
        pteEntry(pte) {
          const pfn = normalPage(vma, pte);
          if (pfn >= 0) found.add(pfn);
        },
      });
    }
  }
  return found;
}

/**
 * After a locked VMA's pages were unmapped (munmap, exit): the pages other
 * mms still map stay PG_mlocked only while some VM_LOCKED VMA maps them
 * (munlock_vma_folio on rmap removal, mlock_count). Call once the unmapped
 * VMAs are gone from their mm.
 */
export function munlockUnmapped(k: Kernel, stats: ZapStats): void {
  const pfns = stats.munlock;
  if (pfns === undefined) return;
  delete stats.munlock;
  const locked = lockedPages(k.mms());
  for (const pfn of pfns)
    if (!locked.has(pfn)) k.phys.setFlags(pfn, k.phys.flags[pfn]! & ~PG_MLOCKED);
}
