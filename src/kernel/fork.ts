/**
 * fork()'s copy of an address space (kernel/fork.c dup_mmap, mm/memory.c
 * copy_page_range).
 *
 * VMA level: DONTCOPY VMAs are left out; WIPEONFORK VMAs are copied empty;
 * every other VMA is copied with VM_LOCKED cleared. PTEs are copied only
 * for VMAs that need it (vma_needs_copy): those with an anon_vma (private
 * mappings that have or inherited anonymous pages) and raw PFN mappings.
 * Shared mappings and untouched private file mappings start empty in the
 * child and fill by faults.
 *
 * PTE level (copy_present_ptes): each copied page gains a mapping
 * (mapcount + 1); an anonymous page loses AnonExclusive; a COW mapping's
 * writable PTEs are write-protected in parent and child; the child's PTEs
 * are old (young clear) and keep the dirty bit; shared mappings' copies
 * are clean.
 *
 * Fast path: the child shares the parent's PTE table for a 2 MiB region
 * whenever its entries would be identical (see page-table.ts), instead of
 * copying 512 entries. The simple version copies every entry into a fresh
 * table; the result is the same for every reader.
 */
import {
  PAGE_SIZE,
  PTRS_PER_PTE,
  VM_DONTCOPY,
  VM_LOCKED_MASK,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_SHARED,
  VM_UFFD_WP,
  VM_WIPEONFORK,
} from "./constants.js";
import type { Kernel } from "./kernel.js";
import { Mm, normalPage } from "./mm.js";
import { PTE_DIRTY, PTE_WRITE, regionOf } from "./page-table.js";
import { KIND_ANON, KIND_MASK, PG_ANON_EXCLUSIVE } from "./phys.js";
import { isCowMapping, newAnonVma, type Vma } from "./vma.js";

/** Whether fork copies this VMA's PTEs (vma_needs_copy). */
export function vmaNeedsCopy(vma: Vma): boolean {
  return (vma.flags & (VM_PFNMAP | VM_MIXEDMAP | VM_UFFD_WP)) !== 0 || vma.anonVma !== null;
}

/** The child's copy of one parent VMA (vm_area_dup + anon_vma_fork), or null for DONTCOPY. */
function dupVma(vma: Vma): Vma | null {
  if (vma.flags & VM_DONTCOPY) return null;
  const wipe = (vma.flags & VM_WIPEONFORK) !== 0;
  return {
    ...vma,
    flags: vma.flags & ~VM_LOCKED_MASK,
    anonVma: wipe || vma.anonVma === null ? null : newAnonVma(),
    anonVmaForked: !wipe && vma.anonVma !== null,
    ra: vma.ra && { start: 0, size: 0, asyncSize: 0, mmapMiss: 0 },
  };
}

/**
 * Builds the child's mm. Returns it and the number of PTEs copied.
 * The parent's COW PTEs become write-protected as a side effect, as in Linux.
 */
export function dupMm(k: Kernel, parent: Mm): { mm: Mm; copied: number } {
  const child = new Mm();
  copyLayout(parent, child);
  const copiedVmas: Vma[] = []; // parent VMAs whose PTEs the child gets
  for (const vma of parent.vmas) {
    const dup = dupVma(vma);
    if (dup === null) continue;
    child.vmas.push(dup);
    if (!(vma.flags & VM_WIPEONFORK) && vmaNeedsCopy(vma)) copiedVmas.push(vma);
  }
  let copied = 0;
  for (const key of regionsOf(parent, copiedVmas))
    copied += copyRegion(k, parent, child, key, copiedVmas);
  child.hiwaterRss = child.rss;
  child.hiwaterVm = child.totalVm();
  return { mm: child, copied };
}

function copyLayout(from: Mm, to: Mm): void {
  to.startCode = from.startCode;
  to.endCode = from.endCode;
  to.startData = from.startData;
  to.endData = from.endData;
  to.startBrk = from.startBrk;
  to.brk = from.brk;
  to.startStack = from.startStack;
  to.argStart = from.argStart;
  to.argEnd = from.argEnd;
  to.envStart = from.envStart;
  to.envEnd = from.envEnd;
  to.mmapBase = from.mmapBase;
}

