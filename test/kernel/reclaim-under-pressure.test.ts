/**
 * Reclaim under memory pressure (vmscan.ts): with swap, anonymous pages go
 * to swap before anyone is killed, from every process that maps them; the
 * page cache goes first; without swap, OOM comes once the page cache is
 * gone, with the kernel's two dmesg lines. /proc/vmstat counts it all.
 * Every run checks the invariants after each command (runScript), so the
 * LRU flags, swap slots and map counts stay consistent throughout.
 */
import { describe, expect, test } from "vitest";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import {
  LRU_ACTIVE_ANON,
  lruSizes,
  SWAP_CLUSTER_MAX,
  tryToFreePages,
} from "../../src/kernel/vmscan.js";
import { runScript } from "../helpers/run-script.js";

const MiB = 1024 * 1024;
/** 40 MiB of RAM, of which the kernel keeps 16.6 MiB: about 23 MiB for processes. */
const SMALL = { memBytes: 40 * MiB };
const SMALL_SWAP = { memBytes: 40 * MiB, swapBytes: 64 * MiB };

/** `name value` lines of /proc/vmstat as a map. */
const vmstat = (text: string): Map<string, number> =>
  new Map(
    text
      .split("\n")
      .filter((l) => /^[a-z_0-9]+ \d+$/.test(l))
      .map((l) => [l.split(" ")[0]!, Number(l.split(" ")[1])]),
  );

describe("with swap", () => {
  test("a process writing more than RAM is not killed: its oldest pages go to swap and read back", () => {
    const t = runScript(
      `P=$(spawn /bin/sh)
B=$(mmap $P 32M --name buf)
write $P buf 32M --value 9
grep -E '^(Rss|Swap):' /proc/$P/smaps_rollup
echo $(read $P buf 32M -v)
read $P buf 4K --words
cat /proc/vmstat
dmesg | wc -l`,
      SMALL_SWAP,
    );
    expect(t.status).toBe(0);
    const lines = t.stdout.split("\n");
    const rss = Number(lines[0]!.match(/(\d+) kB/)![1]);
    const swap = Number(lines[1]!.match(/(\d+) kB/)![1]);
    expect(swap).toBeGreaterThan(8 * 1024);
    expect(rss + swap).toBeGreaterThanOrEqual(32 * 1024);
    expect(lines[2]).toMatch(/^minflt=\d+ majflt=[1-9]\d* pages=8192 /);
    expect(lines[3]).toMatch(/: 0x00000009$/);
    const v = vmstat(t.stdout);
    expect(v.get("pswpout")).toBeGreaterThan(0);
    // Every major fault reads its slot and up to 7 more (read-ahead, page-cluster 3).
    expect(v.get("pswpin")).toBeGreaterThanOrEqual(v.get("pgmajfault")!);
    expect(v.get("pswpin")).toBeLessThanOrEqual(v.get("pgmajfault")! * 8);
    expect(v.get("pgsteal_direct")).toBe(v.get("pgsteal_anon")! + v.get("pgsteal_file")!);
    expect(v.get("pgscan_direct")).toBe(v.get("pgscan_anon")! + v.get("pgscan_file")!);
    expect(v.get("pgscan_direct")).toBeGreaterThanOrEqual(v.get("pgsteal_direct")!);
    expect(v.get("pgpgout")).toBeGreaterThanOrEqual(v.get("pswpout")! * 4);
    expect(v.get("oom_kill")).toBe(0);
    expect(lines.at(-2)).toBe("0");
  });

  test("a page shared after fork is swapped out of both processes: one slot, two entries", () => {
    const t = runScript(
      `P=$(spawn /bin/sh)
B=$(mmap $P 4M --name buf)
write $P buf 4M --value 3
C=$(fork $P)
Q=$(spawn /bin/sh)
X=$(mmap $Q 24M --name big)
write $Q big 24M
grep -E '^(Rss|Swap|SwapPss):' /proc/$P/smaps_rollup
grep -E '^(Rss|Swap|SwapPss):' /proc/$C/smaps_rollup
echo $(read $C buf 4M -v)
read $P buf 4K --words`,
      SMALL_SWAP,
    );
    expect(t.status).toBe(0);
    const kb = (line: string): number => Number(line.match(/(\d+) kB/)![1]);
    const lines = t.stdout.split("\n");
    const [pSwap, pSwapPss, cSwap, cSwapPss] = [
      kb(lines[1]!),
      kb(lines[2]!),
      kb(lines[4]!),
      kb(lines[5]!),
    ];
    expect(pSwap).toBeGreaterThan(0);
    // The shared pages' slots are named by both: each counts half of them in SwapPss.
    expect(cSwap).toBe(pSwap);
    expect(pSwapPss).toBeLessThan(pSwap);
    expect(cSwapPss).toBe(pSwapPss);
    expect(lines[7]).toMatch(/: 0x00000003$/);
  });

  test("the page cache goes first: dirty file pages are written back, then dropped", () => {
    const t = runScript(
      `seq 1 400000 > /tmp/numbers
grep -E '^(Dirty|Inactive.file)' /proc/meminfo
P=$(spawn /bin/sh)
B=$(mmap $P 28M --name buf)
write $P buf 28M
grep -E '^(Dirty|Inactive.file)' /proc/meminfo
grep -E '^(pgsteal_file|nr_vmscan_write|pswpout) ' /proc/vmstat
tail -n 1 /tmp/numbers`,
      SMALL_SWAP,
    );
    expect(t.status).toBe(0);
    const lines = t.stdout.split("\n");
    const kb = (i: number): number => Number(lines[i]!.match(/(\d+) kB/)![1]);
    expect(kb(0)).toBeGreaterThan(2000); // the file's pages, dirty
    expect(kb(2)).toBeLessThan(kb(0) / 10); // written back, nearly all
    expect(kb(3)).toBeLessThan(kb(1));
    const v = vmstat(t.stdout);
    expect(v.get("pgsteal_file")).toBeGreaterThan(500);
    expect(v.get("nr_vmscan_write")).toBeGreaterThan(v.get("pswpout")!);
    expect(lines.at(-2)).toBe("400000");
  });
});

