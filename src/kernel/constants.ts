/**
 * Sizes and flag values of x86-64 Linux, named as the kernel names them.
 * Values are those of include/linux/mm.h and include/uapi/asm-generic/mman*.h.
 */

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** Entries per page-table page: one PTE table maps 2 MiB. */
export const PTRS_PER_PTE = 512;
export const PMD_SIZE = PAGE_SIZE * PTRS_PER_PTE;

/** `n` rounded up to a whole number of pages (PAGE_ALIGN). */
export const pageAlignUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

/** Highest user address + 1 (47-bit user space, 4-level paging). */
export const TASK_SIZE = 0x7ffffffff000;

/* vm_flags (include/linux/mm.h). Bits above 31 (pkeys, VM_SEALED…) are not modelled. */
export const VM_READ = 1 << 0;
export const VM_WRITE = 1 << 1;
export const VM_EXEC = 1 << 2;
export const VM_SHARED = 1 << 3;
export const VM_MAYREAD = 1 << 4;
export const VM_MAYWRITE = 1 << 5;
export const VM_MAYEXEC = 1 << 6;
export const VM_MAYSHARE = 1 << 7;
export const VM_GROWSDOWN = 1 << 8;
export const VM_UFFD_MISSING = 1 << 9;
export const VM_PFNMAP = 1 << 10;
/** The executable's and interpreter's file mappings before 5.15 (binfmt_elf's MAP_DENYWRITE; exec.ts denyWrite). */
export const VM_DENYWRITE = 1 << 11;
export const VM_UFFD_WP = 1 << 12;
export const VM_LOCKED = 1 << 13;
export const VM_IO = 1 << 14;
export const VM_SEQ_READ = 1 << 15;
export const VM_RAND_READ = 1 << 16;
export const VM_DONTCOPY = 1 << 17;
export const VM_DONTEXPAND = 1 << 18;
export const VM_LOCKONFAULT = 1 << 19;
export const VM_ACCOUNT = 1 << 20;
export const VM_NORESERVE = 1 << 21;
export const VM_HUGETLB = 1 << 22;
export const VM_SYNC = 1 << 23;
export const VM_ARCH_1 = 1 << 24;
export const VM_WIPEONFORK = 1 << 25;
export const VM_DONTDUMP = 1 << 26;
export const VM_SOFTDIRTY = 1 << 27;
export const VM_MIXEDMAP = 1 << 28;
export const VM_HUGEPAGE = 1 << 29;
export const VM_NOHUGEPAGE = 1 << 30;
export const VM_MERGEABLE = 1 << 31;

export const VM_STACK_FLAGS =
  VM_GROWSDOWN | VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT;
/** Special mappings: [vvar] is a raw PFN range, [vdso] has real pages. */
export const VM_VVAR_FLAGS = VM_READ | VM_MAYREAD | VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP;
export const VM_VDSO_FLAGS =
  VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_DONTEXPAND;
/** Flags mlock() sets and fork() clears (VM_LOCKED_MASK). */
export const VM_LOCKED_MASK = VM_LOCKED | VM_LOCKONFAULT;

/* mmap(2) */
export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
/** A thread stack (glibc's pthread stacks): since 6.7 the VMA gets VM_NOHUGEPAGE (calc_vm_flag_bits). */
export const MAP_STACK = 0x20000;
export const MAP_FIXED_NOREPLACE = 0x100000;
/** MAP_HUGETLB: the mapping is of 2 MiB hugetlbfs pages (hugetlb.ts). */
export const MAP_HUGETLB = 0x40000;

/* madvise(2) */
export const MADV_NORMAL = 0;
export const MADV_RANDOM = 1;
export const MADV_SEQUENTIAL = 2;
export const MADV_WILLNEED = 3;
export const MADV_DONTNEED = 4;
export const MADV_FREE = 8;
export const MADV_DONTFORK = 10;
export const MADV_DOFORK = 11;
export const MADV_MERGEABLE = 12;
export const MADV_UNMERGEABLE = 13;
export const MADV_HUGEPAGE = 14;
export const MADV_NOHUGEPAGE = 15;
export const MADV_DONTDUMP = 16;
export const MADV_DODUMP = 17;
export const MADV_WIPEONFORK = 18;
export const MADV_KEEPONFORK = 19;
export const MADV_COLD = 20;
export const MADV_PAGEOUT = 21;
export const MADV_POPULATE_READ = 22;
export const MADV_POPULATE_WRITE = 23;
export const MADV_COLLAPSE = 25;

/** The MREMAP_* flags (include/uapi/linux/mman.h). */
export const MREMAP_MAYMOVE = 1;
export const MREMAP_FIXED = 2;
export const MREMAP_DONTUNMAP = 4;

/** The madvise advice values by name, lower case without MADV_ ("dontneed"). */
export const MADV_BY_NAME: Readonly<Record<string, number>> = {
  normal: MADV_NORMAL,
  random: MADV_RANDOM,
  sequential: MADV_SEQUENTIAL,
  willneed: MADV_WILLNEED,
  dontneed: MADV_DONTNEED,
  free: MADV_FREE,
  dontfork: MADV_DONTFORK,
  dofork: MADV_DOFORK,
  mergeable: MADV_MERGEABLE,
  unmergeable: MADV_UNMERGEABLE,
  hugepage: MADV_HUGEPAGE,
  nohugepage: MADV_NOHUGEPAGE,
  dontdump: MADV_DONTDUMP,
  dodump: MADV_DODUMP,
  wipeonfork: MADV_WIPEONFORK,
  keeponfork: MADV_KEEPONFORK,
  cold: MADV_COLD,
  pageout: MADV_PAGEOUT,
  populate_read: MADV_POPULATE_READ,
  populate_write: MADV_POPULATE_WRITE,
  collapse: MADV_COLLAPSE,
};

/** PROT_* bits from an "rwx" string: each of r, w, x present sets its bit ("r-x", "rw"). */
export const protFromRwx = (text: string): number =>
  (text.includes("r") ? PROT_READ : 0) |
  (text.includes("w") ? PROT_WRITE : 0) |
  (text.includes("x") ? PROT_EXEC : 0);

/** vm.max_map_count: the most VMAs one mm may have (DEFAULT_MAX_MAP_COUNT). */
export const MAX_MAP_COUNT = 65_530;

/** Clock ticks per second (USER_HZ) for /proc/PID/stat times. */
export const USER_HZ = 100;
export const NSEC_PER_SEC = 1_000_000_000;
