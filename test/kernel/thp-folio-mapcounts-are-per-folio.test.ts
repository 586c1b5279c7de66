/**
 * A PMD-sized folio's mapcounts and AnonExclusive as Linux 6.18 keeps
 * them (phys.ts, huge-memory.ts): the folio's entire mapcount counts its
 * PMD mappings, each frame's own count its PTE mappings, and readers see
 * the total; a PMD-mapped folio's AnonExclusive is its head's. Fork of a
 * huge PMD is O(1): one entire count, the head's flag, and entry 0 of the
 * parent's table (the others follow lazily, page-table.ts), yet every
 * reader sees 512 consistent entries. runScript checks the invariants
 * (own counts against PTEs, entire counts against PMDs) after each command.
 */
import { expect, test } from "vitest";
import type { Machine } from "../../src/kernel/machine.js";
import { PTE_WRITE, ptePfn } from "../../src/kernel/page-table.js";
import { PG_ANON_EXCLUSIVE } from "../../src/kernel/phys.js";
import { runScript } from "../helpers/run-script.js";

const MAP_THP = `map_thp() {
  R=$(mmap $P $(( $1 + 8388608 )) --prot none --noreserve)
  A=$(printf '0x%x' $(( (R + 4194303) / 2097152 * 2097152 )))
  mmap $P $1 --fixed $A > /dev/null
  madvise $P $A $1 hugepage
  echo $A
}
P=$(spawn /bin/sh)
B=$(map_thp 2097152)
write $P $B 2M
`;

/** The machine after `script`, and the pids and the buffer's address it echoed last ("P B [C]"). */
function run(script: string): { m: Machine; p: number; b: number; c: number; text: string } {
  const { session, status, text } = runScript(`${MAP_THP}${script}`);
  expect(status).toBe(0);
  const last = text.trimEnd().split("\n").at(-1)!.split(" ");
  return {
    m: session.machine as Machine,
    p: Number(last[0]),
    b: Number(last[1]),
    c: Number(last[2] ?? -1),
    text,
  };
}

/** The folio's head and every frame's own count, AnonExclusive flag and total, for pid's PMD at `b`. */
function folio(m: Machine, pid: number, b: number) {
  const pt = m.tasks.get(pid)!.mm!.pt;
  const head = ptePfn(pt.get(b / 4096));
  const frames = Array.from({ length: 512 }, (_, i) => head + i);
  return {
    head,
    entire: m.phys.entireOf(head),
    own: new Set(frames.map((pfn) => m.phys.ownMapcount(pfn))),
    total: new Set(frames.map((pfn) => m.phys.mapcountOf(pfn))),
    headExclusive: (m.phys.flags[head]! & PG_ANON_EXCLUSIVE) !== 0,
    tailsExclusive: new Set(
      frames.slice(1).map((pfn) => (m.phys.flags[pfn]! & PG_ANON_EXCLUSIVE) !== 0),
    ),
    seenExclusive: new Set(frames.map((pfn) => m.phys.anonExclusive(pfn))),
  };
}

test("a THP fault maps the folio by its entire count alone; AnonExclusive is the head's", () => {
  const { m, p, b } = run("echo $P $B\n");
  expect(m.tasks.get(p)!.mm!.pt.isHuge(b / 2097152)).toBe(true);
  const f = folio(m, p, b);
  expect(f.entire).toBe(1);
  expect([...f.own]).toEqual([0]);
  expect([...f.total]).toEqual([1]);
  expect(f.headExclusive).toBe(true);
  expect([...f.tailsExclusive]).toEqual([false]);
  expect([...f.seenExclusive]).toEqual([true]);
});