/** The 2 MiB regions where the parent has a PTE table under a copied VMA, ascending. */
function regionsOf(parent: Mm, vmas: readonly Vma[]): number[] {
  const keys: number[] = [];
  for (const vma of vmas) {
    const last = regionOf(vma.end / PAGE_SIZE - 1);
    for (let key = regionOf(vma.start / PAGE_SIZE); key <= last; key++) {
      if (parent.pt.slots.has(key) && keys[keys.length - 1] !== key) keys.push(key);
    }
  }
  return keys;
}

/**
 * Copies region `key`'s PTEs of the copied VMAs (copy_pte_range): counts the
 * new mappings, write-protects COW entries in the parent, then shares the
 * parent's table with the child if the child's entries would be identical,
 * or fills a table of the child's own. Returns the PTEs copied.
 */
function copyRegion(
  k: Kernel,
  parent: Mm,
  child: Mm,
  key: number,
  copiedVmas: readonly Vma[],
): number {
  const { phys } = k;
  const base = key * PTRS_PER_PTE;
  const spans = spansIn(copiedVmas, base);
  let table = parent.pt.slots.get(key)!.table.pte;
  let copied = 0;
  let wrprotect = false;
  let dirtyShared = false;
  for (const [vma, lo, hi] of spans) {
    const cow = isCowMapping(vma.flags);
    for (let i = lo; i < hi; i++) {
      const pte = table[i]!;
      if (pte === 0) continue;
      copied++;
      if (cow && pte & PTE_WRITE) wrprotect = true;
      if (vma.flags & VM_SHARED && pte & PTE_DIRTY) dirtyShared = true;
      const pfn = normalPage(vma, pte);
      if (pfn < 0) continue;
      phys.incMapcount(pfn);
      const kind = phys.flags[pfn]! & KIND_MASK;
      if (kind === KIND_ANON) phys.flags[pfn]! &= ~PG_ANON_EXCLUSIVE;
      child.addRss(kind, 1);
    }
  }
  if (wrprotect) {
    table = parent.pt.tableForWrite(key);
    for (const [vma, lo, hi] of spans) {
      if (!isCowMapping(vma.flags)) continue;
      for (let i = lo; i < hi; i++) table[i] = table[i]! & ~PTE_WRITE;
    }
  }
  if (!dirtyShared && onlyCopiedEntries(parent, key, spans)) {
    parent.pt.shareInto(child.pt, key);
    return copied;
  }
  const mine = child.pt.tableForWrite(key);
  for (const [vma, lo, hi] of spans) {
    const clean = vma.flags & VM_SHARED ? ~PTE_DIRTY : ~0;
    for (let i = lo; i < hi; i++) mine[i] = table[i]! & clean;
  }
  return copied;
}

/** [vma, lo, hi): the entries of region `base` each copied VMA covers. */
function spansIn(vmas: readonly Vma[], base: number): [Vma, number, number][] {
  const spans: [Vma, number, number][] = [];
  for (const vma of vmas) {
    const lo = Math.max(vma.start / PAGE_SIZE, base) - base;
    const hi = Math.min(vma.end / PAGE_SIZE, base + PTRS_PER_PTE) - base;
    if (lo < hi) spans.push([vma, lo, hi]);
  }
  return spans;
}

/** Whether every present entry of the parent's table lies in a copied span. */
function onlyCopiedEntries(
  parent: Mm,
  key: number,
  spans: readonly [Vma, number, number][],
): boolean {
  const table = parent.pt.slots.get(key)!.table.pte;
  let at = 0;
  for (const [, lo, hi] of spans) {
    for (let i = at; i < lo; i++) if (table[i] !== 0) return false;
    at = hi;
  }
  for (let i = at; i < PTRS_PER_PTE; i++) if (table[i] !== 0) return false;
  return true;
}
