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
 * The child shares the parent's PTE table for a 2 MiB region whenever its
 * entries would be identical (PageTable.copyPteRange), instead of copying
 * 512 entries; the result is the same for every reader.
 *
 * A huge PMD (copy_huge_pmd) is one entry, as in Linux: the walk hands
 * fork its entry 0 alone (MmWalkOps.hugePmdEntry), the folio gains one
 * entire mapping (phys.addEntire) and its head loses AnonExclusive
 * (folio_try_dup_anon_rmap_pmd), and PageTable.forkHugePmd write-protects
 * the parent's PMD in one write and gives the child the same table: O(1)
 * per 2 MiB, no frame touched, no table allocated.
 */

import { vmEnoughMemory } from "./commit.js";
import {
  PAGE_SIZE,
  PTRS_PER_PTE,
  VM_ACCOUNT,
  VM_DONTCOPY,
  VM_HUGETLB,
  VM_LOCKED_MASK,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_SHARED,
  VM_UFFD_WP,
  VM_WIPEONFORK,
} from "./constants.js";
import { copyHugePmd } from "./huge-memory.js";
import { copyHugetlbPageRange } from "./hugetlb.js";
import type { Kernel } from "./kernel.js";
import { MM_LAYOUT_FIELDS, Mm, normalPage } from "./mm.js";
import {
  type CopySpan,
  pteIsSwap,
  pteNone,
  ptePfn,
  ptePresent,
  pteWrite,
  pteWrprotect,
  SWP_EXCLUSIVE,
  swpEntry,
} from "./page-table.js";
import { KIND_ANON, KIND_MASK, PG_ANON_EXCLUSIVE, type PhysMem } from "./phys.js";
import { type Result, success } from "./result.js";
import type { SwapState } from "./swap.js";
import { copyVma, isCowMapping, newAnonVma, type Vma, vmaPages } from "./vma.js";

/** Whether fork copies this VMA's PTEs (vma_needs_copy). */
function vmaNeedsCopy(vma: Vma): boolean {
  return (vma.flags & (VM_PFNMAP | VM_MIXEDMAP | VM_UFFD_WP)) !== 0 || vma.anonVma !== null;
}

/** The child's copy of one parent VMA (vm_area_dup + anon_vma_fork), or null for DONTCOPY. */
function dupVma(vma: Vma): Vma | null {
  if (vma.flags & VM_DONTCOPY) return null;
  const wipe = (vma.flags & VM_WIPEONFORK) !== 0;
  return copyVma(vma, {
    flags: vma.flags & ~VM_LOCKED_MASK,
    anonVma: wipe || vma.anonVma === null ? null : newAnonVma(),
    anonVmaForked: !wipe && vma.anonVma !== null,
    ra: vma.ra && { start: 0, size: 0, asyncSize: 0, mmapMiss: 0 },
  });
}

/**
 * dup_mmap's charges: each VM_ACCOUNT VMA the child gets is charged in
 * turn, checked against the parent's mm. All of them, or none and ENOMEM
 * (Linux tears the half-built child down; cowsh checks first).
 */
function chargeChild(k: Kernel, parent: Mm): Result<void> {
  let total = 0;
  for (const vma of parent.vmas) {
    if (vma.flags & VM_DONTCOPY || !(vma.flags & VM_ACCOUNT)) continue;
    const r = vmEnoughMemory(k, parent, vmaPages(vma));
    if (!r.ok) {
      k.commit.unacct(total);
      return r;
    }
    total += vmaPages(vma);
  }
  return success(undefined);
}

/**
 * Builds the child's mm, charging its accounted mappings first (ENOMEM
 * when overcommit refuses them, with nothing changed). Returns it and the
 * number of PTEs copied. The parent's COW PTEs become write-protected as a
 * side effect, as in Linux.
 */
export function dupMm(k: Kernel, parent: Mm): Result<{ mm: Mm; copied: number }> {
  const charged = chargeChild(k, parent);
  if (!charged.ok) return charged;
  const child = new Mm();
  copyLayout(parent, child);
  const copiedVmas: Vma[] = []; // parent VMAs whose PTEs the child gets
  for (const vma of parent.vmas) {
    const dup = dupVma(vma);
    if (dup === null) continue;
    child.vmas.push(dup);
    if (vma.flags & VM_HUGETLB) {
      if (vmaNeedsCopy(vma)) copyHugetlbPageRange(k.phys, parent, child, vma);
    } else if (!(vma.flags & VM_WIPEONFORK) && vmaNeedsCopy(vma)) copiedVmas.push(vma);
  }
  const copied = copyPageRange(k, parent, child, copiedVmas);
  child.hiwaterRss = child.rss;
  child.hiwaterVm = child.totalVm();
  return success({ mm: child, copied });
}

/** The child's copy of the parent's layout numbers (MM_FIELDS' "layout" ones). */
function copyLayout(from: Mm, to: Mm): void {
  for (const field of MM_LAYOUT_FIELDS) to[field] = from[field];
}

