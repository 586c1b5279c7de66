/**
 * Page reclaim over the LRU lists (mm/vmscan.c), as a kernel without MGLRU
 * runs it: the capture machine's 6.18 has no /sys/kernel/mm/lru_gen
 * (CONFIG_LRU_GEN off), so pages age on two lists per type, active and
 * inactive, with the referenced/young second chance.
 *
 * Lists. A frame's list follows from its flags (lruOf, phys.ts):
 * anonymous and shmem pages are on the anon lists, page-cache pages and
 * lazily freeable anonymous pages (PG_LAZYFREE, which Linux moves to the
 * file list when it clears PG_swapbacked) on the file lists, PG_active picks
 * active or inactive, mlocked pages are unevictable. Each list is ordered
 * as Linux orders it, by when its pages joined it (phys.ts: a join stamp
 * per frame, 4 bytes, where list_head links would be 8): a page joins at
 * the head when allocated (lru_add), activated, deactivated, mlocked or
 * made lazy-free (PhysMem.setFlags), and isolate takes the oldest from the
 * tail (lru.ts); every isolated page that is not freed is put back at the
 * head of the list its flags then name, in isolation order
 * (move_folios_to_lru), kept, referenced and activated pages alike. The
 * per-CPU lru_add batch is not modelled: it delays a page's joining, never
 * reorders it. Which lists are scanned, how many pages, and what each
 * scanned page's flags and PTEs decide follow shrink_node.
 *
 * Reverse mapping. folio_referenced and try_to_unmap find a page's PTEs
 * through its anon_vma or address_space; this model has no reverse links,
 * so one walk over every mm's page tables serves a whole batch of scanned
 * pages (at most SWAP_CLUSTER_MAX).
 *
 * What reclaiming a page does (shrink_folio_list):
 * - a lazily freeable page nobody redirtied is discarded: its PTEs are
 *   cleared (pglazyfreed); a redirtied one becomes ordinary anonymous
 *   memory again and is activated;
 * - an anonymous page gets a swap slot and joins the swap cache
 *   (add_to_swap), every PTE mapping it becomes a swap entry of that slot
 *   (try_to_unmap: the slot's count is the number of mappers), the page is
 *   written (pswpout) and freed; without a free slot it is activated;
 * - a page-cache page is unmapped everywhere, written back if dirty, and
 *   leaves the cache;
 * - a shmem page (tmpfs, shared anonymous memory: swap-backed, on the anon
 *   lists, so scanned only while a swap slot is free) is unmapped
 *   everywhere, its PTEs cleared (no swap entry: the object holds it), and
 *   goes to swap through shmem_writeout (filemap.ts), or is dropped if clean;
 *   without a free slot it stays, unmapped, and is activated;
 * - a swap-cache page nobody maps (after MADV_PAGEOUT or read-ahead)
 *   leaves the swap cache; its slot keeps the data.
 * Writes complete at once: a written page is freed in the same pass.
 * With a tracer attached, each page freed is reported once per PTE that
 * mapped it (a "pageout" event), or once if none did.
 */

import { PAGE_SIZE, VM_EXEC } from "./constants.js";
import type { PageoutKind } from "./events.js";
import { deleteFromPageCache, SHMEM_KEPT, SHMEM_SWAPPED, shmemWriteout } from "./filemap.js";
import { isLargeFrame } from "./huge-memory.js";
import type { Kernel } from "./kernel.js";
import { PG_KSM } from "./ksm.js";
import { lruOldest } from "./lru.js";
import { type Mm, normalPage } from "./mm.js";
import {
  PTE_SOFT_DIRTY,
  type PteSpan,
  pteDirty,
  ptePfn,
  ptePresent,
  SWP_EXCLUSIVE,
} from "./page-table.js";
import {
  KIND_ANON,
  KIND_FILE,
  KIND_FREE,
  KIND_MASK,
  KIND_SHMEM,
  LRU_ACTIVE_ANON,
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_ANON,
  LRU_INACTIVE_FILE,
  lruOf,
  NOT_ON_LRU,
  PG_ACTIVE,
  PG_ANON_EXCLUSIVE,
  PG_DIRTY,
  PG_LAZYFREE,
  PG_REFERENCED,
  PG_SWAPCACHE,
  type PhysMem,
} from "./phys.js";
import { drainLazyfree } from "./swap.js";
import type { Inode } from "./vfs.js";
import type { Vma } from "./vma.js";

