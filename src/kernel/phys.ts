/**
 * Physical memory: one slot per 4 KiB frame, in typed arrays.
 *
 * Per frame (a kernel "folio" of one page):
 *   mapcounts Uint16  the frame's own mapcount (page->_mapcount): PTEs
 *                     mapping it, across every mm; a count of
 *                     MAPCOUNT_SATURATED or more lives in a small overflow
 *                     map instead (read it with ownMapcount)
 *   flags     Uint16  kind and page flags, layout below
 *   content   Uint32  one word standing for the page's 4096 bytes: enough for
 *                     reads to return what writes stored, and for tests to
 *                     prove that COW is invisible to programs
 *   lru       Uint32  the frame's place on its LRU list: (list + 1) << 29 |
 *                     seq, where seq counts every joining of a list, so a
 *                     list's order is its frames' seqs, oldest lowest; 0 on
 *                     no list (free and kernel frames), and 0 too while the
 *                     place is implicit: frames the bump pointer hands out
 *                     one after another get consecutive seqs, kept as one
 *                     run (first PFN, first seq), unwritten until the frame
 *                     moves (lruStamp reads either)
 * refcount is derived, not stored: mapcount + 1 while the page cache (or the
 * kernel, for reserved frames) holds the frame. That is the only extra
 * reference this model has, and the swap cache's (PG_SWAPCACHE, swap.ts):
 * no pins, no LRU batches.
 *
 * The LRU lists (mm/vmscan.c's lruvec: lruOf names a frame's list from its
 * flags) are ordered as Linux orders them: by when a frame joined its list,
 * a page joining at the head (lru_add when it is allocated, activation,
 * deactivation, putback after a scan) and reclaim isolating from the tail,
 * the oldest. Linux links the folios (list_head, 16 bytes); here a join
 * stamps the frame with the next seq (lruAdd), and lru.ts finds a list's
 * oldest frames by their stamps. Doubly linked Int32 next/prev links would
 * cost 8 bytes per frame, 19.5 B per resident page in all (over the 16 B
 * bound); a singly linked FIFO cannot move a frame out of the middle of its
 * list to another's head without a walk. One stamp is 4 bytes, and a frame
 * that leaves (free, or flags naming another list) needs no unlinking: a
 * stamp whose list bits or seq no longer match is simply not that list's.
 * Every write of flags that may move a frame to another list goes through
 * setFlags, which restamps it at the new list's head.
 *
 * Large folios (compound pages: PMD-sized THPs, hugetlb pages) are
 * aligned runs of 2^order frames, registered by head PFN in `large`; the
 * per-frame arrays above describe each of their frames.
 *
 * Mapcounts of a PMD-sized folio, as Linux 6.18 keeps them: the folio's
 * *entire* mapcount (folio->_entire_mapcount: its PMD mappings) is one
 * count per 2 MiB block (`entire`, indexed pfn >>> 9: an order-9 folio is
 * exactly one block), and each frame's own count is its PTE mappings only.
 * What every reader wants (kpagecount, Pss, the reuse tests) is the total,
 * own + entire (folio_precise_page_mapcount): mapcountOf. Mapping, copying
 * or zapping a huge PMD is then one change of `entire`, whatever the
 * folio's size; a PMD split moves its 1 into the 512 own counts. Only
 * THP code (huge-memory.ts) changes `entire`; hugetlb folios keep their
 * count on the head's own count. While a folio is PMD-mapped, its
 * AnonExclusive is its head's flag (RMAP_LEVEL_PMD): anonExclusive reads it.
 *
 * Frames are handed out by a bump pointer and recycled through a LIFO free
 * stack, so simulated RAM that was never used costs no host memory (typed
 * arrays are zero-filled lazily by the OS) and allocation is deterministic.
 * A large folio below the bump pointer is found through `blockUsed`, the
 * frames in use per 2 MiB block (the buddy allocator's order-9 free lists
 * would say the same: a block with none in use is a free order-9 block),
 * so finding one costs a pass over the blocks, not over the frames. Its
 * frames stay on the free stack, now stale: popping skips an entry whose
 * frame is in use, and the stack is compacted once stale entries outnumber
 * the free frames on it (amortized O(1) per frame). A free frame's topmost
 * entry is the one its last free pushed, so frames come off the stack in
 * the order an eagerly compacted stack would give them.
 * That is 8 bytes of host memory per frame in use, 12 once its place on
 * its list is written (the bench's fresh pages stay at 8: host bytes per
 * resident page 10.4-12.9 B measured, against 16.1-17.4 B with every stamp
 * written).
 */
import { PAGE_SIZE } from "./constants.js";
import { panic } from "./result.js";
import { VmStat } from "./vmstat.js";

