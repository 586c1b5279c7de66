/**
 * A process's page table: the entry format, the tables, and the walks
 * over them. Nothing outside this file decodes an entry by hand or sees a
 * table's storage; they use the accessors below and the walks.
 *
 * Levels. The address space is cut into 2 MiB regions, one PMD entry each.
 * A PMD entry is either empty or points at a *PTE table* of 512 entries (a
 * Uint32Array), found by the region's index `vpn >>> 9` in a SlotMap (an
 * array of 512 regions per 1 GiB, as a PMD table is). A PMD
 * entry mapping a 2 MiB transparent huge page directly (pmd_trans_huge,
 * huge-memory.ts) is kept as the 512 PTEs it stands for, in a table marked
 * *huge* (`isHuge`): the entries map the folio's 512 frames in order (or the
 * zero page 512 times, for the huge zero page), with the same bits, so every
 * walk reads a PMD mapping as its pages; the mark says there is no PTE-table
 * page behind them (VmPTE) and that they change together. Splitting the PMD
 * (`clearHuge`) turns the marked table into a real one. A change of the
 * whole PMD's bits (write-protect at fork, mkwrite, mkdirty: `hugeBits`) is
 * O(1), as it is for Linux's one entry: it writes entry 0, the truth, and
 * marks the table lazy (PteTable.lazyStep); entries 1..511 are brought up
 * to date from entry 0 (syncHuge) before anything can read them, since
 * every reader finds a table through `slot` (or forEachTable, or
 * copyPteRange, which shares a lazy table as it is). Fork reads a huge
 * PMD's entry 0 alone (MmWalkOps.hugePmdEntry) and so never syncs. Otherwise a table
 * exists exactly when Linux would have allocated a page-table page for that
 * region, so VmPTE is counted as Linux counts it (PTE, PMD and PUD pages).
 *
 * Entry layout (32 bits), three kinds told apart by bits 0 and 1:
 *
 *   none      all zero                          (pte_none)
 *   present   bit 0  = 1 present
 *             bit 1     writable
 *             bit 2     dirty
 *             bit 3     soft-dirty
 *             bits 4–31 PFN (up to 2^28 frames: 1 TiB of RAM)
 *   swap      bit 0  = 0, bit 1 = 1 (the swap marker: never none)
 *             bit 2     exclusive (_PAGE_SWP_EXCLUSIVE: the page was AnonExclusive)
 *             bit 3     soft-dirty (_PAGE_SWP_SOFT_DIRTY)
 *             bits 4–8  swap type (32 swap areas, MAX_SWAPFILES)
 *             bits 9–31 offset in the area (2^23 slots: 32 GiB)
 *
 * A swap entry is neither none nor present. The flag accessors (pteWrite,
 * pteDirty, ptePfn) read present entries only: check ptePresent first
 * where an entry may be a swap entry (swap.ts makes them). The accessed ("young") bit is
 * kept outside the table, in a per-mm bitmap per region, for the reason
 * below; read it through PteSpan.isYoung or PageTable.isYoung.
 *
 * Sharing after fork: a COW mapping's PTEs are identical in parent and
 * child (both write-protected, dirty bits kept); only "young" differs, and
 * it lives outside the table. So fork lets the child share the parent's
 * table (`sharers` counts the mms using it) and the first change to a
 * shared table copies it (PteSpan.set, install). Nothing outside this file
 * can observe the sharing, except the snapshot, which saves each table
 * once. Invariant: a shared table holds no writable PTE, so a
 * hardware-style write through a writable PTE never has to unshare.
 */
import { PTRS_PER_PTE } from "./constants.js";

export const PTE_PRESENT = 1;
export const PTE_WRITE = 2;
export const PTE_DIRTY = 4;
export const PTE_SOFT_DIRTY = 8;
const PTE_SWP = 2;
const PFN_UNIT = 16;
const SWP_TYPE_SHIFT = 4;
const SWP_TYPE_MASK = 31;
const SWP_OFFSET_UNIT = 512;

/* ---- entries ---- */

