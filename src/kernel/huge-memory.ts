/**
 * Transparent huge pages, anonymous (mm/huge_memory.c): PMD-sized folios
 * mapped by one PMD entry, the huge zero page, the PMD split, and the THP
 * settings of /sys/kernel/mm/transparent_hugepage.
 *
 * A PMD mapping is kept in page-table.ts as the 512 PTEs it stands for, in a
 * table marked huge (PageTable.isHuge): entries i = 0..511 map frames
 * head + i of an order-9 folio (phys.allocLarge) with the same bits, or all
 * the zero page (the huge zero page: no frame of its own, pagemap and
 * kpageflags name it HUGE_ZERO_PFN + i). Walks therefore read a PMD mapping
 * as its pages, and only what differs between a PMD and 512 PTEs asks for
 * the mark: faults (one per 2 MiB), VmPTE, AnonHugePages, pagemap's
 * exclusive bit, and the split.
 *
 * Mapcounts, as Linux 6.18 keeps them for a large folio: the folio's entire
 * mapcount (its PMD mappings) lives in PhysMem (phys.ts: entireOf,
 * addEntire), each frame's own count is its PTE mappings only, and
 * phys.mapcountOf reads the total (folio_precise_page_mapcount), which is
 * what kpagecount, smaps' Pss, the reuse checks and the invariant checker
 * read, so none of them needs to know whether a page is mapped by a PMD.
 * Mapping, copying (fork) and zapping a huge PMD change only the entire
 * count: O(1), whatever the folio's size; splitting it moves the 1 from
 * the entire count into the 512 own counts (__split_huge_pmd_locked),
 * which leaves the frames' totals as they were. AnonExclusive of a
 * PMD-mapped folio is its head's flag (RMAP_LEVEL_PMD); the split gives
 * every frame the head's value. Whole-PMD bit changes (write-protect at
 * fork, mkwrite on reuse, mkdirty) are one entry's (PageTable.hugeBits).
 * meminfo's AnonHugePages (NR_ANON_THPS) is the folios whose entire
 * mapcount is above 0.
 *
 * A folio is freed when its last mapping goes (releaseLargeFrame, and
 * zapHugePmds when the last PMD goes with no PTE left); a
 * partially unmapped one stays whole (Linux puts it on the deferred split
 * queue and splits it under memory pressure, which no capture showed).
 * Reclaim does not swap THPs this round: shrink_folio_list keeps a large
 * folio's frames (vmscan.ts asks isLargeFrame) — swapping one out frame by
 * frame would free single frames out of a compound page, and splitting it
 * first needs every PMD mapping of it split, an rmap walk the model does not
 * have on that path.
 */
import {
  PAGE_SIZE,
  PMD_SIZE,
  PTRS_PER_PTE,
  VM_HUGEPAGE,
  VM_LOCKED,
  VM_NOHUGEPAGE,
  VM_SHARED,
  VM_WRITE,
} from "./constants.js";
import type { Kernel } from "./kernel.js";
import type { Mm, ZapStats } from "./mm.js";
import {
  mkPte,
  movePteTable,
  PTE_DIRTY,
  PTE_PRESENT,
  PTE_SOFT_DIRTY,
  PTE_WRITE,
  pteDirty,
  ptePfn,
  ptePresent,
  pteWrite,
} from "./page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  KIND_SHMEM,
  markAccessed,
  mlockFolio,
  PG_ANON_EXCLUSIVE,
  PG_CACHED,
  PG_DIRTY,
  PG_HUGETLB,
  PG_MLOCKED,
  PG_SWAPCACHE,
  type PhysMem,
  ZERO_PFN,
} from "./phys.js";
import { failure, type Result, success } from "./result.js";
import { releaseAnonPage } from "./swap.js";
import type { Inode } from "./vfs.js";
import { newAnonVma, type Vma } from "./vma.js";

/** HPAGE_PMD_ORDER: a PMD-sized folio is 2^9 frames. */
export const HPAGE_PMD_ORDER = 9;
export const HPAGE_PMD_NR = PTRS_PER_PTE;

/**
 * The huge zero page's first PFN as pagemap shows it: kernel memory, never
 * allocated (its 512 frames are the model's ZERO_PFN, see the header).
 */
export const HUGE_ZERO_PFN = 0x800;

/** is_zero_pfn or is_huge_zero_pfn: the PFN pagemap shows for a zero page, small or huge. */
export const isZeroPfn = (pfn: number): boolean =>
  pfn === ZERO_PFN || (pfn >= HUGE_ZERO_PFN && pfn < HUGE_ZERO_PFN + HPAGE_PMD_NR);

/** /sys/kernel/mm/transparent_hugepage/enabled's and defrag's words. */
export const THP_ENABLED_MODES = ["always", "madvise", "never"] as const;
export type ThpEnabled = (typeof THP_ENABLED_MODES)[number];
export const THP_DEFRAG_MODES = ["always", "defer", "defer+madvise", "madvise", "never"] as const;
export type ThpDefrag = (typeof THP_DEFRAG_MODES)[number];

/**
 * /sys/kernel/mm/transparent_hugepage/shmem_enabled's words, in the order
 * the kernel shows them (shmem_enabled_show). `deny` and `force` are the
 * testing overrides: never / always for every shmem mount.
 */
export const SHMEM_ENABLED_MODES = [
  "always",
  "within_size",
  "advise",
  "never",
  "deny",
  "force",
] as const;
export type ShmemEnabled = (typeof SHMEM_ENABLED_MODES)[number];

