/**
 * The madvise advice that reclaims (mm/madvise.c): MADV_COLD and
 * MADV_PAGEOUT, walked as madvise_cold_or_pageout_pte_range does, and
 * MADV_FREE (madvise_free_pte_range), which makes pages lazily freeable.
 *
 * Which pages are taken: only normal pages (not the zero page, not a raw
 * PFN) mapped by this one PTE (folio_mapcount 1: a page another process
 * also maps is skipped, as measured in scenarios 37 and 38), not mlocked.
 * MADV_COLD only deactivates them; MADV_PAGEOUT isolates those of each PMD
 * (anonymous and shmem pages) and hands them to reclaim_pages (vmscan.ts),
 * the same shrink_folio_list reclaim under pressure runs, with references
 * ignored. Each first drains the CPU's batches (lru_add_drain), as Linux does.
 */
import type { Accessor } from "./access.js";
import {
  PAGE_SIZE,
  VM_HUGETLB,
  VM_IO,
  VM_LOCKED,
  VM_PFNMAP,
  VM_READ,
  VM_WRITE,
} from "./constants.js";
import { fadviseWillneed, shmemSwapinRange } from "./filemap.js";
import { populateRange } from "./gup.js";
import type { Kernel } from "./kernel.js";
import { PG_KSM } from "./ksm.js";
import { type Mm, normalPage } from "./mm.js";
import {
  PTE_DIRTY,
  type PteSpan,
  pteDirty,
  pteIsSwap,
  pteMkclean,
  ptePfn,
  pteWrite,
  swpEntry,
} from "./page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  KIND_SHMEM,
  PG_ACTIVE,
  PG_DIRTY,
  PG_MLOCKED,
  PG_REFERENCED,
  PG_SWAPCACHE,
} from "./phys.js";
import { failure, type Result, success } from "./result.js";
import { drainLazyfree, freeSwapAndCache, markLazyfree, readSwapCacheAsync } from "./swap.js";
import type { Vma } from "./vma.js";
import { type Owners, reclaimPages } from "./vmscan.js";

/** can_madv_lru_vma: locked, raw-PFN and hugetlb mappings cannot be deactivated or paged out. */
export const canMadvLru = (vma: Vma): boolean =>
  (vma.flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB)) === 0;

/** MADV_COLD or MADV_PAGEOUT over [start, end) of `vma`. */
export function coldOrPageout(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  start: number,
  end: number,
  pageout: boolean,
): void {
  drainLazyfree(k.phys, k.swap); // lru_add_drain
  if (pageout) mm.updateHiwaterRss(); // try_to_unmap_one: update_hiwater_rss
  mm.pt.walk(start / PAGE_SIZE, end / PAGE_SIZE, {
    pmdEntry(span) {
      if (span.anyEntry()) coldOrPageoutPtes(k, mm, vma, span, pageout);
    },
  });
}

function coldOrPageoutPtes(k: Kernel, mm: Mm, vma: Vma, span: PteSpan, pageout: boolean): void {
  const { phys } = k;
  const isolated: number[] = [];
  let owners: Owners | null = null;
  for (let i = span.lo; i < span.hi; i++) {
    const pte = span.entries[i]!;
    const pfn = normalPage(vma, pte);
    if (pfn < 0) continue;
    const f = phys.flags[pfn]!;
    if (phys.mapcountOf(pfn) !== 1 || f & PG_MLOCKED) continue;
    // MADV_COLD clears the PTE's young bit; MADV_PAGEOUT leaves it (reclaim
    // ignores references). Both clear PG_referenced; then folio_deactivate,
    // or the page is isolated for reclaim_pages (which clears PG_active).
    if (!pageout) span.mkOld(i);
    phys.setFlags(pfn, f & ~(PG_REFERENCED | PG_ACTIVE));
    if (!pageout) continue;
    if (f & PG_KSM) continue; // KSM pages stay in RAM in this model (ksm.ts)
    const kind = f & KIND_MASK;
    if (kind === KIND_SHMEM) {
      owners ??= new Map();
      owners.set(pfn, [vma.file!, vma.pgoff + (span.base + i - vma.start / PAGE_SIZE)]);
    } else if (kind !== KIND_ANON) continue;
    isolated.push(pfn);
  }
  if (isolated.length === 0) return;
  const hint = { mm, vma, lo: span.base + span.lo, hi: span.base + span.hi };
  reclaimPages(k, isolated, hint, owners);
}

/**
 * MADV_FREE over [start, end) of an anonymous `vma` (madvise_free_single_vma
 * and madvise_free_pte_range). Swap entries are freed and cleared (a later
 * touch gets a zero page rather than a swap-in). Each normal page: one in
 * the swap cache or with PG_dirty is skipped unless this PTE is its only
 * mapping, and then leaves the swap cache and is cleaned; the PTE loses its
 * dirty and young bits; the page joins the lazyfree batch (markLazyfree).
 * Note that a clean page mapped by another process too (after fork) is not
 * skipped: only its other mappings' dirty bits keep reclaim from
 * discarding it, as in the kernel.
 */
