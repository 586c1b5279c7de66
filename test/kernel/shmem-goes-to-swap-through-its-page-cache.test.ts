/**
 * shmem and swap beyond scenario 39 (test/truth): the object's swapped
 * pages keep their data and their slots until the object goes, swapoff
 * brings them back into its page cache, MADV_WILLNEED reads them into the
 * swap cache, and truncation frees them. Every run checks the invariants
 * after each command (runScript).
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const SWAP = { swapBytes: 1024 * 1024 }; // 255 slots
const swapLines = "grep -E '^Swap(Cached|Free):' /proc/meminfo";
const squeezed = (text: string): string[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/[ \t]+/g, " "));

test("swapped shmem pages read back their data; the slots go when the last mapping does", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
S=$(mmap $P 64K --shared --name shm)
write $P shm 64K --value 6
madvise $P shm 64K pageout
smaps $P shm | grep -E '^(Rss|Swap|SwapPss):'
grep VmSwap /proc/$P/status
${swapLines}
C=$(fork $P)
echo $(read $C shm 64K -v)
read $C shm 4K --words
munmap $P $S 64K
kill $C; wait $C
${swapLines}
`,
    SWAP,
  );
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines.slice(0, 7)).toEqual([
    "Rss: 0 kB",
    "Swap: 64 kB",
    "SwapPss: 0 kB",
    "VmSwap: 0 kB",
    "SwapCached: 64 kB",
    "SwapFree: 956 kB",
    expect.stringMatching(/^minflt=16 majflt=0 /),
  ]);
  expect(lines[7]).toMatch(/: 0x00000006$/);
  expect(lines.slice(-2)).toEqual(["SwapCached: 0 kB", "SwapFree: 1020 kB"]);
});

test("swapoff brings swapped shmem pages back into the object, dirty, with their data", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
S=$(mmap $P 64K --shared --name shm)
write $P shm 64K --value 2
madvise $P shm 32K pageout
swapoff /swapfile
${swapLines}
smaps $P shm | grep -E '^(Rss|Private_Dirty|Swap):'
echo $(read $P shm 64K -v)
read $P shm 4K --words
`,
    SWAP,
  );
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines.slice(0, 5)).toEqual([
    "SwapCached: 0 kB",
    "SwapFree: 0 kB",
    "Rss: 32 kB",
    "Private_Dirty: 32 kB",
    "Swap: 0 kB",
  ]);
  expect(lines[5]).toMatch(/^minflt=\d+ majflt=0 /);
  expect(lines[6]).toMatch(/: 0x00000002$/);
});

test("MADV_WILLNEED reads swapped anonymous pages into the swap cache: the touch that follows is minor", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P buf 64K --value 8
madvise $P buf 64K pageout
read $P buf 64K
madvise $P buf 64K pageout
${swapLines}
madvise $P buf 64K willneed
${swapLines}
echo $(read $P buf 64K -v)
read $P buf 4K --words
`,
    SWAP,
  );
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines.slice(0, 4)).toEqual([
    "SwapCached: 0 kB",
    "SwapFree: 956 kB",
    "SwapCached: 64 kB",
    "SwapFree: 956 kB",
  ]);
  expect(lines[4]).toMatch(/^minflt=16 majflt=0 /);
  expect(lines[5]).toMatch(/: 0x00000008$/);
});

test("truncating a memfd frees the slots of its swapped pages beyond the new end", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
M=$(mmap $P 64K --shared --memfd data)
write $P $M 64K
madvise $P $M 64K pageout
${swapLines}
munmap $P $M 64K
${swapLines}
`,
    SWAP,
  );
  expect(status).toBe(0);
  expect(squeezed(text)).toEqual([
    "SwapCached: 64 kB",
    "SwapFree: 956 kB",
    "SwapCached: 0 kB",
    "SwapFree: 1020 kB",
  ]);
});