/* flags layout */
export const KIND_MASK = 0b11;
export const KIND_FREE = 0;
/** Private anonymous memory, including COW copies of private file pages. */
export const KIND_ANON = 1;
/** Page cache of a regular file (not swap-backed). */
export const KIND_FILE = 2;
/** Page cache of tmpfs/shmem, shared anonymous memory, memfd (swap-backed). */
export const KIND_SHMEM = 3;
/** PG_dirty: the folio's dirty flag (file and shmem pages; anon pages practically never). */
export const PG_DIRTY = 1 << 2;
/** PG_referenced: set by mark_page_accessed (read(2), zapping a young file PTE). */
export const PG_REFERENCED = 1 << 3;
/** PG_anon_exclusive: this anonymous page belongs to exactly one mapping. */
export const PG_ANON_EXCLUSIVE = 1 << 4;
/** Held by the page cache: one reference beyond the mappings. */
export const PG_CACHED = 1 << 5;
/** Kernel memory (zero page, vDSO image): never allocated, never freed. */
export const PG_RESERVED = 1 << 6;
/** PG_mlocked: mapped by a VM_LOCKED VMA. */
export const PG_MLOCKED = 1 << 7;
/** PG_private: a file page with buffer heads attached (it has been written). */
export const PG_PRIVATE = 1 << 8;
/** PG_readahead: reaching this page starts the next read-ahead window (fault-around skips it). */
export const PG_READAHEAD = 1 << 9;
/** PG_active: on the active LRU list (accessed twice, see markAccessed). */
export const PG_ACTIVE = 1 << 10;
/** PG_swapcache: in the swap cache (swap.ts), which holds one reference. */
export const PG_SWAPCACHE = 1 << 11;
/** An anonymous page MADV_FREE made lazily freeable (Linux: a folio without PG_swapbacked). */
export const PG_LAZYFREE = 1 << 12;
/** A frame of a huge page of the hugetlb pool (hugetlb.ts): never on an LRU list, never swapped. */
export const PG_HUGETLB = 1 << 15;

/* The LRU lists (enum lru_list), indexed as lruvec's lists are. */
export const LRU_INACTIVE_ANON = 0;
export const LRU_ACTIVE_ANON = 1;
export const LRU_INACTIVE_FILE = 2;
export const LRU_ACTIVE_FILE = 3;
export const LRU_UNEVICTABLE = 4;
/** Free and kernel frames are on no list. */
export const NOT_ON_LRU = -1;

/** The LRU list a frame with flags `f` is on (folio_lru_list), or NOT_ON_LRU. */
export function lruOf(f: number): number {
  const kind = f & KIND_MASK;
  if (kind === KIND_FREE || f & (PG_RESERVED | PG_HUGETLB)) return NOT_ON_LRU;
  if (f & PG_MLOCKED) return LRU_UNEVICTABLE;
  const file = kind === KIND_FILE || (kind === KIND_ANON && f & PG_LAZYFREE);
  return (file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON) + (f & PG_ACTIVE ? 1 : 0);
}

/** An lru stamp: the list in the top bits (plus one, so 0 is "none"), the seq below. */
export const LRU_SEQ_BITS = 29;
/** The first seq that does not fit: reaching it renumbers every stamp (renumberLru). */
export const LRU_SEQ_LIMIT = 2 ** LRU_SEQ_BITS;
/** The list an lru stamp names, or NOT_ON_LRU for 0. */
export const stampList = (stamp: number): number => (stamp >>> LRU_SEQ_BITS) - 1;
/** The seq of an lru stamp. */
export const stampSeq = (stamp: number): number => stamp & (LRU_SEQ_LIMIT - 1);

/** The order of the blocks PhysMem.blockUsed counts: 2 MiB, a PMD-sized folio. */
export const BLOCK_ORDER = 9;
const BLOCK_FRAMES = 2 ** BLOCK_ORDER;

/** The shared zero page's PFN: a page of the kernel image's bss. */
export const ZERO_PFN = 0xe00;

/** Frames the kernel keeps for itself: its image and the struct page array. */
function reservedFrames(nrFrames: number): number {
  const KERNEL_IMAGE_FRAMES = 0x1000; // 16 MiB: text, data, bss, early allocations
  return Math.min(nrFrames, KERNEL_IMAGE_FRAMES + Math.ceil(nrFrames / 64));
}

/**
 * A mapcounts entry holding this means "MAPCOUNT_SATURATED or more: see the
 * overflow map". Counts that high need one page mapped 65,535 times (by
 * thousands of processes, or one process mapping a file again and again).
 */
export const MAPCOUNT_SATURATED = 0xffff;

