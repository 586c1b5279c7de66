/**
 * mremap of PMD-mapped THPs (scenario 93 in test/truth shows the kernel's
 * side): a whole aligned 2 MiB moves as one PMD (move_huge_pmd), keeping
 * the folio PMD-mapped; a move to a place 1 MiB past a boundary, or of
 * part of a THP, splits the PMD and moves PTEs. After fork the mover's
 * PMD moves and the folio stays shared; MREMAP_DONTUNMAP leaves the old
 * range empty. The invariants are checked after every command.
 */
import { expect, test } from "vitest";
import { decodeImage, encodeImage } from "../../src/image/machine-image.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { machineDigest } from "../helpers/machine-digest.js";
import { procFiles } from "../helpers/proc-files.js";
import { runScript } from "../helpers/run-script.js";

const squeezed = (text: string): string[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/\s+/g, " "));
const pfn = (line: string): string => /pfn=(0x[0-9a-f]+)/.exec(line)![1]!;
/** 4 MiB of written THP at $A (2 MiB-aligned, in a 24 MiB reservation), $A+8M and $A+17M free for moves. */
const THP = `P=$(spawn /bin/sh)
R=$(mmap $P 24M --prot none --noreserve)
A=$(printf 0x%x $(((R + 0x1fffff) & ~0x1fffff)))
mmap $P 4M --fixed $A > /dev/null
madvise $P $A 4M hugepage
write $P $A 4M
huge() { grep -E '^AnonHugePages' /proc/meminfo; }`;
const smapsLines = "grep -E '^(Rss|Pss|AnonHugePages):'";

test("an aligned move takes the PMDs whole: no fault, same PFNs, AnonHugePages and no PTE table at the new place", () => {
  const { text, status } = runScript(`${THP}
echo $(pagemap $P $A+0x1000)
grep VmPTE /proc/$P/status
mremap $P $A 4M 4M --maymove --fixed $A+8M -v
echo $(pagemap $P $A+0x801000)
smaps $P $A+8M | ${smapsLines}
grep VmPTE /proc/$P/status
huge
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[2]).toMatch(/^0x[0-9a-f]+$/);
  expect(lines[3]).toBe("minflt=0 majflt=0 pages=0");
  expect(pfn(lines[4]!)).toBe(pfn(lines[0]!));
  expect(lines[4]).toMatch(/kpageflags=0x400415828 /); // a THP tail, not dirty: the PMD was not split
  expect(lines.slice(5, 8)).toEqual(["Rss: 4096 kB", "Pss: 4096 kB", "AnonHugePages: 4096 kB"]);
  expect(lines[8]).toBe(lines[1]); // VmPTE: no PTE table was built
  expect(lines[9]).toBe("AnonHugePages: 4096 kB");
});

test("a move to 1 MiB past a boundary splits the PMDs: the same pages by PTEs, folios whole, no fault", () => {
  const { text, status } = runScript(`${THP}
echo $(pagemap $P $A+0x100000)
mremap $P $A 4M 4M --maymove --fixed $A+9M -v
echo $(pagemap $P $A+10M)
smaps $P $A+9M | ${smapsLines}
huge
write $P $A+9M 4M -v
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[2]).toBe("minflt=0 majflt=0 pages=0");
  expect(pfn(lines[3]!)).toBe(pfn(lines[0]!));
  expect(lines[3]).toMatch(/kpageflags=0x400415838 /); // a tail of a whole THP, dirty once split
  expect(lines.slice(4, 8)).toEqual([
    "Rss: 4096 kB",
    "Pss: 4096 kB",
    "AnonHugePages: 0 kB",
    "AnonHugePages: 0 kB",
  ]);
  expect(lines[8]).toMatch(/^minflt=0 /);
});

test("moving part of a THP splits its PMD; the rest stays mapped by PTEs where it was", () => {
  const { text, status } = runScript(`${THP}
mremap $P $A+1M 1M 1M --maymove --fixed $A+8M -v
smaps $P $A | ${smapsLines}
smaps $P $A+2M | ${smapsLines}
huge
`);
  expect(status).toBe(0);
  expect(squeezed(text).slice(1)).toEqual([
    "minflt=0 majflt=0 pages=0",
    "Rss: 1024 kB",
    "Pss: 1024 kB",
    "AnonHugePages: 0 kB",
    "Rss: 2048 kB",
    "Pss: 2048 kB",
    "AnonHugePages: 2048 kB",
    "AnonHugePages: 2048 kB",
  ]);
});

