/**
 * The page table's entry format (src/kernel/page-table.ts): a present
 * entry decodes to what was encoded, none is zero, and a swap entry (made
 * by the swap issue) is neither none nor present and keeps its type and
 * offset over their whole ranges.
 */
import { expect, test } from "vitest";
import {
  mkPte,
  mkSwapPte,
  PTE_DIRTY,
  PTE_PRESENT,
  PTE_SOFT_DIRTY,
  PTE_WRITE,
  pteDirty,
  pteIsSwap,
  pteNone,
  ptePfn,
  ptePresent,
  pteSoftDirty,
  pteWrite,
  swapOffset,
  swapType,
} from "../../src/kernel/page-table.js";

test("a present entry keeps its PFN and bits, up to the highest PFN", () => {
  for (const pfn of [0, 1, 0xe00, 2 ** 28 - 1]) {
    const pte = mkPte(pfn, PTE_PRESENT | PTE_WRITE | PTE_SOFT_DIRTY);
    expect(pte >>> 0).toBe(pte);
    expect([ptePresent(pte), pteNone(pte), pteIsSwap(pte)]).toEqual([true, false, false]);
    expect([ptePfn(pte), pteWrite(pte), pteDirty(pte), pteSoftDirty(pte)]).toEqual([
      pfn,
      true,
      false,
      true,
    ]);
  }
  expect(pteDirty(mkPte(5, PTE_PRESENT | PTE_DIRTY))).toBe(true);
  expect(pteNone(0)).toBe(true);
  expect(ptePresent(0) || pteIsSwap(0)).toBe(false);
});

test("a swap entry is neither none nor present, and keeps type and offset", () => {
  for (const type of [0, 1, 31])
    for (const offset of [0, 1, 12345, 2 ** 23 - 1]) {
      const pte = mkSwapPte(type, offset);
      expect(pte >>> 0).toBe(pte);
      expect([pteNone(pte), ptePresent(pte), pteIsSwap(pte)]).toEqual([false, false, true]);
      expect([swapType(pte), swapOffset(pte)]).toEqual([type, offset]);
    }
});