describe("shmem under pressure", () => {
  test("with swap, shared memory goes to swap through shmem_writeout: PTEs cleared, the object keeps the entries", () => {
    const t = runScript(
      `P=$(spawn /bin/sh)
S=$(mmap $P 16M --shared --name shm)
write $P shm 16M --value 5
C=$(fork $P)
read $C shm 16M > /dev/null
Q=$(spawn /bin/sh)
X=$(mmap $Q 20M --name big)
write $Q big 20M
smaps $P shm | grep -E '^(Rss|Swap|SwapPss):'
smaps $C shm | grep -E '^(Rss|Swap):'
grep -E '^(VmSwap|RssShmem):' /proc/$P/status
grep -E '^Swap:' /proc/$P/smaps_rollup
echo $(read $C shm 16M -v)
read $P shm+12M 4K --words
grep -E '^(pswpout|pgsteal_anon|oom_kill) ' /proc/vmstat`,
      SMALL_SWAP,
    );
    expect(t.status).toBe(0);
    const lines = t.stdout.split("\n");
    const kb = (i: number): number => Number(lines[i]!.match(/(\d+) kB/)![1]);
    const [rss, swap, swapPss, cRss, cSwap] = [kb(0), kb(1), kb(2), kb(3), kb(4)];
    expect(swap).toBeGreaterThan(1024);
    expect(rss + swap).toBe(16 * 1024);
    // No PTE holds a shmem page's swap entry: SwapPss and VmSwap do not count it (scenario 39).
    expect(swapPss).toBe(0);
    expect(lines[5]).toMatch(new RegExp(`^RssShmem:\\s+${rss} kB$`));
    // VmSwap counts swap PTEs: the rest of the process's swap, not the object's.
    expect(kb(6)).toBe(kb(7) - swap);
    // Both processes mapped every page: each page went from both (try_to_unmap), or stayed in both.
    expect([cRss, cSwap]).toEqual([rss, swap]);
    expect(lines[8]).toMatch(/^minflt=\d+ majflt=[1-9]\d* pages=4096 /);
    expect(lines[9]).toMatch(/: 0x00000005$/);
    const v = vmstat(t.stdout);
    expect(v.get("pswpout")).toBeGreaterThanOrEqual(swap / 4);
    expect(v.get("oom_kill")).toBe(0);
  });

  test("with the swap full, shared memory stays (unmapped pages activated), then the OOM killer; no slot is left behind", () => {
    const t = runScript(
      `P=$(spawn /bin/sh)
S=$(mmap $P 16M --shared --name shm)
write $P shm 16M --value 5
Q=$(spawn /bin/sh)
X=$(mmap $Q 20M --name big --noreserve)
write $Q big 20M 2>/dev/null
grep -E '^(pswpout|oom_kill) ' /proc/vmstat
dmesg -t | tail -1
kill $Q; wait $Q; wait $P
grep -E '^Swap(Total|Free):' /proc/meminfo
grep -h VmSwap /proc/1/status /proc/2/status`,
      { memBytes: 40 * MiB, swapBytes: MiB }, // 255 slots
    );
    const lines = t.stdout.split("\n");
    expect(lines.slice(0, 2)).toEqual(["pswpout 255", "oom_kill 1"]);
    // The victim held the object's pages that found no slot; the rest went to swap.
    const shmemRss = Number(lines[2]!.match(/shmem-rss:(\d+)kB/)![1]);
    expect(shmemRss).toBeGreaterThan(8 * 1024);
    expect(shmemRss).toBeLessThan(16 * 1024);
    // What the shells' own swapped pages hold is all that is left: the object's slots went with it.
    const kb = (i: number): number => Number(lines[i]!.match(/(\d+) kB/)![1]);
    expect(kb(3)).toBe(1020);
    expect(kb(3) - kb(4)).toBe(kb(5) + kb(6));
  });

  test("without swap, shared memory stays, and only the page cache is reclaimed", () => {
    const t = runScript(
      `P=$(spawn /bin/sh)
S=$(mmap $P 8M --shared --name shm)
write $P shm 8M --value 5
seq 1 200000 > /tmp/numbers
Q=$(spawn /bin/sh)
X=$(mmap $Q 12M --name big --noreserve)
write $Q big 12M
smaps $P shm | grep -E '^(Rss|Swap):'
grep -E '^(pgsteal_anon|pgsteal_file) ' /proc/vmstat`,
      SMALL,
    );
    expect(t.status).toBe(0);
    const v = vmstat(t.stdout);
    expect(t.stdout.split("\n").slice(0, 2)).toEqual([
      "Rss:                8192 kB",
      "Swap:                  0 kB",
    ]);
    expect(v.get("pgsteal_anon")).toBe(0);
    expect(v.get("pgsteal_file")).toBeGreaterThan(0);
  });
});

