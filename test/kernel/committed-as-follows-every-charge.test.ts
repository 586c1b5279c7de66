/**
 * vm_committed_as (meminfo's Committed_AS) is charged and given back by
 * every path that makes or drops a VM_ACCOUNT mapping or a size-charged
 * shmem object, and always equals what the mappings charge (the invariant
 * checker recounts it); a machine image keeps the sysctls.
 */
import { describe, expect, test } from "vitest";
import { showMeminfo } from "../../fs/proc/meminfo.js";
import { decodeImage, encodeImage } from "../../src/image/machine-image.js";
import { recountCommitted } from "../../src/kernel/commit.js";
import { MAP_FIXED, MAP_NORESERVE, PAGE_SIZE } from "../../src/kernel/constants.js";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";

const MIB = 2 ** 20;
const PAGES_PER_MIB = MIB / PAGE_SIZE;

const req = (length: number, flags = Machine.ANON_PRIVATE, prot = Machine.RW, addr = 0) => ({
  addr,
  length,
  prot,
  flags,
  file: null,
  fileWritable: false,
  offset: 0,
});

function withShell(): [Machine, number] {
  const m = Machine.boot();
  const p = m.spawn("/bin/sh", ["sh"]);
  if (!p.ok) throw new Error(p.errno);
  return [m, p.value];
}

/** The commitment's change across `f`, in pages; the invariants hold after it. */
function delta(m: Machine, f: () => void): number {
  const before = m.commit.committed;
  f();
  expect(checkInvariants(m).violations).toEqual([]);
  expect(m.commit.committed).toBe(recountCommitted(m.mms()));
  return m.commit.committed - before;
}

const must = <T>(r: { ok: true; value: T } | { ok: false; errno: string }): T => {
  if (!r.ok) throw new Error(r.errno);
  return r.value;
};

