/**
 * A shared hugetlb mapping (hugetlb.ts): its pages belong to the
 * hugetlbfs file (its page cache), so a forked child, which gets no copy
 * of the entries, faults the same pages in and reads what the parent
 * wrote; the file's pages and its unused reservations go back to the pool
 * only when the last mapping of the file goes.
 */
import { expect, test } from "vitest";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource } from "../../src/shell/runtime.js";

function sh(m: Machine, source: string): string {
  const session = createSession(m, undefined, { check: true });
  let out = "";
  runSource(session, source, (b) => {
    if (b.kind === "err") throw new Error(b.text);
    out += b.text;
  });
  return out;
}

const pool = (m: Machine): [number, number, number] => [
  m.hugetlb.total,
  m.hugetlb.free.length,
  m.hugetlb.resv,
];

test("a child faults in its parent's shared huge pages and reads what was written", () => {
  const m = Machine.boot({ hugepages: 4 });
  const out = sh(
    m,
    [
      "P=$(spawn /bin/sh)",
      "B=$(mmap $P 4M --hugetlb --shared)",
      "write $P $B 2M",
      "C=$(fork $P)",
      "echo $P $B $C",
      "pagemap $C $B",
    ].join("\n"),
  );
  const [p, b, c] = out.split("\n")[0]!.split(" ").map(Number) as [number, number, number];
  expect(out).toContain("present=0"); // fork copied no entry
  const parent = m.access(p, b, 4096, false, 0, true);
  const child = m.access(c, b, 2 * 1024 * 1024, false, 0, true);
  if (!parent.ok || !child.ok) throw new Error("access failed");
  expect(child.value.minflt).toBe(1); // one fault for 2 MiB
  expect(child.value.words![0]).toBe(parent.value.words![0]);
  expect(sh(m, `pagemap ${c} ${b}`)).toBe(
    sh(m, `pagemap ${p} ${b}`).replace("exclusive=1", "exclusive=0"),
  );
  expect(pool(m)).toEqual([4, 3, 1]);
  // the parent goes: the child still maps the page, the file keeps its reservation
  sh(m, `munmap ${p} ${b} 4M`);
  expect(pool(m)).toEqual([4, 3, 1]);
  expect(sh(m, `smaps ${c} ${b} | grep Private_Hugetlb`)).toMatch(/2048 kB/);
  // the last mapping goes: page and reservation back to the pool
  sh(m, `kill ${c}`);
  expect(pool(m)).toEqual([4, 4, 0]);
  expect(checkInvariants(m).violations).toEqual([]);
});

test("a fault anywhere in a shared huge page finds the file's page", () => {
  const m = Machine.boot({ hugepages: 2 });
  const out = sh(
    m,
    "P=$(spawn /bin/sh); B=$(mmap $P 2M --hugetlb --shared); C=$(fork $P); echo $P $B $C",
  );
  const [p, b, c] = out.trim().split(" ").map(Number) as [number, number, number];
  if (!m.access(c, b + 4096, 4096, true, 42).ok) throw new Error("write failed");
  const read = m.access(p, b + 8192 + 4096, 4096, false, 0, true);
  if (!read.ok) throw new Error("read failed");
  expect(m.hugetlb.free.length).toBe(1); // one page, both map it
  expect(m.access(p, b + 4096, 4096, false, 0, true)).toMatchObject({ value: { words: [42] } });
});
