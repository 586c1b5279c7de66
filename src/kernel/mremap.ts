/**
 * mremap(2) on one address space (mm/mremap.c): shrink, grow in place,
 * move (MREMAP_MAYMOVE, MREMAP_FIXED) and MREMAP_DONTUNMAP.
 *
 * A move never copies a page. The new VMA is a copy of the old one
 * (copy_vma: same flags, same anon_vma, file offset carried along), the
 * PTEs move to it with their young and dirty bits (move_page_tables:
 * a huge PMD moves whole where its 2 MiB moves whole to a region without a
 * table, as move_huge_pmd, and is split otherwise; whole PTE tables the
 * same way, as move_normal_pmd; entry by entry otherwise, as move_ptes), and
 * then the old range is unmapped; with MREMAP_DONTUNMAP the old VMA stays,
 * empty, so its next touch faults like fresh memory. Map counts, RSS and
 * swap entries do not change: the same mm maps the same pages.
 *
 * Overcommit as Linux charges it (vrm_calc_charge): a VM_ACCOUNT mapping
 * pays for its growth (the moved part keeps its charge), and for the whole
 * new length with MREMAP_DONTUNMAP (the old VMA stays charged).
 *
 * As every call in mman.ts, this one checks everything before it changes
 * anything; where Linux would already have unmapped the destination or
 * the shrunk tail before a later check fails, cowsh fails first and leaves
 * the address space as it was.
 */
import { accountedPages, vmEnoughMemory } from "./commit.js";
import {
  MAX_MAP_COUNT,
  MREMAP_DONTUNMAP,
  MREMAP_FIXED,
  MREMAP_MAYMOVE,
  PAGE_SIZE,
  PMD_SIZE,
  PTRS_PER_PTE,
  pageAlignUp,
  TASK_SIZE,
  VM_ACCOUNT,
  VM_DONTEXPAND,
  VM_HUGETLB,
  VM_LOCKED,
  VM_LOCKED_MASK,
  VM_MAYSHARE,
  VM_MERGEABLE,
  VM_PFNMAP,
  VM_SHARED,
} from "./constants.js";
import { moveHugePmd, splitHugePmd } from "./huge-memory.js";
import { hugetlbMremap } from "./hugetlb.js";
import type { Kernel } from "./kernel.js";
import { unmergeKsmPages } from "./ksm.js";
import type { Mm } from "./mm.js";
import { unmapRange } from "./mman.js";
import { movePteTable, PTE_SOFT_DIRTY, regionOf } from "./page-table.js";
import { failure, type Result, success } from "./result.js";
import { copyVma, isAnonymous, type Vma } from "./vma.js";

const MREMAP_ALL = MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP;

/** The lowest address mmap hands out (mmap_min_addr). */
const MMAP_MIN_ADDR = 0x10000;

export interface MremapRequest {
  readonly addr: number;
  readonly oldLen: number;
  readonly newLen: number;
  /** MREMAP_* flags. */
  readonly flags: number;
  /** The destination with MREMAP_FIXED, a hint with MREMAP_DONTUNMAP alone; else ignored. */
  readonly newAddr: number;
}

/** What mremap did: the mapping's address now, and what the caller must populate. */
export interface MremapOutcome {
  readonly addr: number;
  /**
   * [start, end) of a VM_LOCKED mapping's new part, which mremap faults in
   * after it returns (mm_populate), or null.
   */
  readonly populate: readonly [number, number] | null;
}

const pageAligned = (n: number): boolean => n % PAGE_SIZE === 0;
const impliesNewAddr = (flags: number): boolean =>
  (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) !== 0;

/** Who made the call: its faults count the KSM pages a move breaks. */
export interface MremapCaller {
  readonly pid: number;
  minflt: number;
}

/** mremap(2) by the task owning `mm`. */
export function doMremap(
  k: Kernel,
  mm: Mm,
  req: MremapRequest,
  who: MremapCaller = { pid: 0, minflt: 0 },
): Result<MremapOutcome> {
  const checked = checkParams(mm, req);
  if (!checked.ok) return checked;
  const [oldLen, newLen] = checked.value;
  if (req.flags & MREMAP_FIXED && oldLen === newLen) return remapMove(k, mm, req, oldLen, who);
  const vma = mm.vmaAt(req.addr);
  if (vma === undefined) return failure("EFAULT", "no mapping at the old address");
  return remapVma(k, mm, vma, req, oldLen, newLen, who);
}

