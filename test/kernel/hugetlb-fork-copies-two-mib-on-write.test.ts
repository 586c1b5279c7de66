/**
 * Fork of a private hugetlb mapping (hugetlb.ts copyHugetlbPageRange,
 * hugetlb_wp): both sides map the same pages write-protected; the first
 * write by either to a page still shared copies the whole 2 MiB (every
 * 4 KiB of it keeps its content, the copy is invisible to the program),
 * from the pool's unreserved pages, and leaves the old page clean; a
 * write to a page mapped once reuses it.
 */
import { expect, test } from "vitest";
import { kpageflags, type U64 } from "../../fs/proc/page.js";
import { MAP_ANONYMOUS, MAP_HUGETLB, MAP_PRIVATE } from "../../src/kernel/constants.js";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { ptePfn } from "../../src/kernel/page-table.js";

const MiB = 1024 * 1024;

function must<T>(r: { ok: true; value: T } | { ok: false; errno?: string }): T {
  if (!r.ok) throw new Error(`unexpected failure ${r.errno}`);
  return r.value;
}

const headOf = (m: Machine, pid: number, addr: number): number =>
  ptePfn(m.tasks.get(pid)!.mm!.hugePtes.get(addr / (2 * MiB))!);

function flags(m: Machine, pfn: number): number {
  const out: U64 = { lo: 0, hi: 0 };
  kpageflags(m.phys, pfn, out);
  return out.lo;
}

test("a write after fork copies the whole huge page, content and all", () => {
  const m = Machine.boot({ hugepages: 4 });
  const p = must(m.spawn("/bin/sh", ["sh"]));
  const b = must(
    m.mmap(p, {
      addr: 0,
      length: 4 * MiB,
      prot: Machine.RW,
      flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
  );
  // every 4 KiB of the first huge page its own word
  for (let i = 0; i < 512; i++) must(m.access(p, b + i * 4096, 1, true, 100 + i));
  must(m.access(p, b + 2 * MiB, 1, true, 1));
  const c = must(m.fork(p));
  const shared = headOf(m, p, b);
  expect(headOf(m, c, b)).toBe(shared);
  expect(m.phys.mapcountOf(shared)).toBe(2);

  const write = must(m.access(c, b + 3 * 4096, 1, true, 7));
  expect(write.minflt).toBe(1);
  expect(write.byKind[2]).toBe(1); // cow-copy
  const copy = headOf(m, c, b);
  expect(copy).not.toBe(shared);
  const childWords = must(m.access(c, b, 2 * MiB, false, 0, true)).words!;
  const parentWords = must(m.access(p, b, 2 * MiB, false, 0, true)).words!;
  expect(parentWords).toEqual(Array.from({ length: 512 }, (_, i) => 100 + i));
  expect(childWords).toEqual(parentWords.map((w, i) => (i === 3 ? 7 : w)));
  expect(m.hugetlb.free.length).toBe(1);
  expect(flags(m, shared) & 0x10).toBe(0); // the replaced entry did not dirty the old page

  // the parent's page is its own again: its write reuses it, no copy
  const again = must(m.access(p, b, 1, true, 5));
  expect(again.byKind[3]).toBe(1); // reuse
  expect(headOf(m, p, b)).toBe(shared);
  // the second page is still shared: the parent copies it too
  expect(must(m.access(p, b + 2 * MiB, 1, true, 5)).byKind[2]).toBe(1);
  expect(m.hugetlb.free.length).toBe(0);
  expect(checkInvariants(m).violations).toEqual([]);
});