/**
 * Multi-size THP (mTHP) for anonymous memory: the folio orders of
 * /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/enabled on x86-64,
 * 16 kB (order 2) to 2048 kB (the PMD order), and their words.
 */
export const MTHP_ORDERS = [2, 3, 4, 5, 6, 7, 8, 9] as const;
export const MTHP_MODES = ["always", "inherit", "madvise", "never"] as const;
export type MthpMode = (typeof MTHP_MODES)[number];

/** The kernel's defaults: every size `never` but the PMD size, which follows `enabled` (inherit). */
const defaultSizes = (): Map<number, MthpMode> =>
  new Map(MTHP_ORDERS.map((o) => [o, o === HPAGE_PMD_ORDER ? "inherit" : "never"]));

/** The THP settings (the folios' entire mapcounts, and NR_ANON_THPS / NR_SHMEM_PMDMAPPED, are PhysMem's). */
export class ThpState {
  enabled: ThpEnabled;
  defrag: ThpDefrag = "madvise";
  /** shmem_enabled: huge pages of the internal shmem mount (shared anonymous memory, memfd). */
  shmemEnabled: ShmemEnabled;
  /** hugepages-<size>kB/enabled, by folio order (MTHP_ORDERS); set through setSize. */
  readonly sizes: ReadonlyMap<number, MthpMode> = defaultSizes();
  /** Whether some size below the PMD's is not `never` (the fault then tries mTHP). */
  mthpOn = false;

  constructor(enabled: ThpEnabled = "madvise", shmemEnabled: ShmemEnabled = "never") {
    this.enabled = enabled;
    this.shmemEnabled = shmemEnabled;
  }

  /** hugepages-<size>kB/enabled of folio order `order` becomes `mode`. */
  setSize(order: number, mode: MthpMode): void {
    (this.sizes as Map<number, MthpMode>).set(order, mode);
    this.mthpOn = [...this.sizes].some(([o, m]) => o < HPAGE_PMD_ORDER && m !== "never");
  }
}

/** Whether `head` is a shmem (page-cache) folio, as opposed to an anonymous one. */
const isShmemFolio = (phys: PhysMem, head: number): boolean =>
  (phys.flags[head]! & KIND_MASK) === KIND_SHMEM;

/** The sysfs file's text: every mode, the chosen one in brackets. */
export function showModes(modes: readonly string[], chosen: string): string {
  return `${modes.map((m) => (m === chosen ? `[${m}]` : m)).join(" ")}\n`;
}

/** Whether `vma` is private anonymous memory (vma_is_anonymous, not shared). */
const anonPrivate = (vma: Vma): boolean =>
  vma.file === null && vma.special === null && !(vma.flags & VM_SHARED);

/**
 * thp_vma_allowable_orders for the PMD order, the VMA's policy part: a
 * private anonymous VMA, not VM_NOHUGEPAGE, whose PMD size is `always`,
 * or `madvise` and VM_HUGEPAGE (`inherit`: as `enabled` says).
 */
export function thpPolicyAllows(k: Kernel, vma: Vma): boolean {
  return orderAllows(k, vma, HPAGE_PMD_ORDER);
}

/** thp_vma_allowable_orders' policy for one anonymous folio order (mTHP sizes included). */
function orderAllows(k: Kernel, vma: Vma, order: number): boolean {
  if (!anonPrivate(vma) || vma.flags & VM_NOHUGEPAGE) return false;
  const size = k.thp.sizes.get(order) ?? "never";
  const mode = size === "inherit" ? k.thp.enabled : size;
  return mode === "always" || (mode === "madvise" && (vma.flags & VM_HUGEPAGE) !== 0);
}

/** thp_vma_suitable_order: the aligned 2 MiB around `addr` lies inside the VMA. */
export const pmdFits = (vma: Vma, addr: number): boolean => {
  const haddr = addr - (addr % PMD_SIZE);
  return haddr >= vma.start && haddr + PMD_SIZE <= vma.end;
};

/** smaps' THPeligible: a fault somewhere in the VMA may map a PMD THP. */
export function thpEligible(k: Kernel, vma: Vma): boolean {
  const first = Math.ceil(vma.start / PMD_SIZE) * PMD_SIZE;
  const fits = first + PMD_SIZE <= vma.end;
  if (vma.file?.shmem) return fits && shmemPolicyAllows(k, vma, vma.pgoff) && pgoffAligned(vma);
  if (fits && thpPolicyAllows(k, vma)) return true;
  return k.thp.mthpOn && mthpEligible(k, vma);
}

/** THPeligible through an mTHP size: an allowed order has an aligned folio inside the VMA. */
function mthpEligible(k: Kernel, vma: Vma): boolean {
  for (const order of MTHP_ORDERS) {
    if (order === HPAGE_PMD_ORDER || !orderAllows(k, vma, order)) continue;
    const size = PAGE_SIZE * 2 ** order;
    if (Math.ceil(vma.start / size) * size + size <= vma.end) return true;
  }
  return false;
}

/** The head of the large folio holding `pfn`, or -1 when it is a small folio. */
export function largeHead(phys: PhysMem, pfn: number): number {
  if (phys.large.size === 0) return -1;
  const head = phys.headOf(pfn);
  return head !== pfn || phys.large.has(pfn) ? head : -1;
}

/** Whether `pfn` is a frame of a large folio (reclaim keeps those, see the header). */
export const isLargeFrame = (phys: PhysMem, pfn: number): boolean => largeHead(phys, pfn) >= 0;