export {
  LRU_ACTIVE_ANON,
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_ANON,
  LRU_INACTIVE_FILE,
  LRU_UNEVICTABLE,
  lruOf,
  NOT_ON_LRU,
} from "./phys.js";
/** Pages taken off a list at a time (SWAP_CLUSTER_MAX), and what one reclaim tries to free. */
export const SWAP_CLUSTER_MAX = 32;
/** The first scan priority (DEF_PRIORITY): a list is scanned size >> priority pages at a time. */
const DEF_PRIORITY = 12;
/** vm.swappiness's default: the anon share of the scan against 200 - swappiness for file. */
const SWAPPINESS = 60;

/** The pages on each list, indexed by LRU_* (lruvec_lru_size). */
export function lruSizes(phys: PhysMem): number[] {
  const sizes = [0, 0, 0, 0, 0];
  const { flags } = phys;
  for (let pfn = phys.firstUsable; pfn < phys.highWater; pfn++) {
    const lru = lruOf(flags[pfn]!);
    if (lru !== NOT_ON_LRU) sizes[lru]!++;
  }
  return sizes;
}

const isFileLru = (lru: number): boolean => lru === LRU_INACTIVE_FILE || lru === LRU_ACTIVE_FILE;

/** inactive_is_low: the inactive list is smaller than active / sqrt(10 × GiB of both). */
function inactiveIsLow(inactive: number, active: number): boolean {
  const gb = Math.floor((inactive + active) / ((1 << 30) / PAGE_SIZE));
  const ratio = gb > 0 ? Math.floor(Math.sqrt(10 * gb)) : 1;
  return inactive * ratio < active;
}

/** What one reclaim is allowed to do and has done (struct scan_control). */
interface ScanControl {
  /** Unmap mapped pages (may_unmap); without it only unmapped pages are taken. */
  readonly mayUnmap: boolean;
  /**
   * An mm whose pages stay: the one an allocation in progress belongs to
   * (its fault may hold them). A page it maps is kept, whoever else maps it.
   */
  readonly keepMm: Mm | null;
  /** kswapd (background) rather than direct reclaim: which pgscan/pgsteal counters. */
  readonly kswapd: boolean;
  readonly nrToReclaim: number;
  priority: number;
  reclaimed: number;
  /** The last isolate found fewer pages than asked: its list is exhausted for this pass. */
  short: boolean;
  /** The lists' sizes, counted once and kept up to date as pages move or go. */
  readonly sizes: number[];
  /**
   * reclaim_pages (MADV_PAGEOUT) and the allocator's last resort: the
   * folios were chosen by the caller, so shrinkFolioList neither walks for
   * their references nor lets them decide (shrink_folio_list's
   * ignore_references).
   */
  readonly ignoreReferences: boolean;
  /**
   * Whether a write reclaim starts has completed by the time the page is
   * looked at again: then a written page is freed in the same pass (this
   * model's reclaim under pressure); else it stays in the swap cache under
   * writeback, as after MADV_PAGEOUT on Linux, where SwapCached counts it
   * and the next touch is a minor fault.
   */
  readonly writesComplete: boolean;
  /** Who reclaims, as the tracer names it. */
  readonly by: "madvise" | "reclaim";
}

/** A ScanControl for a list of pages the caller chose (reclaim_folio_list's). */
function callerChosen(by: "madvise" | "reclaim", writesComplete: boolean): ScanControl {
  return {
    mayUnmap: true,
    keepMm: null,
    kswapd: false,
    nrToReclaim: 0,
    priority: DEF_PRIORITY,
    reclaimed: 0,
    short: false,
    // No list is scanned: the sizes are kept but nobody reads them.
    sizes: [0, 0, 0, 0, 0],
    ignoreReferences: true,
    writesComplete,
    by,
  };
}

/**
 * Takes up to `n` pages of list `lru` for a scan (isolate_lru_folios): the
 * oldest, from the tail, oldest first. Each page taken must be put back
 * (putback) or freed before the scan ends.
 */
function isolate(phys: PhysMem, lru: number, n: number): number[] {
  return lruOldest(phys, lru, n);
}

