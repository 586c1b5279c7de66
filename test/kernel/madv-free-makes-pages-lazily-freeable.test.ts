/**
 * MADV_FREE beyond scenarios 43 and 44 (test/truth): the CPU's lazyfree
 * batch and what drains it, swap entries freed, what reclaim discards and
 * what it keeps, pages shared after fork, and the errors. Every run checks
 * the invariants after each command (runScript).
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const SWAP = { swapBytes: 1024 * 1024 };
const squeezed = (lines: string[]): string[] => lines.map((l) => l.replace(/ +/g, " "));
const lazy = (pid = "$P") => `grep LazyFree: /proc/${pid}/smaps_rollup`;

test("fewer pages than a batch wait in it (LazyFree 0) until something drains it: an munmap elsewhere", () => {
  const { text, status } = runScript(`P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
O=$(mmap $P 8K --name other)
write $P buf 64K
madvise $P buf 64K free
${lazy()}
echo $(pagemap $P buf)
munmap $P $O 8K
${lazy()}
echo $(pagemap $P buf)
`);
  expect(status).toBe(0);
  const lines = squeezed(text.trimEnd().split("\n"));
  expect(lines[0]).toBe("LazyFree: 0 kB");
  expect(lines[1]).toMatch(/kpageflags=0x400005828 /); // still SWAPBACKED in the batch
  expect(lines[2]).toBe("LazyFree: 64 kB");
  expect(lines[3]).toMatch(/kpageflags=0x400001828 /); // SWAPBACKED gone
});

test("reclaim discards clean lazy-free pages (they read as zeros), keeps the ones written again with their data", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 128K --name buf)
write $P buf 128K --value 5
madvise $P buf 128K free
write $P buf 8K --value 9
madvise $P buf 128K pageout
smaps $P buf | grep -E '^(Rss|Swap|LazyFree):'
read $P buf 12K --words
grep -E '^SwapFree:' /proc/meminfo
`,
    SWAP,
  );
  expect(status).toBe(0);
  const lines = squeezed(text.trimEnd().split("\n"));
  expect(lines).toContain("Rss: 8 kB");
  expect(lines).toContain("Swap: 0 kB");
  expect(lines).toContain("LazyFree: 0 kB");
  expect(lines.filter((l) => l.startsWith("0x")).map((l) => l.split(": ")[1])).toEqual([
    "0x00000009",
    "0x00000009",
    "0x00000000",
  ]);
  expect(lines).toContain("SwapFree: 1020 kB");
});

test("MADV_FREE frees the swap entries of its range: the slots go, the next read maps the zero page", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P buf 64K --value 3
madvise $P buf 64K pageout
grep -E '^Swap:' /proc/$P/smaps_rollup
madvise $P buf 64K free
grep -E '^(Swap|VmSwap):' /proc/$P/smaps_rollup /proc/$P/status
grep -E '^Swap(Cached|Free):' /proc/meminfo
echo $(read $P buf 64K -v)
read $P buf 4K --words
`,
    SWAP,
  );
  expect(status).toBe(0);
  const lines = squeezed(text.trimEnd().split("\n"));
  expect(lines[0]).toBe("Swap: 64 kB");
  expect(lines).toContain(`/proc/2/smaps_rollup:Swap: 0 kB`.replace("2", lines[1]!.split("/")[2]!));
  expect(lines).toContain("SwapCached: 0 kB");
  expect(lines).toContain("SwapFree: 1020 kB");
  expect(lines.find((l) => l.startsWith("minflt="))).toMatch(/^minflt=16 majflt=0 .*zero-page=16/);
  expect(lines.at(-1)).toMatch(/: 0x00000000$/);
});

test("after fork: a clean page is marked in the caller's PTE only; the child's dirty PTE keeps it from reclaim's discard", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 128K --name buf)
write $P buf 128K --value 4
C=$(fork $P)
madvise $P buf 128K free
${lazy()}
${lazy("$C")}
echo $(pagemap $P buf)
`,
    SWAP,
  );
  expect(status).toBe(0);
  const lines = squeezed(text.trimEnd().split("\n"));
  // 32 pages: one batch of 31 moved, one waits.
  expect(lines[0]).toBe("LazyFree: 124 kB");
  expect(lines[1]).toBe("LazyFree: 0 kB");
  expect(lines[2]).toMatch(/kpagecount=2 kpageflags=0x1828 /);
});

test("MADV_FREE fails as Linux's: EINVAL on shared, file-backed or locked mappings", () => {
  const { text } = runScript(`P=$(spawn /bin/sh)
S=$(mmap $P 64K --shared)
madvise $P $S 64K free
L=$(mmap $P 64K --name locked)
mlock $P locked 64K
madvise $P locked 64K free
`);
  const errors = text.trimEnd().split("\n");
  expect(errors).toHaveLength(2);
  for (const e of errors) expect(e).toMatch(/^madvise: 0x[0-9a-f]+: Invalid argument$/);
});

test("explain says what reclaim and the next write do with a lazy-free page, and when one waits in the batch", () => {
  const { text, status } = runScript(`P=$(spawn /bin/sh)
B=$(mmap $P 128K --name buf)
write $P buf 128K
madvise $P buf 128K free
explain $P $B
explain $P $B+124K
write $P buf 4K
explain $P $B
`);
  expect(status).toBe(0);
  const flat = text.replace(/\s+/g, " ");
  expect(flat).toContain("Lazy-free (MADV_FREE) and clean: LazyFree counts it.");
  expect(flat).toContain("a read maps the zero page, a write a new zeroed page");
  expect(flat).toContain("MADV_FREE queued it in the CPU's lazyfree batch (1 of 31 pages)");
  expect(flat).toContain("Lazy-free (MADV_FREE), but written since");
});