export class PhysMem {
  readonly nrFrames: number;
  /** Own map counts (PTE mappings) below MAPCOUNT_SATURATED; ownMapcount() reads any, mapcountOf() the total. */
  readonly mapcounts: Uint16Array;
  /**
   * Entire mapcounts (PMD mappings) of the PMD-sized folios, per 2 MiB
   * block: the header. Nonzero only on the block of a PMD-mapped folio.
   */
  private readonly entire: Uint32Array;
  /** The blocks whose entire count is above 0, anonymous (NR_ANON_THPS) and shmem (NR_SHMEM_PMDMAPPED). */
  private pmdMappedAnon = 0;
  private pmdMappedShmem = 0;
  /** Counts of the frames whose mapcounts entry is saturated. */
  private readonly mapcountOverflow = new Map<number, number>();
  readonly flags: Uint16Array;
  readonly content: Uint32Array;
  /**
   * Each frame's place on its LRU list (header comment), written when it
   * joins; 0 on none, or when the place is implicit: a frame the bump
   * pointer handed out that has not moved since (read it with lruStamp).
   */
  private readonly lruExplicit: Uint32Array;
  /**
   * Runs of frames the bump pointer handed out with consecutive seqs, by
   * PFN: run i starts at runPfn[i] with seq runSeq[i]. Faulting fresh
   * memory in then costs no stamp writes (the bench's host bytes per page).
   */
  private runPfn: number[] = [];
  private runSeq: number[] = [];
  /** The seq the last joining of a list was given (0: none yet). */
  lruSeq = 0;
  /** Counts renumberings, so that lru.ts drops what it cached of the old seqs. */
  lruGeneration = 0;
  /** First PFN the allocator may hand out; below it is the kernel's. */
  readonly firstUsable: number;
  /** Frames currently free (never used or freed). */
  nrFree: number;
  private bump: number;
  private freeStack: Uint32Array;
  private freeTop = 0;
  /**
   * Frames in use per 2 MiB block (block b: frames [b * 512, b * 512 + 512)),
   * counting only frames from firstUsable on: kept by every alloc and free,
   * rebuilt from the flags on load. Zero-filled, so never-used RAM costs no
   * host memory here either.
   */
  private readonly blockUsed: Uint16Array;
  /**
   * Large folios (compound pages: PMD-sized THPs, hugetlb pages): head PFN
   * -> order. Their tails are the 2^order - 1 frames after the head. A
   * frame not in a large folio is a folio of its own (order 0).
   */
  readonly large = new Map<number, number>();
  /** The orders `large` has held: headOf() tries each alignment. */
  private readonly largeOrders = new Set<number>();
  /** The event counters (/proc/vmstat) and reclaim's fruitless mark. */
  readonly vm = new VmStat();

  constructor(nrFrames: number) {
    if (nrFrames > 1 << 28) panic("more RAM than a PTE can address (1 TiB)");
    this.nrFrames = nrFrames;
    this.mapcounts = new Uint16Array(nrFrames);
    this.flags = new Uint16Array(nrFrames);
    this.content = new Uint32Array(nrFrames);
    this.lruExplicit = new Uint32Array(nrFrames);
    this.firstUsable = reservedFrames(nrFrames);
    this.bump = this.firstUsable;
    this.nrFree = nrFrames - this.firstUsable;
    this.freeStack = new Uint32Array(1024);
    this.blockUsed = new Uint16Array(Math.ceil(nrFrames / BLOCK_FRAMES));
    this.entire = new Uint32Array(Math.ceil(nrFrames / BLOCK_FRAMES));
  }

  /** Marks a frame below firstUsable as kernel memory of the given kind. */
  reserve(pfn: number, kind: number): void {
    if (pfn >= this.firstUsable) panic(`reserve: pfn ${pfn} is not kernel memory`);
    this.flags[pfn] = kind | PG_RESERVED;
  }

  /**
   * Allocates a frame of the given kind with mapcount 0 and content `word`.
   * Returns -1 when no frame is free (the caller decides: OOM kill or ENOMEM).
   */
  alloc(kind: number, word: number): number {
    let pfn: number;
    let bumped = false;
    // While the stack holds no stale entry (allocLarge's, header comment), its
    // top is a free frame: popped without a look at its flags. This function
    // is inlined into the fault path, so it stays small (see PERFORMANCE.md).
    if (this.freeTop > 0 && this.freeTop === this.freeOnStack())
      pfn = this.freeStack[--this.freeTop]!;
    else pfn = this.popLiveFree();
    if (pfn < 0) {
      if (this.bump >= this.nrFrames) return -1;
      pfn = this.bump++;
      bumped = true;
    }
    this.nrFree--;
    this.blockUsed[pfn >>> BLOCK_ORDER]!++;
    this.vm.pgallocNormal++;
    this.flags[pfn] = kind;
    this.mapcounts[pfn] = 0;
    this.content[pfn] = word;
    // folio_add_lru: a new page joins its list's head
    if (bumped) this.lruJoinBumped(pfn);
    else this.lruAdd(pfn);
    return pfn;
  }

  /** Returns a frame to the free pool. The frame must be unmapped and uncached. */
  free(pfn: number): void {
    const f = this.flags[pfn]!;
    if (
      (f & KIND_MASK) === KIND_FREE ||
      f & (PG_RESERVED | PG_CACHED | PG_SWAPCACHE) ||
      this.mapcounts[pfn] !== 0 ||
      this.entireOfFrame(pfn) !== 0
    )
      this.badFree(pfn); // out of line: free() is inlined into the zap loops
    this.flags[pfn] = KIND_FREE;
    this.content[pfn] = 0;
    // Only a written stamp needs clearing: storing 0 over an implicit place would
    // touch (and make the host allocate) the stamp array's page for nothing.
    if (this.lruExplicit[pfn] !== 0) this.lruExplicit[pfn] = 0;
    this.pushFree(pfn);
    this.nrFree++;
    this.blockUsed[pfn >>> BLOCK_ORDER]!--;
    this.vm.pgfree++;
  }