/**
 * A frame of a large folio lost its last mapping: the folio is freed once
 * none of its frames is mapped (the last folio_put). Returns 1 if it was.
 * Frames are usually unmapped in address order, so the frames after `pfn`
 * are looked at first.
 */
export function releaseLargeFrame(phys: PhysMem, head: number, pfn: number): number {
  const order = phys.orderOf(head);
  if (order === HPAGE_PMD_ORDER && phys.entireOf(head) !== 0) return 0;
  const end = head + 2 ** order;
  for (let p = pfn + 1; p < end; p++) if (phys.mapcounts[p] !== 0) return 0;
  for (let p = head; p < pfn; p++) if (phys.mapcounts[p] !== 0) return 0;
  for (let p = head; p < end; p++) if (phys.flags[p]! & PG_SWAPCACHE) return 0;
  phys.freeLarge(head);
  return 1;
}

/** Outcomes of a huge fault, for fault.ts to name. */
export const HUGE_FALLBACK = -1;
export const HUGE_ZERO = 0;
export const HUGE_NEW = 1;
export const HUGE_REUSE = 2;
export const HUGE_ZERO_COPY = 3;
/** The PMD was split: the fault goes on at PTE level (do_wp_page). */
export const HUGE_SPLIT = 4;

const softDirty = (k: Kernel): number => (k.config.softDirty ? PTE_SOFT_DIRTY : 0);

/** Maps the new folio `head` by `mm`'s PMD of region `key` (map_anon_folio_pmd). */
function mapFolioPmd(k: Kernel, mm: Mm, vma: Vma, key: number, head: number): void {
  const { phys } = k;
  const bits =
    vma.flags & VM_WRITE ? PTE_PRESENT | PTE_WRITE | PTE_DIRTY | softDirty(k) : PTE_PRESENT;
  const span = mm.pt.span().seek(key);
  const table = span.writable();
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    table[i] = mkPte(head + i, bits);
    span.mkYoung(i);
    if (vma.flags & VM_LOCKED) mlockFolio(phys, head + i);
  }
  phys.flags[head]! |= PG_ANON_EXCLUSIVE; // RMAP_LEVEL_PMD: the head's flag
  mm.pt.setHuge(key);
  phys.addEntire(head, 1);
  mm.addRss(KIND_ANON, HPAGE_PMD_NR);
  phys.vm.thpFaultAlloc++;
}

/**
 * do_huge_pmd_anonymous_page: a fault where the PMD is none, in a VMA
 * whose policy allows a THP and where the aligned 2 MiB fits. A read maps
 * the huge zero page; a write a new PMD-sized folio. HUGE_FALLBACK when
 * this is not the place for one (the fault goes on at PTE level), or no
 * aligned 2 MiB of frames is free (thp_fault_fallback).
 */
export function doHugePmdAnonymousPage(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  vpn: number,
  write: boolean,
  pid: number,
): number {
  const key = Math.floor(vpn / PTRS_PER_PTE);
  if (mm.pt.hasTable(key) || !thpPolicyAllows(k, vma) || !pmdFits(vma, vpn * PAGE_SIZE))
    return HUGE_FALLBACK;
  if (!write && k.config.zeroPage) {
    const span = mm.pt.span().seek(key);
    const table = span.writable();
    table.fill(mkPte(ZERO_PFN, PTE_PRESENT));
    for (let i = 0; i < HPAGE_PMD_NR; i++) span.mkYoung(i);
    mm.pt.setHuge(key);
    return HUGE_ZERO;
  }
  vma.anonVma ??= newAnonVma();
  const head = k.phys.allocLarge(KIND_ANON, 0, HPAGE_PMD_ORDER);
  if (head < 0) {
    k.phys.vm.thpFaultFallback++;
    void pid;
    return HUGE_FALLBACK;
  }
  mapFolioPmd(k, mm, vma, key, head);
  return HUGE_NEW;
}

/**
 * do_huge_pmd_wp_page: a write to a write-protected huge PMD. The huge
 * zero page is replaced by a new folio (do_huge_zero_wp_pmd; if none can
 * be had, the PMD is split and the write takes a small page). An anonymous
 * folio that is ours alone (AnonExclusive, or every frame's count is our
 * one PMD mapping: folio_ref_count 1) is reused whole under its PMD;
 * otherwise the PMD is split and the write goes on at PTE level, where
 * do_wp_page copies the one page (HUGE_SPLIT).
 */
export function doHugePmdWpPage(k: Kernel, mm: Mm, vma: Vma, vpn: number): number {
  const { phys } = k;
  const key = Math.floor(vpn / PTRS_PER_PTE);
  const base = key * PTRS_PER_PTE;
  const first = mm.pt.get(base);
  if (ptePfn(first) === ZERO_PFN) {
    const head = phys.allocLarge(KIND_ANON, 0, HPAGE_PMD_ORDER);
    if (head < 0) {
      splitHugePmd(k, mm, key);
      return HUGE_SPLIT;
    }
    mm.pt.clearHuge(key);
    vma.anonVma ??= newAnonVma();
    mapFolioPmd(k, mm, vma, key, head);
    return HUGE_ZERO_COPY;
  }
  const head = ptePfn(first);
  if (isShmemFolio(phys, head)) return shmemHugeWp(k, mm, key, softDirty(k));
  let ours = (phys.flags[head]! & PG_ANON_EXCLUSIVE) !== 0;
  if (!ours && phys.entireOf(head) === 1) {
    ours = true;
    for (let i = 0; i < HPAGE_PMD_NR && ours; i++) if (phys.refcount(head + i) !== 1) ours = false;
  }
  if (!ours) {
    splitHugePmd(k, mm, key);
    return HUGE_SPLIT;
  }
  mm.pt.hugeBits(key, PTE_WRITE | PTE_DIRTY | softDirty(k), 0); // maybe_pmd_mkwrite(pmd_mkdirty)
  phys.flags[head]! |= PG_ANON_EXCLUSIVE;
  return HUGE_REUSE;
}