/** A present entry mapping `pfn` with PTE_* `bits` (PTE_PRESENT among them). */
export const mkPte = (pfn: number, bits: number): number => pfn * PFN_UNIT + bits;
export const pteNone = (pte: number): boolean => pte === 0;
export const ptePresent = (pte: number): boolean => (pte & PTE_PRESENT) !== 0;
/** The PFN of a present entry. */
export const ptePfn = (pte: number): number => pte >>> 4;
export const pteWrite = (pte: number): boolean => (pte & PTE_WRITE) !== 0;
export const pteDirty = (pte: number): boolean => (pte & PTE_DIRTY) !== 0;
export const pteSoftDirty = (pte: number): boolean => (pte & PTE_SOFT_DIRTY) !== 0;
export const pteWrprotect = (pte: number): number => pte & ~PTE_WRITE;
export const pteMkclean = (pte: number): number => pte & ~PTE_DIRTY;

/** A swap entry: page `offset` of swap area `type` (swp_entry + swp_entry_to_pte). */
export const mkSwapPte = (type: number, offset: number): number =>
  offset * SWP_OFFSET_UNIT + type * PFN_UNIT + PTE_SWP;
export const pteIsSwap = (pte: number): boolean => (pte & (PTE_PRESENT | PTE_SWP)) === PTE_SWP;
export const swapType = (pte: number): number => (pte >>> SWP_TYPE_SHIFT) & SWP_TYPE_MASK;
export const swapOffset = (pte: number): number => Math.floor(pte / SWP_OFFSET_UNIT);
/** A swap entry's exclusive marker (pte_swp_exclusive). */
export const SWP_EXCLUSIVE = 4;
export const pteSwpExclusive = (pte: number): boolean => (pte & SWP_EXCLUSIVE) !== 0;
/** The entry less its exclusive and soft-dirty bits: the slot it names (pte_to_swp_entry). */
export const swpEntry = (pte: number): number => pte & ~(SWP_EXCLUSIVE | PTE_SOFT_DIRTY);

/* ---- tables ---- */

const TABLE_MASK = PTRS_PER_PTE - 1;
const YOUNG_WORDS = PTRS_PER_PTE / 32;
/** What a span over a region without a table reads: all none. Never written. */
const NO_ENTRIES = new Uint32Array(PTRS_PER_PTE);

/** One 512-entry PTE table, possibly shared by several mms after fork. */
export class PteTable {
  /**
   * A huge table whose entries 1..511 lag entry 0 (the header): -1 when
   * every entry is up to date, else the step from one entry to the next
   * (PFN_UNIT: frames head + i; 0: the huge zero page's one PFN).
   */
  lazyStep = -1;
  constructor(
    readonly entries: Uint32Array,
    public sharers: number,
  ) {}
}

/** Brings a lazy huge table's entries 1..511 up to date from entry 0 (PteTable.lazyStep). */
function syncHuge(table: PteTable): void {
  const e = table.entries;
  const first = e[0]!;
  const step = table.lazyStep;
  for (let i = 1; i < PTRS_PER_PTE; i++) e[i] = first + i * step;
  table.lazyStep = -1;
}

/** A region's table as seen by one mm: the (maybe shared) table and this mm's young bits. */
interface Slot {
  table: PteTable;
  /** Accessed bits, one per entry; null means all old. */
  young: Uint32Array | null;
  /** The table stands for one PMD entry mapping a huge page (see the header; PageTable.isHuge). */
  huge: boolean;
}

export const regionOf = (vpn: number): number => Math.floor(vpn / PTRS_PER_PTE);

/** Regions per PMD table (PTRS_PER_PMD): one `Dir` of SlotMap covers 1 GiB. */
const DIR_SIZE = 512;
const DIR_SHIFT = 9;
const DIR_MASK = DIR_SIZE - 1;
/** Above every region's key (forRange over all of them). */
const ALL_KEYS = 2 ** 31 - 1;

/** One PMD table's worth of slots (1 GiB of regions) and how many are set. */
interface Dir {
  readonly slots: (Slot | undefined)[];
  n: number;
}

/**
 * An mm's slots by region, kept as Linux keeps PMD entries: one array of
 * 512 per 1 GiB that holds any (a PMD table), found by `key >>> 9` in a Map
 * with a one-entry cache. Consecutive regions are then consecutive
 * elements: fork's walk over 512 huge PMDs and the child's 512 insertions
 * cost an array access each instead of a hash lookup and a hash insertion
 * (with the rehashes of a growing Map). Iteration is in ascending order.
 */
