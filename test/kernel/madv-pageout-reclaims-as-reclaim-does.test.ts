/**
 * MADV_PAGEOUT hands the pages it takes to reclaim_pages, which runs the
 * same shrink_folio_list as reclaim under pressure (vmscan.ts), with
 * references ignored. So a page MADV_PAGEOUT takes meets what reclaim's
 * would: no free swap slot activates it, a write counts in
 * nr_vmscan_write, a discarded lazy-free page in pglazyfreed, one written
 * again since MADV_FREE is activated. Figures as measured on this
 * machine's 6.18 (a 1 MiB swap file: 255 slots), counters read from
 * /proc/vmstat before and after.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const vmstat = (text: string): Map<string, number> =>
  new Map(
    text
      .split("\n")
      .filter((l) => /^[a-z_0-9]+ \d+$/.test(l))
      .map((l) => [l.split(" ")[0]!, Number(l.split(" ")[1])]),
  );

/** Counter deltas between the two /proc/vmstat dumps of `text`, separated by a line "--". */
function deltas(text: string): Map<string, number> {
  const [before, after] = text.split("\n--\n");
  const a = vmstat(before!);
  const b = vmstat(after!);
  return new Map([...b].map(([k, v]) => [k, v - (a.get(k) ?? 0)]));
}

test("with the swap area full, the pages MADV_PAGEOUT cannot swap are activated (activate_locked)", () => {
  // 6.18, 512 written pages, 255 slots: 255 swapped, 257 present and all
  // active in kpageflags, pgactivate +259 (2 from elsewhere on the machine).
  const t = runScript(
    `P=$(spawn /bin/sh)
mmap $P 2M --name buf
write $P buf 2M
cat /proc/vmstat
echo --
madvise $P buf 2M pageout
cat /proc/vmstat
echo ==
smaps $P buf | grep -E '^(Rss|Swap):'
grep -E '^Active\\(anon\\):' /proc/meminfo`,
    { swapBytes: 1024 * 1024 },
  );
  expect(t.status).toBe(0);
  const [counters, rest] = t.stdout.split("\n==\n");
  const d = deltas(counters!);
  expect(d.get("pswpout")).toBe(255);
  expect(d.get("pgactivate")).toBe(257);
  const lines = rest!.trim().split("\n");
  expect(lines[0]).toMatch(/^Rss: +1028 kB$/);
  expect(lines[1]).toMatch(/^Swap: +1020 kB$/);
  expect(Number(lines[2]!.match(/(\d+) kB/)![1])).toBeGreaterThanOrEqual(1028);
});

test("MADV_PAGEOUT counts what shrink_folio_list counts: writes, discarded and redirtied lazy-free pages", () => {
  // 6.18, pinned to one CPU: 256 written pages paged out give pswpout +256
  // and nr_vmscan_write +232 (a node counter: up to its per-CPU threshold
  // of the rest is not folded in yet when /proc/vmstat is read; cowsh has
  // one CPU and counts all 256); 256 lazy-free pages of which 64 were
  // written again give pglazyfreed +192 and pgactivate +64.
  const t = runScript(
    `P=$(spawn /bin/sh)
mmap $P 1M --name a
mmap $P 1M --name b
write $P a 1M
write $P b 1M
madvise $P b 1M free
write $P b 256K --value 2
cat /proc/vmstat
echo --
madvise $P a 1M pageout
cat /proc/vmstat
echo ==
cat /proc/vmstat
echo --
madvise $P b 1M pageout
cat /proc/vmstat`,
    { swapBytes: 64 * 1024 * 1024 },
  );
  expect(t.status).toBe(0);
  const [anon, lazy] = t.stdout.split("\n==\n");
  const a = deltas(anon!);
  expect(a.get("pswpout")).toBe(256);
  expect(a.get("nr_vmscan_write")).toBe(256);
  expect(a.get("pglazyfreed")).toBe(0);
  const l = deltas(lazy!);
  expect(l.get("pswpout")).toBe(0);
  expect(l.get("nr_vmscan_write")).toBe(0);
  expect(l.get("pglazyfreed")).toBe(192);
  expect(l.get("pgactivate")).toBe(64);
});
