/**
 * The madvise advice that reclaims (mm/madvise.c): MADV_COLD and
 * MADV_PAGEOUT, walked as madvise_cold_or_pageout_pte_range does, and the
 * reclaim of one anonymous page they lead to (shrink_folio_list).
 *
 * Which pages are taken: only normal pages (not the zero page, not a raw
 * PFN) mapped by this one PTE (folio_mapcount 1: a page another process
 * also maps is skipped, as measured in scenarios 37 and 38), not mlocked.
 * MADV_PAGEOUT unmaps and reclaims each; MADV_COLD only deactivates.
 */
import { PAGE_SIZE, VM_LOCKED, VM_PFNMAP } from "./constants.js";
import type { Kernel } from "./kernel.js";
import { type Mm, normalPage } from "./mm.js";
import { PTE_SOFT_DIRTY, type PteSpan, pteDirty, SWP_EXCLUSIVE } from "./page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  PG_ACTIVE,
  PG_ANON_EXCLUSIVE,
  PG_DIRTY,
  PG_MLOCKED,
  PG_REFERENCED,
} from "./phys.js";
import type { Vma } from "./vma.js";

/** can_madv_lru_vma: locked and raw-PFN mappings cannot be deactivated or paged out. */
export const canMadvLru = (vma: Vma): boolean => (vma.flags & (VM_LOCKED | VM_PFNMAP)) === 0;

/** MADV_COLD or MADV_PAGEOUT over [start, end) of `vma`. */
export function coldOrPageout(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  start: number,
  end: number,
  pageout: boolean,
): void {
  if (pageout) mm.updateHiwaterRss(); // try_to_unmap_one: update_hiwater_rss
  mm.pt.walk(start / PAGE_SIZE, end / PAGE_SIZE, {
    pmdEntry(span) {
      if (span.anyEntry()) coldOrPageoutPtes(k, mm, vma, span, pageout);
    },
  });
}

function coldOrPageoutPtes(k: Kernel, mm: Mm, vma: Vma, span: PteSpan, pageout: boolean): void {
  const { phys } = k;
  for (let i = span.lo; i < span.hi; i++) {
    const pte = span.entries[i]!;
    const pfn = normalPage(vma, pte);
    if (pfn < 0) continue;
    const f = phys.flags[pfn]!;
    if (phys.mapcountOf(pfn) !== 1 || f & PG_MLOCKED) continue;
    // ptep_test_and_clear_young, folio_clear_referenced; deactivate_file... / reclaim_pages
    span.mkOld(i);
    phys.flags[pfn] = f & ~(PG_REFERENCED | PG_ACTIVE);
    if (!pageout) continue;
    if ((f & KIND_MASK) === KIND_ANON) pageoutAnon(k, mm, span, i, pfn, pte);
  }
}

/**
 * shrink_folio_list for an anonymous page mapped once: it gets a swap slot
 * and joins the swap cache (add_to_swap) unless it is there already; its
 * PTE becomes a swap entry, exclusive if the page was (try_to_unmap_one);
 * a dirty page is written to its slot and stays in the swap cache (the
 * write completes asynchronously; SwapCached counts it), a clean one,
 * whose slot still holds its data, leaves the swap cache and is freed.
 * Without a free slot the page stays.
 */
function pageoutAnon(k: Kernel, mm: Mm, span: PteSpan, i: number, pfn: number, pte: number): void {
  const { phys, swap } = k;
  let entry = swap.entryOf.get(pfn) ?? -1;
  let dirty = pteDirty(pte) || (phys.flags[pfn]! & PG_DIRTY) !== 0;
  if (entry < 0) {
    entry = swap.allocSlot();
    if (entry < 0) return;
    swap.addToCache(phys, pfn, entry);
    dirty = true;
  }
  const f = phys.flags[pfn]!;
  const marker = (f & PG_ANON_EXCLUSIVE ? SWP_EXCLUSIVE : 0) | (pte & PTE_SOFT_DIRTY);
  swap.dup(entry);
  span.set(i, entry | marker);
  phys.flags[pfn] = f & ~PG_ANON_EXCLUSIVE;
  phys.decMapcount(pfn);
  mm.addRss(KIND_ANON, -1);
  mm.swapents++;
  if (dirty) swap.writePage(phys, pfn);
  else {
    swap.deleteFromCache(phys, pfn);
    phys.free(pfn);
  }
}