/**
 * move_folios_to_lru: every page of a scan's batch that is still in use
 * goes to the head of the list its flags now name, in the batch's order
 * (so the oldest of them ends up the furthest from the head): kept,
 * referenced and activated pages alike.
 */
function putback(phys: PhysMem, isolated: readonly number[]): void {
  for (const pfn of isolated) if ((phys.flags[pfn]! & KIND_MASK) !== KIND_FREE) phys.lruAdd(pfn);
}

/** What the reverse-map walk found for one page. */
interface Refs {
  /** Young PTEs, now made old (folio_referenced's count). */
  young: number;
  /** Some mapping of it is executable. */
  exec: boolean;
  /** Some PTE mapping it is dirty. */
  dirty: boolean;
  /** sc.keepMm maps it: it stays. */
  kept: boolean;
}

/** The distinct live mms. */
function liveMms(k: Kernel): Mm[] {
  return [...new Set(k.mms())];
}

/**
 * Marks of the pages of the batch being walked for, by PFN (1: in the
 * batch), so that a walk tests each PTE with one typed-array read. Kept
 * between batches, all zero outside one; grown to the frames in use.
 */
let batchMarks = new Uint8Array(0);

/**
 * Where the pages of a batch are known to be mapped: vpns [lo, hi) of `vma`
 * in `mm` (the range MADV_PAGEOUT's walk took them from). The rmap walk
 * looks there first, as Linux's finds an anonymous page's address from its
 * anon_vma and index without searching.
 */
export interface RmapHint {
  readonly mm: Mm;
  readonly vma: Vma;
  readonly lo: number;
  readonly hi: number;
}

/**
 * Visits every PTE of every live mm that maps a page of `batch`
 * (rmap_walk over the batch at once): fn(mm, vma, span, i, pfn). As
 * rmap_walk stops once the folio is not mapped any more, the walk stops
 * once it has visited as many PTEs as the batch's pages have mappings
 * (their map counts), so pages nobody maps cost nothing and a `hint`
 * that holds every mapping spares the walk over the other mms.
 */
function rmapWalk(
  k: Kernel,
  batch: readonly number[],
  fn: (mm: Mm, vma: Vma, span: PteSpan, i: number, pfn: number) => void,
  hint: RmapHint | null = null,
): void {
  const { phys } = k;
  let left = 0;
  for (const pfn of batch) left += phys.mapcountOf(pfn);
  if (left === 0) return;
  if (batchMarks.length < phys.highWater) batchMarks = new Uint8Array(phys.highWater);
  const marks = batchMarks;
  for (const pfn of batch) marks[pfn] = 1;
  const walkRange = (mm: Mm, vma: Vma, lo: number, hi: number): void => {
    if (left === 0 || lo >= hi) return;
    mm.pt.walk(lo, hi, {
      pmdEntry(span) {
        for (let i = span.lo; i < span.hi && left > 0; i++) {
          const pte = span.entries[i]!;
          if (!ptePresent(pte)) continue;
          const pfn = ptePfn(pte);
          if (pfn < marks.length && marks[pfn] === 1 && normalPage(vma, pte) === pfn) {
            left--;
            fn(mm, vma, span, i, pfn);
          }
        }
      },
    });
  };
  try {
    if (hint !== null) walkRange(hint.mm, hint.vma, hint.lo, hint.hi);
    if (left === 0) return;
    for (const mm of liveMms(k)) {
      for (const vma of mm.vmas) {
        const first = vma.start / PAGE_SIZE;
        const last = vma.end / PAGE_SIZE;
        if (hint !== null && mm === hint.mm && vma === hint.vma) {
          walkRange(mm, vma, first, hint.lo);
          walkRange(mm, vma, hint.hi, last);
        } else walkRange(mm, vma, first, last);
        if (left === 0) return;
      }
    }
  } finally {
    for (const pfn of batch) marks[pfn] = 0;
  }
}

/**
 * folio_referenced over a batch: for every PTE of every mm mapping a page of
 * `batch`, counts it if young and makes it old (ptep_clear_flush_young),
 * and notes exec mappings and dirty PTEs. Pages nobody maps are not walked for.
 */
