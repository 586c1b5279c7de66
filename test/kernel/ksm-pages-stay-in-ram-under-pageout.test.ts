/**
 * KSM pages are not paged out in this model (madvise.ts, vmscan.ts skip
 * them: swapping one out would need its stable node to go with it, as
 * Linux's rmap walk of a KSM folio does). MADV_PAGEOUT and reclaim leave
 * them mapped, read-only and merged, even one mapped only once (which
 * pageout would otherwise take); a write still copies the page; the
 * invariants (a KSM page never mapped writable, always in a stable node)
 * hold after every command (runScript checks them).
 */
import { describe, expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

// 16 pages merged into one KSM page, then 15 of them written: the KSM page
// is left mapped once, at the last page.
const SETUP = `
echo 10000 > /sys/kernel/mm/ksm/pages_to_scan
echo 1 > /sys/kernel/mm/ksm/sleep_millisecs
echo 1 > /sys/kernel/mm/ksm/run
K=/sys/kernel/mm/ksm
P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P $B
madvise $P $B 64K mergeable
sleep 0.002
write $P $B 60K --random
`;
const LINES = "smaps $P $B | grep -E '^(Rss|KSM|Swap):'";

describe("a merged page under pageout and reclaim", () => {
  test("MADV_PAGEOUT leaves it merged and mapped; a write after it copies it", () => {
    const t = runScript(
      `${SETUP}
madvise $P $B 64K pageout
${LINES}
write $P buf+60K 4K --byte 3
${LINES}
`,
      { swapBytes: 16 * 1024 * 1024 },
    );
    expect(t.stderr).toBe("");
    expect(t.stdout.trimEnd().split("\n")).toEqual([
      "Rss:                   4 kB",
      "KSM:                   4 kB",
      "Swap:                 60 kB",
      "Rss:                   4 kB",
      "KSM:                   0 kB",
      "Swap:                 60 kB",
    ]);
  });

  test("reclaim under pressure swaps the other pages out and leaves it", () => {
    const t = runScript(
      `${SETUP}
Q=$(spawn /bin/sh)
C=$(mmap $Q 24M)
write $Q $C --random
${LINES}
`,
      { memBytes: 24 * 1024 * 1024, swapBytes: 64 * 1024 * 1024 },
    );
    expect(t.stderr).toBe("");
    expect(t.stdout.trimEnd().split("\n")).toEqual([
      "Rss:                   4 kB",
      "KSM:                   4 kB",
      "Swap:                 60 kB",
    ]);
  });
});
