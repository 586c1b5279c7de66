/**
 * vmmap and frames draw swapped-out pages: a swap entry whose page the swap
 * cache still holds (c: the next touch is a minor fault), one only the swap
 * device holds (w: a major fault), and frames only the swap cache holds
 * (frames' w, counted against SwapCached); the extra legend line shows only
 * when there are such pages, so pictures without swap are as before.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const SWAP = { swapBytes: 64 * 1024 * 1024 };

test("vmmap shows swap-cached (c) and swapped-out (w) pages, and its legend says so", () => {
  const { stdout } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 256K --name buf)
write $P buf
madvise $P buf 128K pageout
read $P buf 64K > /dev/null
madvise $P buf 64K pageout
vmmap $P buf
`,
    SWAP,
  );
  const lines = stdout.trimEnd().split("\n");
  expect(lines[2]).toMatch(/^7ffff[0-9a-f]{7} w{16}c{16}P{32}$/);
  expect(lines.at(-1)).toBe(
    "w swapped out   c swapped out, still in the swap cache   f lazy free (MADV_FREE)",
  );
  // Each c is a minor fault away; a w is a major one, whose read brings
  // its neighbours' slots too (swap read-ahead: 13 of the 16 w's come back
  // as minor faults).
  const faults = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 256K --name buf)
write $P buf
madvise $P buf 128K pageout
read $P buf 64K > /dev/null
madvise $P buf 64K pageout
read $P buf 128K -v
`,
    SWAP,
  ).stdout;
  expect(faults).toMatch(/minflt=29 majflt=3 /);
});

test("without swapped pages, vmmap and frames print no swap legend", () => {
  const { stdout } = runScript(
    "P=$(spawn /bin/sh)\nmmap $P 64K --name buf\nwrite $P buf\nvmmap $P buf\nframes",
    SWAP,
  );
  expect(stdout).not.toMatch(/swap/);
});

test("frames draws frames only the swap cache holds as w and counts them against SwapCached", () => {
  const { stdout } = runScript(
    `P=$(spawn /bin/sh)
mmap $P 512K --name buf
write $P buf
madvise $P buf 512K pageout
frames
`,
    SWAP,
  );
  expect(stdout).toMatch(/w{64}/);
  expect(stdout).toContain("w swap cache, not mapped (the slot's page, kept for the next swap-in)");
  expect(stdout).toMatch(/^swcache +128 +512 +SwapCached +512 kB$/m);
});

test("the colour pictures name the swap states in their legends, from the same view", async () => {
  const { vmmapAnsi } = await import("../../src/ui/vmmap-ansi.js");
  const { framesAnsi } = await import("../../src/ui/frames-ansi.js");
  const { collectVmmap } = await import("../../src/views/vmmap.js");
  const { collectFrames } = await import("../../src/views/frames.js");
  const { session } = runScript(
    "P=$(spawn /bin/sh)\nmmap $P 256K --name buf\nwrite $P buf\nmadvise $P buf 128K pageout",
    SWAP,
  );
  const m = session.machine;
  const task = m.tasks.get(3)!;
  const mm = task.mm!;
  const buf = mm.vmas.filter((v) => v.end - v.start === 256 * 1024);
  const plain = (lines: string[]) => lines.join("\n").replace(/\x1b\[[0-9;]*m/g, "");
  const withSwap = plain(vmmapAnsi(collectVmmap(m.phys, mm, buf, task, true, m.swap), 80));
  expect(withSwap).toContain("swapped out, page in swap cache");
  expect(withSwap).toMatch(/c{32}P{32}/);
  const noSwap = plain(vmmapAnsi(collectVmmap(m.phys, mm, buf, task, true), 80));
  expect(noSwap).not.toContain("swapped out");
  expect(plain(framesAnsi(collectFrames(m, false), 80))).toContain("swap cache, not mapped");
});

test("explain of a mapping sums Swap and SwapPss as smaps does and says which pages a touch brings back without I/O", () => {
  const { stdout } = runScript(
    `P=$(spawn /bin/sh)
mmap $P 64K --name buf
write $P buf
madvise $P buf 64K pageout
read $P buf 4K
madvise $P buf 4K pageout
read $P buf+4K 4K
C=$(fork $P)
explain $P buf
smaps $P buf | grep -E '^(Swap|SwapPss):'
`,
    SWAP,
  );
  expect(stdout).toContain(
    "16 pages (64 kB): 1 present and counted, 0 not present, 15 swapped out.",
  );
  expect(stdout).toContain("Swap:                 60 kB = 15 swap entries × 4 kB");
  expect(stdout).toContain("SwapPss:              30 kB = 15 × 4096<<12/2 >> 22");
  expect(stdout).toMatch(/still\s+holds 14 of these pages: touching one is a minor fault/);
  expect(stdout).toMatch(/1 page is only on the swap device: touching one is a major fault/);
  expect(stdout).not.toContain("warning");
  expect(stdout).toMatch(/^Swap: +60 kB\nSwapPss: +30 kB$/m);
});
