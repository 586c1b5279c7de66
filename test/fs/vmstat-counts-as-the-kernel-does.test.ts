/**
 * /proc/vmstat: every item of 6.18's vmstat_text in the capture machine's
 * order; the gauges agree with /proc/meminfo (they count the same frames),
 * and the event counters move by what a system call does: one pgfault per
 * page faulted in, one pgalloc_normal per frame handed out, pgfree for
 * each one freed.
 */
import { beforeEach, describe, expect, test } from "vitest";
import { VMSTAT_ITEMS } from "../../fs/proc/vmstat.js";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
import { meminfo, readText } from "./proc-helpers.js";

const MIB = 1024 * 1024;

let m: Machine;
let pid: number;
beforeEach(() => {
  m = Machine.boot();
  const r = m.spawn("/usr/bin/sleep", ["sleep", "1000"]);
  if (!r.ok) throw new Error(r.errno);
  pid = r.value;
});

function vmstat(): Map<string, number> {
  return new Map(
    readText(m, "/proc/vmstat")
      .trimEnd()
      .split("\n")
      .map((l) => {
        const [name, value] = l.split(" ");
        return [name!, Number(value)];
      }),
  );
}

function mmapAnon(length: number): number {
  const r = m.mmap(pid, {
    addr: 0,
    length,
    prot: Machine.RW,
    flags: Machine.ANON_PRIVATE,
    file: null,
    fileWritable: false,
    offset: 0,
  });
  if (!r.ok) throw new Error(r.errno);
  return r.value;
}

describe("/proc/vmstat", () => {
  test("prints 6.18's items in its order, one `name value` line each", () => {
    const lines = readText(m, "/proc/vmstat").trimEnd().split("\n");
    expect(lines.map((l) => l.split(" ")[0])).toEqual(VMSTAT_ITEMS);
    for (const l of lines) expect(l).toMatch(/^[a-z0-9_]+ \d+$/);
    expect(VMSTAT_ITEMS.slice(0, 3)).toEqual([
      "nr_free_pages",
      "nr_free_pages_blocks",
      "nr_zone_inactive_anon",
    ]);
    expect(VMSTAT_ITEMS.at(-1)).toBe("nr_unstable");
    // The THP and KSM items are there, at 0, for the next issue.
    const v = vmstat();
    for (const name of ["thp_fault_alloc", "thp_swpout", "ksm_swpin_copy", "cow_ksm"])
      expect(v.get(name)).toBe(0);
  });

  test("the gauges are meminfo's figures in pages", () => {
    const buf = mmapAnon(8 * MIB);
    expect(m.access(pid, buf, 8 * MIB, true).ok).toBe(true);
    const v = vmstat();
    const pages = (label: string): number => meminfo(m, label) / (PAGE_SIZE / 1024);
    expect(v.get("nr_free_pages")).toBe(pages("MemFree"));
    expect(v.get("nr_inactive_anon")).toBe(pages("Inactive(anon)"));
    expect(v.get("nr_active_anon")).toBe(pages("Active(anon)"));
    expect(v.get("nr_inactive_file")).toBe(pages("Inactive(file)"));
    expect(v.get("nr_active_file")).toBe(pages("Active(file)"));
    expect(v.get("nr_unevictable")).toBe(pages("Unevictable"));
    expect(v.get("nr_zone_inactive_anon")).toBe(v.get("nr_inactive_anon"));
    expect(v.get("nr_anon_pages")).toBe(pages("AnonPages"));
    expect(v.get("nr_mapped")).toBe(pages("Mapped"));
    expect(v.get("nr_shmem")).toBe(pages("Shmem"));
    expect(v.get("nr_file_pages")).toBe(pages("Cached") + pages("SwapCached"));
    expect(v.get("nr_mlock")).toBe(pages("Mlocked"));
    expect(v.get("nr_kernel_stack")).toBe(meminfo(m, "KernelStack"));
  });

  test("a first write to N pages is N faults and N allocations; unmapping them frees N", () => {
    const n = 300;
    const buf = mmapAnon(n * PAGE_SIZE);
    const before = vmstat();
    expect(m.access(pid, buf, n * PAGE_SIZE, true).ok).toBe(true);
    const after = vmstat();
    const delta = (name: string): number => after.get(name)! - before.get(name)!;
    expect(delta("pgfault")).toBe(n);
    expect(delta("pgmajfault")).toBe(0);
    expect(delta("pgalloc_normal")).toBe(n);
    expect(delta("numa_hit")).toBe(n);
    expect(delta("nr_anon_pages")).toBe(n);
    expect(m.munmap(pid, buf, n * PAGE_SIZE).ok).toBe(true);
    expect(vmstat().get("pgfree")! - after.get("pgfree")!).toBe(n);
  });
});
