/**
 * PhysMem's large folios (THP, hugetlb): an order-9 folio is 512 frames
 * aligned to 512, taken above the bump pointer while there is room (the
 * frames skipped to align it stay free), else from the lowest free aligned
 * run below it; every frame's folio head is found; freeing or splitting
 * it gives the frames back as order-0 folios; nrFree counts all of it;
 * save/load keeps the folios.
 */
import { expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { KIND_ANON, KIND_FREE, PhysMem } from "../../src/kernel/phys.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";

const ORDER = 9;
const N = 512;

test("an order-9 folio is 512 aligned frames above the bump; the frames skipped stay free", () => {
  const phys = new PhysMem(64 * N);
  const small = phys.alloc(KIND_ANON, 7);
  const before = phys.nrFree;
  const head = phys.allocLarge(KIND_ANON, 9, ORDER);
  expect(head % N).toBe(0);
  expect(head).toBeGreaterThan(small);
  expect(phys.nrFree).toBe(before - N);
  expect(phys.headOf(head + 300)).toBe(head);
  expect(phys.headOf(head + N)).toBe(head + N);
  expect(phys.headOf(small)).toBe(small);
  expect(phys.orderOf(head)).toBe(ORDER);
  expect(phys.content[head + N - 1]).toBe(9);
  // the skipped frames are handed out next, one by one
  const next = phys.alloc(KIND_ANON, 1);
  expect(next).toBeGreaterThan(small);
  expect(next).toBeLessThan(head);
});

test("without room above the bump, the lowest free aligned run below it is used, and taken off the free stack", () => {
  const phys = new PhysMem(12 * N); // 4,192 frames the kernel's, 1,952 for us
  const first = phys.firstUsable;
  const pfns: number[] = [];
  for (let p = phys.alloc(KIND_ANON, 0); p >= 0; p = phys.alloc(KIND_ANON, 0)) pfns.push(p);
  expect(phys.allocLarge(KIND_ANON, 0, ORDER)).toBe(-1);
  const runStart = Math.ceil(first / N) * N + N; // an aligned run in the middle
  for (let p = runStart; p < runStart + N; p++) phys.free(p);
  phys.free(runStart - 1); // a free frame outside the run stays on the stack
  expect(phys.nrFree).toBe(N + 1);
  expect(phys.allocLarge(KIND_ANON, 0, ORDER)).toBe(runStart);
  expect(phys.nrFree).toBe(1);
  expect(phys.alloc(KIND_ANON, 0)).toBe(runStart - 1);
  expect(phys.alloc(KIND_ANON, 0)).toBe(-1);
});

test("freeing a large folio frees its frames; splitting keeps them in use as small folios", () => {
  const phys = new PhysMem(64 * N);
  const a = phys.allocLarge(KIND_ANON, 0, ORDER);
  const b = phys.allocLarge(KIND_ANON, 0, ORDER);
  const free = phys.nrFree;
  phys.freeLarge(a);
  expect(phys.nrFree).toBe(free + N);
  expect(phys.kind(a + 5)).toBe(KIND_FREE);
  expect(phys.headOf(a + 5)).toBe(a + 5);
  phys.splitLarge(b);
  expect(phys.headOf(b + 5)).toBe(b + 5);
  expect(phys.kind(b + 5)).toBe(KIND_ANON);
  expect(() => phys.freeLarge(b)).toThrow(/not a large folio/);
});

test("the snapshot saves the large folios, and a load checks them", () => {
  const m = Machine.boot();
  const head = m.phys.allocLarge(KIND_ANON, 3, ORDER);
  const image = saveMachine(m);
  expect(image.phys.large).toEqual([[head, ORDER]]);
  m.phys.freeLarge(head);
  const clean = saveMachine(m);
  expect(clean.phys.large).toBeUndefined();
  const bad = (large: [number, number][]) =>
    loadMachine({ ...clean, phys: { ...clean.phys, large } });
  expect(bad([[head + 1, ORDER]])).toMatchObject({
    ok: false,
    problem: expect.stringMatching(/phys\.large/),
  });
  expect(bad([[head, ORDER]])).toMatchObject({
    ok: false,
    problem: expect.stringMatching(/is free/),
  });
});
