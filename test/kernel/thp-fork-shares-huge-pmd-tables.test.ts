/**
 * Fork of huge PMDs as page-table.ts keeps them: the child's PMD shares
 * the parent's table as it is (PageTable.forkHugePmd), entries 1..511
 * still lagging the parent's write-protected entry 0 (PteTable.lazyStep),
 * and each mm's slots sit in one array per 1 GiB (SlotMap). Every reader
 * must still see 512 consistent entries in both mms: /proc files, a split,
 * a munmap, a second-generation fork. The machine is driven through its
 * API (not a script), so that no invariant check syncs the tables between
 * the fork and the reads; the check runs at the end. The buffer straddles
 * a 1 GiB boundary, so its two PMDs lie in two PMD tables.
 */
import { expect, test } from "vitest";
import { readWhole } from "../../commands/lib/files/machine-files.js";
import { MADV_HUGEPAGE, MAP_FIXED, PAGE_SIZE, PROT_READ } from "../../src/kernel/constants.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { PTE_WRITE, ptePfn } from "../../src/kernel/page-table.js";
import type { Result } from "../../src/kernel/result.js";

const MiB = 1024 * 1024;
/** 2 MiB below 1 GiB: the buffer's two PMDs are the last of one PMD table and the first of the next. */
const AT = 1024 * MiB - 2 * MiB;
const LENGTH = 4 * MiB;

function must<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`failed: ${JSON.stringify(r)}`);
  return r.value;
}

