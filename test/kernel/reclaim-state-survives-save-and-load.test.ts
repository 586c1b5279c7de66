/**
 * The reclaim before a fault remembers a pass that freed nothing (it is not
 * tried again until a page has been freed since). That memory is kernel
 * state: a machine saved and loaded after such a pass must go on as the
 * saved one does, not scan again at its next fault.
 */
import { expect, test } from "vitest";
import { MAP_NORESERVE, PAGE_SIZE } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
import { RECLAIM_RESERVE } from "../../src/kernel/reclaim.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";

const MiB = 1024 * 1024;

function must<T>(r: { ok: true; value: T } | { ok: false }): T {
  if (!r.ok) throw new Error("unexpected failure");
  return r.value;
}

test("a load after a fruitless reclaim does not scan again where the saved machine does not", () => {
  // No swap: only the page cache can be reclaimed, and writing anonymous
  // memory until fewer than half the reserve is free leaves none of it.
  const m = Machine.boot({ memBytes: 40 * MiB });
  const p = must(m.spawn("/bin/sh", ["sh"]));
  const length = 32 * MiB;
  const addr = must(
    m.mmap(p, {
      addr: 0,
      length,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE | MAP_NORESERVE,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
  );
  let at = addr;
  while (m.phys.nrFree >= RECLAIM_RESERVE / 2) {
    must(m.access(p, at, PAGE_SIZE, true, 1));
    at += PAGE_SIZE;
  }
  // The last fault's reclaim freed nothing: the next one does not try.
  const stalls = m.phys.vm.allocstallNormal;
  must(m.access(p, at, PAGE_SIZE, true, 1));
  at += PAGE_SIZE;
  expect(m.phys.vm.allocstallNormal).toBe(stalls);

  const loaded = loadMachine(saveMachine(m));
  if (!loaded.ok) throw new Error(loaded.problem);
  const copy = loaded.machine;
  for (const machine of [m, copy]) must(machine.access(p, at, PAGE_SIZE, true, 1));
  expect(copy.phys.vm.allocstallNormal).toBe(stalls);
  expect({ ...copy.phys.vm }).toEqual({ ...m.phys.vm });
  expect(copy.phys.flags.slice(0, m.phys.highWater)).toEqual(
    m.phys.flags.slice(0, m.phys.highWater),
  );
});
