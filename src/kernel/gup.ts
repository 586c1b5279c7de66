/**
 * populate_vma_page_range (mm/gup.c) for mlock(2) and MAP_POPULATE: faults
 * every page of a range in, as get_user_pages does, and applies
 * FOLL_TOUCH to the pages it reached (mark_page_accessed, and mlock_folio
 * in a locked VMA). Owns nothing but this walk; the faults are access.ts's.
 */
import { type Accessor, type AccessReport, accessRange } from "./access.js";
import { PAGE_SIZE, VM_LOCKED, VM_SHARED, VM_WRITE } from "./constants.js";
import type { Kernel } from "./kernel.js";
import { type Mm, normalPage } from "./mm.js";
import { markAccessed, mlockFolio, PG_MLOCKED, type PhysMem } from "./phys.js";
import type { Vma } from "./vma.js";

/**
 * Faults in [start, end) of `task`'s mm; a private writable mapping is
 * faulted for writing (FOLL_WRITE), so COW is broken up front, unless
 * `forWrite` says how (MADV_POPULATE_READ / _WRITE: FOLL_WRITE or not,
 * whatever the mapping). Stops at the first signal. Returns the fault
 * report of the whole range.
 */
export function populateRange(
  k: Kernel,
  task: Accessor,
  start: number,
  end: number,
  forWrite: boolean | null = null,
): AccessReport {
  const total: AccessReport = {
    pages: 0,
    minflt: 0,
    majflt: 0,
    byKind: [],
    words: null,
    signal: null,
  };
  for (const vma of task.mm.vmas.filter((v) => v.start < end && v.end > start)) {
    const lo = Math.max(start, vma.start);
    const hi = Math.min(end, vma.end);
    const write = forWrite ?? (vma.flags & (VM_WRITE | VM_SHARED)) === VM_WRITE;
    const unevictable = mlockedPages(k.phys, task.mm, vma, lo, hi);
    const r = accessRange(k, task, lo, hi - lo, write, null, false);
    touchPopulated(k.phys, task.mm, vma, lo, lo + r.pages * PAGE_SIZE, unevictable);
    total.pages += r.pages;
    total.minflt += r.minflt;
    total.majflt += r.majflt;
    r.byKind.forEach((n, i) => {
      total.byKind[i] = (total.byKind[i] ?? 0) + n;
    });
    if (r.signal !== null) {
      total.signal = r.signal;
      break;
    }
  }
  return total;
}

/**
 * GUP's FOLL_TOUCH on the pages populate reached: each is marked accessed
 * (mark_page_accessed), and in a locked VMA mlocked, whether it was faulted
 * in now or was already there. mlock_folio() only batches the move to the
 * unevictable list, so the touch still finds a page evictable unless it
 * was mlocked before this call (`unevictable`).
 */
function touchPopulated(
  phys: PhysMem,
  mm: Mm,
  vma: Vma,
  start: number,
  end: number,
  unevictable: ReadonlySet<number>,
): void {
  const locked = (vma.flags & VM_LOCKED) !== 0;
  for (let vpn = start / PAGE_SIZE; vpn < end / PAGE_SIZE; vpn++) {
    const pfn = normalPage(vma, mm.pt.get(vpn));
    if (pfn < 0) continue;
    const onUnevictable = locked ? unevictable.has(pfn) : (phys.flags[pfn]! & PG_MLOCKED) !== 0;
    markAccessed(phys, pfn, onUnevictable);
    if (locked) mlockFolio(phys, pfn);
  }
}

/** The pages of [start, end) of a locked VMA that are mapped and mlocked already. */
function mlockedPages(phys: PhysMem, mm: Mm, vma: Vma, start: number, end: number): Set<number> {
  const found = new Set<number>();
  if (!(vma.flags & VM_LOCKED)) return found;
  for (let vpn = start / PAGE_SIZE; vpn < end / PAGE_SIZE; vpn++) {
    const pfn = normalPage(vma, mm.pt.get(vpn));
    if (pfn >= 0 && phys.flags[pfn]! & PG_MLOCKED) found.add(pfn);
  }
  return found;
}