function folioReferenced(
  k: Kernel,
  batch: readonly number[],
  keepMm: Mm | null = null,
): Map<number, Refs> {
  const refs = new Map<number, Refs>();
  for (const pfn of batch)
    if (k.phys.mapcountOf(pfn) > 0)
      refs.set(pfn, { young: 0, exec: false, dirty: false, kept: false });
  if (refs.size === 0) return refs;
  rmapWalk(k, [...refs.keys()], (mm, vma, span, i, pfn) => {
    const r = refs.get(pfn)!;
    if (mm === keepMm) r.kept = true;
    if (span.isYoung(i)) {
      r.young++;
      span.mkOld(i);
    }
    if (vma.flags & VM_EXEC) r.exec = true;
    if (pteDirty(span.entries[i]!)) r.dirty = true;
  });
  return refs;
}

/** Where a page was mapped: [pid, address] per PTE, for the tracer. */
type Mappers = Map<number, Array<readonly [number, number]>>;

/** What try_to_unmap did to a batch. */
interface Unmapped {
  /** With a tracer: who mapped each page where (else null). */
  readonly mappers: Mappers | null;
  /** Lazy-free pages found written again: their PTEs stay, and they must be kept. */
  readonly redirtied: Set<number>;
}

/**
 * try_to_unmap over a batch: every PTE mapping a page of `victims` is
 * replaced by the page's swap entry (an anonymous page in the swap cache:
 * exclusive if the page was, which it no longer is; soft-dirty kept, the
 * slot counting one more entry) or cleared (file and shmem pages,
 * discarded lazy-free pages). A dirty PTE's bit passes to the page. A
 * lazy-free page that is dirty (a write since MADV_FREE) cannot be
 * discarded: the walk stops for it there, leaving that PTE and any not
 * yet visited (try_to_unmap_one's MADV_FREE check). RSS, map counts and
 * VmSwap follow.
 */
function tryToUnmap(k: Kernel, victims: readonly number[], hint: RmapHint | null): Unmapped {
  const { phys, swap } = k;
  let hiwaterDone: Mm | null = null;
  const mappers: Mappers | null = k.trace === null ? null : new Map();
  const pids = mappers === null ? null : new Map<Mm, number>();
  const redirtied = new Set<number>();
  const walk = (mm: Mm, _vma: Vma, span: PteSpan, i: number, pfn: number): void => {
    if (redirtied.size > 0 && redirtied.has(pfn)) return;
    const pte = span.entries[i]!;
    const f = phys.flags[pfn]!;
    if (f & PG_LAZYFREE && (f & PG_DIRTY || pteDirty(pte))) {
      phys.flags[pfn] = f | PG_DIRTY;
      redirtied.add(pfn);
      return;
    }
    if (mappers !== null && pids !== null) {
      let pid = pids.get(mm);
      if (pid === undefined) {
        pid = k.pidOf(mm);
        pids.set(mm, pid);
      }
      const list = mappers.get(pfn);
      const at = [pid, (span.base + i) * PAGE_SIZE] as const;
      if (list === undefined) mappers.set(pfn, [at]);
      else list.push(at);
    }
    if (mm !== hiwaterDone) {
      mm.updateHiwaterRss(); // once per mm is enough: RSS only falls here
      hiwaterDone = mm;
    }
    let replacement = 0;
    if ((f & KIND_MASK) === KIND_ANON && f & PG_SWAPCACHE) {
      const entry = swap.entryOf.entry(pfn);
      swap.dup(entry);
      mm.swapents++;
      replacement = entry | (f & PG_ANON_EXCLUSIVE ? SWP_EXCLUSIVE : 0) | (pte & PTE_SOFT_DIRTY);
      phys.flags[pfn] = f & ~PG_ANON_EXCLUSIVE;
    }
    if (pteDirty(pte)) phys.flags[pfn]! |= PG_DIRTY;
    span.set(i, replacement);
    span.mkOld(i);
    phys.decMapcount(pfn);
    mm.addRss(f & KIND_MASK, -1);
  };
  rmapWalk(k, victims, walk, hint);
  return { mappers, redirtied };
}

/** Reports page `pfn` gone, as `out`, to the tracer: once per mapper, or once. */
export function tracePageout(
  k: Kernel,
  mappers: Mappers | null,
  pfn: number,
  out: PageoutKind,
  by: "madvise" | "reclaim",
): void {
  const trace = k.trace!;
  const list = mappers?.get(pfn);
  if (list === undefined) trace({ kind: "pageout", by, out, pid: 0, addr: -1 });
  else for (const [pid, addr] of list) trace({ kind: "pageout", by, out, pid, addr });
}