class SlotMap {
  private readonly dirs = new Map<number, Dir>();
  /** Slots set. */
  size = 0;
  private cachedIndex = -1;
  private cachedDir: Dir | undefined;

  private dir(index: number): Dir | undefined {
    if (index === this.cachedIndex) return this.cachedDir;
    const dir = this.dirs.get(index);
    if (dir !== undefined) {
      this.cachedIndex = index;
      this.cachedDir = dir;
    }
    return dir;
  }

  get(key: number): Slot | undefined {
    return this.dir(key >>> DIR_SHIFT)?.slots[key & DIR_MASK];
  }

  has(key: number): boolean {
    return this.get(key) !== undefined;
  }

  set(key: number, slot: Slot): void {
    const index = key >>> DIR_SHIFT;
    let dir = this.dir(index);
    if (dir === undefined) {
      const slots: (Slot | undefined)[] = [];
      for (let i = 0; i < DIR_SIZE; i++) slots.push(undefined);
      dir = { slots, n: 0 };
      this.dirs.set(index, dir);
      this.cachedIndex = index;
      this.cachedDir = dir;
    }
    const i = key & DIR_MASK;
    if (dir.slots[i] === undefined) {
      dir.n++;
      this.size++;
    }
    dir.slots[i] = slot;
  }

  delete(key: number): void {
    const index = key >>> DIR_SHIFT;
    const dir = this.dir(index);
    const i = key & DIR_MASK;
    if (dir === undefined || dir.slots[i] === undefined) return;
    dir.slots[i] = undefined;
    dir.n--;
    this.size--;
    if (dir.n === 0) {
      this.dirs.delete(index);
      this.cachedIndex = -1;
      this.cachedDir = undefined;
    }
  }

  clear(): void {
    this.dirs.clear();
    this.size = 0;
    this.cachedIndex = -1;
    this.cachedDir = undefined;
  }

  /** The PMD tables in use (1 GiB each), by index, ascending. */
  dirIndexes(): number[] {
    return [...this.dirs.keys()].sort((a, b) => a - b);
  }

  /**
   * Calls fn for each slot of regions [firstKey, lastKey], ascending. A dir
   * is read as fn runs, so fn may change slots (it sees its own changes to
   * later regions, as a walk of the tables would).
   */
  forRange(firstKey: number, lastKey: number, fn: (key: number, slot: Slot) => void): void {
    const first = firstKey >>> DIR_SHIFT;
    const last = lastKey >>> DIR_SHIFT;
    if (last - first < 4 * this.dirs.size + 16) {
      for (let index = first; index <= last; index++) this.forDir(index, firstKey, lastKey, fn);
    } else {
      for (const index of this.dirIndexes())
        if (index >= first && index <= last) this.forDir(index, firstKey, lastKey, fn);
    }
  }

  private forDir(
    index: number,
    firstKey: number,
    lastKey: number,
    fn: (key: number, slot: Slot) => void,
  ): void {
    const dir = this.dirs.get(index);
    if (dir === undefined) return;
    const base = index * DIR_SIZE;
    const lo = Math.max(firstKey - base, 0);
    const hi = Math.min(lastKey - base, DIR_MASK);
    const slots = dir.slots;
    for (let i = lo; i <= hi; i++) {
      const slot = slots[i];
      if (slot !== undefined) fn(base + i, slot);
    }
  }

  /** The regions whose slot is huge, ascending. */
  hugeKeys(): number[] {
    const keys: number[] = [];
    for (const index of this.dirIndexes()) {
      const slots = this.dirs.get(index)!.slots;
      const base = index * DIR_SIZE;
      for (let i = 0; i < DIR_SIZE; i++) if (slots[i]?.huge === true) keys.push(base + i);
    }
    return keys;
  }

  /** Every region with a slot, ascending. */
  keys(): number[] {
    const keys: number[] = [];
    this.forRange(0, ALL_KEYS, (key) => keys.push(key));
    return keys;
  }
}

/** One table's accessed bits as one mm sees them (opaque outside this file; null: all old). */
export type YoungBits = Uint32Array | null;
/** Whether entry i is young in `bits` (PteSpan.youngBits). */
export const youngAt = (bits: YoungBits, i: number): boolean =>
  bits !== null && (bits[i >>> 5]! & (1 << (i & 31))) !== 0;