test("after fork the frames' own counts are 0, the entire count 2, kpagecount 2, AnonExclusive clear", () => {
  const { m, p, b, c, text } = run(
    "C=$(fork $P)\necho $(pagemap $P $B+0x3000)\necho $(pagemap $C $B+0x3000)\necho $P $B $C\n",
  );
  const f = folio(m, p, b);
  expect(folio(m, c, b).head).toBe(f.head);
  expect(f.entire).toBe(2);
  expect([...f.own]).toEqual([0]);
  expect([...f.total]).toEqual([2]);
  expect(f.headExclusive).toBe(false);
  expect([...f.seenExclusive]).toEqual([false]);
  const lines = text.trimEnd().split("\n");
  for (const line of lines.slice(-3, -1)) expect(line).toMatch(/exclusive=0 .*kpagecount=2 /);
});

test("a PMD split moves the folio's 1 from the entire count into the 512 own counts, with the head's AnonExclusive", () => {
  // no fork: the split gives every frame the head's AnonExclusive (set)
  const alone = run("mprotect $P $B 4K r\necho $P $B\n");
  const a = folio(alone.m, alone.p, alone.b);
  expect(alone.m.tasks.get(alone.p)!.mm!.pt.isHuge(alone.b / 2097152)).toBe(false);
  expect(a.entire).toBe(0);
  expect([...a.own]).toEqual([1]);
  expect([...a.total]).toEqual([1]);
  expect([...a.tailsExclusive]).toEqual([true]);
  // after fork: the child splits, the parent keeps its PMD; nobody is exclusive
  const forked = run("C=$(fork $P)\nmprotect $C $B 4K r\necho $P $B $C\n");
  const f = folio(forked.m, forked.p, forked.b);
  expect(f.entire).toBe(1);
  expect([...f.own]).toEqual([1]);
  expect([...f.total]).toEqual([2]);
  expect([...f.seenExclusive]).toEqual([false]);
});

test("fork write-protects the parent's huge PMD by one entry; readers see 512 consistent entries", () => {
  const { m, p, b } = run("echo $P $B\n");
  // forked here, not by the script: the invariant checker reads (and so syncs) every table
  const forked = m.fork(p);
  if (!forked.ok) throw new Error("fork failed");
  const c = forked.value;
  const key = b / 2097152;
  const pt = m.tasks.get(p)!.mm!.pt;
  // The table fork left: entry 0 write-protected, the others not yet brought up to date.
  const slots = (pt as unknown as { slots: Map<number, { table: { lazyStep: number } }> }).slots;
  const raw = slots.get(key)!.table as unknown as { lazyStep: number; entries: Uint32Array };
  expect(raw.lazyStep).toBeGreaterThan(0);
  expect(raw.entries[0]! & PTE_WRITE).toBe(0);
  expect(raw.entries[511]! & PTE_WRITE).toBe(PTE_WRITE); // stale until read
  const head = ptePfn(pt.hugeFirst(key));
  for (const pid of [p, c]) {
    const seen = m.tasks.get(pid)!.mm!.pt;
    for (let i = 0; i < 512; i++) {
      const pte = seen.get(b / 4096 + i);
      expect(ptePfn(pte)).toBe(head + i);
      expect(pte & 15).toBe(pt.hugeFirst(key) & 15);
    }
  }
  expect(raw.lazyStep).toBe(-1);
  expect(raw.entries[511]! & PTE_WRITE).toBe(0);
});

test("the child's exit gives the entire count back; the parent's write then reuses the folio under its PMD", () => {
  const { m, p, b } = run("C=$(fork $P)\nkill -9 $C\nwait $C\nwrite $P $B 2M\necho $P $B\n");
  expect(m.tasks.get(p)!.mm!.pt.isHuge(b / 2097152)).toBe(true);
  const f = folio(m, p, b);
  expect(f.entire).toBe(1);
  expect([...f.own]).toEqual([0]);
  expect(f.headExclusive).toBe(true);
  expect([...f.seenExclusive]).toEqual([true]);
  const pt = m.tasks.get(p)!.mm!.pt;
  for (let i = 0; i < 512; i++) expect(pt.get(b / 4096 + i) & PTE_WRITE).toBe(PTE_WRITE);
});
