/**
 * The memory-management system calls on one address space: mmap, munmap,
 * mprotect, madvise, mlock, brk, msync (mm/mmap.c, mm/vma.c, mm/mprotect.c,
 * mm/madvise.c, mm/mlock.c, mm/msync.c).
 *
 * Each call validates everything before changing anything, so a failed call
 * leaves the address space exactly as it was.
 */

import type { Accessor } from "./access.js";
import { OVERCOMMIT_NEVER, shmemAcctSize, vmEnoughMemory } from "./commit.js";
import {
  MADV_COLD,
  MADV_COLLAPSE,
  MADV_DODUMP,
  MADV_DOFORK,
  MADV_DONTDUMP,
  MADV_DONTFORK,
  MADV_DONTNEED,
  MADV_FREE,
  MADV_HUGEPAGE,
  MADV_KEEPONFORK,
  MADV_MERGEABLE,
  MADV_NOHUGEPAGE,
  MADV_NORMAL,
  MADV_PAGEOUT,
  MADV_POPULATE_READ,
  MADV_POPULATE_WRITE,
  MADV_RANDOM,
  MADV_SEQUENTIAL,
  MADV_UNMERGEABLE,
  MADV_WILLNEED,
  MADV_WIPEONFORK,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_HUGETLB,
  MAP_NORESERVE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_STACK,
  MAX_MAP_COUNT,
  PAGE_SIZE,
  PMD_SIZE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  pageAlignUp,
  TASK_SIZE,
  VM_ACCOUNT,
  VM_DONTCOPY,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_EXEC,
  VM_HUGEPAGE,
  VM_HUGETLB,
  VM_LOCKED,
  VM_MAYEXEC,
  VM_MAYREAD,
  VM_MAYWRITE,
  VM_MERGEABLE,
  VM_NOHUGEPAGE,
  VM_NORESERVE,
  VM_PFNMAP,
  VM_RAND_READ,
  VM_READ,
  VM_SEQ_READ,
  VM_SHARED,
  VM_SOFTDIRTY,
  VM_WIPEONFORK,
  VM_WRITE,
} from "./constants.js";
import { wantsWritenotify } from "./fault.js";
import {
  madviseCollapse,
  shmemAlignsMapping,
  splitHugePmdsAround,
  splitHugePmdsIn,
} from "./huge-memory.js";
import {
  HPAGE_SIZE,
  hugetlbChangeProtection,
  hugetlbReservePages,
  isVmHugetlb,
  newHugetlbFile,
  unmapHugepageRange,
} from "./hugetlb.js";
import type { Kernel } from "./kernel.js";
import { ksmCompatible, unmergeKsmPages } from "./ksm.js";
import {
  canMadvLru,
  coldOrPageout,
  madviseFree,
  madvisePopulate,
  madviseWillneed,
} from "./madvise.js";
import {
  accountedPagesOf,
  freePgtables,
  lockedPages,
  type Mm,
  munlockUnmapped,
  normalPage,
  type ZapStats,
  zapRange,
} from "./mm.js";
import {
  PTE_WRITE,
  pteDirty,
  pteMkclean,
  ptePfn,
  ptePresent,
  pteSoftDirty,
  pteWrite,
  pteWrprotect,
} from "./page-table.js";
import { KIND_ANON, PG_DIRTY, PG_MLOCKED, PG_PRIVATE } from "./phys.js";
import { failure, type Result, success } from "./result.js";
import type { Inode } from "./vfs.js";
import {
  isAnonymous,
  mmapFlags,
  newAnonVma,
  newVma,
  protToVmFlags,
  type SpecialMapping,
  VM_SPECIAL,
  type Vma,
} from "./vma.js";

export interface MmapRequest {
  /** Hint or, with MAP_FIXED, the exact address; 0 for none. */
  readonly addr: number;
  readonly length: number;
  readonly prot: number;
  /** MAP_* flags. */
  readonly flags: number;
  /** The file for a file mapping; null for MAP_ANONYMOUS. */
  readonly file: Inode | null;
  /** The file was opened for writing (decides VM_SHARED for MAP_SHARED). */
  readonly fileWritable: boolean;
  /** Byte offset into the file. */
  readonly offset: number;
  /** A name given at once, as prctl(PR_SET_VMA_ANON_NAME) right after mmap would (anonymous memory only). */
  readonly name?: string;
}

const pageAligned = (n: number): boolean => n % PAGE_SIZE === 0;
const VALID_PROT = PROT_READ | PROT_WRITE | PROT_EXEC;

