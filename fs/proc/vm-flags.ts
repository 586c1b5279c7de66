/**
 * The VmFlags line of smaps (show_smap_vma_flags): the mnemonic of every set
 * flag in bit order, each followed by a space. Only the flags below 32 are
 * modelled (pkeys, shadow stacks, VM_SEALED… never appear).
 */
import { VM_SOFTDIRTY } from "../../src/kernel/constants.js";

/** Mnemonics by bit number; "" marks bits that have none. */
const MNEMONICS: readonly string[] = [
  "rd", // 0  VM_READ
  "wr", // 1  VM_WRITE
  "ex", // 2  VM_EXEC
  "sh", // 3  VM_SHARED
  "mr", // 4  VM_MAYREAD
  "mw", // 5  VM_MAYWRITE
  "me", // 6  VM_MAYEXEC
  "ms", // 7  VM_MAYSHARE
  "gd", // 8  VM_GROWSDOWN
  "um", // 9  VM_UFFD_MISSING
  "pf", // 10 VM_PFNMAP
  "", //   11 (unused)
  "uw", // 12 VM_UFFD_WP
  "lo", // 13 VM_LOCKED
  "io", // 14 VM_IO
  "sr", // 15 VM_SEQ_READ
  "rr", // 16 VM_RAND_READ
  "dc", // 17 VM_DONTCOPY
  "de", // 18 VM_DONTEXPAND
  "lf", // 19 VM_LOCKONFAULT
  "ac", // 20 VM_ACCOUNT
  "nr", // 21 VM_NORESERVE
  "ht", // 22 VM_HUGETLB
  "sf", // 23 VM_SYNC
  "ar", // 24 VM_ARCH_1
  "wf", // 25 VM_WIPEONFORK
  "dd", // 26 VM_DONTDUMP
  "sd", // 27 VM_SOFTDIRTY
  "mm", // 28 VM_MIXEDMAP
  "hg", // 29 VM_HUGEPAGE
  "nh", // 30 VM_NOHUGEPAGE
  "mg", // 31 VM_MERGEABLE
];

/**
 * The text after "VmFlags: ", with its trailing space. `softDirty` says the
 * kernel has CONFIG_MEM_SOFT_DIRTY; without it the sd bit is never printed.
 */
export function vmFlagsString(flags: number, softDirty: boolean): string {
  let out = "";
  for (let bit = 0; bit < MNEMONICS.length; bit++) {
    const mask = 2 ** bit;
    if ((flags & mask) === 0) continue;
    if (mask === VM_SOFTDIRTY && !softDirty) continue;
    const mn = MNEMONICS[bit]!;
    if (mn !== "") out += `${mn} `;
  }
  return out;
}
