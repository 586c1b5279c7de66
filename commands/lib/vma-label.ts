/** How the pictures and explanations name a VMA: its maps range, perms and name. */
import { mapsPerms, vmaName } from "../../fs/proc/task-mmu.js";
import type { Mm } from "../../src/kernel/mm.js";
import type { Vma } from "../../src/kernel/vma.js";

/** The perms column of maps: rwx and p or s. */
export const vmaPerms = (vma: Vma): string => mapsPerms(vma.flags);

const hex = (n: number): string => n.toString(16).padStart(8, "0");

/** `7ffff6c00000-7ffff7c00000 rw-p [anon:buf]`: range, perms and (when it has one) name. */
export function vmaLabel(mm: Mm, vma: Vma): string {
  const name = vmaName(mm, vma);
  const range = `${hex(vma.start)}-${hex(vma.end)} ${vmaPerms(vma)}`;
  return name === null ? range : `${range} ${name}`;
}