/**
 * __split_huge_pmd: `mm`'s PMD of region `key` becomes a table of 512 PTEs
 * (the same entries: each frame's total mapcount stays, the folio's entire
 * mapcount gives its 1 to the frames' own counts). A dirty PMD marks the
 * folio dirty (folio_set_dirty). The folio itself stays whole. A PMD
 * mapping a shmem folio is zapped instead (zapShmemPmd), as
 * __split_huge_pmd_locked does for every VMA that is not anonymous.
 */
export function splitHugePmd(k: Kernel, mm: Mm, key: number): void {
  if (!mm.pt.isHuge(key)) return;
  const first = mm.pt.get(key * PTRS_PER_PTE);
  const head = ptePfn(first);
  if (head !== ZERO_PFN && isShmemFolio(k.phys, head)) {
    zapShmemPmd(k, mm, key);
    return;
  }
  mm.pt.clearHuge(key);
  if (head === ZERO_PFN) return;
  const { phys } = k;
  phys.addEntire(head, -1);
  phys.vm.thpSplitPmd++;
  const exclusive = phys.flags[head]! & PG_ANON_EXCLUSIVE;
  const dirty = pteDirty(first) ? PG_DIRTY : 0;
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    phys.incMapcount(head + i); // the PMD's mapping becomes this frame's PTE's
    const f = phys.flags[head + i]!;
    phys.flags[head + i] = (f & ~PG_ANON_EXCLUSIVE) | exclusive | dirty;
  }
}

/**
 * vma_adjust_trans_huge and the split_huge_pmd calls of the range
 * operations (munmap, mprotect, madvise): a huge PMD that [start, end)
 * covers only in part is split. Those it covers whole stay.
 */
export function splitHugePmdsAround(k: Kernel, mm: Mm, start: number, end: number): void {
  if (!mm.pt.anyHuge()) return;
  for (const addr of [start, end]) {
    if (addr % PMD_SIZE === 0) continue;
    splitHugePmd(k, mm, Math.floor(addr / PMD_SIZE));
  }
}

/**
 * Splits every huge PMD of an anonymous folio in [start, end) (for
 * operations that handle PTEs only: MADV_COLD, PAGEOUT, FREE). A shmem
 * folio's PMD stays: splitting it would zap it, and reclaim does not take
 * THPs (the header).
 */
export function splitHugePmdsIn(k: Kernel, mm: Mm, start: number, end: number): void {
  for (const key of mm.pt.hugeKeys()) {
    const at = key * PMD_SIZE;
    if (at + PMD_SIZE <= start || at >= end) continue;
    const head = ptePfn(mm.pt.get(key * PTRS_PER_PTE));
    if (head === ZERO_PFN || !isShmemFolio(k.phys, head)) splitHugePmd(k, mm, key);
  }
}

/**
 * zap_huge_pmd for every huge PMD [start, end) covers whole, and the split
 * of those it covers in part: the folio loses its PMD mapping (one entire
 * mapcount: O(1), no frame visited), the mm's RSS its 512 pages, and the
 * region's table goes (the PMD is none again). A shmem folio's frames take
 * the PMD's dirty bit and, young, are marked accessed (as zap_pte_range
 * does for file pages); an mlocked folio's frames are munlocked as
 * unmapPage does. An anonymous folio whose last mapping this was is freed
 * whole (releaseAnonPage: one free of the folio).
 */
export function zapHugePmds(k: Kernel, mm: Mm, start: number, end: number, stats: ZapStats): void {
  const keys = mm.pt.hugeKeys();
  for (const key of keys) {
    const at = key * PMD_SIZE;
    if (at >= start && at + PMD_SIZE <= end) zapHugePmd(k, mm, key, stats);
    else if (at + PMD_SIZE > start && at < end) splitHugePmd(k, mm, key);
  }
}

/** zap_huge_pmd of region `key` (see zapHugePmds). */
function zapHugePmd(k: Kernel, mm: Mm, key: number, stats: ZapStats): void {
  const { phys } = k;
  const first = mm.pt.hugeFirst(key);
  const head = ptePfn(first);
  if (head !== ZERO_PFN) {
    const kind = phys.flags[head]! & KIND_MASK;
    const base = key * PTRS_PER_PTE;
    mm.addRss(kind, -HPAGE_PMD_NR);
    stats.unmapped += HPAGE_PMD_NR;
    const left = phys.addEntire(head, -1);
    if (kind !== KIND_ANON)
      for (let i = 0; i < HPAGE_PMD_NR; i++) {
        const pfn = head + i;
        if (pteDirty(first)) phys.flags[pfn]! |= PG_DIRTY;
        if (mm.pt.isYoung(base + i)) markAccessed(phys, pfn, (phys.flags[pfn]! & PG_MLOCKED) !== 0);
      }
    if (phys.flags[head]! & PG_MLOCKED) {
      const locked = ((mm.vmaAt(base * PAGE_SIZE)?.flags ?? 0) & VM_LOCKED) !== 0;
      for (let pfn = head; pfn < head + HPAGE_PMD_NR; pfn++) {
        if (!(phys.flags[pfn]! & PG_MLOCKED)) continue;
        if (phys.mapcountOf(pfn) === 0) phys.setFlags(pfn, phys.flags[pfn]! & ~PG_MLOCKED);
        else if (locked) {
          stats.munlock ??= [];
          stats.munlock.push(pfn);
        }
      }
    }
    if (kind === KIND_ANON && left === 0 && phys.ownMapcount(head) === 0)
      stats.freed += releaseAnonPage(phys, k.swap, head);
  }
  mm.pt.clearHuge(key);
  mm.pt.freeTable(key);
}

