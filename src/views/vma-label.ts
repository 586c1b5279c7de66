/** How the pictures and explanations name a VMA: its maps range, perms and name. */
import { hexPad } from "../../fs/hex.js";
import { mapsPerms, vmaName } from "../../fs/proc/task-mmu.js";
import type { Mm } from "../kernel/mm.js";
import type { Vma } from "../kernel/vma.js";

/** The perms column of maps: rwx and p or s. */
export const vmaPerms = (vma: Vma): string => mapsPerms(vma.flags);

/** `7ffff6c00000-7ffff7c00000 rw-p [anon:buf]`: range, perms and (when it has one) name. */
export function vmaLabel(mm: Mm, vma: Vma): string {
  const name = vmaName(mm, vma);
  const range = `${hexPad(vma.start, 8)}-${hexPad(vma.end, 8)} ${vmaPerms(vma)}`;
  return name === null ? range : `${range} ${name}`;
}
