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
 * A huge PMD (copy_huge_pmd) maps one folio's 512 frames in order with the
 * same bits (checkHugePmds): copyHugePmdFrames does for it what
 * copyPresentPtes and wrprotectPtes do for 512 PTEs, in tight loops over
 * the frames' counts and flags, reading one entry instead of 512.
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
  PTE_WRITE,
  pteIsSwap,
  pteNone,
  ptePfn,
  ptePresent,
  pteWrite,
  pteWrprotect,
  SWP_EXCLUSIVE,
  swpEntry,
} from "./page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  MAPCOUNT_SATURATED,
  PG_ANON_EXCLUSIVE,
  type PhysMem,
} from "./phys.js";
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
    if (spans.length > 0) parent.pt.copyPteRange(child.pt, key, spans);
    spans = [];
  };
  for (const vma of copiedVmas) {
    const cow = isCowMapping(vma.flags);
    const clean = (vma.flags & VM_SHARED) !== 0;
    parent.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
      pmdEntry(span) {
        if (span.key !== key) flush();
        key = span.key;
        spans.push({ lo: span.lo, hi: span.hi, clean });
        let n: number;
        if (parent.pt.isHuge(key)) {
          copyHugePmd(k, parent.pt, child.pt, key);
          if (span.whole && ptePresent(span.entries[0]!)) {
            n = copyHugePmdFrames(phys, child, vma, span.entries[0]!);
            copied += PTRS_PER_PTE;
            if (cow && n & WRITABLE_SEEN) wrprotectHuge(span.writable());
            return;
          }
          n = copyPresentPtes(phys, k.swap, child, vma, span.entries, span.lo, span.hi);
        } else n = copyPresentPtes(phys, k.swap, child, vma, span.entries, span.lo, span.hi);
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
 * copyPresentPtes for a huge PMD whose first entry is `first` (present):
 * its 512 entries map frames head .. head + 511 with first's bits, so
 * each frame gains a mapping and loses AnonExclusive in one pass over the
 * frame arrays, and the child's RSS counts 512 pages of the folio's kind
 * (the zero page's frames count nothing, as normalPage says). Returns
 * WRITABLE_SEEN if the entries are writable, else 0.
 */
function copyHugePmdFrames(phys: PhysMem, child: Mm, vma: Vma, first: number): number {
  const writable = pteWrite(first) ? WRITABLE_SEEN : 0;
  if (normalPage(vma, first) < 0) return writable;
  const head = ptePfn(first);
  const end = head + PTRS_PER_PTE;
  const counts = phys.mapcounts;
  const flags = phys.flags;
  const kind = flags[head]! & KIND_MASK;
  const keep = kind === KIND_ANON ? ~PG_ANON_EXCLUSIVE : ~0;
  for (let pfn = head; pfn < end; pfn++) {
    const c = counts[pfn]!;
    if (c < MAPCOUNT_SATURATED - 1) counts[pfn] = c + 1;
    else phys.incMapcount(pfn);
    flags[pfn] = flags[pfn]! & keep;
  }
  child.addRss(kind, PTRS_PER_PTE);
  return writable;
}

/** wrprotectPtes for a huge PMD's 512 entries, every one present. */
function wrprotectHuge(table: Uint32Array): void {
  for (let i = 0; i < PTRS_PER_PTE; i++) table[i] = table[i]! & ~PTE_WRITE;
}