/**
 * MADV_COLLAPSE (mm/khugepaged.c madvise_collapse), synchronous: every
 * aligned 2 MiB of [start, end) that lies in one of `vmas` is copied into a
 * new PMD-sized folio mapped by a huge PMD (writable, dirty, young,
 * AnonExclusive), whatever the enabled mode; holes and zero pages become
 * zeroed pages of the folio; the old pages lose this mapping and the PTE
 * table goes. A VMA that is not private anonymous, or is VM_NOHUGEPAGE:
 * EINVAL. A 2 MiB with nothing mapped (SCAN_PMD_NULL) is skipped and the
 * call ends EINVAL; one with a swap entry, a swap-cache page or a page of
 * another large folio is left as it is (the kernel would swap in or
 * collapse in place, which the model does not) and the call ends EAGAIN.
 * No aligned 2 MiB of free frames: ENOMEM.
 */
export function madviseCollapse(
  k: Kernel,
  mm: Mm,
  vmas: readonly Vma[],
  start: number,
  end: number,
): Result<void> {
  if (vmas.some((v) => !anonPrivate(v) || v.flags & VM_NOHUGEPAGE)) return failure("EINVAL");
  const { phys } = k;
  let last: "EINVAL" | "EAGAIN" | null = null;
  for (let at = Math.ceil(start / PMD_SIZE) * PMD_SIZE; at + PMD_SIZE <= end; at += PMD_SIZE) {
    const key = at / PMD_SIZE;
    const vma = vmas.find((v) => v.start <= at && at + PMD_SIZE <= v.end);
    if (vma === undefined) {
      last = "EINVAL";
      continue;
    }
    if (mm.pt.isHuge(key)) continue; // SCAN_PMD_MAPPED
    if (!mm.pt.hasTable(key)) {
      last = "EINVAL"; // SCAN_PMD_NULL
      continue;
    }
    const span = mm.pt.span().seek(key);
    let movable = true;
    for (let i = 0; i < HPAGE_PMD_NR && movable; i++) {
      const pte = span.entries[i]!;
      if (pte === 0) continue;
      if (!ptePresent(pte)) movable = false;
      else {
        const pfn = ptePfn(pte);
        if (pfn === ZERO_PFN) continue;
        const f = phys.flags[pfn]!;
        if ((f & KIND_MASK) !== KIND_ANON || f & PG_SWAPCACHE || isLargeFrame(phys, pfn))
          movable = false;
      }
    }
    if (!movable) {
      last = "EAGAIN";
      continue;
    }
    const head = phys.allocLarge(KIND_ANON, 0, HPAGE_PMD_ORDER);
    if (head < 0) return failure("ENOMEM");
    phys.vm.thpCollapseAlloc++;
    vma.anonVma ??= newAnonVma();
    const table = span.writable();
    for (let i = 0; i < HPAGE_PMD_NR; i++) {
      const pte = table[i]!;
      table[i] = 0;
      if (pte === 0 || ptePfn(pte) === ZERO_PFN) continue;
      const pfn = ptePfn(pte);
      phys.content[head + i] = phys.content[pfn]!;
      mm.addRss(KIND_ANON, -1);
      if (phys.decMapcount(pfn) === 0) {
        phys.setFlags(pfn, phys.flags[pfn]! & ~PG_MLOCKED);
        releaseAnonPage(phys, k.swap, pfn);
      }
    }
    mapFolioPmd(k, mm, vma, key, head);
    phys.vm.thpFaultAlloc--; // counted as a collapse, not a fault
  }
  return last === null ? success(undefined) : failure(last);
}

/**
 * copy_huge_pmd's mapcount: the folio of PMD entry `first` gains the
 * child's PMD mapping, one entire mapping (O(1)); the huge zero page counts
 * none. The entry itself is PageTable.forkHugePmd's (or copyPteRange's).
 */
export function copyHugePmd(k: Kernel, first: number): void {
  const head = ptePfn(first);
  if (head !== ZERO_PFN) k.phys.addEntire(head, 1);
}

/** AnonHugePages of one VMA, in pages: its huge PMDs that map an anonymous folio. */
export function anonHugePagesOf(k: Kernel, mm: Mm, vma: Vma): number {
  let pages = 0;
  for (const key of mm.pt.hugeKeys()) {
    const at = key * PMD_SIZE;
    if (at < vma.start || at >= vma.end) continue;
    const pfn = ptePfn(mm.pt.hugeFirst(key));
    if (pfn !== ZERO_PFN && (k.phys.flags[pfn]! & KIND_MASK) === KIND_ANON) pages += HPAGE_PMD_NR;
  }
  return pages;
}

/**
 * Rebuilds the entire mapcounts from every mm's huge PMDs after a load
 * (the image keeps each frame's total mapcount: PhysMem.restoreEntire).
 */
