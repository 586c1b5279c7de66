/**
 * An mremap move (scenarios 90-92 in test/truth show the kernel's side)
 * moves PTEs, never pages: the same frames with their flags, young and
 * dirty bits, swap entries and sharing with other processes; whole 2 MiB
 * regions move as whole PTE tables (move_normal_pmd), which a forked child
 * keeps sharing with its parent. A machine saved and loaded after moves is
 * the same machine.
 */
import { expect, test } from "vitest";
import { decodeImage, encodeImage } from "../../src/image/machine-image.js";
import { assertInvariants, checkInvariants } from "../../src/kernel/invariants.js";
import type { Machine } from "../../src/kernel/machine.js";
import type { PteTable } from "../../src/kernel/page-table.js";
import { createSession, runSource } from "../../src/shell/runtime.js";
import { machineDigest } from "../helpers/machine-digest.js";
import { procFiles } from "../helpers/proc-files.js";
import { runScript } from "../helpers/run-script.js";

const squeezed = (text: string): string[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/\s+/g, " "));
const pfn = (line: string): string => /pfn=(0x[0-9a-f]+)/.exec(line)![1]!;
const cas = `cas() { X=$(grep Committed_AS /proc/meminfo); X=\${X% kB}; echo \${X##* }; }`;
/** A 2 MiB-aligned address inside a 16 MiB PROT_NONE reservation of P: $A. */
const ALIGNED = `R=$(mmap $P 16M --prot none --noreserve)
A=$(printf 0x%x $(((R + 0x1fffff) & ~0x1fffff)))`;

test("a fixed move takes the frames with their flags and young bits, replaces the destination and charges only the growth", () => {
  const { text, status } = runScript(`P=$(spawn /bin/sh)
${cas}
B=$(mmap $P 64K --name buf)
write $P buf 64K --value 7
D=$(mmap $P 128K --name dst)
echo $(pagemap $P $B+0x4000)
C=$(cas)
mremap $P $B 64K 128K --maymove --fixed dst -v
echo charged $(($(cas) - C))
echo $(pagemap $P $D+0x4000)
smaps $P $D | grep -E '^(Size|Rss|Referenced|Private_Dirty):'
read $P $D+0x4000 4K --words
smaps $P $B
`);
  expect(status).toBe(1); // the last smaps: the old range is gone
  const lines = squeezed(text);
  expect(lines).toContain("minflt=0 majflt=0 pages=0");
  expect(lines).toContain("charged -64"); // +64 of growth, -128 of dst's own charge
  const moved = lines.find((l, i) => i > 3 && l.startsWith("present="))!;
  expect(pfn(moved)).toBe(pfn(lines[0]!));
  expect(moved).toMatch(/exclusive=1 .*kpageflags=0x400005828 /); // AnonExclusive kept
  expect(lines).toContain("Size: 128 kB");
  expect(lines).toContain("Rss: 64 kB");
  expect(lines).toContain("Referenced: 64 kB"); // the young bits went along
  expect(lines).toContain("Private_Dirty: 64 kB");
  expect(lines.some((l) => l.endsWith(": 0x00000007"))).toBe(true);
  expect(lines.at(-1)).toMatch(/no mapping in process/);
});

