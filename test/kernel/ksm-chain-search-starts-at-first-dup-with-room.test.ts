/**
 * ksmd's stable search (ksm.ts) starts each chain's walk at the first dup
 * with room, which the chain keeps, instead of at the head: a dup an item
 * leaves has room again and is found first, as stable_node_dup finds it;
 * a dropped dup leaves its chain; and the checker holds the index to what
 * it caches.
 */
import { describe, expect, test } from "vitest";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { runScript } from "../helpers/run-script.js";

const SETUP = `
echo 10000 > /sys/kernel/mm/ksm/pages_to_scan
echo 1 > /sys/kernel/mm/ksm/sleep_millisecs
echo 0 > /sys/kernel/mm/ksm/smart_scan
echo 2 > /sys/kernel/mm/ksm/max_page_sharing
echo 1 > /sys/kernel/mm/ksm/run
K=/sys/kernel/mm/ksm
P=$(spawn /bin/sh)
B=$(mmap $P 16K --name buf)
write $P $B 16K --byte 1
madvise $P $B 16K mergeable
sleep 0.003
cat $K/pages_shared $K/pages_sharing $K/stable_node_dups
`;

const COUNTERS = "cat $K/pages_shared $K/pages_sharing $K/pages_unshared $K/stable_node_dups";

function run(body: string): string[] {
  const t = runScript(SETUP + body);
  expect(t.stderr).toBe("");
  expect(checkInvariants(t.session.machine).violations).toEqual([]);
  return t.stdout.trimEnd().split("\n");
}

describe("the stable search starts at the first dup with room", () => {
  test("a page merges into the first dup an item left, not behind the full ones", () => {
    // Pages 0-1 make dup A, pages 2-3 dup B (max_page_sharing 2). Page 0
    // leaves A when ksmd sees it changed; back to byte 1, it merges into A.
    const out = run(`
write $P $B 4K --byte 2
sleep 0.002
${COUNTERS}
write $P $B 4K --byte 1
sleep 0.001
${COUNTERS}
`);
    expect(out).toEqual(["2", "2", "2", "2 1 1 2", "2 2 0 2"].flatMap((l) => l.split(" ")));
  });

  test("a dup whose KSM page is gone leaves its chain; a new pair makes a dup behind it", () => {
    // munmap of pages 0-1 frees A's page: the next scan drops A (B alone is
    // no chain). A new pair of byte-1 pages walks past dropped A and full B.
    const out = run(`
munmap $P $B 8K
sleep 0.001
${COUNTERS}
C=$(mmap $P 8K --name more)
write $P $C 8K --byte 1
madvise $P $C 8K mergeable
sleep 0.003
${COUNTERS}
`);
    expect(out).toEqual(["2", "2", "2", "1 1 0 0", "2 2 0 2"].flatMap((l) => l.split(" ")));
  });

  test("a chain index that skips a dup with room, or miscounts, is a violation", () => {
    const t = runScript(SETUP);
    expect(t.stderr).toBe("");
    const m = t.session.machine;
    expect(checkInvariants(m).violations).toEqual([]);
    const chains = (m.ksm as unknown as { stable: Map<number, Record<string, unknown>> }).stable;
    const chain = [...chains.values()][0]! as {
      dups: { at: number; items: Set<unknown> }[];
      live: number;
      room: number;
    };
    chain.live++;
    expect(checkInvariants(m).violations.join("\n")).toMatch(/counts 3 live dups, holds 2/);
    chain.live--;
    chain.room = 5;
    expect(checkInvariants(m).violations.join("\n")).toMatch(/starts its search at 5 of 2/);
    chain.room = 2;
    const [item] = chain.dups[0]!.items;
    chain.dups[0]!.items.delete(item);
    expect(checkInvariants(m).violations.join("\n")).toMatch(
      /dup 0 of \d+ has room but the search starts at 2/,
    );
    chain.dups[0]!.items.add(item);
    chain.room = 0;
    chain.dups[1]!.at = 0;
    expect(checkInvariants(m).violations.join("\n")).toMatch(/dup 1 of chain \d+ says it is 0/);
  });
});