export function recountEntire(k: Kernel): void {
  k.phys.restoreEntire(countPmds(k));
}

/** Head -> the huge PMDs (of every mm) that map the folio. */
function countPmds(k: Kernel): Map<number, number> {
  const counted = new Map<number, number>();
  for (const mm of k.mms())
    for (const key of mm.pt.hugeKeys()) {
      const head = ptePfn(mm.pt.hugeFirst(key));
      if (head !== ZERO_PFN) counted.set(head, (counted.get(head) ?? 0) + 1);
    }
  return counted;
}

/**
 * The invariants of huge PMDs: each maps an order-9 folio's frames in
 * order (or the zero page throughout) with the same bits; the entire
 * mapcounts are those the PMDs make. Returns the violations.
 */
export function checkHugePmds(k: Kernel): string[] {
  const v: string[] = [];
  const counted = new Map<number, number>();
  for (const mm of k.mms()) {
    for (const key of mm.pt.hugeKeys()) {
      const base = key * PTRS_PER_PTE;
      const first = mm.pt.hugeFirst(key);
      const head = ptePfn(first);
      const zero = head === ZERO_PFN;
      if (!zero && k.phys.orderOf(head) !== HPAGE_PMD_ORDER) {
        v.push(
          `huge PMD at ${(base * PAGE_SIZE).toString(16)} maps pfn ${head}, no PMD folio's head`,
        );
        continue;
      }
      const bits = first & 15;
      for (let i = 1; i < HPAGE_PMD_NR; i++) {
        const pte = mm.pt.get(base + i);
        if (ptePfn(pte) !== (zero ? ZERO_PFN : head + i) || (pte & 15) !== bits) {
          v.push(`huge PMD at ${(base * PAGE_SIZE).toString(16)}: entry ${i} differs`);
          break;
        }
      }
      if (zero && pteWrite(first)) v.push("a huge zero PMD is writable");
      if (!zero) counted.set(head, (counted.get(head) ?? 0) + 1);
    }
  }
  for (const [head, n] of counted)
    if (k.phys.entireOf(head) !== n)
      v.push(`folio ${head}: entire mapcount ${k.phys.entireOf(head)}, PMDs ${n}`);
  const entire = [...k.phys.entireMapcounts(false), ...k.phys.entireMapcounts(true)];
  for (const [head] of entire)
    if (!counted.has(head)) v.push(`folio ${head} has an entire mapcount but no PMD maps it`);
  if (k.phys.anonPmdMapped + k.phys.shmemPmdMapped !== entire.length)
    v.push(
      `PMD-mapped folios counted ${k.phys.anonPmdMapped} + ${k.phys.shmemPmdMapped}, are ${entire.length}`,
    );
  for (const [head, order] of k.phys.large) {
    if ((k.phys.flags[head]! & (KIND_MASK | PG_HUGETLB)) !== KIND_ANON) continue; // hugetlb's are not ours
    if (order === HPAGE_PMD_ORDER && k.phys.entireOf(head) > 0) {
      // RMAP_LEVEL_PMD: a PMD-mapped folio's tails carry no AnonExclusive of their own
      for (let p = head + 1; p < head + HPAGE_PMD_NR; p++)
        if (k.phys.flags[p]! & PG_ANON_EXCLUSIVE) {
          v.push(`PMD-mapped THP ${head}: tail ${p} has AnonExclusive of its own`);
          break;
        }
      if (k.phys.flags[head]! & PG_ANON_EXCLUSIVE && k.phys.mapcountOf(head) !== 1)
        v.push(`THP ${head} is AnonExclusive but mapped ${k.phys.mapcountOf(head)} times`);
    }
    let mapped = false;
    for (let p = head; p < head + 2 ** order && !mapped; p++)
      mapped = k.phys.mapcountOf(p) !== 0 || (k.phys.flags[p]! & PG_SWAPCACHE) !== 0;
    if (!mapped) v.push(`anonymous THP ${head} leaked: none of its frames is mapped`);
  }
  for (const [head, order] of k.phys.large) {
    if (!isShmemFolio(k.phys, head)) continue;
    // a page-cache THP leaves the cache only split (deleteFromPageCache)
    for (let p = head; p < head + 2 ** order; p++)
      if (!(k.phys.flags[p]! & PG_CACHED)) {
        v.push(`shmem THP ${head}: frame ${p} is not in the page cache`);
        break;
      }
  }
  return v;
}

/**
 * move_huge_pmd (mremap): `mm`'s huge PMD of region `from` becomes region
 * `to`'s, which has no table: the same folio, the same entries (marked
 * soft-dirty under soft-dirty tracking, move_soft_dirty_pmd), the same
 * young bits. The mapcounts do not change: the same mm maps the same
 * folio by one PMD. A table shared after fork stays shared.
 */
export function moveHugePmd(k: Kernel, mm: Mm, from: number, to: number): void {
  movePteTable(mm.pt, from, to);
  mm.pt.setHuge(to);
  if (k.config.softDirty) mm.pt.hugeBits(to, PTE_SOFT_DIRTY, 0);
}

/* ---- shmem THP: PMD-sized folios in the page cache (mm/shmem.c, do_set_pmd) ---- */

/** Fault outcomes of a shmem PMD (fault.ts names them FILE_READ and SHARED_WRITE). */
export const HUGE_FILE_READ = 5;
export const HUGE_SHARED_WRITE = 6;