/** The page cache's reverse map: PFN -> [inode, index], built when a batch holds file pages. */
function pageCacheOwners(k: Kernel): Owners {
  const owners: Owners = new Map();
  for (const inode of k.vfs.cachedInodes())
    for (const [index, pfn] of inode.cache.entries()) owners.set(pfn, [inode, index]);
  return owners;
}

const ACTIVATE = 0;
const KEEP = 1;
const RECLAIM_CLEAN = 2;
const RECLAIM = 3;

/**
 * folio_check_references: what a scanned inactive page's references decide.
 * Anonymous and shmem pages are treated as file pages are (since 5.9,
 * b518154e59aa "protect the workingset on anonymous LRU"): a first young
 * reference only marks the page and keeps it for another trip round the
 * inactive list; a second one (or two young PTEs) activates it. Only
 * executable file pages are activated on first use. A referenced page
 * with no young PTE is reclaimed, a file page only if clean.
 */
function checkReferences(phys: PhysMem, pfn: number, r: Refs | undefined): number {
  const f = phys.flags[pfn]!;
  const referencedFolio = (f & PG_REFERENCED) !== 0;
  phys.flags[pfn] = f & ~PG_REFERENCED;
  const young = r?.young ?? 0;
  const fileLru = isFileLru(lruOf(f));
  if (young > 0) {
    phys.flags[pfn]! |= PG_REFERENCED;
    if (referencedFolio || young > 1) return ACTIVATE;
    if (r!.exec && fileLru) return ACTIVATE;
    return KEEP;
  }
  return referencedFolio && fileLru ? RECLAIM_CLEAN : RECLAIM;
}

/** Moves a page to the active list of its type (folio_set_active), counting pgactivate. */
function activate(phys: PhysMem, pfn: number, sc: ScanControl): void {
  moveTo(phys, pfn, phys.flags[pfn]! | PG_ACTIVE, sc);
  phys.vm.pgactivate++;
}

/**
 * Sets a page's flags to `flags`, moving it to the head of the list they
 * name if that is another, and keeping sc.sizes in step.
 */
function moveTo(phys: PhysMem, pfn: number, flags: number, sc: ScanControl): void {
  sc.sizes[lruOf(phys.flags[pfn]!)]!--;
  phys.setFlags(pfn, flags);
  sc.sizes[lruOf(flags)]!++;
}

/**
 * shrink_inactive_list: scans up to `n` pages of inactive list `lru` and
 * reclaims what shrink_folio_list would. Returns the pages freed.
 */
function shrinkInactiveList(k: Kernel, lru: number, n: number, sc: ScanControl): number {
  const { phys } = k;
  const { vm } = phys;
  const file = isFileLru(lru);
  const isolated = isolate(phys, lru, n);
  sc.short = isolated.length < n;
  const batch = isolated.filter((pfn) => sc.mayUnmap || phys.mapcountOf(pfn) === 0);
  if (batch.length === 0) {
    putback(phys, isolated);
    return 0;
  }
  if (sc.kswapd) vm.pgscanKswapd += batch.length;
  else vm.pgscanDirect += batch.length;
  if (file) vm.pgscanFile += batch.length;
  else vm.pgscanAnon += batch.length;
  const freed = shrinkFolioList(k, batch, sc, null, null);
  putback(phys, isolated);
  if (sc.kswapd) vm.pgstealKswapd += freed;
  else vm.pgstealDirect += freed;
  if (file) vm.pgstealFile += freed;
  else vm.pgstealAnon += freed;
  return freed;
}

/** Page-cache owners of pages: PFN -> [inode, index] (folio->mapping and folio->index). */
export type Owners = Map<number, readonly [Inode, number]>;

/**
 * shrink_folio_list: what becomes of each page of `batch`, pages taken off
 * their lists by the caller (reclaim's scan, or MADV_PAGEOUT's walk through
 * reclaimPages). Unless sc.ignoreReferences, the pages' references decide
 * first (folio_check_references: activate, keep, or reclaim). A page to
 * reclaim: a file page must be in its page cache (`owners`, found when
 * null), a page whose PTEs were referenced only through PG_referenced is
 * kept if dirty, an anonymous page gets a swap slot and joins the swap
 * cache (add_to_swap; without a free slot it is activated). Then
 * try_to_unmap takes every PTE mapping them (`hint`: where they are
 * known to be mapped), and each unmapped page is written where it goes
 * and freed (reclaimPage). Returns the pages freed.
 */