/** The call on the one VMA the old range starts in. */
function remapVma(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  req: MremapRequest,
  oldLen: number,
  newLen: number,
  who: MremapCaller,
): Result<MremapOutcome> {
  // Linux moves hugetlb mappings 2 MiB-aligned (align_hugetlb,
  // move_hugetlb_page_tables); their entries live in hugetlb.ts's own table.
  if (vma.flags & VM_HUGETLB) return hugetlbMremap(k, mm, vma, req, unmapRange);
  return impliesNewAddr(req.flags)
    ? mremapTo(k, mm, vma, req, oldLen, newLen, who)
    : mremapAt(k, mm, vma, req, oldLen, newLen, who);
}

/**
 * remap_move (Linux 6.17, scenario 106): a move with MREMAP_FIXED that
 * keeps the length may span several VMAs and the holes between them. The
 * range must start in a VMA (EFAULT); each VMA's part then moves on its
 * own, as a one-VMA move to the same offset from the new address, so the
 * holes stay holes there (what the destination had in them stays mapped).
 * A part that fails ends the call with its error, the parts before it
 * moved, as in Linux. Returns the first part's outcome: the new address.
 */
function remapMove(
  k: Kernel,
  mm: Mm,
  req: MremapRequest,
  len: number,
  who: MremapCaller,
): Result<MremapOutcome> {
  const { addr, newAddr } = req;
  const end = addr + len;
  if (len > TASK_SIZE || newAddr > TASK_SIZE - len)
    return failure("EINVAL", "new range beyond the address space");
  if (end > newAddr && newAddr + len > addr) return failure("EINVAL", "old and new ranges overlap");
  let first: Result<MremapOutcome> = failure("EFAULT", "no mapping at the old address");
  let target = newAddr;
  let lastEnd = addr;
  for (let at = addr; at < end; ) {
    const vma = mm.vmas[mm.findIndex(at)];
    if (vma === undefined || vma.start >= end) break;
    if (at === addr && vma.start > addr) return failure("EFAULT", "no mapping at the old address");
    const from = Math.max(vma.start, at);
    const to = Math.min(vma.end, end);
    const part = { ...req, addr: from, oldLen: to - from, newLen: to - from };
    const gap = at === addr ? 0 : vma.start - lastEnd;
    lastEnd = vma.end;
    const r = remapVma(k, mm, vma, { ...part, newAddr: target + gap }, to - from, to - from, who);
    if (!r.ok) return r;
    if (at === addr) first = r;
    target = r.value.addr + (to - from);
    at = to;
  }
  return first;
}

/** check_mremap_params: returns the page-aligned old and new lengths. */
function checkParams(mm: Mm, req: MremapRequest): Result<[number, number]> {
  const { addr, oldLen, newLen, flags, newAddr } = req;
  if (flags & ~MREMAP_ALL) return failure("EINVAL", "unknown flags");
  if (![addr, oldLen, newLen, newAddr].every((n) => Number.isSafeInteger(n) && n >= 0))
    return failure("EINVAL");
  if (!pageAligned(addr)) return failure("EINVAL", "old address not page aligned");
  if (newLen === 0) return failure("EINVAL", "new length 0");
  if (impliesNewAddr(flags)) {
    if (!pageAligned(newAddr)) return failure("EINVAL", "new address not page aligned");
    if (!(flags & MREMAP_MAYMOVE)) return failure("EINVAL", "a new address needs MREMAP_MAYMOVE");
    if (flags & MREMAP_DONTUNMAP && oldLen !== newLen)
      return failure("EINVAL", "MREMAP_DONTUNMAP does not resize");
    if (mm.vmas.length + 2 >= MAX_MAP_COUNT - 3) return failure("ENOMEM", "too many mappings");
  }
  return success([pageAlignUp(oldLen), pageAlignUp(newLen)]);
}

/** mremap_at: no new address given: shrink, grow in place, or (MREMAP_MAYMOVE) move. */
function mremapAt(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  req: MremapRequest,
  oldLen: number,
  newLen: number,
  who: MremapCaller,
): Result<MremapOutcome> {
  const { addr } = req;
  const done = { addr, populate: null };
  if (newLen === oldLen) return success(done);
  if (newLen < oldLen) {
    const room = roomToUnmap(mm, addr + newLen, addr + oldLen);
    if (!room.ok) return room;
    unmapRange(k, mm, addr + newLen, oldLen - newLen);
    return success(done);
  }
  const valid = remapIsValid(vma, addr, oldLen, newLen);
  if (!valid.ok) return valid;
  const delta = newLen - oldLen;
  if (vma.end - addr === oldLen && expandable(mm, vma, delta)) {
    const charged = charge(k, mm, vma, delta / PAGE_SIZE, 0);
    if (!charged.ok) return charged;
    vma.end += delta;
    mm.mergeAround(mm.vmas.indexOf(vma));
    return success({
      addr,
      populate: vma.flags & VM_LOCKED ? [addr + oldLen, addr + newLen] : null,
    });
  }
  if (!(req.flags & MREMAP_MAYMOVE)) return failure("ENOMEM", "cannot grow in place");
  const to = unmappedArea(mm, vma, addr, newLen, 0);
  if (!to.ok) return to;
  if (!breakKsm(k, mm, vma, addr, oldLen, who)) return failure("ENOMEM");
  const checked = checkMove(k, mm, vma, oldLen, newLen, req.flags, 0);
  if (!checked.ok) return checked;
  return success(moveVma(k, mm, vma, addr, oldLen, newLen, to.value, req.flags));
}