/** A process whose 4 MiB at AT are two written THPs. */
function thpProcess(): { m: Machine; p: number } {
  const m = Machine.boot({ memBytes: 256 * MiB, thp: "madvise" });
  const p = must(m.spawn("/bin/sh", ["sh"]));
  const at = must(
    m.mmap(p, {
      addr: AT,
      length: LENGTH,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE | MAP_FIXED,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
  );
  expect(at).toBe(AT);
  must(m.madvise(p, AT, LENGTH, MADV_HUGEPAGE));
  must(m.access(p, AT, LENGTH, true, 7));
  return { m, p };
}

const kb = (text: string, key: string): number =>
  Number(new RegExp(`^${key}:\\s*(\\d+) kB`, "m").exec(text)?.[1] ?? -1);
const proc = (m: Machine, path: string): string => must(readWhole(m, path)).text;

/** Each of pid's 1024 PTEs in the buffer: [pfn, writable]. */
function entries(m: Machine, pid: number): [number, boolean][] {
  const pt = m.tasks.get(pid)!.mm!.pt;
  return Array.from({ length: LENGTH / PAGE_SIZE }, (_, i) => {
    const pte = pt.get(AT / PAGE_SIZE + i);
    return [ptePfn(pte), (pte & PTE_WRITE) !== 0];
  });
}

/** The two folios' heads, and what entries() must read for them with `writable`. */
function expected(heads: number[], writable: boolean): [number, boolean][] {
  return heads.flatMap((head) =>
    Array.from({ length: 512 }, (_, i): [number, boolean] => [head + i, writable]),
  );
}

const keys = [AT / (2 * MiB), AT / (2 * MiB) + 1];

test("a forked child's huge PMDs read as the parent's in every file, before anything brings their entries up to date", () => {
  const { m, p } = thpProcess();
  const pt = m.tasks.get(p)!.mm!.pt;
  const heads = keys.map((key) => ptePfn(pt.hugeFirst(key)));
  const c = must(m.fork(p));
  const cpt = m.tasks.get(c)!.mm!.pt;
  for (const key of keys) expect([pt.isHuge(key), cpt.isHuge(key)]).toEqual([true, true]);
  expect(cpt.hugeKeys()).toEqual(pt.hugeKeys());
  // both mms' page-table pages: the two PMDs need no PTE page, but two PMD tables
  expect(cpt.pageTablePages()).toBe(pt.pageTablePages());
  const rollup = { p: proc(m, `/proc/${p}/smaps_rollup`), c: proc(m, `/proc/${c}/smaps_rollup`) };
  expect(kb(rollup.c, "AnonHugePages")).toBe(4096);
  expect(kb(rollup.p, "AnonHugePages")).toBe(4096);
  expect(kb(rollup.c, "Anonymous")).toBe(kb(rollup.p, "Anonymous"));
  expect(kb(proc(m, `/proc/${c}/status`), "VmPTE")).toBe(kb(proc(m, `/proc/${p}/status`), "VmPTE"));
  // every entry of both PMDs, in both mms: the folio's frames in order, write-protected
  expect(entries(m, c)).toEqual(expected(heads, false));
  expect(entries(m, p)).toEqual(expected(heads, false));
  for (const head of heads)
    for (let i = 0; i < 512; i += 73) expect(m.phys.mapcountOf(head + i)).toBe(2);
  assertInvariants(m);
});

test("the child's split of a shared lazy PMD, its munmap of the other, and the parent's write each see the right entries", () => {
  const { m, p } = thpProcess();
  const pt = m.tasks.get(p)!.mm!.pt;
  const heads = keys.map((key) => ptePfn(pt.hugeFirst(key)));
  const c = must(m.fork(p));
  const cpt = m.tasks.get(c)!.mm!.pt;
  // the child splits its first PMD (mprotect of one page): its PTEs come from the lazy shared table
  must(m.mprotect(c, AT + 5 * PAGE_SIZE, PAGE_SIZE, PROT_READ));
  expect([cpt.isHuge(keys[0]!), pt.isHuge(keys[0]!)]).toEqual([false, true]);
  expect(entries(m, c).slice(0, 512)).toEqual(expected([heads[0]!], false));
  // and unmaps its second: the parent keeps it, huge
  must(m.munmap(c, AT + 2 * MiB, 2 * MiB));
  expect([cpt.isHuge(keys[1]!), pt.isHuge(keys[1]!)]).toEqual([false, true]);
  expect(kb(proc(m, `/proc/${c}/smaps_rollup`), "AnonHugePages")).toBe(0);
  expect(kb(proc(m, `/proc/${p}/smaps_rollup`), "AnonHugePages")).toBe(4096);
  expect(m.phys.entireOf(heads[1]!)).toBe(1);
  // the parent's PMDs read write-protected until it writes; its write of the
  // second (now mapped by it alone) reuses the folio under a writable PMD
  expect(entries(m, p)).toEqual(expected(heads, false));
  must(m.access(p, AT + 2 * MiB, 2 * MiB, true, 9));
  expect(entries(m, p).slice(512)).toEqual(expected([heads[1]!], true));
  expect(entries(m, c).slice(0, 512)).toEqual(expected([heads[0]!], false));
  assertInvariants(m);
});

test("a grandchild forked while the table is shared two ways shares it three ways, and outlives its parent", () => {
  const { m, p } = thpProcess();
  const pt = m.tasks.get(p)!.mm!.pt;
  const heads = keys.map((key) => ptePfn(pt.hugeFirst(key)));
  const c = must(m.fork(p));
  const g = must(m.fork(c));
  for (const head of heads) expect(m.phys.entireOf(head)).toBe(3);
  must(m.exit(c, 0));
  must(m.wait(c));
  for (const head of heads) expect(m.phys.entireOf(head)).toBe(2);
  expect(entries(m, g)).toEqual(expected(heads, false));
  expect(kb(proc(m, `/proc/${g}/smaps_rollup`), "AnonHugePages")).toBe(4096);
  // the parent's write: the folio is the grandchild's too, so the parent's copy is its own
  must(m.access(p, AT, PAGE_SIZE, true, 11));
  expect(entries(m, g)).toEqual(expected(heads, false));
  expect(entries(m, p)[0]![0]).not.toBe(heads[0]);
  assertInvariants(m);
});