function shrinkFolioList(
  k: Kernel,
  batch: readonly number[],
  sc: ScanControl,
  knownOwners: Owners | null,
  hint: RmapHint | null,
): number {
  const { phys } = k;
  const refs = sc.ignoreReferences ? null : folioReferenced(k, batch, sc.keepMm);
  let owners = knownOwners;
  if (owners === null && batch.some((pfn) => pageCacheKind(phys.flags[pfn]!)))
    owners = pageCacheOwners(k);
  const victims: number[] = [];
  for (const pfn of batch) {
    const f = phys.flags[pfn]!;
    const r = refs?.get(pfn);
    if (r?.kept) continue;
    if (isLargeFrame(phys, pfn)) continue; // THPs are not swapped this round (huge-memory.ts)
    if (f & PG_KSM) continue; // nor KSM pages (ksm.ts): their stable node would have to go with them
    const verdict = refs === null ? RECLAIM : checkReferences(phys, pfn, r);
    if (verdict === ACTIVATE) activate(phys, pfn, sc);
    if (verdict === ACTIVATE || verdict === KEEP) continue;
    const kind = f & KIND_MASK;
    // Not in a page cache (nor a shmem page in the swap cache): nothing to drop it from.
    if (kind === KIND_FILE && !owners?.has(pfn)) continue;
    if (kind === KIND_SHMEM && !(f & PG_SWAPCACHE) && !owners?.has(pfn)) continue;
    const lazy = kind === KIND_ANON && (f & PG_LAZYFREE) !== 0;
    if (!lazy && verdict === RECLAIM_CLEAN && ((f & PG_DIRTY) !== 0 || r?.dirty === true)) continue;
    if (kind === KIND_ANON && !(f & (PG_SWAPCACHE | PG_LAZYFREE)) && !addToSwap(k, pfn)) {
      activate(phys, pfn, sc);
      continue;
    }
    victims.push(pfn);
  }
  if (victims.length === 0) return 0;
  const { mappers, redirtied } = tryToUnmap(k, victims, hint);
  let freed = 0;
  for (const pfn of victims) {
    if (redirtied.has(pfn)) {
      // Written since MADV_FREE: swap-backed again (folio_set_swapbacked), and activated.
      moveTo(phys, pfn, phys.flags[pfn]! & ~PG_LAZYFREE, sc);
      activate(phys, pfn, sc);
      continue;
    }
    const lru = lruOf(phys.flags[pfn]!);
    const out = reclaimPage(k, pfn, owners, sc);
    const gone = (phys.flags[pfn]! & KIND_MASK) === KIND_FREE;
    if (gone) {
      sc.sizes[lru]!--;
      freed++;
    }
    // A swap-cache page that was mapped went to swap: its PTEs are swap entries now.
    if (out !== null && k.trace !== null)
      tracePageout(
        k,
        mappers,
        pfn,
        out === "swap-cache-drop" && mappers!.has(pfn) ? "swap-out" : out,
        sc.by,
      );
  }
  return freed;
}

/** Pages that live in a page cache (a file's, or a shmem object's outside the swap cache). */
const pageCacheKind = (f: number): boolean => {
  const kind = f & KIND_MASK;
  return kind === KIND_FILE || (kind === KIND_SHMEM && !(f & PG_SWAPCACHE));
};

/** add_to_swap: a free slot for anonymous page `pfn`, and the page joins the swap cache, dirty. */
function addToSwap(k: Kernel, pfn: number): boolean {
  const { phys, swap } = k;
  const entry = swap.allocSlot();
  if (entry < 0) return false;
  swap.addToCache(phys, pfn, entry);
  phys.flags[pfn]! |= PG_DIRTY;
  return true;
}

/**
 * The end of shrink_folio_list for an unmapped victim `pfn`: writes it
 * where it goes (file, swap; pageout counts nr_vmscan_write) and frees it,
 * unless the write is still in flight (!sc.writesComplete: the page stays
 * in the swap cache, written). Returns what was done, or null when the
 * page stays (a shmem page without a free slot, activated).
 */