/**
 * The entries [lo, hi) of one region's PTE table as one mm sees them, handed
 * to a walk's callbacks (like the pte_t * a pmd_entry gets) and used as a
 * cursor by the access path. Index i is the entry of vpn `base + i`.
 * `entries` may be read directly in hot loops; changes go through set(),
 * which first makes the table private to this mm (and allocates it when
 * the region had none).
 */
export class PteSpan {
  /** Region index (vpn >>> 9). */
  key = -1;
  lo = 0;
  hi = 0;
  /** The table's entries: read only here (write with set, or through writable()). */
  entries: Uint32Array = NO_ENTRIES;
  private slot: Slot | undefined;
  /** The slot's young bitmap, cached for isYoung. */
  private young: Uint32Array | null = null;

  constructor(private readonly pt: PageTable) {}

  /** Points the span at region `key`, entries [lo, hi). */
  seek(key: number, lo = 0, hi = PTRS_PER_PTE): this {
    // Small integers, stored as such (| 0): callers compute them from vpns,
    // which are doubles, and one double stored here would give spans a new
    // hidden class (see LIVE_SPAN).
    this.key = key | 0;
    this.lo = lo | 0;
    this.hi = hi | 0;
    const slot = this.pt.slot(key);
    this.slot = slot;
    this.entries = slot === undefined ? NO_ENTRIES : slot.table.entries;
    this.young = slot === undefined ? null : slot.young;
    return this;
  }

  /** Reads the region's table again (after a fault may have allocated or unshared it). */
  reload(): void {
    const slot = this.pt.slot(this.key);
    this.slot = slot;
    this.entries = slot === undefined ? NO_ENTRIES : slot.table.entries;
    this.young = slot === undefined ? null : slot.young;
  }

  /**
   * The region's first vpn. (Computed, not stored: a field first holding a
   * small integer and then a vpn beyond 2^31 would change the object's
   * hidden class, and optimized code that saw the old one is thrown away.)
   */
  get base(): number {
    return this.key * PTRS_PER_PTE;
  }

  /** The span covers the whole table. */
  get whole(): boolean {
    return this.lo === 0 && this.hi === PTRS_PER_PTE;
  }

  get(i: number): number {
    return this.entries[i]!;
  }

  /** Sets entry i (set_pte_at), unsharing or allocating the table first. */
  set(i: number, pte: number): void {
    const slot = this.slot;
    if (slot === undefined || slot.table.sharers > 1) this.makePrivate();
    this.entries[i] = pte;
  }

  /**
   * The entries, private to this mm and ready to be changed in place (the
   * pte_t * of pte_offset_map_lock): for loops that change many entries.
   */
  writable(): Uint32Array {
    const slot = this.slot;
    if (slot === undefined || slot.table.sharers > 1) this.makePrivate();
    return this.entries;
  }

  private makePrivate(): void {
    const slot = this.pt.slotForWrite(this.key);
    this.slot = slot;
    this.entries = slot.table.entries;
    this.young = slot.young;
  }

  /** An opaque token of the table read (for TableSummaries). */
  identity(): object {
    return this.slot?.table ?? NO_ENTRIES;
  }

  /** Whether some entry of [lo, hi) is not none. */
  anyEntry(): boolean {
    const e = this.entries;
    for (let i = this.lo; i < this.hi; i++) if (e[i] !== 0) return true;
    return false;
  }

  isYoung(i: number): boolean {
    return youngAt(this.young, i);
  }

  /** This mm's accessed bits of the table, for youngAt() in hot loops. */
  youngBits(): YoungBits {
    return this.young;
  }

  /** Marks entry i accessed (pte_mkyoung). The table must exist. */
  mkYoung(i: number): void {
    let young = this.young;
    if (young === null) {
      young = new Uint32Array(YOUNG_WORDS);
      this.slot!.young = young;
      this.young = young;
    }
    young[i >>> 5]! |= 1 << (i & 31);
  }

  /** Marks entry i old (ptep_test_and_clear_young). */
  mkOld(i: number): void {
    const young = this.young;
    if (young !== null) young[i >>> 5]! &= ~(1 << (i & 31));
  }
}

