/**
 * /proc/meminfo moves as §8.4 of linux-semantics.md says: anonymous pages
 * count once per frame (fork adds nothing, COW adds the copies), shared
 * anonymous memory is Shmem, Cached and Mapped; and the figures agree with
 * the frames and with every process's status.
 */
import { beforeEach, describe, expect, test } from "vitest";
import { MADV_DONTNEED, PAGE_SIZE } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
import { meminfo, readText } from "./proc-helpers.js";

const MIB = 1024 * 1024;
const R = 16 * MIB;

let m: Machine;
let pid: number;
beforeEach(() => {
  m = Machine.boot();
  const r = m.spawn("/usr/bin/sleep", ["sleep", "1000"]);
  if (!r.ok) throw new Error(r.errno);
  pid = r.value;
});

function mmapAnon(who: number, length: number, shared: boolean): number {
  const flags = shared ? Machine.ANON_SHARED : Machine.ANON_PRIVATE;
  const r = m.mmap(who, {
    addr: 0,
    length,
    prot: Machine.RW,
    flags,
    file: null,
    fileWritable: false,
    offset: 0,
  });
  if (!r.ok) throw new Error(r.errno);
  return r.value;
}

function write(who: number, addr: number, length: number): void {
  const r = m.access(who, addr, length, true);
  if (!r.ok || r.value.signal !== null) throw new Error("access failed");
}

/** Several meminfo lines at once. */
const snapshot = (...labels: string[]): Record<string, number> =>
  Object.fromEntries(labels.map((l) => [l, meminfo(m, l)]));
const delta = (before: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(before).map(([l, v]) => [l, meminfo(m, l) - v]));

describe("AnonPages counts anonymous frames once", () => {
  test("mmap adds nothing; writing 16 MiB adds exactly 16384 kB", () => {
    const s0 = snapshot("AnonPages", "MemFree", "Cached", "Committed_AS");
    const addr = mmapAnon(pid, R, false);
    expect(delta(s0)).toEqual({ AnonPages: 0, MemFree: 0, Cached: 0, Committed_AS: 16384 });
    const s1 = snapshot("AnonPages", "MemFree", "Cached");
    write(pid, addr, R);
    expect(delta(s1)).toEqual({ AnonPages: 16384, MemFree: -16384, Cached: 0 });
  });

  test("fork adds 0; COW in the child adds the copies; the child's exit takes them back", () => {
    const addr = mmapAnon(pid, R, false);
    write(pid, addr, R);
    const s0 = snapshot("AnonPages", "MemFree");
    const child = m.fork(pid);
    if (!child.ok) throw new Error(child.errno);
    expect(delta(s0)).toEqual({ AnonPages: 0, MemFree: 0 });
    write(child.value, addr, 4 * MIB);
    expect(delta(s0)).toEqual({ AnonPages: 4096, MemFree: -4096 });
    write(child.value, addr, R);
    expect(delta(s0)).toEqual({ AnonPages: 16384, MemFree: -16384 });
    m.exit(child.value, 0);
    expect(delta(s0)).toEqual({ AnonPages: 0, MemFree: 0 });
  });

  test("the parent's writes after fork copy too; after the child has gone they reuse", () => {
    const addr = mmapAnon(pid, R, false);
    write(pid, addr, R);
    const child = m.fork(pid);
    if (!child.ok) throw new Error(child.errno);
    const s0 = snapshot("AnonPages");
    write(pid, addr, MIB);
    expect(delta(s0)).toEqual({ AnonPages: 1024 });
    m.exit(child.value, 0);
    const s1 = snapshot("AnonPages");
    write(pid, addr, R);
    expect(delta(s1)).toEqual({ AnonPages: 0 });
  });

  test("MADV_DONTNEED and munmap free the frames", () => {
    const addr = mmapAnon(pid, R, false);
    const s0 = snapshot("AnonPages", "MemFree");
    write(pid, addr, R);
    m.madvise(pid, addr, 4 * MIB, MADV_DONTNEED);
    expect(delta(s0)).toEqual({ AnonPages: 12288, MemFree: -12288 });
    m.munmap(pid, addr, R);
    expect(delta(s0)).toEqual({ AnonPages: 0, MemFree: 0 });
  });
});