function reclaimPage(
  k: Kernel,
  pfn: number,
  owners: Owners | null,
  sc: ScanControl,
): PageoutKind | null {
  const { phys, swap } = k;
  const { vm } = phys;
  const f = phys.flags[pfn]!;
  const kind = f & KIND_MASK;
  if (kind === KIND_FILE) {
    const [inode, index] = owners!.get(pfn)!;
    if (f & PG_DIRTY) {
      inode.disk.set(index, phys.content[pfn]!);
      phys.flags[pfn] = f & ~PG_DIRTY;
      vm.fileOut();
      vm.nrVmscanWrite++;
    }
    deleteFromPageCache(phys, inode, index, pfn);
    return f & PG_DIRTY ? "file-writeback" : "file-drop";
  }
  if (kind === KIND_SHMEM && !(f & PG_SWAPCACHE)) {
    const [inode, index] = owners!.get(pfn)!;
    const done = shmemWriteout(k, inode, index, pfn);
    if (done === SHMEM_KEPT) {
      // shmem_writeout found no slot: the page stays, unmapped, and is activated.
      activate(phys, pfn, sc);
      return null;
    }
    if (done !== SHMEM_SWAPPED) return "shmem-drop";
    vm.nrVmscanWrite++;
    if (sc.writesComplete) {
      swap.deleteFromCache(phys, pfn);
      phys.free(pfn);
    }
    return "shmem-swap-out";
  }
  if (f & PG_SWAPCACHE) {
    if (f & PG_DIRTY) {
      swap.writePage(phys, pfn);
      vm.nrVmscanWrite++;
      if (!sc.writesComplete) return kind === KIND_ANON ? "swap-out" : "swap-cache-drop";
    }
    swap.deleteFromCache(phys, pfn);
    phys.free(pfn);
    return kind === KIND_ANON && f & PG_DIRTY ? "swap-out" : "swap-cache-drop";
  }
  phys.flags[pfn] = f & ~PG_LAZYFREE;
  phys.free(pfn);
  vm.pglazyfreed++;
  return "lazy-discard";
}

/**
 * reclaim_pages (mm/vmscan.c): reclaims the pages a caller took, ignoring
 * their references, through the same shrink_folio_list as reclaim under
 * pressure. MADV_PAGEOUT's walk (madvise.ts) passes the pages of one PMD it
 * isolated, `hint` being where it found them and `owners` the shmem
 * pages' objects; writes stay in flight (the pages stay in the swap cache).
 * Returns the pages freed.
 */
export function reclaimPages(
  k: Kernel,
  pfns: readonly number[],
  hint: RmapHint | null,
  owners: Owners | null,
): number {
  const freed = shrinkFolioList(k, pfns, callerChosen("madvise", false), owners, hint);
  putback(k.phys, pfns); // reclaim_folio_list: what stays goes back to its list's head
  return freed;
}

/**
 * The allocator's last resort before the OOM killer (reclaim.ts): every
 * page of a regular file's page cache that nobody maps goes, a dirty one
 * written back first, through shrink_folio_list as reclaim's own; shmem
 * pages stay (only swap can take them, through the LRU scan). Returns the
 * pages freed.
 */
export function shrinkUnmappedPageCache(k: Kernel): number {
  const { phys } = k;
  const owners: Owners = new Map();
  const batch: number[] = [];
  for (const inode of k.vfs.cachedInodes()) {
    if (inode.shmem) continue;
    for (const [index, pfn] of inode.cache.entries()) {
      if (phys.mapcountOf(pfn) !== 0) continue;
      owners.set(pfn, [inode, index]);
      batch.push(pfn);
    }
  }
  if (batch.length === 0) return 0;
  return shrinkFolioList(k, batch, callerChosen("reclaim", true), owners, null);
}

/**
 * shrink_active_list: scans up to `n` pages of active list `lru`; each
 * loses its young bits (folio_referenced), and moves to the inactive list
 * unless it is an executable file page that was referenced.
 */
function shrinkActiveList(k: Kernel, lru: number, n: number, sc: ScanControl): void {
  const { phys } = k;
  const batch = isolate(phys, lru, n);
  sc.short = batch.length < n;
  phys.vm.pgrefill += batch.length;
  const refs = folioReferenced(k, batch);
  for (const pfn of batch) {
    const r = refs.get(pfn);
    if (r !== undefined && r.young > 0 && r.exec && (phys.flags[pfn]! & KIND_MASK) === KIND_FILE)
      continue;
    moveTo(phys, pfn, phys.flags[pfn]! & ~PG_ACTIVE, sc);
    phys.vm.pgdeactivate++;
  }
  putback(phys, batch);
}