/** Checks mmap's arguments as do_mmap does; returns the VMA flags. */
function mmapCheck(k: Kernel, req: MmapRequest): Result<number> {
  const type = req.flags & (MAP_SHARED | MAP_PRIVATE);
  if (type !== MAP_SHARED && type !== MAP_PRIVATE)
    return failure("EINVAL", "neither MAP_SHARED nor MAP_PRIVATE");
  if (req.length <= 0 || !Number.isSafeInteger(req.length)) return failure("EINVAL", "bad length");
  if (req.prot & ~VALID_PROT) return failure("EINVAL", "bad protection");
  if (!pageAligned(req.offset) || req.offset < 0)
    return failure("EINVAL", "offset not page aligned");
  const len = pageAlignUp(req.length);
  if (len > TASK_SIZE) return failure("ENOMEM", "length beyond the address space");
  if (req.flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) && !pageAligned(req.addr))
    return failure("EINVAL", "fixed address not page aligned");
  if (req.flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) && req.addr + len > TASK_SIZE) {
    return failure("ENOMEM", "beyond the address space");
  }
  if (req.file !== null) {
    if (req.file.type !== "reg") return failure("ENODEV");
    if (type === MAP_SHARED && req.prot & PROT_WRITE && !req.fileWritable) return failure("EACCES");
  } else if (!(req.flags & MAP_ANONYMOUS)) return failure("EBADF");
  const anonymous = req.file === null;
  let flags = mmapFlags(req.prot, type === MAP_SHARED, req.fileWritable, anonymous);
  // MAP_NORESERVE is honoured unless overcommit is strict; a mapping with
  // VM_NORESERVE is not accountable, and shared anonymous memory made with
  // it is charged by its pages, not its size.
  if (req.flags & MAP_NORESERVE && k.commit.overcommitMemory !== OVERCOMMIT_NEVER)
    flags = (flags & ~VM_ACCOUNT) | VM_NORESERVE;
  if (req.flags & MAP_STACK) flags |= VM_NOHUGEPAGE; // smaps "nh" on redis's bio thread stacks
  if (k.config.softDirty) flags |= VM_SOFTDIRTY;
  return success(flags);
}

/** Chooses the address (get_unmapped_area, with THP alignment of 2 MiB multiples). */
function chooseAddress(k: Kernel, mm: Mm, req: MmapRequest, len: number): Result<number> {
  if (req.flags & MAP_FIXED) return success(req.addr);
  if (req.flags & MAP_FIXED_NOREPLACE)
    return mm.isFree(req.addr, req.addr + len) ? success(req.addr) : failure("EEXIST");
  if (req.addr !== 0) {
    const hint = Math.floor(req.addr / PAGE_SIZE) * PAGE_SIZE;
    if (hint >= 0x10000 && hint + len <= mm.mmapBase && mm.isFree(hint, hint + len))
      return success(hint);
  }
  if (req.file === null ? req.flags & MAP_SHARED : req.file.shmem)
    return shmemUnmappedArea(k, mm, req, len);
  // Private anonymous memory whose length is a multiple of 2 MiB, and file mappings
  // covering at least one aligned 2 MiB of the file, are THP-aligned
  // (__get_unmapped_area -> thp_get_unmapped_area).
  const pgoff = req.offset / PAGE_SIZE;
  let align = false;
  if (req.file === null) align = !(req.flags & MAP_SHARED) && len % PMD_SIZE === 0;
  else if (!req.file.shmem) {
    const offAlign = Math.ceil(req.offset / PMD_SIZE) * PMD_SIZE;
    align = req.offset + len > offAlign && req.offset + len - offAlign >= PMD_SIZE;
  }
  const addr = mm.unmappedArea(len, align, pgoff);
  return addr < 0 ? failure("ENOMEM", "no free address range") : success(addr);
}

/**
 * shmem_get_unmapped_area, for shared anonymous memory and shmem files
 * (scenario 100): the plain top-down address, unless PMD mappings may come
 * (shmemAlignsMapping) and it is not at the file offset's place within
 * 2 MiB; then an area 2 MiB - 4 KiB longer is found and the start moved up
 * to that place, leaving the rest of the inflated area free.
 */
function shmemUnmappedArea(k: Kernel, mm: Mm, req: MmapRequest, len: number): Result<number> {
  const plain = mm.unmappedArea(len, false, 0);
  if (plain < 0) return failure("ENOMEM", "no free address range");
  if (!shmemAlignsMapping(k, req.file, len)) return success(plain);
  const offset = req.file === null ? 0 : req.offset % PMD_SIZE;
  if ((offset !== 0 && offset + len < 2 * PMD_SIZE) || plain % PMD_SIZE === offset)
    return success(plain);
  const inflated = mm.unmappedArea(len + PMD_SIZE - PAGE_SIZE, false, 0);
  if (inflated < 0) return success(plain);
  const inflatedOffset = inflated % PMD_SIZE;
  const at = inflated + offset - inflatedOffset + (inflatedOffset > offset ? PMD_SIZE : 0);
  return success(at > TASK_SIZE - len ? plain : at);
}

