/**
 * Multi-size THP (scenario 95 in test/truth shows the kernel's side):
 * hugepages-<size>kB/enabled per folio size. At the defaults only the PMD
 * size (inherit) is on; a size set to always gives write faults folios of
 * that size, mapped by their PTEs at once, which fork, COW, munmap and
 * save/load then treat as the large folios they are. The invariants are
 * checked after every command.
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
const DIR = "/sys/kernel/mm/transparent_hugepage";
/** $A: 1 MiB, 2 MiB-aligned, written by nobody yet. */
const SETUP = `P=$(spawn /bin/sh)
R=$(mmap $P 8M --prot none --noreserve)
A=$(printf 0x%x $(((R + 0x1fffff) & ~0x1fffff)))
mmap $P 1M --fixed $A > /dev/null`;

test("every size reads never but 2048kB (inherit); a size takes the four words and refuses others", () => {
  const { text, status } =
    runScript(`for s in 16 32 64 128 256 512 1024 2048; do cat ${DIR}/hugepages-\${s}kB/enabled; done
echo madvise > ${DIR}/hugepages-64kB/enabled
cat ${DIR}/hugepages-64kB/enabled
echo often > ${DIR}/hugepages-64kB/enabled
`);
  expect(status).not.toBe(0);
  const lines = squeezed(text);
  expect(lines.slice(0, 7)).toEqual(Array(7).fill("always inherit madvise [never]"));
  expect(lines[7]).toBe("always [inherit] madvise never");
  expect(lines[8]).toBe("always inherit [madvise] never");
  expect(lines[9]).toMatch(/Invalid argument/);
});

test("64kB always: 16 faults for 1 MiB, 64 KiB folios with THP bits, no AnonHugePages, THPeligible 1", () => {
  const { text, status } = runScript(`${SETUP}
echo always > ${DIR}/hugepages-64kB/enabled
write $P $A 1 -v
write $P $A 1M -v
echo $(pagemap $P $A)
echo $(pagemap $P $A+0x1000)
echo $(pagemap $P $A+0xf000)
smaps $P $A | grep -E '^(Rss|AnonHugePages|THPeligible):'
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toMatch(/^minflt=1 majflt=0 pages=1 new-page=1/);
  expect(lines[1]).toMatch(/^minflt=15 /);
  expect(lines[2]).toMatch(/kpageflags=0x40040d828 /);
  expect(lines[3]).toMatch(/kpageflags=0x400415828 /);
  const pfn = (l: string): number => Number(/pfn=(\w+)/.exec(l)![1]);
  expect(pfn(lines[4]!) - pfn(lines[2]!)).toBe(15);
  expect(pfn(lines[2]!) % 16).toBe(0);
  expect(lines.slice(5)).toEqual(["Rss: 1024 kB", "AnonHugePages: 0 kB", "THPeligible: 1"]);
});

test("a range with a PTE already there falls back to a smaller size; a read still maps the zero page", () => {
  const { text, status } = runScript(`${SETUP}
echo always > ${DIR}/hugepages-64kB/enabled
echo always > ${DIR}/hugepages-16kB/enabled
read $P $A+0x8000 4K -v
write $P $A 64K -v
echo $(pagemap $P $A+0x8000)
echo $(pagemap $P $A+0xc000)
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toMatch(/zero-page=1/);
  // the zero page at +0x8000 keeps the 64 KiB from being one folio: 16 KiB ones
  // at +0, +0x4000 and +0xc000; at +0x8000 a copy of the zero page, and the
  // rest of that 16 KiB (not all none) 4 KiB pages: 3 + 1 + 3 faults
  expect(lines[1]).toMatch(/^minflt=7 majflt=0 pages=16 new-page=6 zero-copy=1/);
  expect(lines[2]).toMatch(/zero=0 .*kpageflags=0x400005828 /); // a small page
  expect(lines[3]).toMatch(/kpageflags=0x40040d828 /); // a 16 KiB folio's head
});

test("fork shares a 64 KiB folio; a write copies one page; exit frees the folio once no frame is mapped", () => {
  const { text, status } = runScript(`${SETUP}
echo always > ${DIR}/hugepages-64kB/enabled
write $P $A 64K
F=$(grep MemFree /proc/meminfo)
C=$(fork $P)
write $C $A 4K -v
echo $(pagemap $C $A) / $(pagemap $P $A+0x1000)
kill $C; wait $C
munmap $P $A 64K
echo $F / $(grep MemFree /proc/meminfo)
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toMatch(/^minflt=1 .*cow-copy=1/);
  const [child, parent] = lines[1]!.split(" / ");
  expect(child).toMatch(/kpagecount=1 kpageflags=0x400005828 /); // the copy: a small page
  expect(parent).toMatch(/kpagecount=2 kpageflags=0x415828 /); // a shared tail
  const [before, after] = lines[2]!.split(" / ");
  expect(Number(/\d+/.exec(after!)![0]) - Number(/\d+/.exec(before!)![0])).toBe(64);
});

test("a machine saved and loaded keeps the sizes' settings and the folios", () => {
  const { session, status } = runScript(`${SETUP}
echo always > ${DIR}/hugepages-64kB/enabled
echo never > ${DIR}/hugepages-2048kB/enabled
write $P $A 1M
`);
  expect(status).toBe(0);
  const m = session.machine!;
  const r = decodeImage(encodeImage(m));
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  expect(machineDigest(r.machine)).toBe(machineDigest(m));
  expect(procFiles(r.machine)).toEqual(procFiles(m));
  expect(r.machine.thp.sizes.get(4)).toBe("always");
  expect(r.machine.thp.sizes.get(9)).toBe("never");
  assertInvariants(r.machine);
});

test("hugepages-2048kB/enabled never turns PMD THPs off even where enabled is always", () => {
  const { text, status } = runScript(`P=$(spawn /bin/sh)
R=$(mmap $P 8M --prot none --noreserve)
A=$(printf 0x%x $(((R + 0x1fffff) & ~0x1fffff)))
mmap $P 2M --fixed $A > /dev/null
echo always > ${DIR}/enabled
echo never > ${DIR}/hugepages-2048kB/enabled
write $P $A 2M -v
smaps $P $A | grep -E '^THPeligible:'
`);
  expect(status).toBe(0);
  expect(squeezed(text)).toEqual(["minflt=512 majflt=0 pages=512 new-page=512", "THPeligible: 0"]);
});