/** mremap_to: MREMAP_FIXED (the destination is unmapped first) or MREMAP_DONTUNMAP. */
function mremapTo(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  req: MremapRequest,
  oldLen: number,
  newLen: number,
  who: MremapCaller,
): Result<MremapOutcome> {
  const { addr, flags } = req;
  if (newLen > TASK_SIZE || req.newAddr > TASK_SIZE - newLen)
    return failure("EINVAL", "new range beyond the address space");
  if (addr + oldLen > req.newAddr && req.newAddr + newLen > addr)
    return failure("EINVAL", "old and new ranges overlap");
  const fixed = (flags & MREMAP_FIXED) !== 0;
  if (fixed) {
    const room = roomToUnmap(mm, req.newAddr, req.newAddr + newLen);
    if (!room.ok) return room;
  }
  const shrink = newLen < oldLen;
  if (shrink) {
    const room = roomToUnmap(mm, addr + newLen, addr + oldLen);
    if (!room.ok) return room;
  }
  const moved = shrink ? newLen : oldLen;
  const valid = remapIsValid(vma, addr, moved, newLen, flags);
  if (!valid.ok) return valid;
  let to = req.newAddr;
  if (!fixed) {
    const found = unmappedArea(mm, vma, addr, newLen, req.newAddr);
    if (!found.ok) return found;
    to = found.value;
  }
  // What the unmaps before the move give back counts for its charge, as
  // Linux unmaps before it charges.
  const freed =
    (fixed ? accountedIn(mm, to, to + newLen) : 0) +
    (shrink ? accountedIn(mm, addr + newLen, addr + oldLen) : 0);
  if (!breakKsm(k, mm, vma, addr, moved, who)) return failure("ENOMEM");
  const checked = checkMove(k, mm, vma, moved, newLen, flags, freed);
  if (!checked.ok) return checked;
  if (fixed) unmapRange(k, mm, to, newLen);
  if (shrink) unmapRange(k, mm, addr + newLen, oldLen - newLen);
  // The unmaps may have split the VMA; the range [addr, addr + moved) is in one piece of it.
  const source = mm.vmaAt(addr)!;
  return success(moveVma(k, mm, source, addr, moved, newLen, to, flags));
}

/**
 * remap_is_valid: the old range lies in one VMA, and a growing one may grow.
 * (RLIMIT_AS, RLIMIT_DATA and RLIMIT_MEMLOCK are unlimited in cowsh.)
 */
function remapIsValid(
  vma: Vma,
  addr: number,
  oldLen: number,
  newLen: number,
  flags = 0,
): Result<void> {
  if (oldLen === 0 && !(vma.flags & (VM_SHARED | VM_MAYSHARE)))
    return failure("EINVAL", "old length 0 duplicates only shared mappings");
  if (flags & MREMAP_DONTUNMAP && vma.flags & (VM_DONTEXPAND | VM_PFNMAP))
    return failure("EINVAL", "MREMAP_DONTUNMAP of a special mapping");
  if (oldLen > vma.end - addr) return failure("EFAULT", "old range spans several mappings");
  if (newLen === oldLen) return success(undefined);
  if (vma.flags & (VM_DONTEXPAND | VM_PFNMAP))
    return failure("EFAULT", "a special mapping cannot grow");
  return success(undefined);
}

/** vma_expandable: the `delta` bytes after the VMA are free and inside the address space. */
const expandable = (mm: Mm, vma: Vma, delta: number): boolean =>
  vma.end + delta <= TASK_SIZE && mm.isFree(vma.end, vma.end + delta);

/** Whether unmapping [start, end) may split VMAs (vm.max_map_count), as munmap checks. */
function roomToUnmap(mm: Mm, start: number, end: number): Result<void> {
  let splits = 0;
  for (const at of [start, end]) {
    const v = mm.vmaAt(at);
    if (v !== undefined && v.start < at) splits++;
  }
  return splits > 0 && mm.vmas.length + splits - 1 >= MAX_MAP_COUNT
    ? failure("ENOMEM", "too many mappings")
    : success(undefined);
}

