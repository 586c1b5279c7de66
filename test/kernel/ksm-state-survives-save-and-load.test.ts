/**
 * KSM's state is kernel state: stable and unstable trees, rmap items with
 * their checksums, the scan cursor, the counters and ksmd's next wake-up,
 * and `write --random`'s generator. A machine saved and loaded in the
 * middle of merging must go on exactly as the saved one does.
 */
import { expect, test } from "vitest";
import { MADV_MERGEABLE, PAGE_SIZE } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";

function must<T>(r: { ok: true; value: T } | { ok: false }): T {
  if (!r.ok) throw new Error("unexpected failure");
  return r.value;
}

const counters = (m: Machine) => [
  m.ksm.pagesShared,
  m.ksm.pagesSharing,
  m.ksm.pagesUnshared,
  m.ksm.rmapItems,
  m.ksm.fullScans,
  m.phys.nrFree,
];

test("a machine loaded between two ksmd scans merges as the saved one does", () => {
  const m = Machine.boot({ memBytes: 64 * 1024 * 1024 });
  const p = must(m.spawn("/bin/sh", ["sh"]));
  const len = 96 * PAGE_SIZE;
  const mmapArgs = {
    addr: 0,
    length: len,
    prot: Machine.RW,
    flags: Machine.ANON_PRIVATE,
    file: null,
    fileWritable: false,
    offset: 0,
  };
  const a = must(m.mmap(p, mmapArgs));
  must(m.access(p, a, 64 * PAGE_SIZE, true, 5));
  must(m.access(p, a + 64 * PAGE_SIZE, 32 * PAGE_SIZE, true, () => m.randomWord()));
  must(m.madvise(p, a, len, MADV_MERGEABLE));
  m.ksm.tun.run = 1;
  m.ksm.tun.pagesToScan = 40; // a full scan takes three batches: save mid-scan
  m.ksm.tun.sleepMillisecs = 1;
  m.advance(4_000_000);
  expect(m.ksm.fullScans).toBe(1);
  const loaded = loadMachine(JSON.parse(JSON.stringify(saveMachine(m), replacer), reviver));
  if (!loaded.ok) throw new Error(loaded.problem);
  const n = loaded.machine;
  expect(counters(n)).toEqual(counters(m));
  for (const x of [m, n]) {
    x.advance(10_000_000);
    must(x.access(p, a, PAGE_SIZE, true, () => x.randomWord()));
    x.advance(10_000_000);
  }
  expect(counters(n)).toEqual(counters(m));
  expect(m.ksm.pagesSharing).toBeGreaterThan(0);
  expect(n.randomWord()).toBe(m.randomWord());
});

// Typed arrays through JSON, as an image file would carry them.
function replacer(_k: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return { $typed: v.constructor.name, data: Array.from(v as unknown as ArrayLike<number>) };
  return v;
}
function reviver(_k: string, v: unknown): unknown {
  if (v !== null && typeof v === "object" && "$typed" in v) {
    const { $typed, data } = v as { $typed: string; data: number[] };
    const ctor = (globalThis as unknown as Record<string, { from(d: number[]): unknown }>)[$typed]!;
    return ctor.from(data);
  }
  return v;
}
