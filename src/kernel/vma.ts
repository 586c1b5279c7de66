/**
 * Virtual memory areas: one contiguous range of an address space with one
 * set of flags and one backing (a file, shmem, anonymous memory, or a
 * special mapping), like struct vm_area_struct.
 */
import {
  PAGE_SIZE,
  VM_ACCOUNT,
  VM_DONTEXPAND,
  VM_EXEC,
  VM_GROWSDOWN,
  VM_IO,
  VM_MAYEXEC,
  VM_MAYREAD,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_READ,
  VM_SHARED,
  VM_SOFTDIRTY,
  VM_WRITE,
} from "./constants.js";
import type { Inode } from "./vfs.js";

export type SpecialMapping = "vdso" | "vvar" | "vvar_vclock";

/** Identity of an anon_vma: VMAs with different ones never merge. */
export interface AnonVma {
  readonly id: number;
}

/** Read-ahead state of one mapping of a file (struct file_ra_state). */
export interface ReadaheadState {
  start: number;
  size: number;
  asyncSize: number;
  mmapMiss: number;
}

export interface Vma {
  start: number;
  end: number;
  flags: number;
  /** Offset in pages: into the file for file VMAs, `start >> PAGE_SHIFT` for anonymous ones. */
  pgoff: number;
  /** The backing file; a shmem inode for shared anonymous memory. */
  readonly file: Inode | null;
  /** Set once the VMA holds (or inherited) anonymous pages; fork copies PTEs only then. */
  anonVma: AnonVma | null;
  /** The anon_vma chain has more than one link (inherited through fork). */
  anonVmaForked: boolean;
  /** PR_SET_VMA_ANON_NAME name: [anon:NAME] or [anon_shmem:NAME]. */
  anonName: string | null;
  readonly special: SpecialMapping | null;
  /** File read-ahead state (file VMAs only). */
  ra: ReadaheadState | null;
}

/** What a new VMA is backed by and named; anonymous and unnamed when left out. */
export interface VmaBacking {
  readonly file?: Inode | null;
  readonly special?: SpecialMapping | null;
  readonly anonName?: string | null;
}

/**
 * A new VMA over [start, end) (vm_area_alloc + its fields): no anon_vma
 * yet, and read-ahead state when it maps a regular file. `pgoff` is the
 * file offset in pages, or `start`'s page number for anonymous memory.
 */
export function newVma(
  start: number,
  end: number,
  flags: number,
  pgoff: number,
  backing: VmaBacking = {},
): Vma {
  const file = backing.file ?? null;
  const ra = file === null || file.shmem ? null : freshRa();
  return vmaOf(
    start,
    end,
    flags,
    pgoff,
    file,
    null,
    false,
    backing.anonName ?? null,
    backing.special ?? null,
    ra,
  );
}

/** A copy of `vma` with `changes` (vm_area_dup, __split_vma): the one other way a VMA is made. */
export function copyVma(vma: Vma, changes: Partial<Vma>): Vma {
  const v = { ...vma, ...changes };
  return vmaOf(
    v.start,
    v.end,
    v.flags,
    v.pgoff,
    v.file,
    v.anonVma,
    v.anonVmaForked,
    v.anonName,
    v.special,
    v.ra,
  );
}

const freshRa = (): ReadaheadState => ({ start: 0, size: 0, asyncSize: 0, mmapMiss: 0 });

/**
 * Every VMA object is made here, with its fields in one order, so all VMAs
 * share one hidden class: optimized code that checks it never finds it gone
 * (a class of objects all freed would throw that code away).
 */
function vmaOf(
  start: number,
  end: number,
  flags: number,
  pgoff: number,
  file: Inode | null,
  anonVma: AnonVma | null,
  anonVmaForked: boolean,
  anonName: string | null,
  special: SpecialMapping | null,
  ra: ReadaheadState | null,
): Vma {
  return { start, end, flags, pgoff, file, anonVma, anonVmaForked, anonName, special, ra };
}

/** Flags that make a VMA impossible to merge or expand (VM_SPECIAL). */
export const VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;

export const vmaPages = (vma: Vma): number => (vma.end - vma.start) / PAGE_SIZE;

/** A private mapping that may be written: writes go to COW copies (is_cow_mapping). */
export const isCowMapping = (flags: number): boolean =>
  (flags & (VM_SHARED | VM_MAYWRITE)) === VM_MAYWRITE;

/** Anonymous memory: neither a file, shmem nor a special mapping (vma_is_anonymous). */
export const isAnonymous = (vma: Vma): boolean => vma.file === null && vma.special === null;

/** The page-cache index of the page at `addr` in a file VMA. */
export const fileIndex = (vma: Vma, addr: number): number =>
  vma.pgoff + (addr - vma.start) / PAGE_SIZE;

/** Classification used by vm_stat_account (mm/vma.h), priority exec, stack, data. */
export const isExecMapping = (flags: number): boolean =>
  (flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) === VM_EXEC;
export const isStackMapping = (flags: number): boolean => (flags & VM_GROWSDOWN) !== 0;
export const isDataMapping = (flags: number): boolean =>
  (flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) === VM_WRITE;

let nextAnonVmaId = 1;
/** anon_vma_prepare()'s allocation. Identity only. */
export const newAnonVma = (): AnonVma => ({ id: nextAnonVmaId++ });

/** Two anon_vmas allow a merge (is_mergeable_anon_vma). */
function anonVmaMergeable(a: Vma, b: Vma): boolean {
  if (a.anonVma === b.anonVma) return true;
  if (a.anonVma === null) return !b.anonVmaForked;
  if (b.anonVma === null) return !a.anonVmaForked;
  return false;
}

/** `lo` and `hi` are adjacent and may become one VMA (is_mergeable_vma + anon_vma + pgoff). */
export function canMerge(lo: Vma, hi: Vma): boolean {
  return (
    lo.end === hi.start &&
    ((lo.flags ^ hi.flags) & ~VM_SOFTDIRTY) === 0 &&
    (lo.flags & VM_SPECIAL) === 0 &&
    lo.special === null &&
    hi.special === null &&
    lo.file === hi.file &&
    lo.anonName === hi.anonName &&
    lo.pgoff + vmaPages(lo) === hi.pgoff &&
    anonVmaMergeable(lo, hi)
  );
}

/** The upper part of `vma` from `addr` on, as a new VMA (the caller trims `vma`). */
export function splitOff(vma: Vma, addr: number): Vma {
  return copyVma(vma, {
    start: addr,
    pgoff: vma.pgoff + (addr - vma.start) / PAGE_SIZE,
    ra: vma.ra && { ...vma.ra },
  });
}

/** PROT_* to VM_READ/VM_WRITE/VM_EXEC (the bit values coincide). */
export const protToVmFlags = (prot: number): number => prot & (VM_READ | VM_WRITE | VM_EXEC);

/** The flags mmap() gives a new mapping (calc_vm_prot_bits / calc_vm_flag_bits). */
export function mmapFlags(
  prot: number,
  shared: boolean,
  fileWritable: boolean,
  anonymous: boolean,
): number {
  let flags = protToVmFlags(prot) | VM_MAYREAD | VM_MAYEXEC; // no noexec mounts
  if (shared) {
    flags |= VM_MAYSHARE;
    if (fileWritable || anonymous) flags |= VM_SHARED | VM_MAYWRITE;
  } else {
    flags |= VM_MAYWRITE;
    if (prot & VM_WRITE) flags |= VM_ACCOUNT;
  }
  return flags;
}
