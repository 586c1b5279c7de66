/**
 * Map counts live in 16 bits; a frame mapped 65,535 times or more keeps
 * its count in an overflow map, exactly, up and down again.
 */
import { expect, test } from "vitest";
import { KIND_FILE, MAPCOUNT_SATURATED, PhysMem } from "../../src/kernel/phys.js";

test("a count crosses the 16-bit boundary and comes back", () => {
  const phys = new PhysMem(1 << 16);
  const pfn = phys.alloc(KIND_FILE, 0);
  for (let n = 1; n <= 70_000; n++) expect(phys.incMapcount(pfn)).toBe(n);
  expect(phys.mapcounts[pfn]).toBe(MAPCOUNT_SATURATED);
  expect(phys.mapcountOf(pfn)).toBe(70_000);
  expect(phys.refcount(pfn)).toBe(70_000);
  for (let n = 69_999; n >= 0; n--) expect(phys.decMapcount(pfn)).toBe(n);
  expect(phys.mapcounts[pfn]).toBe(0);
  expect(() => phys.decMapcount(pfn)).toThrow(/below zero/);
  phys.free(pfn);
});
