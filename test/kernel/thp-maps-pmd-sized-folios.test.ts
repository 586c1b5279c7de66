/**
 * Transparent huge pages beyond scenarios 70-71 (test/truth): the fault
 * that maps a PMD-sized folio, the huge zero page, the enabled modes and
 * their sysfs file, fork and the split on write, zapping a whole PMD or a
 * part, reclaim keeping THPs, and save/load. Every run checks the
 * invariants after each command (runScript), which know huge PMDs and
 * entire mapcounts (huge-memory.ts checkHugePmds).
 */
import { expect, test } from "vitest";
import { THP_ATTRS } from "../../fs/sys/transparent-hugepage.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { runScript } from "../helpers/run-script.js";

/** A shell function: $1 bytes at a 2 MiB boundary inside a PROT_NONE reservation, advised `hugepage` unless $2 is given. */
const MAP_THP = `map_thp() {
  R=$(mmap $P $(( $1 + 8388608 )) --prot none --noreserve)
  A=$(printf '0x%x' $(( (R + 4194303) / 2097152 * 2097152 )))
  mmap $P $1 --fixed $A > /dev/null
  [ -z "$2" ] && madvise $P $A $1 hugepage
  echo $A
}
P=$(spawn /bin/sh)
`;
const squeezed = (text: string): string[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/ +/g, " "));
const huge = (pid = "$P", at = "$B") =>
  `smaps ${pid} ${at} | grep -E '^(Rss|Pss|AnonHugePages|THPeligible):'; grep AnonHugePages: /proc/meminfo`;

