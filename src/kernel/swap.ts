/**
 * Swap areas, swap slots and the swap cache (mm/swapfile.c, mm/swap_state.c).
 *
 * A swap area is a file (or device) cut into page-sized slots; slot 0 holds
 * the header (mkswap), so an area of N pages has N - 1 usable slots. A
 * swapped-out page leaves a swap entry (page-table.ts: mkSwapPte) in every
 * PTE that mapped it. Each slot keeps a count, as swap_map does: the number
 * of swap entries naming it; while a page of memory holds the slot's data
 * the page is in the *swap cache* (PG_SWAPCACHE, SWAP_HAS_CACHE), and the
 * slot is in use as long as either holds it:
 *
 *   slot in use  <=>  entries(slot) > 0  or  the swap cache holds a page for it
 *
 * A page in the swap cache holds one reference (refcount = mapcount + 1),
 * as a page-cache page does. Its content is on the slot (data) once it has
 * been written out; a page dropped from the swap cache leaves its word
 * there, and swap-in reads it back (do_swap_page, a major fault).
 */

import { PAGE_SIZE } from "./constants.js";
import { largeHead, releaseLargeFrame } from "./huge-memory.js";
import type { Mm } from "./mm.js";
import {
  mkPte,
  mkSwapPte,
  PTE_PRESENT,
  PTE_SOFT_DIRTY,
  pteIsSwap,
  pteSwpExclusive,
  swapOffset,
  swapType,
  swpEntry,
} from "./page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  KIND_SHMEM,
  PG_ACTIVE,
  PG_ANON_EXCLUSIVE,
  PG_CACHED,
  PG_DIRTY,
  PG_LAZYFREE,
  PG_MLOCKED,
  PG_READAHEAD,
  PG_REFERENCED,
  PG_SWAPCACHE,
  type PhysMem,
} from "./phys.js";
import { panic } from "./result.js";
import type { Inode } from "./vfs.js";

/** /proc/sys/vm/page-cluster at boot (mm/swap.c swap_setup: 3 above 16 MiB of RAM). */
export const DEFAULT_PAGE_CLUSTER = 3;

/** Priority of an area swapped on without -p: -2, -3, … in order (as the kernel numbers them). */
export const FIRST_AUTO_PRIORITY = -2;

/**
 * An area's swap cache (the address_space of its slots): slot -> PFN of the
 * page holding it, one typed-array word per slot (PFN + 1; 0: none), so a
 * lookup is an array read. Read and changed as a Map of slot -> PFN.
 */
export class SlotCache {
  private readonly pfnOf: Uint32Array;
  /** Slots with a page. */
  size = 0;

  constructor(pages: number) {
    this.pfnOf = new Uint32Array(pages);
  }

  get(off: number): number | undefined {
    const v = this.pfnOf[off]!;
    return v === 0 ? undefined : v - 1;
  }

  /** The PFN of slot `off`'s page, or -1. */
  pfn(off: number): number {
    return this.pfnOf[off]! - 1;
  }

  has(off: number): boolean {
    return this.pfnOf[off] !== 0;
  }

  set(off: number, pfn: number): void {
    if (this.pfnOf[off] === 0) this.size++;
    this.pfnOf[off] = pfn + 1;
  }

  delete(off: number): boolean {
    if (this.pfnOf[off] === 0) return false;
    this.pfnOf[off] = 0;
    this.size--;
    return true;
  }

  /** [slot, PFN] of each cached slot, in slot order. */
  *[Symbol.iterator](): IterableIterator<[number, number]> {
    const a = this.pfnOf;
    for (let off = 0, left = this.size; left > 0 && off < a.length; off++)
      if (a[off] !== 0) {
        left--;
        yield [off, a[off]! - 1];
      }
  }
}

/**
 * The swap cache's reverse map (folio->swap): PFN -> swap entry, one
 * typed-array word per frame (0: not in the swap cache; a swap entry is
 * never 0), grown as higher PFNs join. Read and changed as a Map.
 */
export class SwapCacheIndex {
  private entryAt = new Uint32Array(0);
  /** Pages in the swap cache (SwapCached). */
  size = 0;