export function madviseFree(k: Kernel, mm: Mm, vma: Vma, start: number, end: number): void {
  const { phys, swap } = k;
  drainLazyfree(phys, swap); // lru_add_drain
  mm.updateHiwaterRss();
  mm.pt.walk(start / PAGE_SIZE, end / PAGE_SIZE, {
    pmdEntry(span) {
      if (!span.anyEntry()) return;
      for (let i = span.lo; i < span.hi; i++) {
        const pte = span.entries[i]!;
        if (pte === 0) continue;
        if (pteIsSwap(pte)) {
          span.set(i, 0);
          mm.swapents--;
          freeSwapAndCache(phys, swap, swpEntry(pte));
          continue;
        }
        const pfn = normalPage(vma, pte);
        if (pfn < 0) continue;
        const f = phys.flags[pfn]!;
        if (f & (PG_SWAPCACHE | PG_DIRTY)) {
          if (phys.mapcountOf(pfn) !== 1) continue;
          if (f & PG_SWAPCACHE && !swap.freeSwap(phys, pfn)) continue;
          phys.flags[pfn]! &= ~PG_DIRTY;
        }
        if (pte & PTE_DIRTY) span.set(i, pteMkclean(pte));
        span.mkOld(i);
        markLazyfree(phys, swap, pfn);
      }
    },
  });
}

/**
 * MADV_POPULATE_READ / MADV_POPULATE_WRITE over [start, end)
 * (madvise_populate, faultin_page_range): every page is faulted in as
 * get_user_pages does with FOLL_TOUCH, for reading (anonymous memory gets
 * the zero page) or for writing (COW broken, shared pages dirtied); the
 * faults count as the caller's. Errors as Linux's: a VMA that GUP cannot
 * use (VM_IO, VM_PFNMAP) or whose protection forbids the access is EINVAL,
 * an access that would raise SIGBUS or SIGSEGV is EFAULT, no memory is
 * ENOMEM. The CPU's batches are drained at the end (lru_add_drain).
 */
export function madvisePopulate(
  k: Kernel,
  who: Accessor,
  start: number,
  end: number,
  write: boolean,
): Result<void> {
  const { mm } = who;
  for (const vma of mm.vmas) {
    if (vma.end <= start || vma.start >= end) continue;
    if (vma.flags & (VM_IO | VM_PFNMAP)) return failure("EINVAL");
    if (!(vma.flags & (write ? VM_WRITE : VM_READ))) return failure("EINVAL");
  }
  const clean = write ? cleanWritablePages(mm, start, end) : [];
  const r = populateRange(k, who, start, end, write);
  // follow_page_pte's FOLL_TOUCH with FOLL_WRITE marks a page mapped by a
  // clean writable PTE dirty in the folio, leaving the PTE clean (49).
  for (const [vpn, pte] of clean) {
    const now = mm.pt.get(vpn);
    if (ptePfn(now) !== ptePfn(pte) || !pteWrite(now)) continue;
    mm.pt.set(vpn, pteMkclean(now));
    k.phys.flags[ptePfn(pte)]! |= PG_DIRTY;
  }
  drainLazyfree(k.phys, k.swap);
  if (r.signal === null) return success(undefined);
  return failure(r.signal.signo === 9 ? "ENOMEM" : "EFAULT");
}

/** [vpn, pte] of each present, writable, clean PTE of a normal page in [start, end). */
function cleanWritablePages(mm: Mm, start: number, end: number): [number, number][] {
  const found: [number, number][] = [];
  for (const vma of mm.vmas) {
    if (vma.end <= start || vma.start >= end) continue;
    const lo = Math.max(start, vma.start) / PAGE_SIZE;
    const hi = Math.min(end, vma.end) / PAGE_SIZE;
    mm.pt.walk(lo, hi, {
      pmdEntry(span) {
        for (let i = span.lo; i < span.hi; i++) {
          const pte = span.entries[i]!;
          if (pteWrite(pte) && !pteDirty(pte) && normalPage(vma, pte) >= 0)
            found.push([span.base + i, pte]);
        }
      },
    });
  }
  return found;
}

/**
 * MADV_WILLNEED over [start, end) of `vma` (madvise_willneed): for
 * anonymous memory each swapped page is read into the swap cache
 * (swapin_walk_pmd_entry: read_swap_cache_async, no mapping, no fault);
 * for shmem each swapped page of the range likewise (shmem_swapin_range);
 * for a regular file the range is read into the page cache
 * (POSIX_FADV_WILLNEED). The CPU's batches are drained at the end.
 */
export function madviseWillneed(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  start: number,
  end: number,
  pid: number,
): void {
  const file = vma.file;
  if (vma.special !== null) return;
  if (file === null) {
    mm.pt.walk(start / PAGE_SIZE, end / PAGE_SIZE, {
      pmdEntry(span) {
        for (let i = span.lo; i < span.hi; i++) {
          const pte = span.entries[i]!;
          if (pteIsSwap(pte)) readSwapCacheAsync(k, swpEntry(pte), pid);
        }
      },
    });
  } else {
    const first = vma.pgoff + (start - vma.start) / PAGE_SIZE;
    const last = first + (end - start) / PAGE_SIZE;
    if (file.shmem) shmemSwapinRange(k, file, first, last, pid);
    else fadviseWillneed(k, file, first, last, pid);
  }
  drainLazyfree(k.phys, k.swap);
}
