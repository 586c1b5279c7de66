/**
 * What a write to /proc/PID/clear_refs does to an mm (fs/proc/task_mmu.c
 * clear_refs_write, clear_refs_test_walk, clear_refs_pte_range). The value
 * is parsed by procfs; here are the five operations:
 *
 *   1 all       every mapped page: young bit and PG_referenced cleared
 *   2 anon      only VMAs without a file
 *   3 mapped    only VMAs with a file (shmem and shared anonymous included)
 *   4 soft-dirty  with CONFIG_MEM_SOFT_DIRTY: every VMA loses VM_SOFTDIRTY
 *               and every PTE its soft-dirty bit; present PTEs are
 *               write-protected so the next write faults and sets it again.
 *               Without it (the capture machine), nothing at all.
 *   5 hiwater   VmHWM reset to the current RSS (reset_mm_hiwater_rss)
 *
 * The zero page and special mappings have no folio (vm_normal_folio is
 * NULL): their young bits stay. No TLB is modelled, so the next access
 * after clear_refs sets the young bit again, as an access from a CPU that
 * holds no stale translation does on Linux.
 */
import { PAGE_SIZE, VM_PFNMAP, VM_SOFTDIRTY } from "./constants.js";
import type { Kernel } from "./kernel.js";
import { type Mm, normalPage } from "./mm.js";
import { PTE_SOFT_DIRTY, ptePresent, pteWrprotect } from "./page-table.js";
import { PG_REFERENCED } from "./phys.js";
import type { Vma } from "./vma.js";

export const CLEAR_REFS_ALL = 1;
export const CLEAR_REFS_ANON = 2;
export const CLEAR_REFS_MAPPED = 3;
export const CLEAR_REFS_SOFT_DIRTY = 4;
export const CLEAR_REFS_MM_HIWATER_RSS = 5;
/** One past the last valid type (CLEAR_REFS_LAST). */
export const CLEAR_REFS_LAST = 6;

/** clear_refs_test_walk: whether the walk visits `vma` for `type`. */
function visits(vma: Vma, type: number): boolean {
  if (vma.flags & VM_PFNMAP) return false;
  if (type === CLEAR_REFS_ANON && vma.file !== null) return false;
  if (type === CLEAR_REFS_MAPPED && vma.file === null) return false;
  return true;
}

/**
 * Applies clear_refs `type` (CLEAR_REFS_ALL … CLEAR_REFS_MM_HIWATER_RSS,
 * already validated) to `mm`.
 */
export function clearRefs(k: Kernel, mm: Mm, type: number): void {
  if (type === CLEAR_REFS_MM_HIWATER_RSS) {
    mm.hiwaterRss = mm.rss;
    return;
  }
  if (type === CLEAR_REFS_SOFT_DIRTY) {
    if (k.config.softDirty) clearSoftDirty(mm);
    return;
  }
  const flags = k.phys.flags;
  for (const vma of mm.vmas) {
    if (!visits(vma, type)) continue;
    mm.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
      pteEntry(pte, i, span) {
        const pfn = normalPage(vma, pte);
        if (pfn < 0) return;
        span.mkOld(i);
        flags[pfn]! &= ~PG_REFERENCED;
      },
    });
  }
}

/**
 * CLEAR_REFS_SOFT_DIRTY with CONFIG_MEM_SOFT_DIRTY: VM_SOFTDIRTY off every
 * VMA (so writes are tracked through write faults again), then
 * clear_soft_dirty() on every entry: a present one is write-protected and
 * loses its soft-dirty bit (the zero page's too), a swap entry loses its
 * soft-dirty bit.
 */
function clearSoftDirty(mm: Mm): void {
  for (const vma of mm.vmas) vma.flags &= ~VM_SOFTDIRTY;
  for (const vma of mm.vmas) {
    if (vma.flags & VM_PFNMAP) continue;
    mm.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
      pteEntry(pte, i, span) {
        // Bit 3 is soft-dirty in present and swap entries alike (page-table.ts).
        const cleared = (ptePresent(pte) ? pteWrprotect(pte) : pte) & ~PTE_SOFT_DIRTY;
        if (cleared !== pte) span.set(i, cleared);
      },
    });
  }
}