describe("without swap", () => {
  test("anonymous memory cannot be reclaimed: the page cache goes, then the OOM killer, with the kernel's lines", () => {
    const t = runScript(
      `P=$(spawn /bin/sh)
B=$(mmap $P 40M --name buf --noreserve)
# (--noreserve: overcommit mode 0 refuses 40M charged up front on a 40M machine without swap)
write $P buf 40M 2>/dev/null
dmesg -t
grep -E '^(oom_kill|pswpout|pgsteal_anon) ' /proc/vmstat`,
      SMALL,
    );
    const lines = t.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^oom-kill:constraint=CONSTRAINT_NONE,nodemask=\(null\),cpuset=\/,mems_allowed=0,global_oom,task_memcg=\/,task=sh,pid=3,uid=0$/,
    );
    expect(lines[1]).toMatch(
      /^Out of memory: Killed process 3 \(sh\) total-vm:\d+kB, anon-rss:\d+kB/,
    );
    expect(lines.slice(2, 5)).toEqual(["pswpout 0", "pgsteal_anon 0", "oom_kill 1"]);
  });
});

describe("the LRU lists", () => {
  test("young pages get a second chance: reclaim activates them before it swaps them", () => {
    const m = Machine.boot(SMALL_SWAP);
    const p = m.spawn("/bin/sh", ["sh"]);
    if (!p.ok) throw new Error("spawn");
    const length = 32 * MiB;
    const addr = m.mmap(p.value, {
      addr: 0,
      length,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE,
      file: null,
      fileWritable: false,
      offset: 0,
    });
    if (!addr.ok) throw new Error("mmap");
    expect(m.access(p.value, addr.value, length, true, 1).ok).toBe(true);
    const { vm } = m.phys;
    expect(vm.pgactivate).toBeGreaterThan(0);
    expect(vm.pgdeactivate).toBeGreaterThan(0);
    expect(vm.pgrefill).toBeGreaterThanOrEqual(vm.pgdeactivate);
    expect(assertInvariants(m).violations).toEqual([]);
  });

  test("a first young reference keeps an anonymous page inactive and marked, as since 5.9; only a second one activates it", () => {
    const m = Machine.boot(SMALL_SWAP);
    const p = m.spawn("/bin/sh", ["sh"]);
    if (!p.ok) throw new Error("spawn");
    const length = 4 * MiB;
    const addr = m.mmap(p.value, {
      addr: 0,
      length,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE,
      file: null,
      fileWritable: false,
      offset: 0,
    });
    if (!addr.ok) throw new Error("mmap");
    expect(m.access(p.value, addr.value, length, true, 1).ok).toBe(true);
    const { vm } = m.phys;
    const before = lruSizes(m.phys);
    // Reclaim: the pages of buf are young (just written), on the inactive anon list.
    tryToFreePages(m, SWAP_CLUSTER_MAX, { mayUnmap: true, kswapd: false });
    expect(vm.pgscanAnon).toBeGreaterThan(0);
    // marked and kept, not activated (file pages mapped twice are: their count is not asserted)
    expect(lruSizes(m.phys)[LRU_ACTIVE_ANON]).toBe(before[LRU_ACTIVE_ANON]);
    expect(assertInvariants(m).violations).toEqual([]);
  });

  test("exec under pressure swaps the other processes' anonymous pages instead of killing one (swap was all free)", () => {
    // Found by the swap-tools work: spawn's start-up pages went straight to the
    // allocator's slow path, which spares the spawning side's pages and found
    // nothing else, so the OOM killer ran with every swap slot free.
    const t = runScript(
      `P=$(spawn /bin/sh)
A=$(mmap $P 14M)
write $P $A 14M
Q=$(spawn /bin/sh)
grep -E '^(pswpout|oom_kill) ' /proc/vmstat
dmesg | wc -l`,
      { memBytes: 32 * MiB, swapBytes: 16 * MiB },
    );
    expect(t.status).toBe(0);
    const v = vmstat(t.stdout);
    expect(v.get("oom_kill")).toBe(0);
    expect(v.get("pswpout")).toBeGreaterThan(0);
    expect(t.stdout.trimEnd().split("\n").at(-1)).toBe("0");
  });

  test("save and load keep the counters, the scan positions and the LRU flags", () => {
    const t = runScript(
      `P=$(spawn /bin/sh)
B=$(mmap $P 32M --name buf)
write $P buf 32M`,
      SMALL_SWAP,
    );
    const m = t.session.machine;
    const copy = loadMachine(saveMachine(m));
    if (!copy.ok) throw new Error(copy.problem);
    expect(m.phys.vm.pswpout).toBeGreaterThan(0);
    expect({ ...copy.machine.phys.vm }).toEqual({ ...m.phys.vm });
    expect(copy.machine.phys.flags.slice(0, m.phys.highWater)).toEqual(
      m.phys.flags.slice(0, m.phys.highWater),
    );
  });
});