  /** Why free(pfn) may not free the frame: panics. */
  private badFree(pfn: number): never {
    const f = this.flags[pfn]!;
    if ((f & KIND_MASK) === KIND_FREE) panic(`double free of pfn ${pfn}`);
    if (f & (PG_RESERVED | PG_CACHED | PG_SWAPCACHE))
      panic(`freeing pfn ${pfn} that is still held`);
    panic(`freeing pfn ${pfn} with mapcount ${this.mapcountOf(pfn)}`);
  }

  /**
   * Pops the free stack's topmost live entry, skipping the stale ones
   * allocLarge left (their frames are in use). Returns -1 when the stack
   * holds none.
   */
  private popLiveFree(): number {
    while (this.freeTop > 0) {
      const top = this.freeStack[--this.freeTop]!;
      if ((this.flags[top]! & KIND_MASK) === KIND_FREE) return top;
    }
    return -1;
  }

  /** Puts a free frame on the free stack (nrFree already counts it). */
  private pushFree(pfn: number): void {
    if (this.freeTop === this.freeStack.length) {
      const grown = new Uint32Array(this.freeStack.length * 2);
      grown.set(this.freeStack);
      this.freeStack = grown;
    }
    this.freeStack[this.freeTop++] = pfn;
  }

  /**
   * The frame joins the head of the list its flags name (lruvec_add_folio),
   * leaving wherever it was; a frame on no list gets stamp 0.
   */
  lruAdd(pfn: number): void {
    const list = lruOf(this.flags[pfn]!);
    if (list === NOT_ON_LRU) {
      this.lruExplicit[pfn] = 0;
      return;
    }
    if (this.lruSeq + 1 >= LRU_SEQ_LIMIT) this.renumberLru(pfn);
    this.lruExplicit[pfn] = (list + 1) * LRU_SEQ_LIMIT + ++this.lruSeq;
  }

  /** lruAdd for a frame just taken from the bump pointer: its place is implicit, in a run. */
  private lruJoinBumped(pfn: number): void {
    if (this.lruSeq + 1 >= LRU_SEQ_LIMIT) this.renumberLru(pfn);
    const seq = ++this.lruSeq;
    const last = this.runPfn.length - 1;
    if (last >= 0 && this.runPfn[last]! + (seq - this.runSeq[last]!) === pfn) return;
    // Runs cost about 16 bytes each: past one per 64 frames, stamps are cheaper.
    if (this.runPfn.length > 64 && this.runPfn.length > (this.bump - this.firstUsable) >> 6) {
      this.makeStampsExplicit(pfn);
      this.lruExplicit[pfn] = (lruOf(this.flags[pfn]!) + 1) * LRU_SEQ_LIMIT + seq;
      return;
    }
    this.runPfn.push(pfn);
    this.runSeq.push(seq);
  }

