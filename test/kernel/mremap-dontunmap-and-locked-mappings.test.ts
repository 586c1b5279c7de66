/**
 * MREMAP_DONTUNMAP and locked mappings beyond scenarios 91 and 92
 * (test/truth): the old VMA stays, empty and still charged, and loses its
 * lock; a locked mapping's new part is faulted in; a move after fork keeps
 * the pages COW-shared from either side. Every run checks the invariants
 * after each command (runScript).
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const squeezed = (text: string): string[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/\s+/g, " "));
const cas = `cas() { X=$(grep Committed_AS /proc/meminfo); X=\${X% kB}; echo \${X##* }; }`;

test("MREMAP_DONTUNMAP charges the new mapping whole, keeps the old one charged, empty and unlocked", () => {
  const { text, status } = runScript(`P=$(spawn /bin/sh)
${cas}
B=$(mmap $P 256K --name buf)
mlock $P buf 256K
C=$(cas)
N=$(mremap $P $B 256K 256K --maymove --dontunmap)
echo charged $(($(cas) - C))
smaps $P $B | grep -E '^(Size|Rss|Locked|VmFlags):'
smaps $P $N | grep -E '^(Size|Rss|Locked|VmFlags):'
echo $(read $P $B 4K -v)
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toBe("charged 256");
  expect(lines.slice(1, 5)).toEqual([
    "Size: 256 kB",
    "Rss: 0 kB",
    "Locked: 0 kB",
    "VmFlags: rd wr mr mw me ac ",
  ]);
  expect(lines.slice(5, 9)).toEqual([
    "Size: 256 kB",
    "Rss: 256 kB",
    "Locked: 256 kB",
    "VmFlags: rd wr mr mw me lo ac ",
  ]);
  expect(lines[9]).toMatch(/^minflt=1 majflt=0 pages=1 zero-page=1/);
});

test("a locked mapping's new part is faulted in by mremap, whether it grows in place or moves", () => {
  const { text, status } = runScript(`P=$(spawn /bin/sh)
R=$(mmap $P 256K --prot none)
B=$(mmap $P 64K --fixed $R --name buf)
munmap $P $B+64K 64K
mlock $P buf 64K
mremap $P $B 64K 128K -v
smaps $P $B | grep -E '^(Rss|Locked):'
N=$(mremap $P $B 128K 256K --maymove -v | tail -1); echo $N
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[1]).toMatch(/^minflt=16 majflt=0 pages=16 /);
  expect(lines.slice(2, 4)).toEqual(["Rss: 128 kB", "Locked: 128 kB"]);
  expect(lines[4]).toMatch(/^minflt=32 majflt=0 pages=32 /);
});

test("after a child's move the pages stay COW-shared: the parent's write copies, the child's then reuses", () => {
  const { text, status } = runScript(`P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P buf 64K --value 4
C=$(fork $P)
D=$(mmap $C 64K --prot none --noreserve)
N=$(mremap $C $B 64K 64K --maymove --fixed $D)
[ "$N" = "$D" ] && echo moved
echo $(pagemap $C $N)
echo $(write $P $B 64K -v --value 6)
echo $(write $C $N 64K -v --value 8)
read $P $B 4K --words
read $C $N 4K --words
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toBe("moved");
  expect(lines[1]).toMatch(/kpagecount=2 /);
  expect(lines[2]).toMatch(/^minflt=16 majflt=0 pages=16 cow-copy=16/);
  expect(lines[3]).toMatch(/^minflt=16 majflt=0 pages=16 (wp-reuse|reuse)/);
  expect(lines[4]).toMatch(/: 0x00000006$/);
  expect(lines[5]).toMatch(/: 0x00000008$/);
});