/**
 * A page walk's callbacks, one per level, as Linux's mm_walk_ops. Each is
 * optional. Ranges are in vpns, [first, last).
 */
export interface MmWalkOps {
  /**
   * pmd_entry: a 2 MiB region of the range that has a PTE table, with its
   * entries inside the range as `span`. The callback runs its own loop over
   * them (as smaps_pte_range does); pteEntry is then not called.
   */
  pmdEntry?(span: PteSpan): void;
  /** pte_entry: each entry of the range that is not none (present or swap); entry i of `span`. */
  pteEntry?(pte: number, i: number, span: PteSpan): void;
  /** pte_hole: each maximal run of the range that has no PTE table. */
  pteHole?(first: number, last: number): void;
  /**
   * A region mapped by a huge PMD, given as its entry 0 alone (the PMD
   * entry: the others follow from it), entries [lo, hi) of the range:
   * called before pmdEntry, which is skipped when this returns true.
   */
  hugePmdEntry?(key: number, first: number, lo: number, hi: number): boolean;
}

/** Per-table results that depend only on a table's entries, computed once per table (see summarize). */
export class TableSummaries<T> {
  private readonly byTable = new Map<object, T>();
  constructor(private readonly compute: (span: PteSpan) => T) {}

  /**
   * The summary of the whole table `span` points at (span.whole): computed
   * by `compute` the first time a table is seen, reused for any mm that
   * shares it. `compute` must read only the entries (not the young bits,
   * which are each mm's own). Valid for one moment of the machine only.
   */
  of(span: PteSpan): T {
    const table = span.identity();
    let s = this.byTable.get(table);
    if (s === undefined) {
      s = this.compute(span);
      this.byTable.set(table, s);
    }
    return s;
  }

  /** Distinct tables summarized so far. */
  get size(): number {
    return this.byTable.size;
  }
}

/** The entries of region `key` fork copies for one VMA: [lo, hi), and whether copies lose the dirty bit. */
export interface CopySpan {
  readonly lo: number;
  readonly hi: number;
  /** A shared mapping's copies are clean. */
  readonly clean: boolean;
}

export class PageTable {
  private readonly slots = new SlotMap();
  /** How many slots are huge (Slot.huge): PMD entries mapping a huge page (see the header). */
  private hugeCount = 0;
  /**
   * The slot the walk is handing to hugePmdEntry, so that forkHugePmd, which
   * fork calls from there, need not look it up again (one Map lookup per 2 MiB
   * is a good part of fork's cost per huge PMD). Cleared when the call returns.
   */
  private walkKey = -1;
  private walkSlot: Slot | undefined;
  /**
   * A one-entry cache of the last slot found, since a fault looks up the
   * same 2 MiB table several times (Map lookups of these large keys cost
   * ~15 ns). Holds only slots present in `slots`; freeTable and releaseAll
   * clear it.
   */
  private cachedKey = -1;
  private cachedSlot: Slot | undefined;