  /** The frame's lru stamp (header comment): its list and seq, or 0 on no list. */
  lruStamp(pfn: number): number {
    const s = this.lruExplicit[pfn]!;
    if (s !== 0) return s;
    const list = lruOf(this.flags[pfn]!);
    if (list === NOT_ON_LRU) return 0;
    const runs = this.runPfn;
    let lo = 0;
    let hi = runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runs[mid]! <= pfn) lo = mid;
      else hi = mid - 1;
    }
    if (runs.length === 0 || runs[lo]! > pfn) panic(`pfn ${pfn} in use has no LRU place`);
    return (list + 1) * LRU_SEQ_LIMIT + this.runSeq[lo]! + (pfn - runs[lo]!);
  }

  /** Writes every implicit place as a stamp and forgets the runs; `joining` has no place yet. */
  private makeStampsExplicit(joining: number): void {
    for (let pfn = this.firstUsable; pfn < this.bump; pfn++)
      if (this.lruExplicit[pfn] === 0 && pfn !== joining)
        this.lruExplicit[pfn] = this.lruStamp(pfn);
    this.runPfn = [];
    this.runSeq = [];
  }

  /** Snapshot support: every frame's stamp, frames [0, bump). */
  lruStamps(): Uint32Array {
    const out = new Uint32Array(this.bump);
    for (let pfn = this.firstUsable; pfn < this.bump; pfn++) out[pfn] = this.lruStamp(pfn);
    return out;
  }

  /** Snapshot support: sets every frame's stamp and the last seq given (checked by snapshot.ts and the invariants). */
  restoreLru(stamps: Uint32Array, seq: number): void {
    this.lruExplicit.fill(0);
    this.lruExplicit.set(stamps);
    this.runPfn = [];
    this.runSeq = [];
    this.lruSeq = seq;
    this.lruGeneration++;
  }

  /**
   * Sets a frame's flags; if they name another LRU list than before, the
   * frame moves to that list's head (lruvec_del_folio, lruvec_add_folio),
   * as activation, deactivation, mlock and MADV_FREE move a folio.
   */
  setFlags(pfn: number, f: number): void {
    const before = lruOf(this.flags[pfn]!);
    this.flags[pfn] = f;
    if (lruOf(f) !== before) this.lruAdd(pfn);
  }

  /**
   * Gives the stamped frames seqs 1, 2, … in their order, so that seqs
   * never run out (once every LRU_SEQ_LIMIT joinings). Lists keep their order.
   */
  renumberLru(joining = -1): void {
    this.makeStampsExplicit(joining);
    const stamps = this.lruExplicit;
    const stamped: number[] = [];
    for (let pfn = this.firstUsable; pfn < this.bump; pfn++)
      if (stamps[pfn] !== 0 && pfn !== joining) stamped.push(pfn);
    stamped.sort((a, b) => stampSeq(stamps[a]!) - stampSeq(stamps[b]!));
    stamped.forEach((pfn, i) => {
      stamps[pfn] = (stampList(stamps[pfn]!) + 1) * LRU_SEQ_LIMIT + i + 1;
    });
    this.lruSeq = stamped.length;
    this.lruGeneration++;
  }

  kind(pfn: number): number {
    return this.flags[pfn]! & KIND_MASK;
  }

  /** page_count(): mapcount plus the page cache's, swap cache's or kernel's reference. */
  refcount(pfn: number): number {
    const f = this.flags[pfn]!;
    return this.mapcountOf(pfn) + (f & (PG_CACHED | PG_RESERVED | PG_SWAPCACHE) ? 1 : 0);
  }

  /**
   * The frame's map count as every reader wants it (folio_precise_page_mapcount):
   * its own PTE mappings plus its folio's PMD mappings (the header).
   */
  mapcountOf(pfn: number): number {
    const c = this.mapcounts[pfn]!;
    return (
      (c === MAPCOUNT_SATURATED ? this.mapcountOverflow.get(pfn)! : c) + this.entireOfFrame(pfn)
    );
  }

  /** The frame's own map count (page->_mapcount): the PTEs mapping it. */
  ownMapcount(pfn: number): number {
    const c = this.mapcounts[pfn]!;
    return c === MAPCOUNT_SATURATED ? this.mapcountOverflow.get(pfn)! : c;
  }

  /** One more PTE maps the frame; returns its new total count (mapcountOf). */
  incMapcount(pfn: number): number {
    const c = this.mapcounts[pfn]!;
    if (c < MAPCOUNT_SATURATED - 1) {
      this.mapcounts[pfn] = c + 1;
      return c + 1 + this.entireOfFrame(pfn);
    }
    return this.addMapcountSlow(pfn, 1);
  }

  /** One PTE fewer maps the frame; returns its new total count (mapcountOf). */
  decMapcount(pfn: number): number {
    const c = this.mapcounts[pfn]!;
    if (c !== MAPCOUNT_SATURATED && c !== 0) {
      this.mapcounts[pfn] = c - 1;
      return c - 1 + this.entireOfFrame(pfn);
    }
    return this.addMapcountSlow(pfn, -1);
  }

  /**
   * incMapcount and decMapcount outside their common case (a saturated
   * count, or a count going below zero): kept out of line so that those
   * two stay small enough to be inlined into the fault, fork and zap loops.
   */
  private addMapcountSlow(pfn: number, delta: number): number {
    const own = this.ownMapcount(pfn) + delta;
    if (own < 0) panic(`mapcount of pfn ${pfn} below zero`);
    return this.setMapcount(pfn, own) + this.entireOfFrame(pfn);
  }

  /** Sets a frame's own map count (restore, a PMD split, and the saturated range). Returns it. */
  setMapcount(pfn: number, count: number): number {
    if (count >= MAPCOUNT_SATURATED) {
      this.mapcounts[pfn] = MAPCOUNT_SATURATED;
      this.mapcountOverflow.set(pfn, count);
    } else {
      this.mapcounts[pfn] = count;
      this.mapcountOverflow.delete(pfn);
    }
    return count;
  }

  /**
   * The entire mapcount of the block holding `pfn`: 0 without a look at the
   * block while no folio is PMD-mapped (the 4 KiB paths read it per page;
   * one field test is cheaper than the typed-array read, PERFORMANCE.md).
   */
  private entireOfFrame(pfn: number): number {
    return this.pmdMappedAnon + this.pmdMappedShmem === 0 ? 0 : this.entire[pfn >>> BLOCK_ORDER]!;
  }

  /** The entire mapcount (PMD mappings) of the PMD-sized folio at `head`. */
  entireOf(head: number): number {
    return this.entire[head >>> BLOCK_ORDER]!;
  }

  /**
   * The PMD-sized folio at `head` gains `delta` PMD mappings (folio_add_anon_rmap_pmd,
   * folio_remove_rmap_pmd, folio_try_dup_anon_rmap_pmd: O(1)). Returns the new count.
   */
  addEntire(head: number, delta: number): number {
    const b = head >>> BLOCK_ORDER;
    const before = this.entire[b]!;
    const n = before + delta;
    if (n < 0) panic(`entire mapcount of folio ${head} below zero`);
    this.entire[b] = n;
    if ((before === 0) !== (n === 0)) {
      const d = n === 0 ? -1 : 1;
      if ((this.flags[head]! & KIND_MASK) === KIND_SHMEM) this.pmdMappedShmem += d;
      else this.pmdMappedAnon += d;
    }
    return n;
  }

  /**
   * Snapshot support: sets the entire mapcount of every folio from the PMDs
   * (head -> count), after setMapcount has restored each frame's *total*
   * (an image keeps kpagecount's figure, whatever the representation):
   * each folio's PMD mappings move out of its frames' own counts. Run
   * twice over the same frames (snapshot.ts restores once to check), the
   * second gives the same.
   */
  restoreEntire(counts: ReadonlyMap<number, number>): void {
    // totals again first, so that a second restore over the same frames gives the same
    for (const [head, n] of this.entireMapcounts(false).entries())
      for (let pfn = head; pfn < head + BLOCK_FRAMES; pfn++)
        this.setMapcount(pfn, this.ownMapcount(pfn) + n);
    for (const [head, n] of this.entireMapcounts(true).entries())
      for (let pfn = head; pfn < head + BLOCK_FRAMES; pfn++)
        this.setMapcount(pfn, this.ownMapcount(pfn) + n);
    this.entire.fill(0);
    this.pmdMappedAnon = 0;
    this.pmdMappedShmem = 0;
    for (const [head, n] of counts) {
      for (let pfn = head; pfn < head + BLOCK_FRAMES; pfn++) {
        const own = this.ownMapcount(pfn) - n;
        if (own < 0)
          panic(`restoreEntire: frame ${pfn} is mapped fewer times than its folio's PMDs`);
        this.setMapcount(pfn, own);
      }
      this.addEntire(head, n);
    }
  }

  /** The PMD-mapped folios, head -> entire mapcount, anonymous or (`shmem`) page-cache ones. */
  entireMapcounts(shmem: boolean): Map<number, number> {
    const out = new Map<number, number>();
    const e = this.entire;
    for (let b = 0; b < e.length; b++) {
      if (e[b] === 0) continue;
      const head = b * BLOCK_FRAMES;
      if (((this.flags[head]! & KIND_MASK) === KIND_SHMEM) === shmem) out.set(head, e[b]!);
    }
    return out;
  }

  /** NR_ANON_THPS: anonymous folios some PMD maps. */
  get anonPmdMapped(): number {
    return this.pmdMappedAnon;
  }

  /** NR_SHMEM_PMDMAPPED: shmem folios some PMD maps. */
  get shmemPmdMapped(): number {
    return this.pmdMappedShmem;
  }

  /**
   * PageAnonExclusive as every reader wants it: a PMD-mapped folio's is its
   * head's (RMAP_LEVEL_PMD keeps it there; its tails' flags say nothing until
   * a PMD split copies the head's into them), any other frame's its own.
   */
  anonExclusive(pfn: number): boolean {
    if (this.flags[pfn]! & PG_ANON_EXCLUSIVE) return true;
    return (
      this.entireOfFrame(pfn) !== 0 &&
      (this.flags[pfn - (pfn % BLOCK_FRAMES)]! & PG_ANON_EXCLUSIVE) !== 0
    );
  }
  /** The frame's flags with PG_ANON_EXCLUSIVE as anonExclusive reads it (for the views). */
  flagsSeen(pfn: number): number {
    const f = this.flags[pfn]!;
    return this.anonExclusive(pfn) ? f | PG_ANON_EXCLUSIVE : f;
  }

  /**
   * Allocates a large folio of 2^order frames (a PMD-sized THP, a hugetlb
   * page), aligned as the buddy allocator aligns an order-`order` block:
   * every frame gets `kind`, mapcount 0 and content `word`, and the head
   * (the first PFN) is registered in `large`. Taken above the bump pointer
   * (the frames skipped to align it go on the free stack), else from the
   * lowest aligned run of free frames below it (found by blockUsed; its
   * frames' free-stack entries go stale, header comment). Returns the head,
   * or -1 when no aligned run is free (the caller falls back to small
   * pages, or fails, as the kernel's callers do).
   */
  allocLarge(kind: number, word: number, order: number): number {
    const n = 2 ** order;
    const aligned = Math.ceil(this.bump / n) * n;
    let head: number;
    if (aligned + n <= this.nrFrames) {
      for (let pfn = this.bump; pfn < aligned; pfn++) this.pushFree(pfn);
      this.bump = aligned + n;
      head = aligned;
    } else {
      head = this.freeRunBelowBump(order);
      if (head < 0) return -1;
    }
    this.nrFree -= n;
    if (order >= BLOCK_ORDER)
      this.blockUsed.fill(BLOCK_FRAMES, head >>> BLOCK_ORDER, (head + n) >>> BLOCK_ORDER);
    else this.blockUsed[head >>> BLOCK_ORDER]! += n;
    this.vm.pgallocNormal += n;
    this.flags.fill(kind, head, head + n);
    this.mapcounts.fill(0, head, head + n);
    this.content.fill(word, head, head + n);
    for (let pfn = head; pfn < head + n; pfn++) this.lruAdd(pfn); // folio_add_lru
    this.large.set(head, order);
    this.largeOrders.add(order);
    if (this.freeTop > 2 * this.freeOnStack() + 4096) this.compactFreeStack();
    return head;
  }

  /**
   * The lowest 2^order-aligned run of free frames below the bump pointer,
   * or -1: whole blocks with no frame in use (order 9 and up), else the
   * frames of the blocks with room enough.
   */
  private freeRunBelowBump(order: number): number {
    const n = 2 ** order;
    const used = this.blockUsed;
    const first = Math.ceil(this.firstUsable / n) * n;
    if (order >= BLOCK_ORDER) {
      const blocks = n / BLOCK_FRAMES;
      for (let head = first; head + n <= this.bump; head += n) {
        const b = head / BLOCK_FRAMES;
        let i = 0;
        while (i < blocks && used[b + i] === 0) i++;
        if (i === blocks) return head;
      }
      return -1;
    }
    for (let head = first; head + n <= this.bump; head += n) {
      if (BLOCK_FRAMES - used[head >>> BLOCK_ORDER]! < n) {
        head = ((head >>> BLOCK_ORDER) + 1) * BLOCK_FRAMES - n; // the next block
        continue;
      }
      let pfn = head;
      while (pfn < head + n && (this.flags[pfn]! & KIND_MASK) === KIND_FREE) pfn++;
      if (pfn === head + n) return head;
    }
    return -1;
  }

  /** The free frames below the bump pointer: each has one live entry on the free stack. */
  private freeOnStack(): number {
    return this.nrFree - (this.nrFrames - this.bump);
  }

  /** The free stack's live entries, bottom first: each free frame's topmost entry. */
  private liveFreeEntries(): Uint32Array {
    const live = new Uint32Array(this.freeOnStack());
    const seen = new Uint8Array(this.bump);
    let at = live.length;
    for (let i = this.freeTop - 1; i >= 0 && at > 0; i--) {
      const pfn = this.freeStack[i]!;
      if (seen[pfn] === 0 && (this.flags[pfn]! & KIND_MASK) === KIND_FREE) {
        seen[pfn] = 1;
        live[--at] = pfn;
      }
    }
    if (at !== 0) panic(`free stack: ${at} free frames have no entry`);
    return live;
  }

  /** Drops the free stack's stale entries (allocLarge's, once they outnumber the live ones). */
  private compactFreeStack(): void {
    const live = this.liveFreeEntries();
    this.freeStack.set(live);
    this.freeTop = live.length;
  }

  /** Frees a whole large folio (every frame unmapped and uncached), as free() frees one frame. */
  freeLarge(head: number): void {
    const order = this.large.get(head);
    if (order === undefined) panic(`freeLarge: pfn ${head} is not a large folio's head`);
    if (order >= BLOCK_ORDER && this.entire[head >>> BLOCK_ORDER] !== 0)
      panic(`freeLarge: folio ${head} is still mapped by a PMD`);
    this.large.delete(head);
    const n = 2 ** order;
    const counts = this.mapcounts;
    const flags = this.flags;
    for (let pfn = head; pfn < head + n; pfn++) {
      const f = flags[pfn]!;
      if ((f & KIND_MASK) === KIND_FREE || f & (PG_RESERVED | PG_CACHED | PG_SWAPCACHE))
        panic(`freeLarge: frame ${pfn} of folio ${head} is free or still held`);
      if (counts[pfn] !== 0) panic(`freeLarge: frame ${pfn} of folio ${head} is mapped`);
      flags[pfn] = KIND_FREE;
      if (this.content[pfn] !== 0) this.content[pfn] = 0;
      if (this.lruExplicit[pfn] !== 0) this.lruExplicit[pfn] = 0;
      this.pushFree(pfn);
    }
    this.nrFree += n;
    if (order >= BLOCK_ORDER)
      this.blockUsed.fill(0, head >>> BLOCK_ORDER, (head + n) >>> BLOCK_ORDER);
    else this.blockUsed[head >>> BLOCK_ORDER]! -= n;
    this.vm.pgfree += n;
  }

  /** split_folio: the large folio's frames become folios of one page each, in place. */
  splitLarge(head: number): void {
    if (!this.large.delete(head)) panic(`splitLarge: pfn ${head} is not a large folio's head`);
  }

  /** The head of the large folio holding `pfn`, or `pfn` itself (folio_page's folio). */
  headOf(pfn: number): number {
    for (const order of this.largeOrders) {
      const head = pfn - (pfn % 2 ** order);
      if (this.large.get(head) === order) return head;
    }
    return pfn;
  }

  /** Snapshot support: registers a large folio a saved image had (the frames are restored already). */
  restoreLarge(head: number, order: number): void {
    this.large.set(head, order);
    this.largeOrders.add(order);
  }

  /** The folio order of a head PFN: 0 for a small folio. */
  orderOf(head: number): number {
    return this.large.get(head) ?? 0;
  }

  /** Snapshot support: the bump pointer and the free stack's live entries, bottom first. */
  allocatorState(): { bump: number; free: Uint32Array } {
    return { bump: this.bump, free: this.liveFreeEntries() };
  }

  /**
   * Snapshot support: sets the allocator to a state allocatorState() gave
   * (snapshot.ts has checked it against the frames); nrFree follows from it.
   */
  restoreAllocator(bump: number, free: Uint32Array): void {
    this.bump = bump;
    this.freeStack = new Uint32Array(Math.max(1024, free.length));
    this.freeStack.set(free);
    this.freeTop = free.length;
    this.nrFree = this.nrFrames - bump + free.length;
    this.blockUsed.set(this.countBlockUsed());
  }

  /** Frames in use per 2 MiB block, counted from the flags (blockUsed's meaning). */
  private countBlockUsed(): Uint16Array {
    const counts = new Uint16Array(this.blockUsed.length);
    for (let pfn = this.firstUsable; pfn < this.bump; pfn++)
      if ((this.flags[pfn]! & KIND_MASK) !== KIND_FREE) counts[pfn >>> BLOCK_ORDER]!++;
    return counts;
  }

  /**
   * The invariants of the allocator's own structures: blockUsed agrees with
   * the frames' flags, and every free frame below the bump pointer has an
   * entry on the free stack (whose other entries name frames in use or
   * repeat a free frame deeper down). Returns the violations.
   */
  checkAllocator(): string[] {
    const v: string[] = [];
    const counts = this.countBlockUsed();
    for (let b = 0; b < counts.length; b++)
      if (counts[b] !== this.blockUsed[b])
        v.push(
          `block ${b} (pfn ${b * BLOCK_FRAMES}): ${this.blockUsed[b]} frames counted in use, ${counts[b]} are`,
        );
    const onStack = new Uint8Array(this.bump);
    for (let i = 0; i < this.freeTop; i++) {
      const pfn = this.freeStack[i]!;
      if (pfn < this.firstUsable || pfn >= this.bump)
        v.push(`free stack entry ${i}: pfn ${pfn} was never handed out`);
      else onStack[pfn] = 1;
    }
    // How many are free is the checker's nrFree test (invariants.ts): one
    // broken count is reported once.
    for (let pfn = this.firstUsable; pfn < this.bump; pfn++)
      if ((this.flags[pfn]! & KIND_MASK) === KIND_FREE && onStack[pfn] === 0)
        v.push(`free pfn ${pfn} is not on the free stack`);
    return v;
  }

  /** PFNs ever handed out are below this bound: scans stop here. */
  get highWater(): number {
    return this.bump;
  }
}

