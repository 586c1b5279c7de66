/**
 * What the explanations of a page share: the page as they read it, and the
 * Pss arithmetic in the kernel's fixed point (smaps_account: a page is worth
 * 4096 << 12, divided by its map count when 2 or more PTEs map it).
 */
import { VM_PFNMAP } from "../../../src/kernel/constants.js";
import type { Machine } from "../../../src/kernel/machine.js";
import type { Mm } from "../../../src/kernel/mm.js";
import { ptePresent } from "../../../src/kernel/page-table.js";
import { PSS_PAGE, PSS_SHIFT, pssShare, ZERO_PFN } from "../../../src/kernel/phys.js";
import type { Task } from "../../../src/kernel/task.js";
import type { Vma } from "../../../src/kernel/vma.js";

export { PSS_PAGE, pssShare } from "../../../src/kernel/phys.js";

/** What the explanation reads about the page. */
export interface Page {
  readonly m: Machine;
  readonly task: Task & { mm: Mm };
  readonly vma: Vma;
  /** The page's address (page aligned). */
  readonly addr: number;
  readonly pte: number;
  readonly pfn: number;
  readonly young: boolean;
}

/** Bytes with up to two decimals, trailing zeros dropped: 2048, 1365.33. */
export function bytesText(fixed: number): string {
  const bytes = fixed / 2 ** PSS_SHIFT;
  return Number.isInteger(bytes) ? String(bytes) : String(Math.round(bytes * 100) / 100);
}

/** The Pss sentence: `4096 << 12 / 2 = 8388608, i.e. 2048 bytes`. */
export function pssSentence(mapcount: number): string {
  const share = pssShare(mapcount);
  if (mapcount < 2)
    return `Pss: 4096 << 12 = ${share}, i.e. 4096 bytes: a page mapped once counts whole.`;
  const lost = PSS_PAGE % mapcount;
  const drop = lost === 0 ? "" : ` (integer division drops a remainder of ${lost})`;
  return `Pss: 4096 << 12 / ${mapcount} = ${share}, i.e. ${bytesText(share)} bytes${drop}.`;
}

export const isNormal = (p: Page): boolean =>
  ptePresent(p.pte) && p.pfn !== ZERO_PFN && (p.vma.flags & VM_PFNMAP) === 0;
