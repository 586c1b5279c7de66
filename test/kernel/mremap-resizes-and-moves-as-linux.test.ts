/**
 * mremap(2) beyond scenarios 89-92 (test/truth): growing in place,
 * shrinking, moving with and without MREMAP_FIXED, the charge to
 * Committed_AS, and the errors Linux gives. Every run checks the
 * invariants after each command (runScript).
 */
import { expect, test } from "vitest";
import { boot, sh } from "../commands/pictures-helpers.js";
import { runScript } from "../helpers/run-script.js";

const squeezed = (text: string): string[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/ +/g, " "));
const pfn = (line: string): string => /pfn=(0x[0-9a-f]+)/.exec(line)![1]!;

/** P with 64 KiB `buf` written with 7, free space of 64 KiB behind it, then a PROT_NONE guard. */
const SETUP = `P=$(spawn /bin/sh)
R=$(mmap $P 256K --prot none)
B=$(mmap $P 64K --fixed $R --name buf)
munmap $P $B+64K 64K
write $P buf 64K --value 7
cas() { X=$(grep Committed_AS /proc/meminfo); X=\${X% kB}; echo \${X##* }; }
`;

test("growing into free space keeps the address and the frames, faults nothing, and charges the growth", () => {
  const { text, status } = runScript(`${SETUP}
echo $(pagemap $P $B+0x8000)
C=$(cas)
mremap $P $B 64K 128K -v
echo charged $(($(cas) - C))
echo $(pagemap $P $B+0x8000)
echo $(pagemap $P $B+0x10000)
smaps $P $B | grep -E '^(Size|Rss):'
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[1]).toMatch(/^0x[0-9a-f]+$/); // the address: the same as B's
  expect(text).toContain(`${lines[1]}\nminflt=0 majflt=0 pages=0\n`);
  expect(lines).toContain("charged 64");
  expect(pfn(lines[4]!)).toBe(pfn(lines[0]!));
  expect(lines[5]).toMatch(/^present=0 /); // the new part is not populated
  expect(lines).toContain("Size: 128 kB");
  expect(lines).toContain("Rss: 64 kB");
});

test("a mapping that cannot grow in place fails with ENOMEM, and moves with --maymove, pages and all", () => {
  const { text, status } = runScript(`${SETUP}
mremap $P $B 64K 64K
mremap $P $B 64K 192K
echo status $?
echo $(pagemap $P $B+0x8000)
C=$(cas)
N=$(mremap $P $B 64K 192K --maymove)
echo charged $(($(cas) - C))
[ "$N" != "$B" ] && echo moved
echo $(pagemap $P $N+0x8000)
read $P $N+0x8000 4K --words
smaps $P $B
smaps $P $N | grep -E '^(Size|Rss|Anonymous):'
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[1]).toMatch(/^mremap: 0x[0-9a-f]+: Cannot allocate memory/);
  expect(lines).toContain("status 1");
  expect(lines).toContain("charged 128");
  expect(lines).toContain("moved");
  expect(pfn(lines[6]!)).toBe(pfn(lines[3]!));
  expect(lines[7]).toMatch(/: 0x00000007$/);
  expect(lines[8]).toMatch(/^smaps: 0x[0-9a-f]+: no mapping in process/);
  expect(lines.slice(-3)).toEqual(["Size: 192 kB", "Rss: 64 kB", "Anonymous: 64 kB"]);
});

test("shrinking unmaps the tail and gives its charge back; the same length is a no-op", () => {
  const { text, status } = runScript(`${SETUP}
C=$(cas)
mremap $P $B 64K 64K
mremap $P $B 64K 16K
echo charged $(($(cas) - C))
smaps $P $B | grep -E '^(Size|Rss):'
read $P $B+16K 4K
`);
  expect(status).toBe(139);
  const lines = squeezed(text);
  expect(lines[0]).toBe(lines[1]);
  expect(lines).toContain("charged -48");
  expect(lines).toContain("Size: 16 kB");
  expect(lines).toContain("Rss: 16 kB");
});

test("bad arguments fail as Linux fails them, and change nothing", () => {
  const { text } = runScript(`${SETUP}
mremap $P $B+1 64K 64K
mremap $P 0x1000 4K 4K
mremap $P $B 64K 0
mremap $P $B 64K 64K --fixed 0x10000000
mremap $P $B 64K 128K --maymove --dontunmap
mremap $P $B 64K 64K --maymove --fixed $B+32K
mremap $P $B 64K 64K --maymove --fixed 0x10000001
mremap $P $R+128K 4K 8K
mremap $P $B 128K 192K --maymove --fixed 0x10000000
mremap $P [vdso] 4K 8K
smaps $P $B | grep -E '^(Size|Rss):'
`);
  const errors = squeezed(text)
    .filter((l) => l.startsWith("mremap:"))
    .map((l) => l.replace(/^mremap: \S+: /, ""));
  expect(errors).toEqual([
    "Invalid argument (old address not page aligned)",
    "Bad address (no mapping at the old address)",
    "Invalid argument (new length 0)",
    "Invalid argument (a new address needs MREMAP_MAYMOVE)",
    "Invalid argument (MREMAP_DONTUNMAP does not resize)",
    "Invalid argument (old and new ranges overlap)",
    "Invalid argument (new address not page aligned)",
    "Cannot allocate memory (cannot grow in place)",
    "Bad address (old range spans several mappings)",
    "Bad address (a special mapping cannot grow)",
  ]);
  expect(squeezed(text).slice(-2)).toEqual(["Size: 64 kB", "Rss: 64 kB"]);
});

test("a hugetlb mapping is refused (EINVAL), its pages untouched", () => {
  const s = boot({ hugepages: 2 });
  const pid = sh(s, "spawn /bin/sh").stdout.trim();
  const addr = sh(s, `mmap ${pid} 2M --hugetlb`).stdout.trim();
  sh(s, `write ${pid} ${addr} 2M`);
  const r = sh(s, `mremap ${pid} ${addr} 2M 4M --maymove`);
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/Invalid argument/);
  expect(sh(s, `grep -E '^Private_Hugetlb' /proc/${pid}/smaps`).stdout).toMatch(/2048 kB/);
});
