/**
 * A process's page table, shaped like x86-64's last level.
 *
 * The address space is cut into 2 MiB regions; each region that has ever
 * held a PTE owns a *PTE table* of 512 entries (a Uint32Array), found by
 * its index `vpn >>> 9` in a Map. A table exists exactly when Linux would
 * have allocated a page-table page for that region, so VmPTE is counted as
 * Linux counts it (PTE, PMD and PUD pages).
 *
 * PTE layout (32 bits):
 *   bit 0      present
 *   bit 1      writable
 *   bit 2      dirty
 *   bit 3      soft-dirty
 *   bits 4–31  PFN (up to 2^28 frames: 1 TiB of RAM)
 * 0 is pte_none. The accessed ("young") bit is kept outside the table, in
 * a per-mm bitmap per region, for the reason below.
 *
 * Sharing after fork: a COW mapping's PTEs are identical in parent and
 * child (both write-protected, dirty bits kept); only "young" differs, and
 * it lives outside the table. So fork lets the child share the parent's
 * table (`sharers` counts the mms using it) and the first change to a
 * shared table copies it (`tableForWrite`). Nothing outside this file can
 * observe the sharing. Invariant: a shared table holds no writable PTE, so
 * a hardware-style write through a writable PTE never has to unshare.
 */
import { PTRS_PER_PTE } from "./constants.js";

export const PTE_PRESENT = 1;
export const PTE_WRITE = 2;
export const PTE_DIRTY = 4;
export const PTE_SOFT_DIRTY = 8;
const PFN_UNIT = 16;

export const mkPte = (pfn: number, bits: number): number => pfn * PFN_UNIT + bits;
export const ptePfn = (pte: number): number => pte >>> 4;

const TABLE_MASK = PTRS_PER_PTE - 1;
const YOUNG_WORDS = PTRS_PER_PTE / 32;

/** One 512-entry PTE table, possibly shared by several mms after fork. */
export interface PteTable {
  readonly pte: Uint32Array;
  sharers: number;
}

/** A region's table as seen by one mm: the (maybe shared) table and this mm's young bits. */
export interface Slot {
  table: PteTable;
  /** Accessed bits, one per entry; null means all old. */
  young: Uint32Array | null;
}

export const regionOf = (vpn: number): number => Math.floor(vpn / PTRS_PER_PTE);
export const indexOf = (vpn: number): number => vpn & TABLE_MASK;

export class PageTable {
  readonly slots = new Map<number, Slot>();
  /**
   * A one-entry cache of the last slot found, since a fault looks up the
   * same 2 MiB table several times (Map lookups of these large keys cost
   * ~15 ns). Holds only slots present in `slots`; freeTable and releaseAll
   * clear it. The simple version calls slots.get every time.
   */
  private cachedKey = -1;
  private cachedSlot: Slot | undefined;

