/**
 * The LRU lists are ordered as Linux orders them (phys.ts, lru.ts): by when
 * a page joined its list, reclaim taking the oldest first, whatever the
 * pages' PFNs (the free stack hands recycled low PFNs to new pages).
 * Activation, deactivation and putback move a page to a list's head;
 * save/load keeps the order; the invariant checker sees a frame whose flags
 * name another list than the one it is on.
 */
import { describe, expect, test } from "vitest";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { lruOldest } from "../../src/kernel/lru.js";
import { Machine } from "../../src/kernel/machine.js";
import {
  KIND_ANON,
  LRU_ACTIVE_ANON,
  LRU_INACTIVE_ANON,
  LRU_SEQ_LIMIT,
  PG_ACTIVE,
  stampList,
} from "../../src/kernel/phys.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { createSession } from "../../src/shell/runtime.js";
import { runMore, runScript } from "../helpers/run-script.js";

const MiB = 1024 * 1024;
const SMALL_SWAP = { memBytes: 40 * MiB, swapBytes: 64 * MiB };

/**
 * P writes x, then a, unmaps x and writes b: b's pages reuse x's PFNs,
 * below a's, but joined the anon list after a's.
 */
const OLD_HIGH_NEW_LOW = `P=$(spawn /bin/sh)
X=$(mmap $P 4M --name x)
write $P x 4M
A=$(mmap $P 4M --name a)
write $P a 4M
munmap $P $X 4M
B=$(mmap $P 4M --name b)
write $P b 4M
echo $P`;

/** Another process writes 18 MiB: about 4 MiB more than the machine has free. */
const PRESSURE = `Q=$(spawn /bin/sh)
Y=$(mmap $Q 18M --name y)
write $Q y 18M`;

const swapOf = (session: Parameters<typeof runMore>[0], pid: string, vma: string): number =>
  Number(runMore(session, `smaps ${pid} ${vma} | grep '^Swap:'`).match(/(\d+) kB/)![1]);

describe("reclaim takes the oldest pages of a list first", () => {
  test("a region written earlier goes to swap before a later one on lower PFNs", () => {
    const t = runScript(OLD_HIGH_NEW_LOW, SMALL_SWAP);
    expect(t.status).toBe(0);
    const pid = t.stdout.trim();
    runMore(t.session, PRESSURE);
    expect(swapOf(t.session, pid, "a")).toBeGreaterThan(2048);
    expect(swapOf(t.session, pid, "b")).toBe(0);
  });

  test("lruOldest gives a list's frames in the order they joined it, a moved one at the head", () => {
    const m = Machine.boot({ memBytes: 64 * MiB });
    const { phys } = m;
    const pfns = [0, 1, 2, 3, 4].map(() => phys.alloc(KIND_ANON, 0));
    phys.free(pfns[1]!);
    const reused = phys.alloc(KIND_ANON, 0); // LIFO: pfns[1] again, now the newest
    expect(reused).toBe(pfns[1]);
    phys.setFlags(pfns[2]!, phys.flags[pfns[2]!]! | PG_ACTIVE); // activated: off the inactive list
    expect(stampList(phys.lruStamp(pfns[2]!))).toBe(LRU_ACTIVE_ANON);
    phys.lruAdd(pfns[0]!); // put back: to the head
    const order = lruOldest(phys, LRU_INACTIVE_ANON, 1 << 20).filter((p) => pfns.includes(p));
    expect(order).toEqual([pfns[3], pfns[4], pfns[1], pfns[0]]);
    expect(lruOldest(phys, LRU_ACTIVE_ANON, 1 << 20).filter((p) => pfns.includes(p))).toEqual([
      pfns[2],
    ]);
    expect(checkInvariants(m).violations.filter((v) => v.includes("LRU"))).toEqual([]);
  });

  test("running out of seqs renumbers them and keeps every list's order", () => {
    const m = Machine.boot({ memBytes: 64 * MiB });
    const { phys } = m;
    const first = [0, 1, 2].map(() => phys.alloc(KIND_ANON, 0));
    phys.lruSeq = LRU_SEQ_LIMIT - 2;
    const later = [0, 1, 2].map(() => phys.alloc(KIND_ANON, 0));
    expect(phys.lruSeq).toBeLessThan(LRU_SEQ_LIMIT / 2);
    const all = [...first, ...later];
    expect(lruOldest(phys, LRU_INACTIVE_ANON, 1 << 20).filter((p) => all.includes(p))).toEqual(all);
    expect(checkInvariants(m).violations.filter((v) => v.includes("LRU"))).toEqual([]);
  });
});

describe("save and load keep the order", () => {
  test("a loaded machine reclaims the same pages as the one saved", () => {
    const t = runScript(OLD_HIGH_NEW_LOW, SMALL_SWAP);
    const pid = t.stdout.trim();
    const image = saveMachine(t.session.machine);
    const loaded = loadMachine(structuredClone(image));
    if (!loaded.ok) throw new Error(loaded.problem);
    const { phys } = t.session.machine;
    expect(loaded.machine.phys.lruStamps()).toEqual(phys.lruStamps());
    const copy = createSession(loaded.machine);
    runMore(copy, PRESSURE);
    runMore(t.session, PRESSURE);
    expect(swapOf(t.session, pid, "a")).toBeGreaterThan(2048);
    expect(swapOf(copy, pid, "a")).toBe(swapOf(t.session, pid, "a"));
    expect(swapOf(copy, pid, "b")).toBe(0);
  });

  test("an image from before the lists were ordered loads with each list in PFN order", () => {
    const t = runScript(OLD_HIGH_NEW_LOW, SMALL_SWAP);
    const { lru: _, ...older } = saveMachine(t.session.machine);
    const loaded = loadMachine(older);
    if (!loaded.ok) throw new Error(loaded.problem);
    const { phys } = loaded.machine;
    const order = lruOldest(phys, LRU_INACTIVE_ANON, 1 << 20);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.length).toBeGreaterThan(2048);
  });

  test("an image whose stamp names a list the frame's flags do not is refused", () => {
    const t = runScript(OLD_HIGH_NEW_LOW, SMALL_SWAP);
    const image = saveMachine(t.session.machine);
    const { phys } = t.session.machine;
    const pfn = lruOldest(phys, LRU_INACTIVE_ANON, 1)[0]!;
    image.lru!.stamps[pfn] = (LRU_ACTIVE_ANON + 1) * LRU_SEQ_LIMIT + 1;
    const loaded = loadMachine(image);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.problem).toMatch(/LRU list 1 but its flags say 0/);
  });
});

test("the invariant checker sees a page whose flags moved it to a list without joining it", () => {
  const m = Machine.boot({ memBytes: 64 * MiB });
  m.phys.free(m.phys.alloc(KIND_ANON, 0));
  const pfn = m.phys.alloc(KIND_ANON, 0); // from the free stack: its place is a stamp
  m.phys.flags[pfn]! |= PG_ACTIVE; // as a flags write that bypasses setFlags would
  expect(checkInvariants(m).violations).toContain(
    `pfn ${pfn} is on LRU list ${LRU_INACTIVE_ANON} but its flags say ${LRU_ACTIVE_ANON}`,
  );
});