/** The VM_ACCOUNT pages of `mm`'s mappings inside [start, end). */
function accountedIn(mm: Mm, start: number, end: number): number {
  let pages = 0;
  for (let i = mm.findIndex(start); i < mm.vmas.length && mm.vmas[i]!.start < end; i++) {
    const v = mm.vmas[i]!;
    pages += accountedPages({ ...v, start: Math.max(start, v.start), end: Math.min(end, v.end) });
  }
  return pages;
}

/**
 * vrm_calc_charge's check for an accounted VMA: charges `pages` (ENOMEM if
 * overcommit refuses), with `freed` pages, about to be given back by the
 * unmaps that come first, not counted as committed.
 */
function charge(k: Kernel, mm: Mm, vma: Vma, pages: number, freed: number): Result<void> {
  if (!(vma.flags & VM_ACCOUNT) || pages === 0) return success(undefined);
  k.commit.unacct(freed);
  const r = vmEnoughMemory(k, mm, pages);
  k.commit.acct(freed);
  return r;
}

/**
 * prep_move_vma's ksm_madvise(MADV_UNMERGEABLE): the KSM pages of the
 * range to move are broken first (private copies, each a minor fault of
 * the caller), lest they turn up at the new place where other KSM pages
 * were; the VMA stays VM_MERGEABLE, so ksmd merges them again later.
 * False when memory ran out.
 */
function breakKsm(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  addr: number,
  len: number,
  who: MremapCaller,
): boolean {
  return !(vma.flags & VM_MERGEABLE) || unmergeKsmPages(k, who, mm, addr, addr + len);
}

/** prep_move_vma's room check and the move's charge (kept on success). */
function checkMove(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  oldLen: number,
  newLen: number,
  flags: number,
  freed: number,
): Result<void> {
  if (mm.vmas.length >= MAX_MAP_COUNT - 3) return failure("ENOMEM", "too many mappings");
  const pages = (flags & MREMAP_DONTUNMAP ? newLen : newLen - oldLen) / PAGE_SIZE;
  return charge(k, mm, vma, pages, freed);
}

/**
 * get_unmapped_area for the moved mapping: the hint if it is free, else
 * the highest free range, 2 MiB-aligned as __thp_get_unmapped_area aligns
 * private anonymous memory of a multiple of 2 MiB and regular files
 * (relative to the mapping's offset: an anonymous VMA's is its first
 * address, so a moved region keeps its place within 2 MiB).
 */
function unmappedArea(mm: Mm, vma: Vma, addr: number, len: number, hint: number): Result<number> {
  if (
    hint !== 0 &&
    hint >= MMAP_MIN_ADDR &&
    hint + len <= mm.mmapBase &&
    mm.isFree(hint, hint + len)
  )
    return success(hint);
  const pgoff = vma.pgoff + (addr - vma.start) / PAGE_SIZE;
  const off = pgoff * PAGE_SIZE;
  const offAlign = Math.ceil(off / PMD_SIZE) * PMD_SIZE;
  const fits = off + len > offAlign && off + len - offAlign >= PMD_SIZE;
  const align =
    vma.file === null
      ? !(vma.flags & VM_MAYSHARE) &&
        vma.special === null &&
        hint === 0 &&
        len % PMD_SIZE === 0 &&
        fits
      : !vma.file.shmem && fits;
  const at = mm.unmappedArea(len, align, pgoff);
  return at < 0 ? failure("ENOMEM", "no free address range") : success(at);
}

/**
 * move_vma, after every check passed and the charge was made: the new VMA
 * (copy_vma, merged with its neighbours where it can be), the PTEs moved,
 * then the old range unmapped, its charge kept for the new VMA; or, with
 * MREMAP_DONTUNMAP, the old VMA left empty, unlocked and without its
 * anon_vma when it moved whole (dontunmap_complete). The caller made the
 * charge (checkMove). total_vm's peak is as it was before the move
 * (move_vma restores hiwater_vm).
 */