/**
 * thp_vma_suitable_order's file part: the VMA's start and its file offset
 * lie at the same place within 2 MiB, so a folio at an aligned index maps
 * at an aligned address.
 */
const pgoffAligned = (vma: Vma): boolean =>
  (vma.start / PAGE_SIZE - vma.pgoff) % HPAGE_PMD_NR === 0;

/**
 * shmem_allowable_huge_orders for the PMD order at page `index` of `vma`'s
 * shmem file (shmem_huge_global_enabled; the per-size control of 2048 kB
 * is `inherit`): not VM_NOHUGEPAGE; `deny` never and `force` always, on
 * every mount; otherwise the mount's huge option: shmem_enabled on the
 * internal mount (shared anonymous memory, memfd), `never` on the tmpfs
 * mounts (/dev/shm, mounted without huge=). `always` always, `within_size`
 * when the file reaches the end of the aligned 2 MiB that holds `index`,
 * `advise` on VM_HUGEPAGE.
 */
export function shmemPolicyAllows(k: Kernel, vma: Vma, index: number): boolean {
  if (vma.flags & VM_NOHUGEPAGE) return false;
  const mode = k.thp.shmemEnabled;
  if (mode === "force") return true;
  const { dev } = vma.file!;
  if (dev.major !== 0 || dev.minor !== 1) return false; // a tmpfs mount: huge=never
  switch (mode) {
    case "always":
      return true;
    case "within_size": {
      const end = Math.ceil((index + 1) / HPAGE_PMD_NR) * HPAGE_PMD_NR;
      return Math.ceil(vma.file!.size / PAGE_SIZE) >= end;
    }
    case "advise":
      return (vma.flags & VM_HUGEPAGE) !== 0;
    default:
      return false;
  }
}

/**
 * Whether mmap places a shmem mapping of `len` bytes (shared anonymous
 * memory when `file` is null, else a shmem file) for PMD mappings
 * (shmem_get_unmapped_area): not with `deny` or below 2 MiB; always with
 * `force`; else when the mount's huge option is not never: shmem_enabled
 * on the internal mount (shared anonymous memory, memfd), never on tmpfs.
 */
export function shmemAlignsMapping(k: Kernel, file: Inode | null, len: number): boolean {
  const mode = k.thp.shmemEnabled;
  if (mode === "deny" || len < PMD_SIZE) return false;
  if (mode === "force") return true;
  const internal = file === null || (file.dev.major === 0 && file.dev.minor === 1);
  return internal && mode !== "never";
}

/**
 * A fault where the PMD is none in a shared shmem VMA (shmem_fault, then
 * finish_fault's or filemap_map_pmd's do_set_pmd): the PMD-sized folio at
 * the aligned index is mapped by one PMD with `bits` (the caller's: a
 * read maps as vm_page_prot, a write writable and dirty); a write marks
 * the folio dirty. The folio is the one in the page cache, or, where the
 * policy allows one (shmemPolicyAllows) and nothing of the 2 MiB is cached
 * or swapped, a new one (clean, zeroed) added to the cache. HUGE_FALLBACK
 * when a PMD cannot map here (a table exists, the aligned 2 MiB is not in
 * the VMA or passes the end of the file, small pages are cached there, no
 * aligned 2 MiB of frames is free): the fault goes on with small pages.
 * Private mappings of shmem files are not mapped by PMD here (the kernel
 * maps a read by PMD and splits it at the first write): they map the
 * folio's pages by PTEs.
 */
export function shmemHugeFault(k: Kernel, mm: Mm, vma: Vma, vpn: number, bits: number): number {
  const key = Math.floor(vpn / PTRS_PER_PTE);
  if (
    !(vma.flags & VM_SHARED) ||
    mm.pt.hasTable(key) ||
    vma.flags & VM_NOHUGEPAGE ||
    !pmdFits(vma, vpn * PAGE_SIZE) ||
    !pgoffAligned(vma)
  )
    return HUGE_FALLBACK;
  const inode = vma.file!;
  const index = vma.pgoff + (vpn - vma.start / PAGE_SIZE);
  const hindex = index - (index % HPAGE_PMD_NR);
  if (hindex + HPAGE_PMD_NR > Math.ceil(inode.size / PAGE_SIZE)) return HUGE_FALLBACK;
  const { phys } = k;
  let head = inode.cache.get(hindex);
  if (head !== 0) {
    if (phys.orderOf(head) !== HPAGE_PMD_ORDER) return HUGE_FALLBACK;
  } else {
    if (!shmemPolicyAllows(k, vma, index) || cachedIn(inode, hindex)) return HUGE_FALLBACK;
    head = phys.allocLarge(KIND_SHMEM, 0, HPAGE_PMD_ORDER);
    if (head < 0) return HUGE_FALLBACK;
    for (let i = 0; i < HPAGE_PMD_NR; i++) {
      phys.flags[head + i]! |= PG_CACHED;
      inode.cache.set(hindex + i, head + i);
    }
    k.vfs.noteCached(inode);
  }
  const span = mm.pt.span().seek(key);
  const table = span.writable();
  const write = (bits & PTE_DIRTY) !== 0;
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    table[i] = mkPte(head + i, bits);
    span.mkYoung(i);
    if (write) phys.flags[head + i]! |= PG_DIRTY;
    if (vma.flags & VM_LOCKED) mlockFolio(phys, head + i);
  }
  mm.pt.setHuge(key);
  phys.addEntire(head, 1);
  mm.addRss(KIND_SHMEM, HPAGE_PMD_NR);
  return write ? HUGE_SHARED_WRITE : HUGE_FILE_READ;
}