test("swap entries move with their slots: VmSwap stays, and the page comes back in at its new place", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P buf 64K --value 5
madvise $P buf 64K pageout
grep -E '^VmSwap' /proc/$P/status
D=$(mmap $P 64K --prot none --noreserve)
N=$(mremap $P $B 64K 64K --maymove --fixed $D)
[ "$N" = "$D" ] || echo not moved
grep -E '^VmSwap' /proc/$P/status
smaps $P $N | grep -E '^(Rss|Swap):'
read $P $N 64K -v
read $P $N+0x8000 4K --words
grep -E '^VmSwap' /proc/$P/status
`,
    { swapBytes: 1024 * 1024 },
  );
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines.slice(0, 4)).toEqual(["VmSwap: 64 kB", "VmSwap: 64 kB", "Rss: 0 kB", "Swap: 64 kB"]);
  expect(lines[4]).toMatch(/^minflt=\d+ majflt=\d+ pages=16 /);
  expect(lines[5]).toMatch(/: 0x00000005$/);
  expect(lines[6]).toBe("VmSwap: 0 kB");
});

/** The PTE tables of `pid`, by 2 MiB region. */
const tables = (m: Machine, pid: number): Map<number, PteTable> => {
  const found = new Map<number, PteTable>();
  m.tasks.get(pid)!.mm!.pt.forEachTable((key, table) => found.set(key, table));
  return found;
};

test("whole aligned 2 MiB regions move as whole tables: a child's move keeps sharing its parent's", () => {
  const { session, text, status } = runScript(`P=$(spawn /bin/sh)
${ALIGNED}
B=$(mmap $P 4M --fixed $A)
write $P $B 4M
C=$(fork $P)
grep VmPTE /proc/$C/status
mremap $C $B 4M 4M --maymove --fixed $A+8M > /dev/null
grep VmPTE /proc/$C/status
echo $C $(printf %d $A)
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toBe(lines[1]); // the tables moved, none was added
  const [child, a] = lines[2]!.split(" ").map(Number) as [number, number];
  const m = session.machine!;
  const parentPid = child - 1;
  const first = a / (2 * 1024 * 1024);
  const mine = tables(m, child);
  const theirs = tables(m, parentPid);
  expect(mine.has(first)).toBe(false);
  expect(mine.get(first + 4)).toBe(theirs.get(first)); // the very table, still shared
  expect(mine.get(first + 5)).toBe(theirs.get(first + 1));
  expect(theirs.get(first)!.sharers).toBe(2);
});

test("a machine saved and loaded after moves reads the same through /proc and goes on the same", () => {
  const { session: a, status } = runScript(`P=$(spawn /bin/sh)
${ALIGNED}
B=$(mmap $P 4M --fixed $A)
write $P $B 4M
S=$(mmap $P 1M --name small)
write $P small 1M --value 3
C=$(fork $P)
mremap $C $B 4M 6M --maymove --fixed $A+8M
mremap $P small 1M 1M --maymove --dontunmap > /dev/null
`);
  expect(status).toBe(0);
  const m = a.machine!;
  const digest = machineDigest(m);
  const before = procFiles(m);
  const r = decodeImage(encodeImage(m));
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  expect(machineDigest(r.machine)).toBe(digest);
  expect(procFiles(r.machine)).toEqual(before);
  assertInvariants(r.machine);
  const b = createSession(r.machine);
  for (const [k, v] of a.vars) b.vars.set(k, v);
  const next = `write $C $A+8M 6M --value 9
write $P small 1M
read $P $B 4M -v
cat /proc/$C/smaps_rollup /proc/meminfo`;
  const run = (session: typeof b): string => {
    let text = "";
    runSource(session, next, (block) => {
      text += block.text;
    });
    return text;
  };
  expect(run(b)).toBe(run(a));
  expect(machineDigest(r.machine)).toBe(machineDigest(m));
});

test("the checker reports anonymous pages and swap entries in a VMA without an anon_vma (a move that lost it)", () => {
  const { session, status } = runScript(
    `P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P buf 64K
madvise $P buf 32K pageout
D=$(mmap $P 64K --prot none --noreserve)
N=$(mremap $P $B 64K 64K --maymove --fixed $D)
`,
    { swapBytes: 1024 * 1024 },
  );
  expect(status).toBe(0);
  const m = session.machine!;
  const mm = [...m.tasks.values()].at(-1)!.mm!;
  const moved = mm.vmas.find((v) => v.anonName === "buf")!;
  expect(moved.pgoff * 4096).not.toBe(moved.start); // it moved
  expect(moved.anonVma).not.toBeNull();
  expect(checkInvariants(m).violations).toEqual([]);
  moved.anonVma = null;
  const found = checkInvariants(m).violations;
  expect(found.filter((v) => v.includes("a swap entry at"))).toHaveLength(8);
  expect(found.filter((v) => v.includes("an anonymous page at"))).toHaveLength(8);
  expect(found.every((v) => v.endsWith("in a VMA without an anon_vma"))).toBe(true);
});
