/**
 * Shmem THP (scenarios 79 and 80 in test/truth show the kernel's side):
 * /sys/kernel/mm/transparent_hugepage/shmem_enabled decides whether shared
 * anonymous memory and memfds get PMD-sized folios in their page cache,
 * mapped by one PMD; what happens to them on writes, munmap, mprotect,
 * MADV_DONTNEED, mremap, exit and save/load. The invariants are checked
 * after every command.
 */
import { expect, test } from "vitest";
import { decodeImage, encodeImage } from "../../src/image/machine-image.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { machineDigest } from "../helpers/machine-digest.js";
import { procFiles } from "../helpers/proc-files.js";
import { runScript } from "../helpers/run-script.js";

const squeezed = (text: string): string[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/\s+/g, " "));
const SYSFS = "/sys/kernel/mm/transparent_hugepage/shmem_enabled";
/** $A: a 2 MiB-aligned address with 16 MiB free after it; shared 4 MiB mapped there by map_shm. */
const SETUP = `P=$(spawn /bin/sh)
R=$(mmap $P 24M --prot none --noreserve)
A=$(printf 0x%x $(((R + 0x1fffff) & ~0x1fffff)))
map_shm() { mmap $P 4M --shared --fixed $A "$@" > /dev/null; }
huge() { grep -E '^(ShmemHugePages|ShmemPmdMapped):' /proc/meminfo; }
sm() { smaps $P $1 | grep -E '^(Rss|Private_Clean|Private_Dirty|ShmemPmdMapped|THPeligible):'; }`;