  get(pfn: number): number | undefined {
    const v = pfn < this.entryAt.length ? this.entryAt[pfn]! : 0;
    return v === 0 ? undefined : v;
  }

  /** The swap entry of page `pfn`, or -1 when it is not in the swap cache. */
  entry(pfn: number): number {
    const v = pfn < this.entryAt.length ? this.entryAt[pfn]! : 0;
    return v === 0 ? -1 : v;
  }

  has(pfn: number): boolean {
    return pfn < this.entryAt.length && this.entryAt[pfn] !== 0;
  }

  set(pfn: number, entry: number): void {
    if (pfn >= this.entryAt.length) {
      const grown = new Uint32Array(Math.max(pfn + 1, 2 * this.entryAt.length, 1024));
      grown.set(this.entryAt);
      this.entryAt = grown;
    }
    if (this.entryAt[pfn] === 0) this.size++;
    this.entryAt[pfn] = entry;
  }

  delete(pfn: number): boolean {
    if (!this.has(pfn)) return false;
    this.entryAt[pfn] = 0;
    this.size--;
    return true;
  }

  /** [PFN, entry] of each swap-cache page, in PFN order. */
  *[Symbol.iterator](): IterableIterator<[number, number]> {
    const a = this.entryAt;
    for (let pfn = 0, left = this.size; left > 0 && pfn < a.length; pfn++)
      if (a[pfn] !== 0) {
        left--;
        yield [pfn, a[pfn]!];
      }
  }
}

/** One swap area (struct swap_info_struct). */
export class SwapArea {
  /** Entries per slot (swap_map without SWAP_HAS_CACHE). Slot 0 is the header. */
  readonly counts: Uint32Array;
  /** The word each slot holds on disk (what was written there last). */
  readonly data: Uint32Array;
  /** Slot -> PFN of the swap-cache page holding it. */
  readonly cache: SlotCache;
  /** Slots in use (entries or cache), the header excluded (inuse_pages). */
  inuse = 0;
  /** Where the next slot search starts (the cluster allocator's position, simplified). */
  cursor = 1;

  constructor(
    /** The swap file's path, as /proc/swaps prints it. */
    readonly path: string,
    /** Pages of the area, header included. */
    readonly pages: number,
    /** Changes only when an area of higher automatic priority is swapped off (swapon.ts). */
    public priority: number,
    /** "file" or "partition". */
    readonly kind: "file" | "partition" = "file",
  ) {
    this.counts = new Uint32Array(pages);
    this.data = new Uint32Array(pages);
    this.cache = new SlotCache(pages);
  }

  /** Usable slots (the header is not one). */
  get slots(): number {
    return this.pages - 1;
  }

  slotFree(off: number): boolean {
    return this.counts[off] === 0 && !this.cache.has(off);
  }
}

/** Every swap area of the machine, indexed by swap type, and the swap cache's reverse map. */
export class SwapState {
  /** By type (index); null where an area was swapped off. */
  readonly areas: (SwapArea | null)[] = [];
  /** PFN of a swap-cache page -> its swap entry (folio->swap). */
  readonly entryOf = new SwapCacheIndex();
  /** The priority the next area swapped on without one gets. */
  nextPriority = FIRST_AUTO_PRIORITY;
  /**
   * The CPU's lru_lazyfree folio batch (mm/swap.c cpu_fbatches): pages
   * MADV_FREE marked, not yet lazy-free. See markLazyfree.
   */
  readonly lazyfreeBatch: number[] = [];
  /** Whether the last readSwapCacheAsync read the slot (I/O) rather than finding the page cached. */
  lastRead = false;
  /** /proc/sys/vm/page-cluster: swap read-ahead reads up to 2^pageCluster pages (default 3). */
  pageCluster = DEFAULT_PAGE_CLUSTER;
  /**
   * swap_cluster_readahead's global state (mm/swap_state.c): read-ahead
   * pages found since the last window (swapin_readahead_hits, 4 at boot),
   * the offset of the last window taken without hits (prev_offset) and the
   * last window's size (last_readahead_pages).
   */
  raHits = 4;
  raPrevOffset = 0;
  raLastPages = 0;