describe("shared anonymous memory is shmem", () => {
  test("touching 4 MiB adds it to Shmem, Cached and Mapped, not AnonPages", () => {
    const s0 = snapshot("AnonPages", "Shmem", "Cached", "Mapped", "Committed_AS");
    const addr = mmapAnon(pid, 4 * MIB, true);
    write(pid, addr, 4 * MIB);
    expect(delta(s0)).toEqual({
      AnonPages: 0,
      Shmem: 4096,
      Cached: 4096,
      Mapped: 4096,
      Committed_AS: 4096,
    });
  });

  test("after fork the child's reads map the same pages: nothing new", () => {
    const addr = mmapAnon(pid, 4 * MIB, true);
    write(pid, addr, 4 * MIB);
    const child = m.fork(pid);
    if (!child.ok) throw new Error(child.errno);
    const s0 = snapshot("Shmem", "Cached", "Mapped", "AnonPages", "Committed_AS");
    m.access(child.value, addr, 4 * MIB, false);
    expect(delta(s0)).toEqual({ Shmem: 0, Cached: 0, Mapped: 0, AnonPages: 0, Committed_AS: 0 });
  });
});

describe("meminfo agrees with the machine", () => {
  test("MemTotal is the allocator's frames; MemFree its free ones", () => {
    expect(meminfo(m, "MemTotal")).toBe((m.phys.nrFrames - m.phys.firstUsable) * 4);
    write(pid, mmapAnon(pid, R, false), R);
    expect(meminfo(m, "MemFree")).toBe(m.phys.nrFree * 4);
  });

  test("every frame in use is anonymous or page cache: MemTotal = MemFree + AnonPages + Cached", () => {
    const addr = mmapAnon(pid, R, false);
    write(pid, addr, R);
    write(pid, mmapAnon(pid, 4 * MIB, true), 4 * MIB);
    m.fork(pid);
    write(pid, addr, MIB);
    const s = snapshot("MemTotal", "MemFree", "AnonPages", "Cached");
    expect(s.MemFree! + s.AnonPages! + s.Cached!).toBe(s.MemTotal);
  });

  test("the LRU lists hold every page in use: Inactive + Unevictable = AnonPages + Cached", () => {
    write(pid, mmapAnon(pid, R, false), R);
    m.mlock(pid, mmapAnon(pid, MIB, false), MIB); // populated by mlock: PG_mlocked
    const s = snapshot("Active", "Inactive", "Unevictable", "AnonPages", "Cached", "Mlocked");
    expect(s.Active).toBe(0);
    expect(s.Mlocked).toBe(1024);
    expect(s.Unevictable).toBe(1024);
    expect(s.Inactive! + s.Unevictable!).toBe(s.AnonPages! + s.Cached!);
  });

  test("PageTables is the sum of every process's VmPTE", () => {
    write(pid, mmapAnon(pid, 64 * MIB, false), 64 * MIB);
    m.fork(pid);
    let vmPte = 0;
    for (const task of m.tasks.values()) {
      const line = readText(m, `/proc/${task.pid}/status`)
        .split("\n")
        .find((l) => l.startsWith("VmPTE:"));
      vmPte += Number(line?.slice(6).replace("kB", "").trim() ?? 0);
    }
    expect(meminfo(m, "PageTables")).toBe(vmPte);
  });

  test("Dirty counts file pages written and not yet written back", () => {
    const before = meminfo(m, "Dirty");
    const text = "x".repeat(3 * PAGE_SIZE);
    if (!m.writeFile("/tmp/f", text, false).ok) throw new Error("write");
    expect(meminfo(m, "Dirty") - before).toBe(12);
    m.fsync("/tmp/f");
    expect(meminfo(m, "Dirty")).toBe(before);
  });

  test("MemAvailable lies between MemFree less the reserve and MemFree plus the page cache", () => {
    const s = snapshot("MemFree", "MemAvailable", "Cached");
    expect(s.MemAvailable!).toBeLessThanOrEqual(s.MemFree! + s.Cached!);
    expect(s.MemAvailable!).toBeGreaterThan(s.MemFree! - 200 * 1024);
  });
});