/** Whether any page of the 2 MiB at `hindex` is cached or swapped (shmem_alloc_and_add_folio's xa_find). */
function cachedIn(inode: Inode, hindex: number): boolean {
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    if (inode.cache.get(hindex + i) !== 0) return true;
    if (inode.swapped.size > 0 && inode.swapped.has(hindex + i)) return true;
  }
  return false;
}

/**
 * __split_huge_pmd_locked for a VMA that is not anonymous: the PMD is
 * zapped whole, no PTE table is made (the next touch faults and maps the
 * folio again); a dirty PMD marks the folio dirty. The folio stays in the
 * page cache.
 */
function zapShmemPmd(k: Kernel, mm: Mm, key: number): void {
  const { phys } = k;
  const first = mm.pt.hugeFirst(key);
  const head = ptePfn(first);
  const dirty = pteDirty(first);
  phys.addEntire(head, -1);
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    if (dirty) phys.flags[head + i]! |= PG_DIRTY;
    if (phys.flags[head + i]! & PG_MLOCKED && phys.mapcountOf(head + i) === 0)
      phys.setFlags(head + i, phys.flags[head + i]! & ~PG_MLOCKED);
  }
  mm.addRss(KIND_SHMEM, -HPAGE_PMD_NR);
  mm.pt.clearHuge(key);
  mm.pt.freeTable(key);
  k.phys.vm.thpSplitPmd++;
}

/**
 * A write to a write-protected PMD of a shmem folio in a shared VMA
 * (wp_huge_pmd: shmem has no huge_fault, so the PMD is split, that is
 * zapped, and the fault goes on at PTE level, where do_shared_fault's
 * finish_fault maps the folio by PMD again, writable and dirty): the
 * PMD becomes writable and dirty, the folio dirty.
 */
function shmemHugeWp(k: Kernel, mm: Mm, key: number, softDirtyBit: number): number {
  const head = ptePfn(mm.pt.hugeFirst(key));
  mm.pt.hugeBits(key, PTE_WRITE | PTE_DIRTY | softDirtyBit, 0);
  const span = mm.pt.span().seek(key);
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    span.mkYoung(i);
    k.phys.flags[head + i]! |= PG_DIRTY;
  }
  return HUGE_SHARED_WRITE;
}

/**
 * The MMU's store through a writable, clean huge PMD: the PMD's dirty bit
 * (and soft-dirty, `bits`), on all its entries.
 */
export function pmdMkdirty(mm: Mm, key: number, bits: number): void {
  mm.pt.hugeBits(key, bits, 0);
}

/** ShmemPmdMapped of one VMA, in pages: its huge PMDs that map a shmem folio. */
export function shmemPmdPagesOf(k: Kernel, mm: Mm, vma: Vma): number {
  let pages = 0;
  for (const key of mm.pt.hugeKeys()) {
    const at = key * PMD_SIZE;
    if (at < vma.start || at >= vma.end) continue;
    const pfn = ptePfn(mm.pt.hugeFirst(key));
    if (pfn !== ZERO_PFN && isShmemFolio(k.phys, pfn)) pages += HPAGE_PMD_NR;
  }
  return pages;
}

/** NR_SHMEM_THPS: PMD-sized shmem folios (in the page cache), for meminfo's ShmemHugePages. */
export function shmemThps(k: Kernel): number {
  let n = 0;
  for (const [head, order] of k.phys.large)
    if (order === HPAGE_PMD_ORDER && isShmemFolio(k.phys, head)) n++;
  return n;
}

/* ---- mTHP: anonymous folios smaller than a PMD, mapped by PTEs (mm/memory.c alloc_anon_folio) ---- */

/**
 * do_anonymous_page's write path with mTHP sizes enabled (alloc_anon_folio):
 * the highest allowed order below the PMD's whose aligned range around
 * `vpn` lies in the VMA and has every PTE none gets a new folio of that
 * order, mapped by its PTEs at once (writable, dirty, young, AnonExclusive;
 * `bits`); an order whose frames cannot be had falls back to the next.
 * Returns the pages mapped, or 0 when no size fits (a 4 KiB page then).
 * smaps counts these folios in no huge line (AnonHugePages is PMD
 * mappings only); kpageflags shows their THP and COMPOUND bits.
 */
export function mthpAnonymousPage(k: Kernel, mm: Mm, vma: Vma, vpn: number, bits: number): number {
  const { phys } = k;
  for (let order = HPAGE_PMD_ORDER - 1; order >= MTHP_ORDERS[0]; order--) {
    if (!orderAllows(k, vma, order)) continue;
    const nr = 2 ** order;
    const base = vpn - (vpn % nr);
    if (base * PAGE_SIZE < vma.start || (base + nr) * PAGE_SIZE > vma.end) continue;
    let none = true;
    for (let i = 0; i < nr && none; i++) none = mm.pt.get(base + i) === 0;
    if (!none) continue;
    const head = phys.allocLarge(KIND_ANON, 0, order);
    if (head < 0) continue;
    vma.anonVma ??= newAnonVma();
    for (let i = 0; i < nr; i++) {
      mm.pt.install(base + i, mkPte(head + i, bits));
      phys.incMapcount(head + i);
      phys.flags[head + i]! |= PG_ANON_EXCLUSIVE;
      if (vma.flags & VM_LOCKED) mlockFolio(phys, head + i);
    }
    mm.addRss(KIND_ANON, nr);
    return nr;
  }
  return 0;
}