/** mmap(2). The new VMA merges with compatible neighbours. Returns the start address. */
export function doMmap(
  k: Kernel,
  mm: Mm,
  req: MmapRequest,
  shmemObject: () => Inode,
): Result<number> {
  const flags = mmapCheck(k, req);
  if (!flags.ok) return flags;
  if (req.name !== undefined) {
    const named = checkAnonName(k, req.name);
    if (!named.ok) return named;
    if (req.file !== null) return failure("EBADF", "not anonymous memory");
  }
  if (req.flags & MAP_HUGETLB) return mmapHugetlb(k, mm, req, flags.value);
  const len = pageAlignUp(req.length);
  const where = chooseAddress(k, mm, req, len);
  if (!where.ok) return where;
  const addr = where.value;
  const shared = (req.flags & MAP_SHARED) !== 0;
  // The charge (mmap_region): a private writable mapping's pages, less
  // those of accounted mappings MAP_FIXED replaces, which stay charged.
  const accountable = (flags.value & VM_ACCOUNT) !== 0;
  const replaced = req.flags & MAP_FIXED ? accountedPagesOf(overlapping(mm, addr, addr + len)) : 0;
  const charge = accountable ? len / PAGE_SIZE - replaced : 0;
  if (charge > 0) {
    const r = vmEnoughMemory(k, mm, charge);
    if (!r.ok) return r;
  }
  const file = req.file ?? (shared ? shmemObject() : null);
  if (req.file === null && shared && !(flags.value & VM_NORESERVE)) {
    const r = shmemAcctSize(k, mm, file!, len);
    if (!r.ok) return r;
  }
  if (req.flags & MAP_FIXED) {
    unmapRange(k, mm, addr, len);
    if (accountable) k.commit.acct(replaced);
  }
  const vma = newVma(
    addr,
    addr + len,
    flags.value,
    file === null ? addr / PAGE_SIZE : req.offset / PAGE_SIZE,
    {
      file,
      anonName: req.name === undefined || req.name === "" ? null : req.name,
    },
  );
  if (req.file === null && shared) file!.size = len;
  mm.mergeAround(mm.insert(vma));
  return success(addr);
}

/**
 * mmap(MAP_HUGETLB) (ksys_mmap_pgoff + hugetlbfs_file_mmap): the length is
 * rounded up to 2 MiB, a MAP_FIXED address must be 2 MiB aligned, and a
 * free address is; the mapping is of a new hugetlbfs file, VM_HUGETLB |
 * VM_DONTEXPAND, never charged to Committed_AS; MAP_NORESERVE always gives
 * VM_NORESERVE (no reservation), else every huge page of it is reserved
 * now or mmap fails with ENOMEM (hugetlb.ts). A private mapping's anon_vma
 * is made now: it names the owner of the reservations.
 */
function mmapHugetlb(k: Kernel, mm: Mm, req: MmapRequest, checked: number): Result<number> {
  if (req.file !== null) return failure("EINVAL", "MAP_HUGETLB of a file");
  const len = Math.ceil(req.length / HPAGE_SIZE) * HPAGE_SIZE;
  if (len > TASK_SIZE) return failure("ENOMEM", "length beyond the address space");
  if (req.flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) && req.addr % HPAGE_SIZE !== 0)
    return failure("EINVAL", "fixed address not 2 MiB aligned");
  let addr = req.addr;
  if (req.flags & MAP_FIXED_NOREPLACE) {
    if (!mm.isFree(addr, addr + len)) return failure("EEXIST");
  } else if (!(req.flags & MAP_FIXED)) {
    addr = mm.unmappedArea(len, true, 0);
    if (addr < 0) return failure("ENOMEM", "no free address range");
  }
  const shared = (req.flags & MAP_SHARED) !== 0;
  let flags = mmapFlags(req.prot, shared, true, false) & ~VM_ACCOUNT;
  flags |= VM_HUGETLB | VM_DONTEXPAND | (checked & VM_SOFTDIRTY);
  if (req.flags & MAP_NORESERVE) flags |= VM_NORESERVE;
  const file = newHugetlbFile();
  const reserved = hugetlbReservePages(k.hugetlb, file, 0, len / HPAGE_SIZE, req.flags);
  if (!reserved.ok) return reserved;
  if (req.flags & MAP_FIXED) unmapRange(k, mm, addr, len);
  const inode = k.vfs.newHugetlbObject(len);
  inode.hugetlb = file;
  k.hugetlb.files.add(inode);
  const vma = newVma(addr, addr + len, flags, 0, { file: inode });
  if (!shared) {
    vma.anonVma = newAnonVma();
    file.owner = vma.anonVma;
  }
  mm.insert(vma);
  return success(addr);
}

/** Maps a special mapping ([vvar], [vdso]) at addr. */
export function mapSpecial(
  mm: Mm,
  addr: number,
  pages: number,
  flags: number,
  special: SpecialMapping,
): Vma {
  const vma = newVma(addr, addr + pages * PAGE_SIZE, flags, 0, { special });
  mm.insert(vma);
  return vma;
}

