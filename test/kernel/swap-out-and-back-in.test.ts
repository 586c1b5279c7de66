/**
 * Swap beyond what the ground-truth scenarios (test/truth, 36-42) show:
 * what a second pageout of clean pages does (they leave the swap cache, so
 * the next touch is a major fault that reads the slot back), a full swap
 * area, the errors of MADV_PAGEOUT, and a process's exit freeing its slots.
 * Every run checks the invariants after each command (runScript).
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const SWAP = { swapBytes: 1024 * 1024 }; // 255 slots (the header takes one)

const swapLines = "grep -E '^Swap(Cached|Total|Free):' /proc/meminfo";
/** Lines with their runs of spaces squeezed. */
const squeezed = (lines: string[]): string[] => lines.map((l) => l.replace(/ +/g, " "));

test("a clean swap-cache page paged out again is dropped: the next read reads the slots (with read-ahead) and the written word", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P buf 64K --value 7
madvise $P buf 64K pageout
echo $(read $P buf 64K -v)
${swapLines}
madvise $P buf 64K pageout
${swapLines}
echo $(read $P buf 64K -v)
read $P buf 8K --words
`,
    SWAP,
  );
  expect(status).toBe(0);
  const lines = text.split("\n");
  expect(lines[0]).toMatch(/^minflt=16 majflt=0 .*swap-in=16/);
  expect(squeezed(lines.slice(1, 4))).toEqual([
    "SwapCached: 64 kB",
    "SwapTotal: 1020 kB",
    "SwapFree: 956 kB",
  ]);
  // Read back clean, the pages still have their slots: the second pageout frees the frames.
  expect(squeezed(lines.slice(4, 7))).toEqual([
    "SwapCached: 0 kB",
    "SwapTotal: 1020 kB",
    "SwapFree: 956 kB",
  ]);
  // Swap read-ahead (page-cluster 3) reads slots 1-7, then 8-15, then 16:
  // 3 major faults, and 13 pages found in the swap cache.
  expect(lines[7]).toMatch(/^minflt=13 majflt=3 /);
  expect(lines.slice(8, 10)).toEqual([
    expect.stringMatching(/^0x[0-9a-f]+: 0x00000007$/),
    expect.stringMatching(/^0x[0-9a-f]+: 0x00000007$/),
  ]);
});

test("a full swap area leaves the pages it has no slot for; exit frees every slot", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 2M --name buf)
write $P buf 2M
madvise $P buf 2M pageout
grep -E '^(Rss|Swap):' /proc/$P/smaps_rollup
${swapLines}
kill $P; wait $P
${swapLines}
`,
    SWAP,
  );
  expect(status).toBe(0);
  const lines = squeezed(text.trimEnd().split("\n"));
  expect(lines).toContain("Swap: 1020 kB");
  expect(lines).toContain("SwapFree: 0 kB");
  expect(lines.slice(-3)).toEqual(["SwapCached: 0 kB", "SwapTotal: 1020 kB", "SwapFree: 1020 kB"]);
});

test("MADV_PAGEOUT fails as Linux's: ENOMEM over a hole, EINVAL on a locked mapping; a bad advice lists the good ones", () => {
  const { text } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
munmap $P $B+32K 32K
madvise $P $B 64K pageout
mlock $P buf 32K
madvise $P buf 32K pageout
madvise $P buf 64K pagein
`,
    SWAP,
  );
  expect(text).toMatch(/madvise: 0x[0-9a-f]+: Cannot allocate memory\n/);
  expect(text).toMatch(/madvise: 0x[0-9a-f]+: Invalid argument\n/);
  expect(text).toMatch(
    /madvise: invalid advice: 'pagein' \(one of: .*dontneed.*cold, pageout, populate_read, populate_write, collapse\)/,
  );
});

test("without swap, MADV_PAGEOUT leaves anonymous pages where they are", () => {
  const { text } = runScript(`P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P buf 64K
madvise $P buf 64K pageout
grep -E '^(Rss|Swap):' /proc/$P/smaps_rollup | head -1
cat /proc/swaps
`);
  expect(text).toMatch(/^Rss:\s+\d+ kB\n/);
  expect(text).not.toMatch(/^Rss:\s+0 kB/);
  expect(text).toContain("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
  expect(text.trimEnd().endsWith("Priority")).toBe(true);
});

test("explain on a swapped page names its slot, what holds it, and what the next touch does", () => {
  const { text } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P buf 64K
madvise $P buf 64K pageout
C=$(fork $P)
explain $P $B+4K
`,
    SWAP,
  );
  const prose = text.replace(/\s+/g, " ");
  expect(prose).toContain("PTE: swap entry, type 0 (/swapfile), slot 0x2");
  expect(prose).toContain(
    "2 swap entries (page-table entries of processes) name it, and the swap cache holds its page in frame",
  );
  expect(prose).toContain("a minor fault maps that same frame");
  expect(prose).toContain("The entry is not exclusive");
  expect(prose).toContain("this process gets its own copy of the page");
});

test("swapoff -a brings the pages back and the area goes; swapoff of a file that is no swap area fails", () => {
  const { text } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P buf 64K --value 5
madvise $P buf 64K pageout
swapoff -a
grep -E '^(Rss|Swap):' /proc/$P/smaps_rollup
cat /proc/swaps
echo $(read $P buf 64K -v)
swapoff /swapfile
`,
    SWAP,
  );
  const lines = text.replace(/ +/g, " ").split("\n");
  expect(lines.slice(0, 3)).toEqual([
    expect.stringMatching(/^Rss: \d+ kB$/),
    "Swap: 0 kB",
    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority",
  ]);
  expect(lines[3]).toMatch(/^minflt=0 majflt=0 /);
  expect(lines[4]).toBe("swapoff: /swapfile: swapoff failed: Invalid argument");
});
