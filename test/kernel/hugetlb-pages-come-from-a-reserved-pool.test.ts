/**
 * hugetlb (src/kernel/hugetlb.ts): the pool takes its 2 MiB pages from free
 * memory when vm.nr_hugepages grows, mmap(MAP_HUGETLB) reserves them, a
 * fault maps a whole page from the reservation, and the pages count in
 * Shared/Private_Hugetlb and HugePages_*, never in Rss, AnonPages or the
 * LRU lists. The pool, the mappings and the reservations survive save and
 * load, and the invariant checker knows them.
 */
import { describe, expect, test } from "vitest";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { lruSizes } from "../../src/kernel/vmscan.js";
import { createSession, runSource } from "../../src/shell/runtime.js";

/** Runs a script on `m`; returns its stdout and stderr. */
function sh(m: Machine, source: string): { out: string; err: string } {
  const session = createSession(m, undefined, { check: true });
  let out = "";
  let err = "";
  runSource(session, source, (b) => {
    if (b.kind === "err") err += b.text;
    else out += b.text;
  });
  return { out, err };
}

/** A /proc/meminfo figure (kB, or a count for HugePages_*). */
function meminfo(m: Machine, label: string): number {
  const line = sh(m, `grep '^${label}:' /proc/meminfo`).out;
  return Number(/:\s+(\d+)/.exec(line)![1]);
}

describe("the hugetlb pool", () => {
  test("grows from free memory and gives back only its free pages", () => {
    const m = Machine.boot();
    const free = meminfo(m, "MemFree");
    const lists = lruSizes(m.phys).reduce((a, b) => a + b, 0);
    sh(m, "echo 4 > /proc/sys/vm/nr_hugepages");
    expect(meminfo(m, "HugePages_Total")).toBe(4);
    expect(meminfo(m, "Hugetlb")).toBe(8192);
    expect(free - meminfo(m, "MemFree")).toBeGreaterThanOrEqual(8192);
    // never on an LRU list
    expect(lruSizes(m.phys).reduce((a, b) => a + b, 0)).toBe(lists);
    // one page in use: shrinking to 0 frees the three free ones; the one in
    // use stays, as a surplus page, until it is unmapped
    const { out } = sh(
      m,
      "P=$(spawn /bin/sh); B=$(mmap $P 2M --hugetlb); write $P $B 1; echo $P $B",
    );
    const [p, b] = out.trim().split(" ");
    const before = meminfo(m, "MemFree");
    sh(m, "echo 0 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages");
    expect(meminfo(m, "MemFree") - before).toBe(3 * 2048);
    expect(meminfo(m, "HugePages_Total")).toBe(1);
    expect(meminfo(m, "HugePages_Free")).toBe(0);
    expect(meminfo(m, "HugePages_Surp")).toBe(1);
    expect(sh(m, "cat /proc/sys/vm/nr_hugepages").out).toBe("0\n");
    sh(m, `munmap ${p} ${b} 2M`);
    expect(meminfo(m, "HugePages_Total")).toBe(0);
    expect(meminfo(m, "HugePages_Surp")).toBe(0);
    expect(meminfo(m, "MemFree") - before).toBe(4 * 2048);
  });

  test("--hugepages N fills it at boot", () => {
    const m = Machine.boot({ hugepages: 3 });
    expect(meminfo(m, "HugePages_Free")).toBe(3);
    expect(sh(m, "cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages").out).toBe("3\n");
  });

  test("a write of something else than a number is refused", () => {
    const m = Machine.boot();
    const { err } = sh(m, "echo x > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages");
    expect(err).toContain("Invalid argument");
    expect(meminfo(m, "HugePages_Total")).toBe(0);
  });
});