/**
 * copy_page_range over the copied VMAs, in address order: a walk of the
 * parent's tables counts each copied page's new mapping and write-protects
 * COW entries in the parent (copy_present_pte); then each region's entries
 * pass to the child, shared or copied (PageTable.copyPteRange). Returns
 * the PTEs copied.
 */
function copyPageRange(k: Kernel, parent: Mm, child: Mm, copiedVmas: readonly Vma[]): number {
  const { phys } = k;
  let copied = 0;
  let key = -1;
  let spans: CopySpan[] = [];
  const flush = (): void => {
    if (spans.length === 0) return;
    parent.pt.copyPteRange(child.pt, key, spans);
    spans = [];
  };
  for (const vma of copiedVmas) {
    const cow = isCowMapping(vma.flags);
    const clean = (vma.flags & VM_SHARED) !== 0;
    parent.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
      hugePmdEntry(hkey, first, lo, hi) {
        // copy_huge_pmd: a huge PMD lies inside one VMA, so [lo, hi) is all
        // of it, and no other VMA's span shares its region
        if (hkey !== key) flush();
        copyHugePmd(k, first);
        copyHugePmdFolio(phys, child, vma, first);
        copied += PTRS_PER_PTE;
        if (clean) {
          // a shared mapping's copy is clean: copyPteRange copies the entries
          key = hkey;
          spans.push({ lo, hi, clean });
        } else parent.pt.forkHugePmd(child.pt, hkey, cow && pteWrite(first));
        return true;
      },
      pmdEntry(span) {
        if (span.key !== key) flush();
        key = span.key;
        spans.push({ lo: span.lo, hi: span.hi, clean });
        const n = copyPresentPtes(phys, k.swap, child, vma, span.entries, span.lo, span.hi);
        copied += n & COUNT_MASK;
        if ((cow && n & WRITABLE_SEEN) || n & SWAP_SEEN)
          wrprotectPtes(span.writable(), span.lo, span.hi);
      },
    });
  }
  flush();
  return copied;
}

const WRITABLE_SEEN = 2 ** 30;
const SWAP_SEEN = 2 ** 29;
const COUNT_MASK = SWAP_SEEN - 1;

/**
 * copy_present_ptes over entries [lo, hi) of `table`: each copied page
 * gains a mapping and the child's RSS counts it; an anonymous page loses
 * AnonExclusive. A swap entry is copied as it is (copy_nonpresent_pte): its
 * slot gains an entry (swap_duplicate) and the child's VmSwap counts it.
 * Returns the entries copied, plus WRITABLE_SEEN if one was writable and
 * SWAP_SEEN if one was a swap entry. A function of its own, so its loop
 * runs on locals.
 */
function copyPresentPtes(
  phys: PhysMem,
  swap: SwapState,
  child: Mm,
  vma: Vma,
  table: Uint32Array,
  lo: number,
  hi: number,
): number {
  let n = 0;
  let writable = 0;
  for (let i = lo; i < hi; i++) {
    const pte = table[i]!;
    if (pteNone(pte)) continue;
    n++;
    if (ptePresent(pte) && pteWrite(pte)) writable |= WRITABLE_SEEN;
    else if (pteIsSwap(pte)) {
      swap.dup(swpEntry(pte));
      child.swapents++;
      writable |= SWAP_SEEN;
      continue;
    }
    const pfn = normalPage(vma, pte);
    if (pfn < 0) continue;
    phys.incMapcount(pfn);
    const kind = phys.flags[pfn]! & KIND_MASK;
    if (kind === KIND_ANON) phys.flags[pfn]! &= ~PG_ANON_EXCLUSIVE;
    child.addRss(kind, 1);
  }
  return n + writable;
}

/**
 * Write-protects the present entries [lo, hi) of `table` (a COW mapping's,
 * in the parent), and takes the exclusive marker off its swap entries: the
 * child now names the same slots (copy_nonpresent_pte).
 */
function wrprotectPtes(table: Uint32Array, lo: number, hi: number): void {
  for (let i = lo; i < hi; i++) {
    const pte = table[i]!;
    if (ptePresent(pte)) table[i] = pteWrprotect(pte);
    else if (pteIsSwap(pte)) table[i] = pte & ~SWP_EXCLUSIVE;
  }
}

/**
 * The folio side of copy_huge_pmd for a PMD whose entry is `first`: an
 * anonymous folio's head loses AnonExclusive (folio_try_dup_anon_rmap_pmd:
 * the head's flag is the folio's while it is PMD-mapped), and the child's
 * RSS counts 512 pages of the folio's kind (the huge zero page's count
 * nothing, as normalPage says). The mapping itself is copyHugePmd's one
 * entire mapcount.
 */
function copyHugePmdFolio(phys: PhysMem, child: Mm, vma: Vma, first: number): void {
  if (normalPage(vma, first) < 0) return;
  const head = ptePfn(first);
  const kind = phys.flags[head]! & KIND_MASK;
  if (kind === KIND_ANON) phys.flags[head]! &= ~PG_ANON_EXCLUSIVE;
  child.addRss(kind, PTRS_PER_PTE);
}