/** Whether a swap slot is free for an anonymous page (can_reclaim_anon_pages). */
function canReclaimAnon(k: Kernel): boolean {
  return k.swap.usedPages() < k.swap.totalPages();
}

/**
 * get_scan_count: pages to scan of each evictable list at `priority`.
 * Without a free swap slot only the file lists are scanned; with enough
 * inactive file pages too (cache trim mode); otherwise anon and file share
 * the scan as swappiness 60 against 140 weighs them.
 */
function scanCounts(sizes: readonly number[], priority: number, anonOk: boolean): number[] {
  const fileOnly =
    !anonOk ||
    (sizes[LRU_INACTIVE_FILE]! >> priority > 0 &&
      !inactiveIsLow(sizes[LRU_INACTIVE_FILE]!, sizes[LRU_ACTIVE_FILE]!));
  return [0, 1, 2, 3].map((lru) => {
    const scan = sizes[lru]! >> priority;
    if (isFileLru(lru)) return fileOnly ? scan : Math.ceil((scan * (200 - SWAPPINESS)) / 200);
    return fileOnly ? 0 : Math.ceil((scan * SWAPPINESS) / 200);
  });
}

/** shrink_node (shrink_lruvec) at sc.priority. */
function shrinkNode(k: Kernel, sc: ScanControl): void {
  const { sizes } = sc;
  const anonOk = canReclaimAnon(k);
  const mayDeactivate = [
    anonOk && inactiveIsLow(sizes[LRU_INACTIVE_ANON]!, sizes[LRU_ACTIVE_ANON]!),
    inactiveIsLow(sizes[LRU_INACTIVE_FILE]!, sizes[LRU_ACTIVE_FILE]!),
  ];
  const nr = scanCounts(sizes, sc.priority, anonOk);
  while (nr.some((n) => n > 0) && sc.reclaimed < sc.nrToReclaim) {
    for (let lru = 0; lru < 4; lru++) {
      const n = Math.min(nr[lru]!, SWAP_CLUSTER_MAX);
      if (n === 0) continue;
      nr[lru]! -= n;
      const active = lru === LRU_ACTIVE_ANON || lru === LRU_ACTIVE_FILE;
      if (active) {
        if (!mayDeactivate[isFileLru(lru) ? 1 : 0]) continue;
        shrinkActiveList(k, lru, n, sc);
      } else sc.reclaimed += shrinkInactiveList(k, lru, n, sc);
      if (sc.short) nr[lru] = 0; // the list had fewer pages than its scan count
    }
  }
  if (anonOk && inactiveIsLow(sizes[LRU_INACTIVE_ANON]!, sizes[LRU_ACTIVE_ANON]!))
    shrinkActiveList(k, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX, sc);
}

/**
 * do_try_to_free_pages: shrinks the node at priorities 12 down to 0 until
 * `nrToReclaim` pages are freed. `mayUnmap` false takes only pages nobody
 * maps; `keepMm` keeps every page that mm maps (the allocator's slow path
 * inside a fault, which may hold pages whose mappings must not change under
 * it). Returns the pages freed.
 */
export function tryToFreePages(
  k: Kernel,
  nrToReclaim: number,
  opts: { mayUnmap: boolean; kswapd: boolean; keepMm?: Mm | null },
): number {
  const sc: ScanControl = {
    mayUnmap: opts.mayUnmap,
    kswapd: opts.kswapd,
    keepMm: opts.keepMm ?? null,
    nrToReclaim,
    priority: DEF_PRIORITY,
    reclaimed: 0,
    short: false,
    sizes: lruSizes(k.phys),
    ignoreReferences: false,
    writesComplete: true,
    by: "reclaim",
  };
  if (!opts.kswapd) k.phys.vm.allocstallNormal++;
  drainLazyfree(k.phys, k.swap); // lru_add_drain: the lazyfree batch's pages reach their list first
  for (; sc.priority >= 0 && sc.reclaimed < nrToReclaim; sc.priority--) shrinkNode(k, sc);
  return sc.reclaimed;
}