/** The parts of `mm`'s VMAs inside [start, end), as VMAs of their own (nothing is split). */
function overlapping(mm: Mm, start: number, end: number): Vma[] {
  const parts: Vma[] = [];
  for (let i = mm.findIndex(start); i < mm.vmas.length && mm.vmas[i]!.start < end; i++) {
    const vma = mm.vmas[i]!;
    parts.push({ ...vma, start: Math.max(start, vma.start), end: Math.min(end, vma.end) });
  }
  return parts;
}

/**
 * Removes [start, start + len) from the address space, whatever is mapped
 * there, and gives back the charge of its VM_ACCOUNT pages.
 */
export function unmapRange(k: Kernel, mm: Mm, start: number, len: number): ZapStats {
  const stats: ZapStats = { unmapped: 0, freed: 0 };
  const end = start + len;
  if (mm.isFree(start, end)) return stats;
  mm.updateHiwaterVm();
  splitHugePmdsAround(k, mm, start, end); // vma_adjust_trans_huge
  const [i, j] = mm.splitAround(start, end);
  const removed = mm.vmas.slice(i, j);
  for (const vma of removed) zapRange(k, mm, vma, vma.start, vma.end, stats);
  mm.vmas.splice(i, j - i);
  k.commit.unacct(accountedPagesOf(removed));
  freePgtables(mm);
  munlockUnmapped(k, stats);
  return stats;
}

/** munmap(2). Unmapping a range with nothing in it succeeds. */
export function doMunmap(k: Kernel, mm: Mm, start: number, len: number): Result<ZapStats> {
  if (!pageAligned(start) || len <= 0 || !Number.isSafeInteger(len)) return failure("EINVAL");
  const end = start + pageAlignUp(len);
  if (end > TASK_SIZE) return failure("EINVAL");
  const room = roomToSplit(mm, start, end);
  if (!room.ok) return room;
  return success(unmapRange(k, mm, start, end - start));
}

/**
 * Whether cutting VMAs at `start` and `end` stays within vm.max_map_count:
 * __split_vma refuses (ENOMEM) once the mm holds that many.
 */
function roomToSplit(mm: Mm, start: number, end: number, splitting = true): Result<void> {
  let splits = 0;
  for (const at of [start, end]) {
    const vma = mm.vmaAt(at);
    if (vma !== undefined && vma.start < at) splits++;
    // hugetlb_vm_op_split: a hugetlb VMA splits only at a huge page boundary
    const cut = splitting && vma !== undefined && vma.start < at;
    if (cut && isVmHugetlb(vma) && at % HPAGE_SIZE !== 0)
      return failure("EINVAL", "not at a huge page boundary");
  }
  return splits > 0 && mm.vmas.length + splits - 1 >= MAX_MAP_COUNT
    ? failure("ENOMEM", "too many mappings")
    : success(undefined);
}

/** Checks that [start, end) is covered by VMAs without holes (mprotect, mlock, madvise). */
function coveredWithoutHoles(mm: Mm, start: number, end: number): boolean {
  let at = start;
  for (let i = mm.findIndex(start); at < end; i++) {
    const vma = mm.vmas[i];
    if (vma === undefined || vma.start > at) return false;
    at = vma.end;
  }
  return true;
}

/** Validates a range argument: page-aligned start, length rounded up, within user space. */
function rangeOf(start: number, len: number): Result<number> {
  if (!pageAligned(start) || len < 0 || !Number.isSafeInteger(len)) return failure("EINVAL");
  const end = start + pageAlignUp(len);
  if (end > TASK_SIZE) return failure("ENOMEM");
  return success(end);
}

/**
 * Applies `change` to the flags of every VMA in [start, end): splits at the
 * edges, changes, then merges what became compatible (vma_modify_flags).
 * Callers check roomToSplit first.
 */
function modifyFlags(mm: Mm, start: number, end: number, change: (vma: Vma) => void): void {
  const [i, j] = mm.splitAround(start, end);
  const touched = mm.vmas.slice(i, j);
  for (const vma of touched) change(vma);
  for (const vma of touched) {
    const at = mm.vmas.indexOf(vma);
    if (at >= 0) mm.mergeAround(at);
  }
}

/**
 * mprotect(2). A VMA whose flags change gets its PTEs rewritten
 * (mprotect_fixup -> change_protection): without write access they are
 * write-protected; with it, they become writable where makeWritable says.
 */
