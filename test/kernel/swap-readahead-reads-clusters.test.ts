/**
 * Swap read-ahead (swap_cluster_readahead, swapin_nr_pages) beyond scenario
 * 48: its window is machine-wide state. On a fresh machine the first read
 * from swap takes a window of 8 (read-ahead hits start at 4); after an
 * earlier run of the same reads, the first window is 4 slots and the same
 * read takes one more major fault: 33 + 223 then 34 + 222, the two figures
 * the kernel gave (README.md, Swap scenarios, Repeatability).
 */
import { expect, test } from "vitest";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource } from "../../src/shell/runtime.js";
import { runScript } from "../helpers/run-script.js";

const SWAP = { swapBytes: 16 * 1024 * 1024 };

/** Scenario 48's steps on a new 1 MiB region: write, pageout, read, pageout, read from the device. */
const run48 = `B=$(mmap $P 1M)
write $P $B 1M
madvise $P $B 1M pageout
read $P $B 1M
madvise $P $B 1M pageout
echo $(read $P $B 1M -v)
munmap $P $B 1M
`;

test("read-ahead's window: 33 major faults on a fresh machine, 34 after an earlier run, then the same again", () => {
  const { text, status } = runScript(`P=$(spawn /bin/sh)\n${run48}${run48}${run48}`, SWAP);
  expect(status).toBe(0);
  const lines = text.trimEnd().split("\n");
  expect(lines.map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual([
    "minflt=223 majflt=33",
    "minflt=222 majflt=34",
    "minflt=222 majflt=34",
  ]);
});

test("page-cluster 0 turns read-ahead off: every page is a major fault", () => {
  const m = Machine.boot(SWAP);
  m.swap.pageCluster = 0;
  let text = "";
  const { status } = runSource(createSession(m), `P=$(spawn /bin/sh)\n${run48}`, (b) => {
    text += b.text;
  });
  expect(status).toBe(0);
  expect(text.trimEnd()).toMatch(/^minflt=0 majflt=256 /);
  expect(checkInvariants(m).violations).toEqual([]);
});