  /** Swaps an area on; returns its type, or -1 when all 32 types are taken. */
  swapon(area: SwapArea): number {
    let type = this.areas.indexOf(null);
    if (type < 0) {
      if (this.areas.length >= 32) return -1;
      type = this.areas.length;
      this.areas.push(area);
    } else this.areas[type] = area;
    return type;
  }

  area(entry: number): SwapArea {
    const a = this.areas[swapType(entry)];
    if (a === null || a === undefined) panic(`swap entry of type ${swapType(entry)}: no such area`);
    return a;
  }

  /** Slots of every area (SwapTotal, in pages). */
  totalPages(): number {
    let n = 0;
    for (const a of this.areas) if (a !== null) n += a.slots;
    return n;
  }

  /** Slots in use in every area (SwapTotal - SwapFree, in pages). */
  usedPages(): number {
    let n = 0;
    for (const a of this.areas) if (a !== null) n += a.inuse;
    return n;
  }

  /** Pages in the swap cache (SwapCached). */
  cachedPages(): number {
    return this.entryOf.size;
  }

  /**
   * A free slot in the area of highest priority that has one
   * (folio_alloc_swap): its entry, with no count and no cache yet; or -1
   * when every area is full.
   */
  allocSlot(): number {
    let best = -1;
    for (let t = 0; t < this.areas.length; t++) {
      const a = this.areas[t];
      if (a === null || a === undefined || a.inuse >= a.slots) continue;
      if (best < 0 || a.priority > this.areas[best]!.priority) best = t;
    }
    if (best < 0) return -1;
    const a = this.areas[best]!;
    for (let n = 0; n < a.slots; n++) {
      const off = ((a.cursor - 1 + n) % a.slots) + 1;
      if (a.slotFree(off)) {
        a.cursor = off + 1 > a.slots ? 1 : off + 1;
        return mkSwapPte(best, off);
      }
    }
    return -1;
  }

  /** Entries naming the slot of `entry` (swp_swapcount). */
  entries(entry: number): number {
    return this.area(entry).counts[swapOffset(entry)]!;
  }

  /** The swap-cache page of `entry`'s slot, or -1 (swap_cache_get_folio). */
  cachedPage(entry: number): number {
    return this.area(entry).cache.pfn(swapOffset(entry));
  }

  /** One more swap entry names the slot (swap_duplicate: fork, try_to_unmap). */
  dup(entry: number): void {
    const a = this.area(entry);
    const off = swapOffset(entry);
    if (a.slotFree(off)) a.inuse++;
    a.counts[off]!++;
  }

  /** One swap entry fewer names the slot (swap_free); the slot is free once nothing holds it. */
  put(entry: number): void {
    const a = this.area(entry);
    const off = swapOffset(entry);
    if (a.counts[off] === 0) panic(`swap_free of unused slot ${swapType(entry)}:${off}`);
    a.counts[off]!--;
    if (a.slotFree(off)) a.inuse--;
  }

  /** Adds page `pfn` to the swap cache for `entry`'s slot (add_to_swap_cache). */
  addToCache(phys: PhysMem, pfn: number, entry: number): void {
    const a = this.area(entry);
    const off = swapOffset(entry);
    if (a.cache.has(off)) panic(`slot ${off} already cached`);
    if (a.slotFree(off)) a.inuse++;
    a.cache.set(off, pfn);
    this.entryOf.set(pfn, entry);
    phys.flags[pfn]! |= PG_SWAPCACHE;
  }

  /**
   * Removes page `pfn` from the swap cache (delete_from_swap_cache); the
   * slot is free if no entry names it. The page's mapping and frame are the
   * caller's.
   */
  deleteFromCache(phys: PhysMem, pfn: number): void {
    const entry = this.entryOf.entry(pfn);
    if (entry < 0) panic(`pfn ${pfn} is not in the swap cache`);
    const a = this.area(entry);
    const off = swapOffset(entry);
    a.cache.delete(off);
    this.entryOf.delete(pfn);
    phys.flags[pfn]! &= ~PG_SWAPCACHE;
    if (a.slotFree(off)) a.inuse--;
  }

  /** Writes the page's word to its slot (swap_writepage): the page is clean. */
  writePage(phys: PhysMem, pfn: number): void {
    const entry = this.entryOf.entry(pfn);
    this.area(entry).data[swapOffset(entry)] = phys.content[pfn]!;
    phys.flags[pfn]! &= ~PG_DIRTY;
    phys.vm.swapOut();
  }