test("a write maps the whole aligned 2 MiB with one fault; a read maps the huge zero page", () => {
  const { text, status } = runScript(`${MAP_THP}B=$(map_thp 4194304)
echo faults $(write $P $B 4M -v)
${huge()}
Z=$(map_thp 2097152)
echo faults $(read $P $Z 2M -v)
${huge("$P", "$Z")}
echo $(pagemap $P $Z+0x1000)
grep -E '^(VmPTE):' /proc/$P/status
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toMatch(/^faults minflt=2 majflt=0 /);
  expect(lines.slice(1, 6)).toEqual([
    "Rss: 4096 kB",
    "Pss: 4096 kB",
    "AnonHugePages: 4096 kB",
    "THPeligible: 1",
    "AnonHugePages: 4096 kB",
  ]);
  expect(lines[6]).toMatch(/^faults minflt=1 majflt=0 /);
  expect(lines.slice(7, 11)).toEqual([
    "Rss: 0 kB",
    "Pss: 0 kB",
    "AnonHugePages: 0 kB",
    "THPeligible: 1",
  ]);
  expect(lines[12]).toMatch(/present=1 .*zero=1 kpagecount=0 kpageflags=0x1410000 /);
});

test("enabled=never gives 4 KiB faults even in hugepage VMAs; always gives THPs without advice", () => {
  const script = `${MAP_THP}B=$(map_thp 2097152 noadvice)
echo faults $(write $P $B 2M -v)
${huge()}
`;
  const never = squeezed(runScript(script, { thp: "never" }).text);
  expect(never[0]).toMatch(/^faults minflt=512 majflt=0 /);
  expect(never).toContain("THPeligible: 0");
  const always = squeezed(runScript(script, { thp: "always" }).text);
  expect(always[0]).toMatch(/^faults minflt=1 majflt=0 /);
  expect(always).toContain("AnonHugePages: 2048 kB");
});

test("/sys/kernel/mm/transparent_hugepage/enabled shows the modes and takes one", () => {
  const m = Machine.boot();
  const enabled = THP_ATTRS.get("enabled")!;
  expect(enabled.show(m)).toBe("always [madvise] never\n");
  expect(enabled.store!(m, "always\n")).toEqual({ ok: true, value: 7 });
  expect(enabled.show(m)).toBe("[always] madvise never\n");
  expect(enabled.store!(m, "sometimes").ok).toBe(false);
  expect(THP_ATTRS.get("defrag")!.show(m)).toBe("always defer defer+madvise [madvise] never\n");
});

test("after fork a write splits the writer's PMD and copies one 4 KiB page; the other side keeps its PMD", () => {
  const { text, status } = runScript(`${MAP_THP}B=$(map_thp 2097152)
write $P $B 2M
C=$(fork $P)
echo faults $(write $C $B 1 -v)
${huge("$C")}
${huge()}
echo $(pagemap $P $B+0x1000)
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  expect(lines[0]).toMatch(/^faults minflt=1 majflt=0 /);
  // C: 4 kB of its own + 511 pages shared with P's PMD.
  expect(lines.slice(1, 6)).toEqual([
    "Rss: 2048 kB",
    "Pss: 1026 kB",
    "AnonHugePages: 0 kB",
    "THPeligible: 1",
    "AnonHugePages: 2048 kB",
  ]);
  expect(lines.slice(6, 9)).toEqual(["Rss: 2048 kB", "Pss: 1026 kB", "AnonHugePages: 2048 kB"]);
  // P's PMD is the folio's only one: exclusive; the folio is dirty once split.
  expect(lines[11]).toMatch(/exclusive=1 .*kpagecount=2 kpageflags=0x415838 /);
});

test("zapping a whole PMD frees the folio; a partial munmap splits the PMD and keeps it", () => {
  const { text, status } = runScript(`${MAP_THP}B=$(map_thp 4194304)
write $P $B 4M
grep MemFree: /proc/meminfo
madvise $P $B 2M dontneed
grep MemFree: /proc/meminfo
munmap $P $B+2M 4K
grep MemFree: /proc/meminfo
${huge("$P", "$B+3M")}
echo faults $(write $P $B 2M -v)
`);
  expect(status).toBe(0);
  const lines = squeezed(text);
  const free = lines.slice(0, 3).map((l) => Number(l.split(" ")[1]));
  expect(free[1]! - free[0]!).toBe(2048);
  expect(free[2]!).toBeLessThanOrEqual(free[1]!); // the folio stays, a PTE table is added
  expect(lines.slice(3, 7)).toEqual([
    "Rss: 2044 kB",
    "Pss: 2044 kB",
    "AnonHugePages: 0 kB",
    "THPeligible: 0",
  ]);
  expect(lines[7]).toBe("AnonHugePages: 0 kB");
  expect(lines[8]).toMatch(/^faults minflt=1 majflt=0 /); // the zapped PMD takes a new THP
});

test("MADV_PAGEOUT keeps a THP in memory: reclaim does not swap large folios this round", () => {
  const { text, status } = runScript(
    `${MAP_THP}B=$(map_thp 2097152)
write $P $B 2M
madvise $P $B 2M pageout
smaps $P $B | grep -E '^(Rss|Swap):'
`,
    { swapBytes: 8 * 1024 * 1024 },
  );
  expect(status).toBe(0);
  expect(squeezed(text)).toEqual(["Rss: 2048 kB", "Swap: 0 kB"]);
});

test("save and load keep huge PMDs, entire mapcounts and the THP settings", () => {
  const { session, status, text } = runScript(`${MAP_THP}B=$(map_thp 4194304)
write $P $B 4M
C=$(fork $P)
echo always > /sys/kernel/mm/transparent_hugepage/enabled
`);
  expect(text).toBe("");
  expect(status).toBe(0);
  const m = session.machine as Machine;
  const loaded = loadMachine(saveMachine(m));
  if (!loaded.ok) throw new Error(loaded.problem);
  const l = loaded.machine;
  expect(l.thp.enabled).toBe("always");
  expect([...l.phys.entireMapcounts(false).values()]).toEqual([2, 2]);
  for (const task of l.tasks.values())
    if (task.mm !== null)
      expect(task.mm.pt.hugeKeys()).toEqual(m.tasks.get(task.pid)!.mm!.pt.hugeKeys());
  expect(saveMachine(l)).toEqual(saveMachine(m));
});

test("MADV_COLLAPSE copies the pages' contents into the new folio; a 2 MiB with nothing mapped is EINVAL", () => {
  const { text, status } = runScript(`${MAP_THP}B=$(map_thp 4194304 noadvice)
write $P $B+8K 4K --value 7
madvise $P $B 2M collapse
read $P $B 12K --words
${huge()}
madvise $P $B 4M collapse
`);
  expect(status).not.toBe(0);
  const lines = squeezed(text);
  expect(lines.slice(0, 3).map((l) => l.split(": ")[1])).toEqual([
    "0x00000000",
    "0x00000000",
    "0x00000007",
  ]);
  expect(lines.slice(3, 8)).toEqual([
    "Rss: 2048 kB",
    "Pss: 2048 kB",
    "AnonHugePages: 2048 kB",
    "THPeligible: 0",
    "AnonHugePages: 2048 kB",
  ]);
  expect(lines[8]).toMatch(/Invalid argument/);
});

test("a THP freed while its frames wait in the lazyfree batch leaves the batch (model test's counterexample)", () => {
  const { status, text } = runScript(`${MAP_THP}B=$(map_thp 2097152)
write $P $B 4K
madvise $P $B 4K free
_exit $P 0
wait $P
echo done
`);
  expect(text).toBe("done\n");
  expect(status).toBe(0);
});