describe("a private hugetlb mapping", () => {
  test("reserves at mmap, faults whole pages, counts them outside Rss", () => {
    const m = Machine.boot({ hugepages: 4 });
    const { out, err } = sh(
      m,
      [
        "P=$(spawn /bin/sh)",
        "B=$(mmap $P 3M --hugetlb)", // rounded up to 4 MiB: two pages
        "grep HugePages_Rsvd /proc/meminfo",
        "write $P $B 1 -v",
        "smaps $P $B | grep -E '^(Rss|Private_Hugetlb|KernelPageSize)'",
      ].join("\n"),
    );
    expect(err).toBe("");
    expect(out).toContain("HugePages_Rsvd:        2");
    expect(out).toContain("minflt=1");
    expect(out).toMatch(/KernelPageSize: +2048 kB/);
    expect(out).toMatch(/Rss: +0 kB/);
    expect(out).toMatch(/Private_Hugetlb: +2048 kB/);
    expect(meminfo(m, "HugePages_Rsvd")).toBe(1);
    expect(meminfo(m, "HugePages_Free")).toBe(3);
    expect(meminfo(m, "AnonPages")).toBeLessThan(4096);
  });

  test("an mmap the pool cannot reserve fails with ENOMEM and changes nothing", () => {
    const m = Machine.boot({ hugepages: 1 });
    const { err } = sh(m, "P=$(spawn /bin/sh); mmap $P 4M --hugetlb");
    expect(err).toContain("Cannot allocate memory");
    expect(meminfo(m, "HugePages_Rsvd")).toBe(0);
    expect(checkInvariants(m).violations).toEqual([]);
  });

  test("a MAP_NORESERVE fault that finds no page kills with SIGBUS", () => {
    const m = Machine.boot({ hugepages: 1 });
    const { err } = sh(
      m,
      "P=$(spawn /bin/sh); B=$(mmap $P 4M --hugetlb --noreserve); write $P $B 4M",
    );
    expect(err).toMatch(/Bus error/);
    // the process died of it: its one page is back
    expect(meminfo(m, "HugePages_Free")).toBe(1);
    expect(checkInvariants(m).violations).toEqual([]);
  });

  test("a munmap inside a huge page is refused (EINVAL)", () => {
    const m = Machine.boot({ hugepages: 2 });
    const { err } = sh(m, "P=$(spawn /bin/sh); B=$(mmap $P 4M --hugetlb); munmap $P $B 1M");
    expect(err).toContain("Invalid argument");
  });
});

describe("save and load", () => {
  test("keep the pool, the huge entries, the shared pages and the reservations", () => {
    const m = Machine.boot({ hugepages: 6 });
    const { out } = sh(
      m,
      [
        "P=$(spawn /bin/sh)",
        "A=$(mmap $P 4M --hugetlb); write $P $A 2M",
        "S=$(mmap $P 4M --hugetlb --shared); write $P $S 1",
        "C=$(fork $P)",
        "echo $P $A $C",
      ].join("\n"),
    );
    const [p, a, c] = out.trim().split(" ");
    const loaded = loadMachine(saveMachine(m));
    if (!loaded.ok) throw new Error(loaded.problem);
    const copy = loaded.machine;
    const state = (machine: Machine): string =>
      sh(machine, `cat /proc/${p}/smaps /proc/${c}/smaps; grep Huge /proc/meminfo`).out;
    expect(state(copy)).toBe(state(m));
    // both go on alike: the child's write copies, the owner's second page comes from its reservation
    for (const machine of [m, copy]) sh(machine, `write ${c} ${a} 1; write ${p} ${a} 4M`);
    expect(state(copy)).toBe(state(m));
    expect(checkInvariants(copy).violations).toEqual([]);
  });
});

describe("the invariant checker", () => {
  test("notices a pool whose counters disagree with its pages", () => {
    const m = Machine.boot({ hugepages: 2 });
    sh(m, "P=$(spawn /bin/sh); B=$(mmap $P 2M --hugetlb); write $P $B 1");
    expect(checkInvariants(m).violations).toEqual([]);
    m.hugetlb.resv++;
    expect(checkInvariants(m).violations.join("\n")).toMatch(/HugePages_Rsvd/);
    m.hugetlb.resv--;
    m.hugetlb.total++;
    expect(checkInvariants(m).violations.join("\n")).toMatch(/HugePages_Total/);
  });
});

describe("madvise on hugetlb", () => {
  test("dontneed drops whole huge pages and keeps the reservation; pageout is refused", () => {
    const m = Machine.boot({ hugepages: 2 });
    const { out, err } = sh(
      m,
      [
        "P=$(spawn /bin/sh); B=$(mmap $P 4M --hugetlb); write $P $B 4M",
        "madvise $P $B 3M dontneed",
        "grep -E '^HugePages_(Free|Rsvd)' /proc/meminfo",
        "smaps $P $B | grep Private_Hugetlb",
        "madvise $P $B 4M pageout",
      ].join("\n"),
    );
    expect(out).toMatch(/HugePages_Free: +1\nHugePages_Rsvd: +1\n/);
    expect(out).toMatch(/Private_Hugetlb: +2048 kB/);
    expect(err).toContain("Invalid argument");
    expect(checkInvariants(m).violations).toEqual([]);
  });
});