export function doMprotect(
  k: Kernel,
  mm: Mm,
  start: number,
  len: number,
  prot: number,
): Result<void> {
  const end = rangeOf(start, len);
  if (!end.ok) return end;
  if (prot & ~VALID_PROT) return failure("EINVAL");
  if (!coveredWithoutHoles(mm, start, end.value)) return failure("ENOMEM");
  const room = roomToSplit(mm, start, end.value);
  if (!room.ok) return room;
  const want = protToVmFlags(prot);
  for (let i = mm.findIndex(start); i < mm.vmas.length && mm.vmas[i]!.start < end.value; i++) {
    const vma = mm.vmas[i]!;
    const may = (vma.flags & (VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)) >> 4;
    if (want & ~may) return failure("EACCES");
  }
  const charged = chargeMprotect(k, mm, start, end.value, want);
  if (!charged.ok) return charged;
  splitHugePmdsAround(k, mm, start, end.value); // vma_adjust_trans_huge
  modifyFlags(mm, start, end.value, (vma) => {
    let flags = (vma.flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | want;
    if (flags === vma.flags) return; // mprotect_fixup: nothing to change
    if (becomesAccounted(vma.flags, want)) flags |= VM_ACCOUNT;
    else if (losesAccount(vma, want)) {
      flags &= ~VM_ACCOUNT;
      k.commit.unacct((vma.end - vma.start) / PAGE_SIZE);
    }
    vma.flags = flags;
    const lo = Math.max(vma.start, start);
    const hi = Math.min(vma.end, end.value);
    if (isVmHugetlb(vma)) hugetlbChangeProtection(mm, vma, lo, hi);
    else if (flags & VM_WRITE) makeWritable(k, mm, vma, lo, hi);
    else writeProtect(mm, lo, hi);
  });
  return success(undefined);
}

/** mprotect_fixup: a private mapping made writable for the first time is charged (never hugetlb). */
const becomesAccounted = (old: number, want: number): boolean =>
  (want & VM_WRITE) !== 0 &&
  !(old & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE));

/**
 * mprotect_fixup: an accounted anonymous mapping made read-only before it
 * ever held a page (no anon_vma) gives its charge back.
 */
const losesAccount = (vma: Vma, want: number): boolean =>
  !(want & VM_WRITE) && (vma.flags & VM_ACCOUNT) !== 0 && isAnonymous(vma) && vma.anonVma === null;

/**
 * The charges mprotect(start, end, want) makes, one per VMA piece made
 * writable (mprotect_fixup calls security_vm_enough_memory_mm for each):
 * all of them, or none and ENOMEM. Linux keeps the pieces done before a
 * refused one changed; cowsh checks them all before changing anything.
 */