  /**
   * folio_free_swap: a swap-cache page that no swap entry names any more
   * leaves the swap cache and is marked dirty (its slot's copy is gone).
   * Returns whether it did.
   */
  freeSwap(phys: PhysMem, pfn: number): boolean {
    const entry = this.entryOf.entry(pfn);
    if (entry < 0 || this.entries(entry) > 0) return false;
    this.deleteFromCache(phys, pfn);
    phys.flags[pfn]! |= PG_DIRTY;
    return true;
  }
}

/**
 * A folio batch holds this many folios (PAGEVEC_SIZE, FOLIO_BATCH_SIZE):
 * the 31st added moves them all.
 */
export const FOLIO_BATCH_SIZE = 31;

/**
 * folio_mark_lazyfree (mm/swap.c): an anonymous, swap-backed page that is
 * neither in the swap cache nor mlocked joins the CPU's lazyfree batch;
 * the batch moves its pages when it fills (31) or is drained
 * (lru_add_drain: madvise, zap, reclaim). Until then the page is still
 * swap-backed, so LazyFree does not count it: MADV_FREE of 256 pages shows
 * 248 (scenario 43). cowsh is one CPU, so there is one batch. A page
 * already in the batch is not added again (its LRU flag is cleared there).
 */
export function markLazyfree(phys: PhysMem, swap: SwapState, pfn: number): void {
  const f = phys.flags[pfn]!;
  if ((f & KIND_MASK) !== KIND_ANON || f & (PG_LAZYFREE | PG_SWAPCACHE | PG_MLOCKED)) return;
  const batch = swap.lazyfreeBatch;
  if (batch.includes(pfn)) return;
  batch.push(pfn);
  if (batch.length === FOLIO_BATCH_SIZE) drainLazyfree(phys, swap);
}

/**
 * lru_add_drain's part for the lazyfree batch (lru_lazyfree): each page
 * still anonymous, swap-backed, out of the swap cache and evictable loses
 * PG_swapbacked (PG_LAZYFREE here), PG_active and PG_referenced, and goes
 * to the inactive file list, where reclaim discards it if it stays clean.
 */
export function drainLazyfree(phys: PhysMem, swap: SwapState): void {
  const batch = swap.lazyfreeBatch;
  if (batch.length === 0) return;
  for (const pfn of batch) {
    const f = phys.flags[pfn]!;
    if ((f & KIND_MASK) !== KIND_ANON || f & (PG_LAZYFREE | PG_SWAPCACHE | PG_MLOCKED)) continue;
    phys.setFlags(pfn, (f & ~(PG_ACTIVE | PG_REFERENCED)) | PG_LAZYFREE);
    phys.vm.pglazyfree++;
  }
  batch.length = 0;
}

/** A page leaves memory: the batch forgets it (its reference would have kept it until the drain). */
function leaveBatch(swap: SwapState, pfn: number): void {
  const batch = swap.lazyfreeBatch;
  if (batch.length === 0) return;
  const i = batch.indexOf(pfn);
  if (i >= 0) batch.splice(i, 1);
}

/**
 * An anonymous page's last mapping is gone: free it, unless the swap cache
 * holds it for a slot some swap entry still names (free_swap_cache, then
 * the last folio_put). Returns 1 if the frame was freed.
 */
export function releaseAnonPage(phys: PhysMem, swap: SwapState, pfn: number): number {
  const head = largeHead(phys, pfn); // a THP's frame: the folio goes when all of it is unmapped
  if (head >= 0) {
    const n = 2 ** phys.orderOf(head);
    const freed = releaseLargeFrame(phys, head, pfn);
    if (freed > 0) for (let p = head; p < head + n; p++) leaveBatch(swap, p);
    return freed;
  }
  if (phys.flags[pfn]! & PG_SWAPCACHE) {
    const entry = swap.entryOf.entry(pfn);
    if (swap.entries(entry) > 0) return 0;
    swap.deleteFromCache(phys, pfn);
  }
  leaveBatch(swap, pfn);
  phys.free(pfn);
  return 1;
}

