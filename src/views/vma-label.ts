/** How the pictures and explanations name a VMA: its maps range, perms and name. */
import { hexPad } from "../../fs/hex.js";
import { vmaName } from "../../fs/proc/task-mmu.js";
import { VM_EXEC, VM_MAYSHARE, VM_READ, VM_WRITE } from "../kernel/constants.js";
import type { Mm } from "../kernel/mm.js";
import type { Vma } from "../kernel/vma.js";

/** The perms column of maps: rwx and p or s. */
export function vmaPerms(vma: Vma): string {
  return (
    (vma.flags & VM_READ ? "r" : "-") +
    (vma.flags & VM_WRITE ? "w" : "-") +
    (vma.flags & VM_EXEC ? "x" : "-") +
    (vma.flags & VM_MAYSHARE ? "s" : "p")
  );
}

/** `7ffff6c00000-7ffff7c00000 rw-p [anon:buf]`: range, perms and (when it has one) name. */
export function vmaLabel(mm: Mm, vma: Vma): string {
  const name = vmaName(mm, vma);
  const range = `${hexPad(vma.start, 8)}-${hexPad(vma.end, 8)} ${vmaPerms(vma)}`;
  return name === null ? range : `${range} ${name}`;
}