function chargeMprotect(k: Kernel, mm: Mm, start: number, end: number, want: number): Result<void> {
  let total = 0;
  for (const piece of overlapping(mm, start, end)) {
    const flags = (piece.flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | want;
    if (flags === piece.flags || !becomesAccounted(piece.flags, want)) continue;
    const pages = (piece.end - piece.start) / PAGE_SIZE;
    const r = vmEnoughMemory(k, mm, pages);
    if (!r.ok) {
      k.commit.unacct(total);
      return r;
    }
    total += pages;
  }
  return success(undefined);
}

/** Clears the write bit of every present PTE in [start, end) (change_pte_range, write-protecting). */
function writeProtect(mm: Mm, start: number, end: number): void {
  mm.pt.walk(start / PAGE_SIZE, end / PAGE_SIZE, {
    pteEntry(pte, i, span) {
      if (ptePresent(pte) && pteWrite(pte)) span.set(i, pteWrprotect(pte));
    },
  });
}

/**
 * change_pte_range on a VMA that now has VM_WRITE (its flags already set).
 * A shared mapping that needs no write-notify (shmem) is writable through
 * its page protection (vm_page_prot): every PTE becomes writable. Anywhere
 * else (vma_wants_manual_pte_write_upgrade) a PTE is made writable only if
 * can_change_pte_writable() says a write fault would do just that: an
 * exclusive anonymous page in a private mapping, a dirty PTE (whose file was
 * already notified) in a write-notify shared one, and in both cases not a
 * PTE that soft-dirty tracking wants to see written.
 */
function makeWritable(k: Kernel, mm: Mm, vma: Vma, start: number, end: number): void {
  const shared = (vma.flags & VM_SHARED) !== 0;
  const manual = !shared || wantsWritenotify(k, vma);
  const trackSoftDirty = k.config.softDirty && !(vma.flags & VM_SOFTDIRTY);
  mm.pt.walk(start / PAGE_SIZE, end / PAGE_SIZE, {
    pteEntry(pte, i, span) {
      const pfn = normalPage(vma, pte);
      if (pfn < 0 || pteWrite(pte)) return;
      if (manual) {
        if (trackSoftDirty && !pteSoftDirty(pte)) return;
        const ok = shared
          ? pteDirty(pte)
          : k.phys.anonExclusive(pfn) && k.phys.kind(pfn) === KIND_ANON;
        if (!ok) return;
      }
      span.set(i, pte | PTE_WRITE);
    },
  });
}

/**
 * KSM's advice: VM_MERGEABLE set (`on`) or cleared in the part of
 * [start, end) of each of `vmas` that `changes`; the others are neither
 * split nor changed (madvise_update_vma returns early when the flags stay),
 * so a hugetlb VMA is left whole wherever the range cuts it.
 */
function modifyKsmFlags(
  mm: Mm,
  vmas: readonly Vma[],
  start: number,
  end: number,
  changes: (vma: Vma) => boolean,
  on: number,
): void {
  const parts = vmas
    .filter(changes)
    .map((v) => [Math.max(start, v.start), Math.min(end, v.end)] as const);
  for (const [from, to] of parts)
    modifyFlags(mm, from, to, (v) => (v.flags = (v.flags & ~VM_MERGEABLE) | on));
}

/** Advice that acts on pages and leaves the VMAs whole (no split, so no hugetlb alignment to keep). */
const ADVICE_WITHOUT_SPLIT = new Set([
  MADV_DONTNEED,
  MADV_FREE,
  MADV_COLD,
  MADV_PAGEOUT,
  MADV_WILLNEED,
  MADV_POPULATE_READ,
  MADV_POPULATE_WRITE,
  // ksm_madvise changes only the VMAs KSM can handle (modifyKsmFlags)
  MADV_MERGEABLE,
  MADV_UNMERGEABLE,
]);

/**
 * madvise(2) for the advice values cowsh models. `who` is the calling
 * task, whose faults MADV_POPULATE_* counts (without one they count nowhere).
 */
export function doMadvise(
  k: Kernel,
  mm: Mm,
  start: number,
  len: number,
  advice: number,
  who: Accessor | null = null,
): Result<void> {
  const end = rangeOf(start, len);
  if (!end.ok) return end;
  if (!coveredWithoutHoles(mm, start, end.value)) return failure("ENOMEM");
  const room = roomToSplit(mm, start, end.value, !ADVICE_WITHOUT_SPLIT.has(advice));
  if (!room.ok) return room;
  const vmas = mm.vmas.filter((v) => v.start < end.value && v.end > start);
  splitHugePmdsAround(k, mm, start, end.value); // vma_adjust_trans_huge
  const set = (on: number, off = 0) =>
    modifyFlags(mm, start, end.value, (v) => (v.flags = (v.flags & ~off) | on));
  switch (advice) {
    case MADV_NORMAL:
      set(0, VM_SEQ_READ | VM_RAND_READ);
      break;
    case MADV_RANDOM:
      set(VM_RAND_READ, VM_SEQ_READ);
      break;
    case MADV_SEQUENTIAL:
      set(VM_SEQ_READ, VM_RAND_READ);
      break;
    case MADV_DONTFORK:
      if (vmas.some((v) => v.flags & VM_SPECIAL)) return failure("EINVAL");
      set(VM_DONTCOPY);
      break;
    case MADV_DOFORK:
      if (vmas.some((v) => v.flags & VM_SPECIAL)) return failure("EINVAL");
      set(0, VM_DONTCOPY);
      break;
    case MADV_WIPEONFORK:
      if (vmas.some((v) => !isAnonymous(v) || v.flags & VM_SHARED)) return failure("EINVAL");
      set(VM_WIPEONFORK);
      break;
    case MADV_KEEPONFORK:
      set(0, VM_WIPEONFORK);
      break;
    case MADV_MERGEABLE: // ksm_madvise: only the VMAs KSM can merge
      modifyKsmFlags(mm, vmas, start, end.value, (v) => ksmCompatible(v), VM_MERGEABLE);
      break;
    case MADV_UNMERGEABLE:
      for (const vma of vmas) {
        if (!(vma.flags & VM_MERGEABLE)) continue;
        const from = Math.max(start, vma.start);
        const to = Math.min(end.value, vma.end);
        if (!unmergeKsmPages(k, who ?? { pid: 0, minflt: 0 }, mm, from, to))
          return failure("ENOMEM");
      }
      modifyKsmFlags(mm, vmas, start, end.value, (v) => (v.flags & VM_MERGEABLE) !== 0, 0);
      break;
    case MADV_HUGEPAGE:
      set(VM_HUGEPAGE, VM_NOHUGEPAGE);
      break;
    case MADV_NOHUGEPAGE:
      set(VM_NOHUGEPAGE, VM_HUGEPAGE);
      break;
    case MADV_DONTDUMP:
      set(VM_DONTDUMP);
      break;
    case MADV_DODUMP:
      set(0, VM_DONTDUMP);
      break;
    case MADV_DONTNEED: {
      if (vmas.some((v) => v.flags & (VM_LOCKED | VM_SPECIAL) && !isVmHugetlb(v)))
        return failure("EINVAL");
      // madvise_dontneed_free_valid_vma: a hugetlb range starts at a huge
      // page and ends at one (rounded down); its reservations stay
      if (vmas.some((v) => isVmHugetlb(v) && Math.max(start, v.start) % HPAGE_SIZE !== 0))
        return failure("EINVAL");
      const stats: ZapStats = { unmapped: 0, freed: 0 };
      for (const vma of vmas) {
        const from = Math.max(start, vma.start);
        const to = Math.min(end.value, vma.end);
        if (isVmHugetlb(vma)) {
          const down = Math.floor(to / HPAGE_SIZE) * HPAGE_SIZE;
          if (down > from) unmapHugepageRange(k, mm, vma, from, down, false);
        } else zapRange(k, mm, vma, from, to, stats);
      }
      break;
    }
    case MADV_COLD:
    case MADV_PAGEOUT:
      if (vmas.some((v) => !canMadvLru(v))) return failure("EINVAL");
      splitHugePmdsIn(k, mm, start, end.value); // THPs are not reclaimed whole (huge-memory.ts)
      for (const vma of vmas) {
        const from = Math.max(start, vma.start);
        coldOrPageout(k, mm, vma, from, Math.min(end.value, vma.end), advice === MADV_PAGEOUT);
      }
      break;
    case MADV_FREE:
      if (vmas.some((v) => v.flags & (VM_LOCKED | VM_PFNMAP) || !isAnonymous(v)))
        return failure("EINVAL");
      splitHugePmdsIn(k, mm, start, end.value); // madvise_free_huge_pmd is not modelled: split
      for (const vma of vmas)
        madviseFree(k, mm, vma, Math.max(start, vma.start), Math.min(end.value, vma.end));
      break;
    case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE:
      return madvisePopulate(
        k,
        who ?? { pid: 0, mm, minflt: 0, majflt: 0 },
        start,
        end.value,
        advice === MADV_POPULATE_WRITE,
      );
    case MADV_COLLAPSE:
      return madviseCollapse(k, mm, vmas, start, end.value);
    case MADV_WILLNEED:
      for (const vma of vmas)
        madviseWillneed(
          k,
          mm,
          vma,
          Math.max(start, vma.start),
          Math.min(end.value, vma.end),
          who?.pid ?? 0,
        );
      break;
    default:
      return failure("EINVAL");
  }
  return success(undefined);
}

/** ANON_VMA_NAME_MAX_LEN, including the terminating NUL. */
const ANON_NAME_MAX = 80;

/** Whether `name` may name anonymous memory (prctl's checks): CONFIG_ANON_VMA_NAME, length, characters. */
function checkAnonName(k: Kernel, name: string): Result<void> {
  if (!k.config.anonNames) return failure("EINVAL", "kernel built without CONFIG_ANON_VMA_NAME");
  if (name.length >= ANON_NAME_MAX || !/^[\x20-\x7e]*$/.test(name) || /[\\`$[\]]/.test(name)) {
    return failure("EINVAL", "bad name");
  }
  return success(undefined);
}

/**
 * prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME): names the anonymous memory of a
 * range ([anon:NAME], or [anon_shmem:NAME] for shared anonymous memory);
 * null removes the name. Needs CONFIG_ANON_VMA_NAME.
 */
export function doSetAnonName(
  k: Kernel,
  mm: Mm,
  start: number,
  len: number,
  name: string | null,
): Result<void> {
  const named = name === null ? success(undefined) : checkAnonName(k, name);
  if (!named.ok) return named;
  const end = rangeOf(start, len);
  if (!end.ok) return end;
  if (!coveredWithoutHoles(mm, start, end.value)) return failure("ENOMEM");
  const room = roomToSplit(mm, start, end.value);
  if (!room.ok) return room;
  const vmas = mm.vmas.filter((v) => v.start < end.value && v.end > start);
  if (
    vmas.some(
      (v) =>
        v.special !== null || (v.file !== null && !(v.file.shmem && v.file.path === "/dev/zero")),
    )
  ) {
    return failure("EBADF", "not anonymous memory");
  }
  modifyFlags(mm, start, end.value, (v) => {
    v.anonName = name === "" ? null : name;
  });
  return success(undefined);
}

/** Sets or clears VM_LOCKED over a range (mlock_fixup). Population is the caller's (it faults). */
export function setLocked(mm: Mm, start: number, len: number, on: boolean): Result<number> {
  const end = rangeOf(start, len);
  if (!end.ok) return end;
  if (!coveredWithoutHoles(mm, start, end.value)) return failure("ENOMEM");
  const room = roomToSplit(mm, start, end.value);
  if (!room.ok) return room;
  modifyFlags(mm, start, end.value, (v) => {
    if (!(v.flags & VM_SPECIAL)) v.flags = on ? v.flags | VM_LOCKED : v.flags & ~VM_LOCKED;
  });
  return success(end.value);
}

/**
 * munlock's page side, after setLocked cleared VM_LOCKED on [start, end) of
 * `mm`: clears PG_mlocked on the pages there that no VM_LOCKED VMA of any
 * mm in `mms` maps any more. Linux keeps a page mlocked while any locked
 * VMA maps it (mlock_count, munlock_folio).
 */
export function clearMlocked(
  k: Kernel,
  mm: Mm,
  start: number,
  end: number,
  mms: Iterable<Mm>,
): void {
  let stillLocked: Set<number> | null = null;
  mm.pt.walk(start / PAGE_SIZE, end / PAGE_SIZE, {
    pteEntry(pte) {
      if (!ptePresent(pte)) return;
      const pfn = ptePfn(pte);
      if (!(k.phys.flags[pfn]! & PG_MLOCKED)) return;
      stillLocked ??= lockedPages(mms);
      if (!stillLocked.has(pfn)) k.phys.setFlags(pfn, k.phys.flags[pfn]! & ~PG_MLOCKED);
    },
  });
}

/** A heap VMA's flags (VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT). */
const BRK_FLAGS = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT;

/**
 * brk(2): moves the end of the heap. The heap VMA is created by the first
 * growth and grown in place (or merged) afterwards; shrinking unmaps.
 * Returns the new break, which is the old one when the request fails.
 */
export function doBrk(k: Kernel, mm: Mm, requested: number): number {
  if (requested < mm.startBrk) return mm.brk;
  const oldEnd = pageAlignUp(mm.brk);
  const newEnd = pageAlignUp(requested);
  if (newEnd === oldEnd) {
    mm.brk = requested;
    return mm.brk;
  }
  if (newEnd < oldEnd) {
    unmapRange(k, mm, newEnd, oldEnd - newEnd);
    mm.brk = requested;
    return mm.brk;
  }
  if (!mm.isFree(oldEnd, newEnd + PAGE_SIZE) || newEnd > mm.mmapBase) return mm.brk;
  // do_brk_flags charges the growth; refused, brk returns the old break.
  if (!vmEnoughMemory(k, mm, (newEnd - oldEnd) / PAGE_SIZE).ok) return mm.brk;
  const flags = BRK_FLAGS | (k.config.softDirty ? VM_SOFTDIRTY : 0);
  // Only the heap's own VMA (one starting at or above start_brk) is expanded
  // (vma_prev_limit + do_brk_flags); the .bss mapping below it never merges.
  const heap = mm.vmas[mm.findIndex(oldEnd - 1)];
  if (
    heap?.end === oldEnd &&
    heap.start >= mm.startBrk &&
    heap.flags === flags &&
    heap.file === null
  ) {
    heap.end = newEnd;
    mm.brk = requested;
    return mm.brk;
  }
  const vma = newVma(oldEnd, newEnd, flags, oldEnd / PAGE_SIZE);
  mm.insert(vma);
  mm.brk = requested;
  return mm.brk;
}

/**
 * Writeback of a file's dirty pages in [first, last) (folio_mkclean and
 * clearing PG_dirty): a page is dirty if its folio is or if a shared
 * mapping's PTE is. Every shared PTE mapping a written-back page, in every
 * mm, is cleaned and write-protected, so the next write faults again. The
 * page's word goes to "disk". Shmem has no backing store: nothing happens.
 * Returns the number of pages written back.
 */
export function writeback(
  k: Kernel,
  inode: Inode,
  first: number,
  last: number,
  mms: Iterable<Mm>,
): number {
  if (inode.shmem) return 0;
  const inRange = new Map<number, number>(); // pfn -> page index
  for (const [index, pfn] of inode.cache.entries())
    if (index >= first && index < last) inRange.set(pfn, index);
  const dirty = new Set<number>();
  for (const pfn of inRange.keys()) if (k.phys.flags[pfn]! & PG_DIRTY) dirty.add(pfn);
  const mappings = sharedMappings(inode, mms);
  for (const [mm, vma] of mappings) {
    mm.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
      pteEntry(pte) {
        if (ptePresent(pte) && pteDirty(pte) && inRange.has(ptePfn(pte))) dirty.add(ptePfn(pte));
      },
    });
  }
  if (dirty.size === 0) return 0;
  for (const [mm, vma] of mappings) {
    mm.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
      pteEntry(pte, i, span) {
        if (ptePresent(pte) && dirty.has(ptePfn(pte))) span.set(i, pteWrprotect(pteMkclean(pte)));
      },
    });
  }
  for (const pfn of dirty) {
    inode.disk.set(inRange.get(pfn)!, k.phys.content[pfn]!);
    k.phys.flags[pfn] = (k.phys.flags[pfn]! & ~PG_DIRTY) | PG_PRIVATE;
  }
  return dirty.size;
}

/** Every (mm, VMA) that maps `inode` shared. */
function sharedMappings(inode: Inode, mms: Iterable<Mm>): [Mm, Vma][] {
  const found: [Mm, Vma][] = [];
  for (const mm of mms)
    for (const vma of mm.vmas)
      if (vma.file === inode && vma.flags & VM_SHARED) found.push([mm, vma]);
  return found;
}
