/**
 * The VmFlags line of smaps (show_smap_vma_flags): the mnemonic of every set
 * flag in bit order, each followed by a space. Only the flags below 32 are
 * modelled (pkeys, shadow stacks, VM_SEALED… never appear). The mnemonics
 * are the kernel version's (kernel-formats.ts).
 */
import { VM_SOFTDIRTY } from "../../src/kernel/constants.js";
import { procFormat } from "./kernel-formats.js";

const MNEMONICS_DEFAULT = procFormat("6.18").mnemonics;

/**
 * The text after "VmFlags: ", with its trailing space. `softDirty` says the
 * kernel has CONFIG_MEM_SOFT_DIRTY; without it the sd bit is never printed.
 * `mnemonics` by bit; "" prints nothing.
 */
export function vmFlagsString(
  flags: number,
  softDirty: boolean,
  mnemonics: readonly string[] = MNEMONICS_DEFAULT,
): string {
  let out = "";
  for (let bit = 0; bit < mnemonics.length; bit++) {
    const mask = 2 ** bit;
    if ((flags & mask) === 0) continue;
    if (mask === VM_SOFTDIRTY && !softDirty) continue;
    const mn = mnemonics[bit]!;
    if (mn !== "") out += `${mn} `;
  }
  return out;
}