  /** Region `key`'s slot, or undefined if it has no table. */
  slot(key: number): Slot | undefined {
    if (key === this.cachedKey) return this.cachedSlot;
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      this.cachedKey = key;
      this.cachedSlot = slot;
    }
    return slot;
  }

  /**
   * Calls fn for each allocated PTE table overlapping pages [first, last),
   * with the range of its entries [lo, hi) that falls inside; the walkers
   * (smaps, zap, exit, mprotect…) run their per-entry loops in fn.
   */
  forEachSpan(
    first: number,
    last: number,
    fn: (slot: Slot, key: number, lo: number, hi: number) => void,
  ): void {
    for (let key = regionOf(first); key * PTRS_PER_PTE < last; key++) {
      const slot = this.slots.get(key);
      if (slot === undefined) continue;
      const base = key * PTRS_PER_PTE;
      fn(slot, key, Math.max(first, base) - base, Math.min(last, base + PTRS_PER_PTE) - base);
    }
  }

  /** The PTE for vpn, or 0 (pte_none). */
  get(vpn: number): number {
    const slot = this.slot(regionOf(vpn));
    return slot === undefined ? 0 : slot.table.pte[vpn & TABLE_MASK]!;
  }

  /** Sets one PTE (unsharing or allocating its table as needed). */
  set(vpn: number, pte: number): void {
    this.tableForWrite(regionOf(vpn))[vpn & TABLE_MASK] = pte;
  }

  /**
   * The entries of region `key`, private to this mm and ready to be changed:
   * allocated if missing (pte_alloc), copied if shared with another mm.
   */
  tableForWrite(key: number): Uint32Array {
    return this.slotForWrite(key).table.pte;
  }

  /** The slot of region `key` with a table private to this mm (see tableForWrite). */
  private slotForWrite(key: number): Slot {
    let slot = this.slot(key);
    if (slot === undefined) {
      slot = { table: { pte: new Uint32Array(PTRS_PER_PTE), sharers: 1 }, young: null };
      this.slots.set(key, slot);
      this.cachedKey = key;
      this.cachedSlot = slot;
    } else if (slot.table.sharers > 1) {
      slot.table.sharers--;
      slot.table = { pte: slot.table.pte.slice(), sharers: 1 };
    }
    return slot;
  }

  /**
   * Installs a PTE that was just accessed: sets it (unsharing or allocating
   * its table) and marks it young, with one table lookup. Same as set()
   * followed by setYoung(), which faults would otherwise do per page.
   */
  install(vpn: number, pte: number): void {
    const slot = this.slotForWrite(regionOf(vpn));
    const i = vpn & TABLE_MASK;
    slot.table.pte[i] = pte;
    slot.young ??= new Uint32Array(YOUNG_WORDS);
    slot.young[i >>> 5]! |= 1 << (i & 31);
  }

  isYoung(vpn: number): boolean {
    const young = this.slot(regionOf(vpn))?.young;
    const i = vpn & TABLE_MASK;
    return young != null && (young[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /** Marks vpn accessed. The region's table must exist. */
  setYoung(vpn: number): void {
    const slot = this.slots.get(regionOf(vpn))!;
    const i = vpn & TABLE_MASK;
    slot.young ??= new Uint32Array(YOUNG_WORDS);
    slot.young[i >>> 5]! |= 1 << (i & 31);
  }

  clearYoung(vpn: number): void {
    const young = this.slots.get(regionOf(vpn))?.young;
    if (young == null) return;
    const i = vpn & TABLE_MASK;
    young[i >>> 5]! &= ~(1 << (i & 31));
  }

  /** Lets `child` use this mm's table for region `key` (fork's sharing). */
  shareInto(child: PageTable, key: number): void {
    const slot = this.slots.get(key)!;
    slot.table.sharers++;
    child.slots.set(key, { table: slot.table, young: null });
  }

  /** Drops region `key`'s table (free_pgtables). Its PTEs must already be zapped. */
  freeTable(key: number): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    slot.table.sharers--;
    this.slots.delete(key);
    this.cachedKey = -1;
    this.cachedSlot = undefined;
  }

  /** Drops every table (the end of exit_mmap). */
  releaseAll(): void {
    for (const slot of this.slots.values()) slot.table.sharers--;
    this.slots.clear();
    this.cachedKey = -1;
    this.cachedSlot = undefined;
  }

  /**
   * Page-table pages in use, as mm_pgtables_bytes() counts them: PTE tables,
   * plus one PMD table per 1 GiB and one PUD table per 512 GiB that holds any.
   */
  pageTablePages(): number {
    const pmds = new Set<number>();
    const puds = new Set<number>();
    for (const key of this.slots.keys()) {
      pmds.add(Math.floor(key / PTRS_PER_PTE));
      puds.add(Math.floor(key / (PTRS_PER_PTE * PTRS_PER_PTE)));
    }
    return this.slots.size + pmds.size + puds.size;
  }
}

/** The first vpn of region `key`. */
export const regionStart = (key: number): number => key * PTRS_PER_PTE;