test("after fork the child's aligned move keeps the folio shared by PMD on both sides; its write then copies one page", () => {
  const { text, status } = runScript(`${THP}
C=$(fork $P)
mremap $C $A 4M 4M --maymove --fixed $A+8M -v
echo $(pagemap $P $A)
echo $(pagemap $C $A+8M)
smaps $C $A+8M | ${smapsLines}
smaps $P $A | ${smapsLines}
huge
write $C $A+8M 1 -v
smaps $C $A+8M | ${smapsLines}
huge
`);
  expect(status).toBe(0);
  const lines = squeezed(text).slice(1);
  expect(lines[0]).toBe("minflt=0 majflt=0 pages=0");
  expect(pfn(lines[2]!)).toBe(pfn(lines[1]!));
  expect(lines[2]).toMatch(/kpagecount=2 /);
  expect(lines.slice(3, 10)).toEqual([
    "Rss: 4096 kB",
    "Pss: 2048 kB",
    "AnonHugePages: 4096 kB",
    "Rss: 4096 kB",
    "Pss: 2048 kB",
    "AnonHugePages: 4096 kB",
    "AnonHugePages: 4096 kB",
  ]);
  expect(lines[10]).toMatch(/^minflt=1 /);
  expect(lines.slice(11)).toEqual([
    "Rss: 4096 kB",
    "Pss: 2050 kB",
    "AnonHugePages: 2048 kB",
    "AnonHugePages: 4096 kB", // the parent still maps both folios by PMD
  ]);
});

test("MREMAP_DONTUNMAP of a THP moves the PMD and leaves the old range empty; a write there maps a new THP", () => {
  const { text, status } = runScript(`${THP}
mremap $P $A 2M 2M --maymove --fixed $A+8M --dontunmap -v
smaps $P $A | ${smapsLines}
smaps $P $A+8M | ${smapsLines}
write $P $A 2M -v
smaps $P $A | ${smapsLines}
huge
`);
  expect(status).toBe(0);
  const lines = squeezed(text).slice(1);
  expect(lines[0]).toBe("minflt=0 majflt=0 pages=0");
  expect(lines.slice(1, 7)).toEqual([
    "Rss: 2048 kB", // the old VMA stays whole: its second 2 MiB did not move
    "Pss: 2048 kB",
    "AnonHugePages: 2048 kB",
    "Rss: 2048 kB",
    "Pss: 2048 kB",
    "AnonHugePages: 2048 kB",
  ]);
  expect(lines[7]).toMatch(/^minflt=1 majflt=0 pages=512 /);
  expect(lines.slice(8)).toEqual([
    "Rss: 4096 kB",
    "Pss: 4096 kB",
    "AnonHugePages: 4096 kB",
    "AnonHugePages: 6144 kB",
  ]);
});

test("soft-dirty tracking marks a moved PMD soft-dirty, as move_soft_dirty_pmd", () => {
  const { text, status } = runScript(
    `${THP}
echo 4 > /proc/$P/clear_refs
echo $(pagemap $P $A)
mremap $P $A 2M 2M --maymove --fixed $A+8M > /dev/null
echo $(pagemap $P $A+8M)
`,
    { softDirty: true },
  );
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toMatch(/softdirty=0 /);
  expect(lines[1]).toMatch(/softdirty=1 /);
});

test("a machine saved and loaded after THP moves is the same machine", () => {
  const { session, status } = runScript(`${THP}
C=$(fork $P)
mremap $C $A 4M 4M --maymove --fixed $A+8M > /dev/null
mremap $P $A+2M 2M 2M --maymove --fixed $A+17M > /dev/null
`);
  expect(status).toBe(0);
  const m = session.machine!;
  const r = decodeImage(encodeImage(m));
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  expect(machineDigest(r.machine)).toBe(machineDigest(m));
  expect(procFiles(r.machine)).toEqual(procFiles(m));
  assertInvariants(r.machine);
});
