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
import type { Kernel } from "./kernel.js";
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
 * Visits every PTE of every live mm that maps a page of `batch`
 * (rmap_walk over the batch at once): fn(mm, vma, span, i, pfn).
 */
function rmapWalk(
  k: Kernel,
  batch: readonly number[],
  fn: (mm: Mm, vma: Vma, span: PteSpan, i: number, pfn: number) => void,
): void {
  if (batchMarks.length < k.phys.highWater) batchMarks = new Uint8Array(k.phys.highWater);
  const marks = batchMarks;
  for (const pfn of batch) marks[pfn] = 1;
  try {
    for (const mm of liveMms(k)) {
      for (const vma of mm.vmas) {
        mm.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
          pmdEntry(span) {
            for (let i = span.lo; i < span.hi; i++) {
              const pte = span.entries[i]!;
              if (!ptePresent(pte)) continue;
              const pfn = ptePfn(pte);
              if (pfn < marks.length && marks[pfn] === 1 && normalPage(vma, pte) === pfn)
                fn(mm, vma, span, i, pfn);
            }
          },
        });
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

/**
 * try_to_unmap over a batch: every PTE mapping a page of `victims` is
 * replaced by the page's swap entry (an anonymous page in the swap cache:
 * exclusive if the page was, soft-dirty kept, the slot counting one more
 * entry) or cleared (file and shmem pages, discarded lazy-free pages). A
 * dirty PTE's bit passes to the page. RSS, map counts and VmSwap follow.
 * With a tracer, returns who mapped each page where; else null.
 */
function tryToUnmap(k: Kernel, victims: ReadonlySet<number>): Mappers | null {
  const { phys, swap } = k;
  const hiwaterDone = new Set<Mm>();
  const mappers: Mappers | null = k.trace === null ? null : new Map();
  const pids = mappers === null ? null : new Map<Mm, number>();
  rmapWalk(k, [...victims], (mm, _vma, span, i, pfn) => {
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
    if (!hiwaterDone.has(mm)) {
      mm.updateHiwaterRss();
      hiwaterDone.add(mm);
    }
    const pte = span.entries[i]!;
    const f = phys.flags[pfn]!;
    let replacement = 0;
    if ((f & KIND_MASK) === KIND_ANON && f & PG_SWAPCACHE) {
      const entry = swap.entryOf.get(pfn)!;
      swap.dup(entry);
      mm.swapents++;
      replacement = entry | (f & PG_ANON_EXCLUSIVE ? SWP_EXCLUSIVE : 0) | (pte & PTE_SOFT_DIRTY);
    }
    if (pteDirty(pte)) phys.flags[pfn]! |= PG_DIRTY;
    span.set(i, replacement);
    span.mkOld(i);
    phys.decMapcount(pfn);
    mm.addRss(f & KIND_MASK, -1);
  });
  return mappers;
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
function pageCacheOwners(k: Kernel): Map<number, readonly [Inode, number]> {
  const owners = new Map<number, readonly [Inode, number]>();
  for (const inode of k.vfs.cachedInodes())
    for (const [index, pfn] of inode.cache.entries()) owners.set(pfn, [inode, index]);
  return owners;
}

const ACTIVATE = 0;
const KEEP = 1;
const RECLAIM_CLEAN = 2;
const RECLAIM = 3;

/** folio_check_references: what a scanned inactive page's references decide. */
function checkReferences(phys: PhysMem, pfn: number, r: Refs | undefined): number {
  const f = phys.flags[pfn]!;
  const referencedFolio = (f & PG_REFERENCED) !== 0;
  phys.flags[pfn] = f & ~PG_REFERENCED;
  const young = r?.young ?? 0;
  if (young > 0) {
    const kind = f & KIND_MASK;
    if (kind === KIND_SHMEM || (kind === KIND_ANON && !(f & PG_LAZYFREE))) return ACTIVATE;
    phys.flags[pfn]! |= PG_REFERENCED;
    if (referencedFolio || young > 1) return ACTIVATE;
    if (r!.exec && kind === KIND_FILE) return ACTIVATE;
    return KEEP;
  }
  return referencedFolio ? RECLAIM_CLEAN : RECLAIM;
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
  const { phys, swap } = k;
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
  const refs = folioReferenced(k, batch, sc.keepMm);
  const shmem = !file && batch.some((pfn) => (phys.flags[pfn]! & KIND_MASK) === KIND_SHMEM);
  const owners = file || shmem ? pageCacheOwners(k) : null;
  const victims = new Set<number>();
  for (const pfn of batch) {
    const f = phys.flags[pfn]!;
    const r = refs.get(pfn);
    if (r?.kept) continue;
    const verdict = checkReferences(phys, pfn, r);
    if (verdict === ACTIVATE) activate(phys, pfn, sc);
    if (verdict === ACTIVATE || verdict === KEEP) continue;
    const kind = f & KIND_MASK;
    const dirty = (f & PG_DIRTY) !== 0 || r?.dirty === true;
    // Not in a page cache (nor a shmem page in the swap cache): nothing to drop it from.
    if (kind === KIND_FILE && !owners?.has(pfn)) continue;
    if (kind === KIND_SHMEM && !(f & PG_SWAPCACHE) && !owners?.has(pfn)) continue;
    if (kind === KIND_ANON && f & PG_LAZYFREE && !(f & PG_SWAPCACHE)) {
      if (dirty) {
        // Redirtied since MADV_FREE: swap-backed again (folio_set_swapbacked), and activated.
        moveTo(phys, pfn, (phys.flags[pfn]! & ~PG_LAZYFREE) | PG_DIRTY, sc);
        activate(phys, pfn, sc);
        continue;
      }
    } else if (verdict === RECLAIM_CLEAN && dirty) continue;
    if (kind === KIND_ANON && !(f & (PG_SWAPCACHE | PG_LAZYFREE))) {
      const entry = swap.allocSlot();
      if (entry < 0) {
        activate(phys, pfn, sc);
        continue;
      }
      swap.addToCache(phys, pfn, entry);
      phys.flags[pfn]! |= PG_DIRTY;
    }
    victims.add(pfn);
  }
  if (victims.size === 0) {
    putback(phys, isolated);
    return 0;
  }
  const mappers = tryToUnmap(k, victims);
  let freed = 0;
  for (const pfn of victims) {
    const out = reclaimPage(k, pfn, owners, sc);
    if (out === null) continue;
    // A swap-cache page that was mapped went to swap: its PTEs are swap entries now.
    if (k.trace !== null)
      tracePageout(
        k,
        mappers,
        pfn,
        out === "swap-cache-drop" && mappers!.has(pfn) ? "swap-out" : out,
        "reclaim",
      );
    freed++;
  }
  putback(phys, isolated);
  if (sc.kswapd) vm.pgstealKswapd += freed;
  else vm.pgstealDirect += freed;
  if (file) vm.pgstealFile += freed;
  else vm.pgstealAnon += freed;
  return freed;
}

/**
 * The end of shrink_folio_list for an unmapped victim `pfn`: writes it
 * where it goes (file, swap) and frees it. Returns what was done, or null
 * when the page stays (a shmem page without a free slot, activated).
 */
function reclaimPage(
  k: Kernel,
  pfn: number,
  owners: Map<number, readonly [Inode, number]> | null,
  sc: ScanControl,
): PageoutKind | null {
  const { phys, swap } = k;
  const { vm } = phys;
  const f = phys.flags[pfn]!;
  const kind = f & KIND_MASK;
  sc.sizes[lruOf(f)]!--;
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
      sc.sizes[lruOf(f)]!++;
      activate(phys, pfn, sc);
      return null;
    }
    if (done !== SHMEM_SWAPPED) return "shmem-drop";
    vm.nrVmscanWrite++;
    swap.deleteFromCache(phys, pfn);
    phys.free(pfn);
    return "shmem-swap-out";
  }
  if (f & PG_SWAPCACHE) {
    if (f & PG_DIRTY) {
      swap.writePage(phys, pfn);
      vm.nrVmscanWrite++;
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
  };
  if (!opts.kswapd) k.phys.vm.allocstallNormal++;
  drainLazyfree(k.phys, k.swap); // lru_add_drain: the lazyfree batch's pages reach their list first
  for (; sc.priority >= 0 && sc.reclaimed < nrToReclaim; sc.priority--) shrinkNode(k, sc);
  return sc.reclaimed;
}