/**
 * A swap entry is zapped (free_swap_and_cache): the slot loses the entry,
 * and a swap-cache page no entry names and nothing maps is freed with it.
 */
export function freeSwapAndCache(phys: PhysMem, swap: SwapState, entry: number): void {
  swap.put(entry);
  if (swap.entries(entry) > 0) return;
  const pfn = swap.cachedPage(entry);
  if (pfn < 0 || phys.mapcountOf(pfn) > 0) return;
  swap.deleteFromCache(phys, pfn);
  phys.free(pfn);
}

/** A swap file's size in bytes -> its pages (header included). */
export const swapPages = (bytes: number): number => Math.floor(bytes / PAGE_SIZE);

/** Whether page `pfn` is an anonymous page (swap-backed, as MADV_PAGEOUT swaps it). */
export const isAnonPage = (phys: PhysMem, pfn: number): boolean =>
  (phys.flags[pfn]! & KIND_MASK) === KIND_ANON;

/** The swap file `--swap SIZE` boots with. */
export const BOOT_SWAP_PATH = "/swapfile";

/** Boot with a swap file of `bytes` swapped on (as a distribution's fstab line does). */
export function bootSwap(swap: SwapState, bytes: number): void {
  swap.swapon(new SwapArea(BOOT_SWAP_PATH, swapPages(bytes), swap.nextPriority--));
}

/** A swap area as plain data (snapshot.ts). */
export interface SwapAreaImage {
  readonly path: string;
  readonly pages: number;
  readonly priority: number;
  readonly kind: "file" | "partition";
  readonly counts: Uint32Array;
  readonly data: Uint32Array;
  /** [slot, pfn] of each swap-cache page. */
  readonly cache: readonly (readonly [number, number])[];
  readonly cursor: number;
}

export interface SwapImage {
  /** By type; null where an area was swapped off. */
  readonly areas: readonly (SwapAreaImage | null)[];
  readonly nextPriority: number;
}

/** The swap state as plain data. Changes nothing. */
export function saveSwap(swap: SwapState): SwapImage {
  return {
    areas: swap.areas.map((a) =>
      a === null
        ? null
        : {
            path: a.path,
            pages: a.pages,
            priority: a.priority,
            kind: a.kind,
            counts: a.counts.slice(),
            data: a.data.slice(),
            cache: [...a.cache],
            cursor: a.cursor,
          },
    ),
    nextPriority: swap.nextPriority,
  };
}

/**
 * The swap state an image holds (its shape already checked by the caller);
 * in-use counts and the reverse map follow from it. The invariant checker
 * then checks it against the page tables and the frames.
 */
export function restoreSwap(image: SwapImage): SwapState {
  const swap = new SwapState();
  swap.nextPriority = image.nextPriority;
  image.areas.forEach((ai, type) => {
    if (ai === null) {
      swap.areas.push(null);
      return;
    }
    const a = new SwapArea(ai.path, ai.pages, ai.priority, ai.kind);
    a.counts.set(ai.counts);
    a.data.set(ai.data);
    a.cursor = ai.cursor;
    for (const [off, pfn] of ai.cache) {
      a.cache.set(off, pfn);
      swap.entryOf.set(pfn, mkSwapPte(type, off));
    }
    for (let off = 1; off < a.pages; off++) if (!a.slotFree(off)) a.inuse++;
    swap.areas.push(a);
  });
  return swap;
}

/** What bringing pages in from swap needs of the kernel: memory, swap, and the allocator (with its reclaim). */
type SwapInKernel = {
  readonly phys: PhysMem;
  readonly swap: SwapState;
  allocFrame(kind: number, word: number, pid: number): number;
};

/**
 * swapoff (try_to_unuse): every swap entry naming a slot of area `type`
 * gets its page back, without a fault: the swap-cache page, or one read
 * from the slot; the PTE maps it old and read-only (unuse_pte: a later
 * write takes the COW path), exclusive when the entry was. Then each page
 * leaves the swap cache dirty (its slot is going away) and the area is
 * gone. Returns false when memory cannot hold the pages: those brought back
 * stay, the rest stay swapped, and the area stays on (as a failed swapoff).
 */
