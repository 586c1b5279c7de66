/**
 * The allocator's and fork's fast paths for huge pages (docs/PERFORMANCE.md,
 * "After the allocator and fork fast paths"): PhysMem finds a free aligned
 * 2 MiB block by its per-block count of frames in use and lets the free
 * stack's entries for the frames it takes go stale, and fork copies a huge
 * PMD's frames in one pass. Both must choose and count exactly as before:
 * a reference allocator with the old eager design (a scan of the frames,
 * the free stack compacted at once) gives the same PFNs over a random
 * run; checkAllocator agrees with the frames' flags; save/load carries the
 * allocator over; a fork of a THP-backed process leaves each frame mapped
 * twice, no longer AnonExclusive, write-protected, counted in the child.
 */
import { expect, test } from "vitest";
import { MADV_HUGEPAGE } from "../../src/kernel/constants.js";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { ptePfn, pteWrite } from "../../src/kernel/page-table.js";
import {
  KIND_ANON,
  KIND_FREE,
  KIND_MASK,
  MAPCOUNT_SATURATED,
  PG_ANON_EXCLUSIVE,
  PhysMem,
} from "../../src/kernel/phys.js";

const N = 512;

/** The allocator as round 1 wrote it: a LIFO stack compacted at each large allocation, a frame scan for runs. */
class Reference {
  private bump: number;
  private stack: number[] = [];
  private readonly free: boolean[];
  constructor(
    private readonly nrFrames: number,
    private readonly firstUsable: number,
  ) {
    this.bump = firstUsable;
    this.free = new Array<boolean>(nrFrames).fill(true);
  }
  alloc(): number {
    const pfn =
      this.stack.length > 0 ? this.stack.pop()! : this.bump < this.nrFrames ? this.bump++ : -1;
    if (pfn >= 0) this.free[pfn] = false;
    return pfn;
  }
  release(pfn: number): void {
    this.free[pfn] = true;
    this.stack.push(pfn);
  }
  allocLarge(order: number): number {
    const n = 2 ** order;
    const aligned = Math.ceil(this.bump / n) * n;
    let head = -1;
    if (aligned + n <= this.nrFrames) {
      for (let pfn = this.bump; pfn < aligned; pfn++) this.stack.push(pfn);
      this.bump = aligned + n;
      head = aligned;
    } else {
      for (let h = Math.ceil(this.firstUsable / n) * n; h + n <= this.bump && head < 0; h += n) {
        let pfn = h;
        while (pfn < h + n && this.free[pfn]) pfn++;
        if (pfn === h + n) head = h;
      }
      if (head < 0) return -1;
      this.stack = this.stack.filter((pfn) => pfn < head || pfn >= head + n);
    }
    for (let pfn = head; pfn < head + n; pfn++) this.free[pfn] = false;
    return head;
  }
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test.each([1, 2, 3])(
  "seed %i: the same PFNs as the eager allocator, and the block counts agree with the flags",
  (seed) => {
    const phys = new PhysMem(40 * N);
    const ref = new Reference(phys.nrFrames, phys.firstUsable);
    const rnd = random(seed);
    const small: number[] = [];
    const large: [number, number][] = [];
    for (let step = 0; step < 4000; step++) {
      const r = rnd();
      if (r < 0.45) {
        const pfn = phys.alloc(KIND_ANON, 0);
        expect(pfn).toBe(ref.alloc());
        if (pfn >= 0) small.push(pfn);
      } else if (r < 0.75 && small.length > 0) {
        const [pfn] = small.splice(Math.floor(rnd() * small.length), 1);
        phys.free(pfn!);
        ref.release(pfn!);
      } else if (r < 0.9) {
        const order = rnd() < 0.8 ? 9 : rnd() < 0.5 ? 4 : 10;
        const head = phys.allocLarge(KIND_ANON, 0, order);
        expect(head).toBe(ref.allocLarge(order));
        if (head >= 0) large.push([head, order]);
      } else if (large.length > 0) {
        const [[head, order]] = large.splice(Math.floor(rnd() * large.length), 1) as [
          [number, number],
        ];
        phys.freeLarge(head);
        for (let pfn = head; pfn < head + 2 ** order; pfn++) ref.release(pfn);
      }
      if (step % 200 === 0) expect(phys.checkAllocator()).toEqual([]);
    }
    expect(phys.checkAllocator()).toEqual([]);
  },
);

test("frames a large folio takes from below the bump are skipped on the free stack, which stays bounded", () => {
  const phys = new PhysMem(24 * N);
  const pfns: number[] = [];
  for (let p = phys.alloc(KIND_ANON, 0); p >= 0; p = phys.alloc(KIND_ANON, 0)) pfns.push(p);
  for (let round = 0; round < 40; round++) {
    for (const p of pfns) if (phys.kind(p) !== KIND_FREE) phys.free(p);
    const heads: number[] = [];
    for (let h = phys.allocLarge(KIND_ANON, 0, 9); h >= 0; h = phys.allocLarge(KIND_ANON, 0, 9))
      heads.push(h);
    expect(heads.length).toBeGreaterThan(10);
    expect(phys.checkAllocator()).toEqual([]);
    // what is left comes from the stack, never a frame in use
    const rest: number[] = [];
    for (let p = phys.alloc(KIND_ANON, 0); p >= 0; p = phys.alloc(KIND_ANON, 0)) rest.push(p);
    expect(rest.length + heads.length * N).toBe(pfns.length);
    for (const h of heads) phys.freeLarge(h);
    const { free } = phys.allocatorState();
    expect(new Set(free).size).toBe(free.length);
    expect(free.length).toBe(heads.length * N);
  }
});

test("checkAllocator sees a frame whose flags changed behind the allocator's back", () => {
  const phys = new PhysMem(24 * N);
  const pfn = phys.alloc(KIND_ANON, 0);
  phys.allocLarge(KIND_ANON, 0, 9);
  phys.free(pfn);
  expect(phys.checkAllocator()).toEqual([]);
  phys.flags[pfn] = KIND_ANON; // in use, but still counted free
  expect(phys.checkAllocator().join("\n")).toMatch(/frames counted in use|not on the free stack/);
});

test("save/load carries the allocator: the restored one hands out the same frames", () => {
  const phys = new PhysMem(40 * N);
  const pfns: number[] = [];
  for (let p = phys.alloc(KIND_ANON, 1); p >= 0; p = phys.alloc(KIND_ANON, 1)) pfns.push(p);
  for (let i = 0; i < pfns.length; i += 3) phys.free(pfns[i]!);
  for (let i = 1000; i < 2000; i++) if (i % 3 !== 0) phys.free(pfns[i]!);
  // a free aligned block below the bump, taken while its frames sit on the stack
  const big = phys.allocLarge(KIND_ANON, 0, 9);
  expect(big).toBeLessThan(pfns[2000]!);
  // as snapshot.ts saves and loads it: the flags, then the allocator's state
  const { bump, free } = phys.allocatorState();
  expect(free.length).toBe(new Set(free).size);
  for (const pfn of free) expect(phys.kind(pfn)).toBe(KIND_FREE);
  const copy = new PhysMem(phys.nrFrames);
  copy.flags.set(phys.flags);
  copy.restoreAllocator(bump, free);
  expect(copy.nrFree).toBe(phys.nrFree);
  expect(copy.checkAllocator()).toEqual([]);
  for (let i = 0; i < 3000; i++) expect(copy.alloc(KIND_ANON, 0)).toBe(phys.alloc(KIND_ANON, 0));
  expect(copy.allocLarge(KIND_ANON, 0, 9)).toBe(phys.allocLarge(KIND_ANON, 0, 9));
  expect(copy.checkAllocator()).toEqual([]);
});

test("fork of a THP-backed process: every frame mapped twice, shared, write-protected, counted in the child", () => {
  const m = Machine.boot({ memBytes: 256 * 1024 * 1024, thp: "madvise" });
  const p = m.spawn("/bin/sh", ["sh"]);
  if (!p.ok) throw new Error("spawn");
  const length = 8 * 1024 * 1024;
  const buf = m.mmap(p.value, {
    addr: 0,
    length,
    prot: Machine.RW,
    flags: Machine.ANON_PRIVATE,
    file: null,
    fileWritable: false,
    offset: 0,
  });
  if (!buf.ok) throw new Error("mmap");
  expect(buf.value % (2 * 1024 * 1024)).toBe(0);
  expect(m.madvise(p.value, buf.value, length, MADV_HUGEPAGE).ok).toBe(true);
  expect(m.access(p.value, buf.value, length, true, 5).ok).toBe(true);
  const mm = m.tasks.get(p.value)!.mm!;
  const first = buf.value / 4096;
  const heads = [0, 1, 2, 3].map((i) => ptePfn(mm.pt.get(first + i * N)));
  for (const h of heads) {
    expect(m.phys.orderOf(h)).toBe(9);
    // a PMD-mapped folio's AnonExclusive is its head's (phys.anonExclusive)
    expect(m.phys.flagsSeen(h + 100) & PG_ANON_EXCLUSIVE).not.toBe(0);
  }
  // one frame with an own count at the edge of the small counts: fork adds
  // to the folio's entire count, which the frame's total includes
  m.phys.setMapcount(heads[1]! + 7, MAPCOUNT_SATURATED - 1);
  const before = m.phys.mapcountOf(heads[1]! + 7);
  const child = m.fork(p.value);
  if (!child.ok) throw new Error("fork");
  expect(m.phys.mapcountOf(heads[1]! + 7)).toBe(before + 1);
  m.phys.setMapcount(heads[1]! + 7, 0); // no PTE maps it: its own count is 0
  const cmm = m.tasks.get(child.value)!.mm!;
  expect(cmm.rssAnon).toBe(mm.rssAnon);
  for (const h of heads)
    for (let pfn = h; pfn < h + N; pfn++) {
      expect(m.phys.mapcountOf(pfn)).toBe(2);
      expect(m.phys.flagsSeen(pfn) & (PG_ANON_EXCLUSIVE | KIND_MASK)).toBe(KIND_ANON);
    }
  for (let vpn = first; vpn < first + length / 4096; vpn++) {
    expect(pteWrite(mm.pt.get(vpn))).toBe(false);
    expect(cmm.pt.get(vpn)).toBe(mm.pt.get(vpn));
  }
  expect(checkInvariants(m).violations).toEqual([]);
  // the child's write gets its own copy; the parent still reads its own word
  expect(m.access(child.value, buf.value + 4096, 4096, true, 9).ok).toBe(true);
  expect(checkInvariants(m).violations).toEqual([]);
});
