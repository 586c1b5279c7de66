/**
 * KSM (ksm.ts): ksmd merges, in simulated time, the pages of MADV_MERGEABLE
 * memory whose content is equal and was unchanged since its previous scan;
 * a write to a merged page copies it; MADV_UNMERGEABLE breaks every merged
 * page at once. Figures from test/truth fixtures 85-88, 94 and 97.
 */
import { describe, expect, test } from "vitest";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { PTE_WRITE } from "../../src/kernel/page-table.js";
import { runScript } from "../helpers/run-script.js";

const SETUP = `
echo 10000 > /sys/kernel/mm/ksm/pages_to_scan
echo 1 > /sys/kernel/mm/ksm/sleep_millisecs
echo 1 > /sys/kernel/mm/ksm/run
K=/sys/kernel/mm/ksm
P=$(spawn /bin/sh)
`;

function run(body: string): string[] {
  const t = runScript(SETUP + body);
  expect(t.stderr).toBe("");
  return t.stdout.trimEnd().split("\n");
}

const grepKsm = (pid: string, addr: string) =>
  `smaps ${pid} ${addr} | grep -E '^(KSM|Pss|Private_Dirty|Private_Clean):'`;

describe("ksmd merges pages of equal content", () => {
  test("a page merges only on the second scan that finds it unchanged", () => {
    const out = run(`
B=$(mmap $P 64K --name buf)
write $P $B
madvise $P $B 64K mergeable
sleep 0.001
cat $K/pages_sharing $K/full_scans
sleep 0.001
cat $K/pages_shared $K/pages_sharing $K/full_scans
${grepKsm("$P", "$B")}
`);
    expect(out).toEqual([
      "0",
      "1",
      "1",
      "15",
      "2",
      "Pss:                   4 kB",
      "Private_Clean:         0 kB",
      "Private_Dirty:         0 kB",
      "KSM:                  64 kB",
    ]);
  });

  test("ksmd does nothing while run is 0, nor without sleep", () => {
    const out = run(`
echo 0 > $K/run
B=$(mmap $P 64K --name buf)
write $P buf
madvise $P buf mergeable
sleep 1
cat $K/pages_sharing $K/full_scans
echo 1 > $K/run
cat $K/pages_sharing
sleep 0.002
cat $K/pages_sharing
`);
    expect(out).toEqual(["0", "0", "0", "15"]);
  });

  test("pages of different content stay unshared; --byte makes equal pages", () => {
    const out = run(`
B=$(mmap $P 64K --name buf)
write $P $B --random
madvise $P $B 64K mergeable
sleep 0.003
cat $K/pages_shared $K/pages_unshared
write $P $B --byte 7
sleep 0.003
cat $K/pages_shared $K/pages_sharing $K/pages_unshared
`);
    expect(out).toEqual(["0", "16", "1", "15", "0"]);
  });

  test("more than max_page_sharing mappings make a chain of dups", () => {
    const out = run(`
B=$(mmap $P 2400K --name buf)
write $P $B
madvise $P $B 2400K mergeable
sleep 0.003
cat $K/pages_shared $K/pages_sharing $K/stable_node_chains $K/stable_node_dups
smaps $P $B | grep -E '^Pss:'
`);
    expect(out).toEqual(["3", "597", "1", "3", "Pss:                  11 kB"]);
  });
});

describe("a merged page is never written in place", () => {
  test("a write copies it; the counters wait for ksmd, which merges the copy back", () => {
    const out = run(`
B=$(mmap $P 256K --name buf)
write $P $B
madvise $P $B 256K mergeable
sleep 0.003
echo 0 > $K/run
write $P $B 1 -v
${grepKsm("$P", "$B")}
cat $K/pages_sharing
echo 1 > $K/run
sleep 0.003
${grepKsm("$P", "$B")}
`);
    expect(out).toEqual([
      "minflt=1 majflt=0 pages=1 cow-copy=1",
      "Pss:                   7 kB",
      "Private_Clean:         0 kB",
      "Private_Dirty:         4 kB",
      "KSM:                 252 kB",
      "63",
      "Pss:                   4 kB",
      "Private_Clean:         0 kB",
      "Private_Dirty:         0 kB",
      "KSM:                 256 kB",
    ]);
  });

  test("MADV_UNMERGEABLE breaks each merged page with one fault, leaving clean copies", () => {
    const out = run(`
B=$(mmap $P 256K --name buf)
write $P $B
madvise $P $B 256K mergeable
sleep 0.003
madvise $P $B 256K unmergeable
${grepKsm("$P", "$B")}
cat $K/pages_sharing
sleep 0.003
cat $K/pages_sharing /proc/$P/ksm_merging_pages
grep mergeable /proc/$P/ksm_stat
write $P $B -v
`);
    expect(out).toEqual([
      "Pss:                 256 kB",
      "Private_Clean:       256 kB",
      "Private_Dirty:         0 kB",
      "KSM:                   0 kB",
      "63",
      "0",
      "0",
      "ksm_mergeable: no",
      "minflt=64 majflt=0 pages=64 reuse=64",
    ]);
  });
});

describe("the invariant checker knows KSM", () => {
  test("a KSM page mapped writable, or a counter off the trees, is a violation", () => {
    const t = runScript(`${SETUP}
B=$(mmap $P 64K --name buf)
write $P $B
madvise $P $B 64K mergeable
sleep 0.003
`);
    expect(t.stderr).toBe("");
    const m = t.session.machine;
    expect(checkInvariants(m).violations).toEqual([]);
    const mm = m.tasks.get(3)!.mm!;
    const vpn = mm.vmas.find((v) => v.anonName === "buf")!.start / PAGE_SIZE;
    const pte = mm.pt.get(vpn);
    mm.pt.set(vpn, pte | PTE_WRITE);
    expect(checkInvariants(m).violations.join("\n")).toMatch(/KSM pfn \d+ mapped writable/);
    mm.pt.set(vpn, pte);
    m.ksm.pagesSharing++;
    expect(checkInvariants(m).violations.join("\n")).toMatch(/ksm: counters 1\/16\/0\/16/);
  });
});

describe("ksmd in time", () => {
  test("sleep_millisecs 0 still lets time pass: one batch per millisecond", () => {
    const out = run(`
echo 0 > $K/sleep_millisecs
B=$(mmap $P 64K --name buf)
write $P $B
madvise $P $B 64K mergeable
sleep 0.005
cat $K/full_scans
`);
    expect(out).toEqual(["5"]);
  });

  test("a process that exits in the middle of a scan takes all its rmap items with it", () => {
    const t = runScript(`${SETUP}
echo 10 > $K/pages_to_scan
C=$(fork $P)
B=$(mmap $C 256K --name buf)
write $C $B
madvise $C $B 256K mergeable
sleep 0.003
kill -9 $C; wait $C
sleep 0.001
cat $K/pages_shared $K/pages_sharing $K/pages_unshared $K/pages_volatile
`);
    expect(t.stderr).toBe("");
    expect(t.stdout.trim().split("\n").slice(-4)).toEqual(["0", "0", "0", "0"]);
  });
});