export function tryToUnuse(
  k: SwapInKernel,
  mms: Iterable<{ mm: Mm; pid: number }>,
  type: number,
  inodes: Iterable<Inode> = [],
): boolean {
  const { phys, swap } = k;
  const area = swap.areas[type];
  if (area === null || area === undefined) return false;
  // shmem_unuse: each shmem object's pages on this area back into its page cache, dirty.
  for (const inode of inodes) {
    for (const [index, entry] of [...inode.swapped]) {
      if (swapType(entry) !== type) continue;
      let pfn = swap.cachedPage(entry);
      if (pfn < 0) {
        pfn = k.allocFrame(KIND_SHMEM, area.data[swapOffset(entry)]!, 0);
        if (pfn < 0) return false;
        swap.addToCache(phys, pfn, entry);
      }
      phys.setFlags(pfn, (phys.flags[pfn]! & ~KIND_MASK) | KIND_SHMEM);
      swap.deleteFromCache(phys, pfn);
      inode.swapped.delete(index);
      swap.put(entry);
      phys.flags[pfn]! |= PG_CACHED | PG_DIRTY;
      inode.cache.set(index, pfn);
    }
  }
  for (const { mm, pid } of mms) {
    for (const vma of mm.vmas) {
      let failed = false;
      mm.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
        pmdEntry(span) {
          for (let i = span.lo; i < span.hi && !failed; i++) {
            const pte = span.entries[i]!;
            if (!pteIsSwap(pte) || swapType(pte) !== type) continue;
            const entry = swpEntry(pte);
            let pfn = swap.cachedPage(entry);
            if (pfn < 0) {
              pfn = k.allocFrame(KIND_ANON, area.data[swapOffset(entry)]!, pid);
              if (pfn < 0) {
                failed = true;
                return;
              }
              swap.addToCache(phys, pfn, entry);
            }
            if (pteSwpExclusive(pte)) phys.flags[pfn]! |= PG_ANON_EXCLUSIVE;
            else phys.flags[pfn]! &= ~PG_ANON_EXCLUSIVE;
            span.set(i, mkPte(pfn, PTE_PRESENT | (pte & PTE_SOFT_DIRTY)));
            span.mkOld(i);
            phys.incMapcount(pfn);
            mm.addRss(KIND_ANON, 1);
            mm.swapents--;
            swap.put(entry);
          }
        },
      });
      if (failed) return false;
    }
  }
  for (const [, pfn] of [...area.cache]) {
    swap.deleteFromCache(phys, pfn);
    phys.flags[pfn]! |= PG_DIRTY;
    if (phys.mapcountOf(pfn) === 0) phys.free(pfn);
  }
  swap.areas[type] = null;
  while (swap.areas.length > 0 && swap.areas[swap.areas.length - 1] === null) swap.areas.pop();
  return true;
}

/**
 * read_swap_cache_async: the page of `entry`'s slot, found in the swap
 * cache or read from the slot into a new page that joins it (clean, its
 * data on the slot). Returns its PFN, or -1 when the slot is unused or no
 * frame can be had. Whether it read (a major fault's I/O) is `lastRead`.
 */
export function readSwapCacheAsync(
  k: SwapInKernel,
  entry: number,
  pid: number,
  kind = KIND_ANON,
): number {
  const { phys, swap } = k;
  const cached = swap.cachedPage(entry);
  swap.lastRead = false;
  if (cached >= 0) return cached;
  const a = swap.area(entry);
  const off = swapOffset(entry);
  if (a.counts[off] === 0) return -1;
  const pfn = k.allocFrame(kind, a.data[off]!, pid);
  if (pfn < 0) return -1;
  swap.addToCache(phys, pfn, entry);
  phys.vm.swapIn();
  swap.lastRead = true;
  return pfn;
}

/** The swap state that is not the areas: the lazyfree batch, page-cluster, read-ahead's state. */
export interface SwapRuntimeImage {
  readonly lazyfreeBatch: readonly number[];
  readonly pageCluster: number;
  readonly raHits: number;
  readonly raPrevOffset: number;
  readonly raLastPages: number;
}