describe("each path charges and gives back", () => {
  test("boot: the processes' VMAs are charged, nothing else", () => {
    const m = Machine.boot();
    expect(m.commit.committed).toBeGreaterThan(0);
    expect(m.commit.committed).toBe(recountCommitted(m.mms()));
  });

  test("mmap, MAP_FIXED over an accounted mapping, munmap", () => {
    const [m, p] = withShell();
    let a = 0;
    expect(delta(m, () => (a = must(m.mmap(p, req(4 * MIB)))))).toBe(4 * PAGES_PER_MIB);
    // MAP_FIXED over 1 MiB of it: the replaced pages stay charged, nothing more.
    expect(delta(m, () => must(m.mmap(p, req(MIB, Machine.ANON_PRIVATE | MAP_FIXED, 3, a))))).toBe(
      0,
    );
    // read-only MAP_FIXED over another MiB: that MiB's charge is given back.
    expect(
      delta(m, () => must(m.mmap(p, req(MIB, Machine.ANON_PRIVATE | MAP_FIXED, 1, a + MIB)))),
    ).toBe(-PAGES_PER_MIB);
    expect(delta(m, () => must(m.munmap(p, a, 4 * MIB)))).toBe(-3 * PAGES_PER_MIB);
  });

  test("shared anonymous memory: once for the object, back when the last mapping goes", () => {
    const [m, p] = withShell();
    let s = 0;
    expect(delta(m, () => (s = must(m.mmap(p, req(2 * MIB, Machine.ANON_SHARED)))))).toBe(
      2 * PAGES_PER_MIB,
    );
    let c = 0;
    expect(delta(m, () => (c = must(m.fork(p))))).toBeGreaterThan(0); // the child's private VMAs only
    expect(delta(m, () => must(m.munmap(p, s, 2 * MIB)))).toBe(0); // the child still maps it
    const childAc = recountCommitted([m.tasks.get(c)!.mm!]);
    expect(delta(m, () => must(m.exit(c, 0)))).toBe(-childAc);
  });

  test("shared anonymous memory with MAP_NORESERVE is charged by its pages", () => {
    const [m, p] = withShell();
    let s = 0;
    const flags = Machine.ANON_SHARED | MAP_NORESERVE;
    expect(delta(m, () => (s = must(m.mmap(p, req(2 * MIB, flags)))))).toBe(0);
    const before = committedKb(m);
    must(m.access(p, s, MIB, true));
    expect(committedKb(m) - before).toBe(1024);
  });

  test("mprotect: writable charges; read-only before any page gives back; after, keeps", () => {
    const [m, p] = withShell();
    const a = must(m.mmap(p, req(4 * MIB, Machine.ANON_PRIVATE, 0)));
    expect(delta(m, () => must(m.mprotect(p, a, 4 * MIB, Machine.RW)))).toBe(4 * PAGES_PER_MIB);
    expect(delta(m, () => must(m.mprotect(p, a, 4 * MIB, 1)))).toBe(-4 * PAGES_PER_MIB);
    expect(delta(m, () => must(m.mprotect(p, a, 4 * MIB, Machine.RW)))).toBe(4 * PAGES_PER_MIB);
    must(m.access(p, a, PAGE_SIZE, true));
    expect(delta(m, () => must(m.mprotect(p, a, 2 * MIB, 1)))).toBe(0);
    expect(delta(m, () => must(m.mprotect(p, a, 4 * MIB, Machine.RW)))).toBe(0);
  });

  test("brk grows and shrinks by pages; fork charges the child; exec and exit give back", () => {
    const [m, p] = withShell();
    const brk = m.tasks.get(p)!.mm!.brk;
    expect(delta(m, () => must(m.brk(p, brk + MIB)))).toBe(PAGES_PER_MIB);
    expect(delta(m, () => must(m.brk(p, brk)))).toBe(-PAGES_PER_MIB);
    const own = recountCommitted([m.tasks.get(p)!.mm!]);
    let c = 0;
    expect(delta(m, () => (c = must(m.fork(p))))).toBe(own);
    const execed = delta(m, () => must(m.exec(c, "/bin/sleep", ["sleep", "1000"])));
    expect(execed).toBe(recountCommitted([m.tasks.get(c)!.mm!]) - own);
    const sleepAc = recountCommitted([m.tasks.get(c)!.mm!]);
    expect(delta(m, () => must(m.kill(c)))).toBe(-sleepAc);
  });

  test("MADV_DONTFORK regions are not charged to the child", () => {
    const [m, p] = withShell();
    const a = must(m.mmap(p, req(8 * MIB)));
    const own = recountCommitted([m.tasks.get(p)!.mm!]);
    must(m.madvise(p, a, 8 * MIB, 10));
    expect(delta(m, () => must(m.fork(p)))).toBe(own - 8 * PAGES_PER_MIB);
  });
});

/** Committed_AS of `m`'s /proc/meminfo, in kB. */
const committedKb = (m: Machine): number =>
  Number(/Committed_AS:\s+(\d+) kB/.exec(showMeminfo(m))![1]);

test("a machine image keeps the sysctls, and the commitment is what its mappings charge", () => {
  const [m, p] = withShell();
  must(m.mmap(p, req(4 * MIB)));
  must(m.mmap(p, req(2 * MIB, Machine.ANON_SHARED)));
  m.setOvercommit({ overcommitMemory: 2, overcommitKbytes: 123_456, overcommitRatio: 0 });
  m.setOvercommit({ userReserveKbytes: 77, adminReserveKbytes: 5 });
  const loaded = loadMachine(saveMachine(m));
  if (!loaded.ok) throw new Error(loaded.problem);
  const l = loaded.machine;
  expect(l.commit.sysctls()).toEqual(m.commit.sysctls());
  expect(l.commit.committed).toBe(m.commit.committed);
  expect(l.commit.objects.size).toBe(1);
  expect(checkInvariants(l).violations).toEqual([]);
  // and through the image file's bytes (save / load / cowsh --load)
  const bytes = decodeImage(encodeImage(m));
  if (!bytes.ok) throw new Error("refused");
  expect(bytes.machine.commit.sysctls()).toEqual(m.commit.sysctls());
  expect(showMeminfo(bytes.machine)).toBe(showMeminfo(m));
});

test("the checker reports a commitment that drifted from the mappings", () => {
  const [m] = withShell();
  m.commit.acct(3);
  expect(checkInvariants(m).violations).toContainEqual(
    expect.stringMatching(/^vm_committed_as is \d+ pages but the mappings charge \d+$/),
  );
});