  /** Region `key`'s slot, or undefined if it has no table. */
  slot(key: number): Slot | undefined {
    if (key === this.cachedKey) return this.cachedSlot;
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      // the cached slot's table is never lazy: hugeBits drops the cache
      if (slot.table.lazyStep >= 0) syncHuge(slot.table);
      this.cachedKey = key;
      this.cachedSlot = slot;
    }
    return slot;
  }

  /** A span of this table, to be pointed at a region with seek() (the access path's cursor). */
  span(): PteSpan {
    return new PteSpan(this);
  }

  /**
   * Walks vpns [first, last) (walk_page_range): for each region with a
   * PTE table, ops.pmdEntry or else ops.pteEntry per entry that is not
   * none; ops.pteHole for the runs without a table. Regions are visited in
   * address order. A sparse range (the whole address space) visits only
   * the tables that exist.
   */
  walk(first: number, last: number, ops: MmWalkOps): void {
    if (first >= last) return;
    const span = new PteSpan(this);
    let at = first;
    const visit = (key: number, slot: Slot): void => {
      const base = key * PTRS_PER_PTE;
      const lo = Math.max(first, base);
      const hi = Math.min(last, base + PTRS_PER_PTE);
      if (ops.pteHole !== undefined && at < lo) ops.pteHole(at, lo);
      at = hi;
      if (slot.huge && ops.hugePmdEntry !== undefined) {
        this.walkKey = key;
        this.walkSlot = slot;
        const done = ops.hugePmdEntry(key, slot.table.entries[0]!, lo - base, hi - base);
        this.walkKey = -1;
        this.walkSlot = undefined;
        if (done) return;
      }
      span.seek(key, lo - base, hi - base);
      if (ops.pmdEntry !== undefined) ops.pmdEntry(span);
      else if (ops.pteEntry !== undefined) {
        for (let i = span.lo; i < span.hi; i++) {
          const pte = span.entries[i]!;
          if (pte !== 0) ops.pteEntry(pte, i, span);
        }
      }
    };
    const firstKey = regionOf(first);
    const lastKey = regionOf(last - 1);
    this.slots.forRange(firstKey, lastKey, visit);
    if (ops.pteHole !== undefined && at < last) ops.pteHole(at, last);
  }

  /** The PTE for vpn, or 0 (none). */
  get(vpn: number): number {
    const slot = this.slot(regionOf(vpn));
    return slot === undefined ? 0 : slot.table.entries[vpn & TABLE_MASK]!;
  }

  /** Sets one PTE (unsharing or allocating its table as needed). */
  set(vpn: number, pte: number): void {
    this.slotForWrite(regionOf(vpn)).table.entries[vpn & TABLE_MASK] = pte;
  }

  /**
   * The slot of region `key` with a table private to this mm and ready to
   * be changed: allocated if missing (pte_alloc), copied if shared.
   */
  slotForWrite(key: number): Slot {
    let slot = this.slot(key);
    if (slot === undefined) {
      slot = { table: new PteTable(new Uint32Array(PTRS_PER_PTE), 1), young: null, huge: false };
      this.slots.set(key, slot);
      this.cachedKey = key;
      this.cachedSlot = slot;
    } else if (slot.table.sharers > 1) {
      slot.table.sharers--;
      slot.table = new PteTable(slot.table.entries.slice(), 1);
    }
    return slot;
  }

  /**
   * Installs a PTE that was just accessed: sets it (unsharing or allocating
   * its table) and marks it young, with one table lookup.
   */
  install(vpn: number, pte: number): void {
    const slot = this.slotForWrite(regionOf(vpn));
    const i = vpn & TABLE_MASK;
    slot.table.entries[i] = pte;
    slot.young ??= new Uint32Array(YOUNG_WORDS);
    slot.young[i >>> 5]! |= 1 << (i & 31);
  }

  isYoung(vpn: number): boolean {
    const young = this.slot(regionOf(vpn))?.young;
    const i = vpn & TABLE_MASK;
    return young != null && (young[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /** Whether region `key` has a PTE table. */
  hasTable(key: number): boolean {
    return this.slots.has(key);
  }

  /** The regions that have a PTE table, ascending. */
  tableKeys(): number[] {
    return this.slots.keys();
  }

  /**
   * copy_pte_range's last step, after fork has counted the mappings and
   * write-protected the parent's COW entries: gives `child` region `key`'s
   * entries of `spans` (each a copied VMA's part of the region). The child
   * shares this table when its entries would be identical (every entry
   * outside the spans is none, and no entry a clean span copies is dirty);
   * otherwise it gets a table of its own with the spans' entries.
   */
  copyPteRange(child: PageTable, key: number, spans: readonly CopySpan[]): void {
    const slot = this.slots.get(key)!;
    const table = slot.table.entries;
    // A lazy huge table copied whole, dirty bits kept, is shared as it is:
    // the loops below read none of its entries. Any other copy reads them.
    const one = spans[0]!;
    const whole = spans.length === 1 && one.lo === 0 && one.hi === PTRS_PER_PTE && !one.clean;
    if (slot.table.lazyStep >= 0 && !whole) syncHuge(slot.table);
    let same = true;
    let at = 0;
    for (const { lo, hi, clean } of spans) {
      for (let i = at; i < lo && same; i++) if (table[i] !== 0) same = false;
      if (clean) for (let i = lo; i < hi && same; i++) if (table[i]! & PTE_DIRTY) same = false;
      at = hi;
    }
    for (let i = at; i < PTRS_PER_PTE && same; i++) if (table[i] !== 0) same = false;
    // a huge PMD lies in one VMA, which fork copies whole: the child's is huge too
    if (slot.huge) child.hugeCount++;
    if (same) {
      slot.table.sharers++;
      child.slots.set(key, { table: slot.table, young: null, huge: slot.huge });
      return;
    }
    const mine = child.slotForWrite(key);
    mine.huge = slot.huge;
    for (const { lo, hi, clean } of spans) {
      const mask = clean ? ~PTE_DIRTY : ~0;
      for (let i = lo; i < hi; i++) mine.table.entries[i] = table[i]! & mask;
    }
  }

  /**
   * copy_huge_pmd's entries, for fork, after it has counted the folio's new
   * mapping: gives `child` huge region `key`'s PMD entry, write-protecting
   * the parent's first when `wrprotect` (a COW mapping's writable PMD). The
   * child shares the table as it is, lazy entries and all (what
   * copyPteRange does with a huge region copied whole, dirty bits kept),
   * so the cost is one Map insertion, whatever the table holds. Meant to be
   * called from the walk's hugePmdEntry for that region, whose slot it
   * then finds without a lookup.
   */
  forkHugePmd(child: PageTable, key: number, wrprotect: boolean): void {
    let slot = key === this.walkKey ? this.walkSlot! : this.slots.get(key)!;
    if (wrprotect) slot = this.hugeBitsOf(slot, key, 0, PTE_WRITE);
    const table = slot.table;
    table.sharers++;
    child.slots.set(key, { table, young: null, huge: true });
    child.hugeCount++;
  }

  /** Drops region `key`'s table (free_pgtables). Its PTEs must already be zapped. */
  freeTable(key: number): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    if (slot.huge) this.hugeCount--;
    slot.table.sharers--;
    this.slots.delete(key);
    this.cachedKey = -1;
    this.cachedSlot = undefined;
  }

  /** Drops every table (the end of exit_mmap). */
  releaseAll(): void {
    this.slots.forRange(0, ALL_KEYS, (_key, slot) => {
      slot.table.sharers--;
    });
    this.slots.clear();
    this.hugeCount = 0;
    this.cachedKey = -1;
    this.cachedSlot = undefined;
  }

  /**
   * Page-table pages in use, as mm_pgtables_bytes() counts them: PTE tables,
   * plus one PMD table per 1 GiB and one PUD table per 512 GiB that holds any.
   * `pmdEntries`: regions mapped by PMD entries kept outside these tables
   * (hugetlb.ts's huge entries), which need the PMD and PUD tables too.
   */
  pageTablePages(pmdEntries: Iterable<number> = []): number {
    const pmds = new Set<number>();
    const puds = new Set<number>();
    const add = (key: number): void => {
      pmds.add(Math.floor(key / PTRS_PER_PTE));
      puds.add(Math.floor(key / (PTRS_PER_PTE * PTRS_PER_PTE)));
    };
    for (const index of this.slots.dirIndexes()) add(index * PTRS_PER_PTE);
    for (const key of pmdEntries) add(key);
    return this.slots.size - this.hugeCount + pmds.size + puds.size;
  }

  /* ---- PMD entries mapping a huge page (huge-memory.ts) ---- */

  /** Whether some region is mapped by a huge PMD (hugeKeys is not empty), in O(1). */
  anyHuge(): boolean {
    return this.hugeCount > 0;
  }

  /** Whether region `key`'s table stands for one PMD entry mapping a huge page (pmd_trans_huge). */
  isHuge(key: number): boolean {
    return this.hugeCount > 0 && this.slots.get(key)?.huge === true;
  }

  /** Marks region `key` (whose 512 entries are set) as one PMD entry mapping a huge page. */
  setHuge(key: number): void {
    const slot = this.slots.get(key);
    if (slot === undefined) throw new Error(`setHuge: region ${key} has no table`);
    if (!slot.huge) this.hugeCount++;
    slot.huge = true;
  }

  /** The PMD entry is split: region `key`'s entries stay, now in a PTE table of their own. */
  clearHuge(key: number): void {
    const slot = this.slots.get(key);
    if (slot === undefined || !slot.huge) return;
    slot.huge = false;
    this.hugeCount--;
    if (slot.table.lazyStep >= 0) syncHuge(slot.table);
  }

  /** The entry of huge region `key` that stands for its PMD entry (entry 0), read without syncing the others. */
  hugeFirst(key: number): number {
    return this.slots.get(key)?.table.entries[0] ?? 0;
  }

  /**
   * Sets bits `set` and clears bits `clear` of huge region `key`'s PMD entry
   * (pmd_wrprotect, pmd_mkwrite, pmd_mkdirty...): in O(1), writing entry 0
   * and leaving entries 1..511 to follow lazily (the header). The table is
   * made private to this mm first, as any write makes it.
   */
  hugeBits(key: number, set: number, clear: number): void {
    this.hugeBitsOf(this.slots.get(key)!, key, set, clear);
  }

  /** hugeBits on region `key`'s slot, already found; returns the slot (its table private now). */
  private hugeBitsOf(slot: Slot, key: number, set: number, clear: number): Slot {
    if (slot.table.sharers > 1) {
      if (slot.table.lazyStep >= 0) syncHuge(slot.table);
      slot = this.slotForWrite(key);
    }
    const table = slot.table;
    const e = table.entries;
    if (table.lazyStep < 0) table.lazyStep = ptePfn(e[1]!) === ptePfn(e[0]!) ? 0 : PFN_UNIT;
    e[0] = (e[0]! | set) & ~clear;
    this.cachedKey = -1;
    this.cachedSlot = undefined;
    return slot;
  }

  /** The regions mapped by a huge PMD entry, ascending. */
  hugeKeys(): number[] {
    return this.hugeCount === 0 ? [] : this.slots.hugeKeys();
  }

  /* ---- for the snapshot and the invariant checker, which see tables as objects ---- */

  /** Each region's table and this mm's young bitmap (null: all old), by region, ascending. */
  forEachTable(fn: (key: number, table: PteTable, young: Uint32Array | null) => void): void {
    this.slots.forRange(0, ALL_KEYS, (key, slot) => {
      if (slot.table.lazyStep >= 0) syncHuge(slot.table);
      fn(key, slot.table, slot.young);
    });
  }

  /** Gives region `key` (which has no table) `table`, already counting this mm in its sharers. */
  restoreTable(key: number, table: PteTable, young: Uint32Array | null): void {
    this.slots.set(key, { table, young, huge: false });
  }
}

/**
 * A span that lives as long as this module, and is never used. V8 frees a
 * hidden class once no object has it, and then throws away the optimized
 * code that checks for it ("deoptimization, reason: weak objects"). Spans
 * live for one walk or one access, so after a process exits none may be
 * left; this one keeps their class, and with it the compiled access and
 * walk paths, for the next process. (Its fields must keep the
 * representations real spans give them: small integers, see seek.)
 */
export const LIVE_SPAN = new PteSpan(new PageTable()).seek(0);

/**
 * The sharing invariants over every mm's page table: each table's sharer
 * count is the number of mms using it, and a shared table holds no
 * writable PTE. Returns the violations.
 */
export function checkTableSharing(pts: Iterable<PageTable>): string[] {
  const v: string[] = [];
  const refs = new Map<PteTable, number>();
  for (const pt of pts)
    pt.forEachTable((_key, table) => refs.set(table, (refs.get(table) ?? 0) + 1));
  for (const [table, n] of refs) {
    if (table.sharers !== n)
      v.push(`a PTE table says ${table.sharers} sharers but ${n} mms use it`);
    if (n > 1 && table.entries.some((pte) => ptePresent(pte) && pteWrite(pte)))
      v.push("a shared PTE table holds a writable PTE");
  }
  return v;
}

/**
 * move_normal_pmd (mremap): region `from`'s PTE table, with this mm's
 * young bits, becomes region `to`'s, which must have none. A table shared
 * after fork stays shared: only this mm's slot moves.
 */
export function movePteTable(pt: PageTable, from: number, to: number): void {
  const slot = pt.slot(from);
  if (slot === undefined || pt.hasTable(to))
    throw new Error(`movePteTable: region ${from} has no table or region ${to} has one`);
  pt.restoreTable(to, slot.table, slot.young);
  slot.table.sharers++; // freeTable below gives this mm's use of it back
  pt.freeTable(from);
}