function moveVma(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  addr: number,
  oldLen: number,
  newLen: number,
  to: number,
  flags: number,
): MremapOutcome {
  const hiwaterVm = mm.hiwaterVm;
  const fresh = isAnonymous(vma) && vma.anonVma === null;
  const moved = copyVma(vma, {
    start: to,
    end: to + newLen,
    // An anonymous VMA that never held a page takes its new place's offset (copy_vma).
    pgoff: fresh ? to / PAGE_SIZE : vma.pgoff + (addr - vma.start) / PAGE_SIZE,
    ra: vma.ra && { ...vma.ra },
  });
  mm.mergeAround(mm.insert(moved));
  movePageTables(k, mm, addr, to, oldLen);
  if (flags & MREMAP_DONTUNMAP) {
    vma.flags &= ~VM_LOCKED_MASK;
    if (vma.start === addr && vma.end === addr + oldLen) {
      vma.anonVma = null; // unlink_anon_vmas
      vma.anonVmaForked = false;
    }
  } else if (oldLen > 0) {
    const account = vma.flags & VM_ACCOUNT ? oldLen / PAGE_SIZE : 0;
    unmapRange(k, mm, addr, oldLen);
    k.commit.acct(account); // the moved pages' charge stays (unmap_source_vma)
  }
  mm.hiwaterVm = hiwaterVm;
  const locked = (moved.flags & VM_LOCKED) !== 0 && newLen > oldLen;
  return { addr: to, populate: locked ? [to + oldLen, to + newLen] : null };
}

/**
 * move_page_tables over [from, from + len) to `to`: realigned down to
 * 2 MiB where both ranges sit at the same offset within 2 MiB and nothing
 * is mapped below them in their region (try_realign_addr); then, region by
 * region, a whole table moves when a whole aligned 2 MiB moves to a region
 * without one (move_normal_pmd), else the entries move one by one with
 * their young bits (move_ptes). With soft-dirty tracking an entry moved
 * one by one is marked soft-dirty (move_soft_dirty_pte); a table moved
 * whole keeps its entries as they were, as move_normal_pmd does.
 */
function movePageTables(k: Kernel, mm: Mm, from: number, to: number, len: number): void {
  const end = from + len;
  let old = from;
  let nu = to;
  const within = (a: number): number => a % PMD_SIZE;
  if (
    within(old) !== 0 &&
    within(old) === within(nu) &&
    len >= PMD_SIZE - within(old) &&
    canAlignDown(mm, old) &&
    canAlignDown(mm, nu)
  ) {
    old -= within(old);
    nu -= within(nu);
  }
  const pt = mm.pt;
  const softDirty = k.config.softDirty;
  while (old < end) {
    const extent = Math.min(PMD_SIZE - within(old), end - old, PMD_SIZE - within(nu));
    const oldKey = regionOf(old / PAGE_SIZE);
    const newKey = regionOf(nu / PAGE_SIZE);
    if (pt.isHuge(oldKey)) {
      // move_pgt_entry(HPAGE_PMD): a huge PMD moves whole to an aligned
      // place whose PMD is none (move_huge_pmd); anywhere else it is split
      // and its PTEs move below.
      if (extent === PMD_SIZE && !pt.hasTable(newKey)) {
        moveHugePmd(k, mm, oldKey, newKey);
        old += extent;
        nu += extent;
        continue;
      }
      splitHugePmd(k, mm, oldKey);
    }
    if (pt.hasTable(oldKey)) {
      if (extent === PMD_SIZE && !pt.hasTable(newKey)) movePteTable(pt, oldKey, newKey);
      else movePtes(mm, old, nu, extent / PAGE_SIZE, softDirty);
    }
    old += extent;
    nu += extent;
  }
}

/** can_align_down: a VMA starts at `addr` and nothing is mapped from its 2 MiB boundary up to it. */
function canAlignDown(mm: Mm, addr: number): boolean {
  const v = mm.vmaAt(addr);
  return v !== undefined && v.start === addr && mm.isFree(addr - (addr % PMD_SIZE), addr);
}

/** move_ptes: `n` entries from `from` to `to`, both inside one region each. */
function movePtes(mm: Mm, from: number, to: number, n: number, softDirty: boolean): void {
  const src = mm.pt.span();
  const dst = mm.pt.span();
  const lo = (from / PAGE_SIZE) % PTRS_PER_PTE;
  const nlo = (to / PAGE_SIZE) % PTRS_PER_PTE;
  src.seek(regionOf(from / PAGE_SIZE), lo, lo + n);
  if (!src.anyEntry()) return;
  const table = src.writable();
  dst.seek(regionOf(to / PAGE_SIZE), nlo, nlo + n);
  for (let j = 0; j < n; j++) {
    const pte = table[lo + j]!;
    if (pte === 0) continue;
    const young = src.isYoung(lo + j);
    table[lo + j] = 0;
    src.mkOld(lo + j);
    dst.set(nlo + j, softDirty ? pte | PTE_SOFT_DIRTY : pte);
    if (young) dst.mkYoung(nlo + j);
  }
}