test("shmem_enabled reads as the kernel shows it, takes each mode and refuses others; --thp-shmem sets it at boot", () => {
  const { text, status } = runScript(`cat ${SYSFS}
echo within_size > ${SYSFS}
cat ${SYSFS}
echo force > ${SYSFS}
cat ${SYSFS}
echo sometimes > ${SYSFS}
cat ${SYSFS}
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toBe("always within_size advise [never] deny force");
  expect(lines[1]).toBe("always [within_size] advise never deny force");
  expect(lines[2]).toBe("always within_size advise never deny [force]");
  expect(lines.at(-1)).toBe("always within_size advise never deny [force]");
  expect(lines.some((l) => /Invalid argument/.test(l))).toBe(true);
  const m = Machine.boot({ thpShmem: "advise" });
  expect(m.thp.shmemEnabled).toBe("advise");
});

test("never (the default): shared anonymous memory takes 4 KiB pages; always: one fault and one folio per 2 MiB", () => {
  const { text, status } = runScript(`${SETUP}
map_shm
write $P $A 2M -v
sm $A
echo always > ${SYSFS}
munmap $P $A 4M
map_shm
write $P $A 4M -v
sm $A
huge
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toMatch(/^minflt=512 /);
  expect(lines.slice(1, 6)).toEqual([
    "Rss: 2048 kB",
    "Private_Clean: 0 kB",
    "Private_Dirty: 2048 kB",
    "ShmemPmdMapped: 0 kB",
    "THPeligible: 0",
  ]);
  expect(lines[6]).toMatch(/^minflt=2 majflt=0 pages=1024 shared-write=2/);
  expect(lines.slice(7)).toEqual([
    "Rss: 4096 kB",
    "Private_Clean: 0 kB",
    "Private_Dirty: 4096 kB",
    "ShmemPmdMapped: 4096 kB",
    "THPeligible: 1",
    "ShmemHugePages: 4096 kB",
    "ShmemPmdMapped: 4096 kB",
  ]);
});

test("a read maps a clean folio by a writable PMD; a store then dirties the whole PMD without a fault", () => {
  const { text, status } = runScript(`${SETUP}
echo always > ${SYSFS}
map_shm
read $P $A 2M -v
sm $A
write $P $A+0x1000 1 -v
sm $A
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toMatch(/^minflt=1 majflt=0 pages=512 file-read=1/);
  expect(lines.slice(1, 4)).toEqual([
    "Rss: 2048 kB",
    "Private_Clean: 2048 kB",
    "Private_Dirty: 0 kB",
  ]);
  expect(lines[6]).toBe("minflt=0 majflt=0 pages=1");
  expect(lines.slice(7, 10)).toEqual([
    "Rss: 2048 kB",
    "Private_Clean: 0 kB",
    "Private_Dirty: 2048 kB",
  ]);
});

test("within_size needs the file to reach the end of the 2 MiB; deny refuses and force grants, whatever the advice; /dev/shm stays small", () => {
  const { text, status } = runScript(`${SETUP}
echo within_size > ${SYSFS}
M=$(mmap $P 3M --memfd odd)
write $P $M 3M -v
echo deny > ${SYSFS}
madvise $P $A 4M hugepage
map_shm
madvise $P $A 4M hugepage
write $P $A 2M -v
munmap $P $A 4M
echo force > ${SYSFS}
map_shm
madvise $P $A 4M nohugepage
write $P $A 2M -v
munmap $P $A 4M
map_shm
write $P $A 2M -v
munmap $P $A 4M
echo always > ${SYSFS}
truncate -s 4M /dev/shm/f
mmap $P 4M --file /dev/shm/f --shared --fixed $A > /dev/null
write $P $A 2M -v
`);
  expect(status).toBe(0);
  const faults = squeezed(text).filter((l) => l.startsWith("minflt="));
  // within_size, 3 MiB: where the memfd lands is not 2 MiB-aligned, or the
  // second 2 MiB passes its end; either way no PMD for a 3 MiB file's tail
  expect(faults[0]).not.toMatch(/^minflt=1 /);
  expect(faults[1]).toMatch(/^minflt=512 /); // deny, even advised
  expect(faults[2]).toMatch(/^minflt=512 /); // force, but nohugepage
  expect(faults[3]).toMatch(/^minflt=1 /); // force
  expect(faults[4]).toMatch(/^minflt=512 /); // /dev/shm is a tmpfs mount without huge=
});

test("munmap of one page or MADV_DONTNEED of a part zaps the whole PMD; the folio stays cached until the last mapping goes", () => {
  const { text, status } = runScript(`${SETUP}
echo always > ${SYSFS}
map_shm
write $P $A 4M
madvise $P $A+0x200000 4K dontneed
sm $A+0x200000
munmap $P $A+0x1000 4K
sm $A
huge
read $P $A+0x200000 2M -v
sm $A+0x200000
munmap $P $A 4M
huge
`);
  expect(status).toBe(0);
  expect(squeezed(text)).toEqual([
    "Rss: 2048 kB", // the second PMD zapped whole, the first one kept
    "Private_Clean: 0 kB",
    "Private_Dirty: 2048 kB",
    "ShmemPmdMapped: 2048 kB",
    "THPeligible: 1",
    "Rss: 0 kB", // [A, A+4K) is left of the first 2 MiB: zapped with its PMD
    "Private_Clean: 0 kB",
    "Private_Dirty: 0 kB",
    "ShmemPmdMapped: 0 kB",
    "THPeligible: 0",
    "ShmemHugePages: 4096 kB",
    "ShmemPmdMapped: 0 kB",
    // the second 2 MiB lies in the VMA after the hole: its folio maps by PMD again (1 fault)
    "minflt=1 majflt=0 pages=512 file-read=1",
    "Rss: 2048 kB",
    "Private_Clean: 0 kB",
    "Private_Dirty: 2048 kB",
    "ShmemPmdMapped: 2048 kB",
    "THPeligible: 1",
    "ShmemHugePages: 0 kB", // nothing maps the shared memory any more: freed
    "ShmemPmdMapped: 0 kB",
  ]);
});

test("fork does not copy a shared PMD; the child maps the same folio by PMD on its first read", () => {
  const { text, status } = runScript(`${SETUP}
echo always > ${SYSFS}
map_shm
write $P $A 2M
C=$(fork $P)
smaps $C $A | grep -E '^Rss:'
read $C $A 2M -v
echo $(pagemap $P $A) / $(pagemap $C $A)
write $C $A 2M -v
kill $C; wait $C
huge
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toBe("Rss: 0 kB");
  expect(lines[1]).toMatch(/^minflt=1 majflt=0 pages=512 file-read=1/);
  const [p, c] = lines[2]!.split(" / ");
  expect(/pfn=(\w+)/.exec(p!)![1]).toBe(/pfn=(\w+)/.exec(c!)![1]);
  expect(c).toMatch(/exclusive=0 file=1 .*kpagecount=2 kpageflags=0x40c838 /);
  expect(lines[3]).toBe("minflt=0 majflt=0 pages=512"); // writable already
  expect(lines.slice(4)).toEqual(["ShmemHugePages: 2048 kB", "ShmemPmdMapped: 2048 kB"]);
});

test("mprotect of part of a shmem PMD zaps it; a write-protected PMD (soft-dirty cleared) takes one fault and stays huge", () => {
  const { text, status } = runScript(
    `${SETUP}
echo always > ${SYSFS}
map_shm
write $P $A 4M
mprotect $P $A 1M r
sm $A
echo 4 > /proc/$P/clear_refs
write $P $A+0x200000 2M -v
sm $A+0x200000
echo $(pagemap $P $A+0x200000)
`,
    { softDirty: true },
  );
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines.slice(0, 5)).toEqual([
    "Rss: 0 kB",
    "Private_Clean: 0 kB",
    "Private_Dirty: 0 kB",
    "ShmemPmdMapped: 0 kB",
    "THPeligible: 0",
  ]);
  expect(lines[5]).toMatch(/^minflt=1 majflt=0 pages=512 shared-write=1/);
  expect(lines.slice(6, 10)).toEqual([
    "Rss: 2048 kB",
    "Private_Clean: 0 kB",
    "Private_Dirty: 2048 kB",
    "ShmemPmdMapped: 2048 kB",
  ]);
  expect(lines[11]).toMatch(/softdirty=1 /);
});

test("mremap moves a shmem PMD whole to an aligned place; to an unaligned one it is zapped and refaults by PTEs", () => {
  const { text, status } = runScript(`${SETUP}
echo always > ${SYSFS}
map_shm
write $P $A 4M
mremap $P $A 2M 2M --maymove --fixed $A+8M -v
sm $A+8M
mremap $P $A+8M 2M 2M --maymove --fixed $A+13M -v
sm $A+13M
read $P $A+13M 2M -v
sm $A+13M
huge
`);
  expect(status).toBe(0);
  const lines = squeezed(text).filter((l) => !/^0x/.test(l));
  expect(lines[0]).toBe("minflt=0 majflt=0 pages=0");
  expect(lines.slice(1, 5)).toEqual([
    "Rss: 2048 kB",
    "Private_Clean: 0 kB",
    "Private_Dirty: 2048 kB",
    "ShmemPmdMapped: 2048 kB",
  ]);
  expect(lines[6]).toBe("minflt=0 majflt=0 pages=0");
  expect(lines[7]).toBe("Rss: 0 kB");
  expect(lines[12]).toMatch(/^minflt=32 /); // fault-around, 16 pages a fault
  expect(lines.slice(13, 17)).toEqual([
    "Rss: 2048 kB",
    "Private_Clean: 0 kB",
    "Private_Dirty: 2048 kB",
    "ShmemPmdMapped: 0 kB",
  ]);
  expect(lines.slice(18)).toEqual(["ShmemHugePages: 4096 kB", "ShmemPmdMapped: 2048 kB"]);
});

test("a machine saved and loaded with shmem THPs reads the same and goes on the same", () => {
  const { session, status } = runScript(`${SETUP}
echo always > ${SYSFS}
map_shm
write $P $A 2M
C=$(fork $P)
read $C $A 4M
`);
  expect(status).toBe(0);
  const m = session.machine!;
  const r = decodeImage(encodeImage(m));
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  expect(machineDigest(r.machine)).toBe(machineDigest(m));
  expect(procFiles(r.machine)).toEqual(procFiles(m));
  expect(r.machine.thp.shmemEnabled).toBe("always");
  expect(r.machine.phys.shmemPmdMapped).toBe(2);
  assertInvariants(r.machine);
});