/** That state as plain data, or undefined when it is the boot state. */
export function saveSwapRuntime(swap: SwapState): SwapRuntimeImage | undefined {
  const image: SwapRuntimeImage = {
    lazyfreeBatch: [...swap.lazyfreeBatch],
    pageCluster: swap.pageCluster,
    raHits: swap.raHits,
    raPrevOffset: swap.raPrevOffset,
    raLastPages: swap.raLastPages,
  };
  const boot = new SwapState();
  return image.lazyfreeBatch.length === 0 &&
    image.pageCluster === boot.pageCluster &&
    image.raHits === boot.raHits &&
    image.raPrevOffset === boot.raPrevOffset &&
    image.raLastPages === boot.raLastPages
    ? undefined
    : image;
}

/** Puts a saved runtime state (checked by the caller) into `swap`. */
export function restoreSwapRuntime(swap: SwapState, image: SwapRuntimeImage): void {
  swap.lazyfreeBatch.push(...image.lazyfreeBatch);
  swap.pageCluster = image.pageCluster;
  swap.raHits = image.raHits;
  swap.raPrevOffset = image.raPrevOffset;
  swap.raLastPages = image.raLastPages;
}

/**
 * swapin_nr_pages (mm/swap_state.c): how many pages the next swap
 * read-ahead window holds. Read-ahead pages found since the last window
 * (`raHits`) grow it: hits + 2 rounded up to a power of two from 4, at most
 * 2^page-cluster; without hits it is 1, or 2 when the fault is next to the
 * last one taken without hits; and it never falls below half the last.
 */
export function swapinNrPages(swap: SwapState, offset: number): number {
  const max = 1 << swap.pageCluster;
  if (max <= 1) return 1;
  const hits = swap.raHits;
  swap.raHits = 0;
  let pages = hits + 2;
  if (pages === 2) {
    if (offset !== swap.raPrevOffset + 1 && offset !== swap.raPrevOffset - 1) pages = 1;
  } else {
    let roundup = 4;
    while (roundup < pages) roundup <<= 1;
    pages = roundup;
  }
  if (pages > max) pages = max;
  const lastRa = Math.floor(swap.raLastPages / 2);
  if (pages < lastRa) pages = lastRa;
  if (hits === 0) swap.raPrevOffset = offset;
  swap.raLastPages = pages;
  return pages;
}

/**
 * swap_cluster_readahead: a swap-in that must read its slot reads the
 * aligned block of swapinNrPages slots around it (slot 0, the header,
 * aside) into the swap cache, each slot in use that no page holds yet; the
 * pages read for their neighbour are marked PG_readahead. This kernel
 * uses it, not the VMA-based read-ahead, for a swap file on a rotational
 * disk (swap_use_vma_readahead: nr_rotate_swap), and so does cowsh.
 * Returns the PFN of `entry`'s page, or -1 without a frame (`swap.lastRead`
 * is true when its slot was read).
 */
export function swapinReadahead(
  k: SwapInKernel,
  entry: number,
  pid: number,
  kind = KIND_ANON,
): number {
  const { phys, swap } = k;
  const offset = swapOffset(entry);
  const mask = swapinNrPages(swap, offset) - 1;
  if (mask > 0) {
    const area = swap.area(entry);
    const start = Math.max(1, offset - (offset % (mask + 1)));
    const end = Math.min(offset - (offset % (mask + 1)) + mask, area.pages - 1);
    const type = swapType(entry);
    for (let off = start; off <= end; off++) {
      if (off === offset || area.cache.has(off) || area.counts[off] === 0) continue;
      const pfn = k.allocFrame(KIND_ANON, area.data[off]!, pid);
      if (pfn < 0) break;
      swap.addToCache(phys, pfn, mkSwapPte(type, off));
      phys.flags[pfn]! |= PG_READAHEAD;
      phys.vm.swapIn();
    }
  }
  return readSwapCacheAsync(k, entry, pid, kind);
}

/**
 * swap_update_readahead for a page a swap-in found in the swap cache: one
 * read-ahead brought in counts as a hit (and loses its mark).
 */
export function swapCacheHit(phys: PhysMem, swap: SwapState, pfn: number): void {
  if (!(phys.flags[pfn]! & PG_READAHEAD)) return;
  phys.flags[pfn]! &= ~PG_READAHEAD;
  swap.raHits++;
}