/**
 * folio_mark_accessed (mm/swap.c, kernels without MGLRU): a first access
 * sets PG_referenced; a second one moves the folio to the active list and
 * clears PG_referenced. A folio on the unevictable list (mlocked) does not
 * move.
 */
export function markAccessed(phys: PhysMem, pfn: number, unevictable: boolean): void {
  const f = phys.flags[pfn]!;
  if (!(f & PG_REFERENCED)) phys.flags[pfn] = f | PG_REFERENCED;
  else if (!unevictable && !(f & PG_ACTIVE)) phys.setFlags(pfn, (f & ~PG_REFERENCED) | PG_ACTIVE);
}

/** mlock_folio, once its batch drains (__mlock_folio): PG_mlocked, and off the active list onto the unevictable one. */
export function mlockFolio(phys: PhysMem, pfn: number): void {
  phys.setFlags(pfn, (phys.flags[pfn]! & ~PG_ACTIVE) | PG_MLOCKED);
}

/**
 * Pss in fixed point, as smaps_account() sums it: bytes << PSS_SHIFT, so a
 * page mapped by one PTE is worth PSS_PAGE (4096 << 12) and a page mapped
 * `mapcount` times PSS_PAGE / mapcount, in integer division.
 */
export const PSS_SHIFT = 12;
export const PSS_PAGE = PAGE_SIZE * 2 ** PSS_SHIFT;

/** One PTE's Pss share of a page mapped `mapcount` times: whole when at most one maps it. */
export const pssShare = (mapcount: number): number =>
  mapcount < 2 ? PSS_PAGE : Math.floor(PSS_PAGE / mapcount);

/** Fixed-point Pss to kB, truncated: (pss >> PSS_SHIFT) >> 10. */
export const pssKb = (fixed: number): number => Math.floor(fixed / 2 ** (PSS_SHIFT + 10));
