/**
 * mremap and mprotect of hugetlb mappings (hugetlb.ts hugetlbMremap and
 * hugetlbChangeProtection, scenarios 98 and 99), and the PMD table page
 * that huge entries need (VmPTE). Every script checks the invariants after
 * each command (runScript).
 */
import { describe, expect, test } from "vitest";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { createSession, runSource } from "../../src/shell/runtime.js";
import { runScript } from "../helpers/run-script.js";

/** Runs a script on `m` (checking the invariants after each command); returns stdout and stderr. */
function run(m: Machine, source: string): string {
  let out = "";
  runSource(createSession(m, undefined, { check: true }), source, (b) => {
    out += b.text;
  });
  return out;
}

/** P with a 4 MiB private hugetlb mapping B, written, and a free 2 MiB-aligned 4 MiB hole at D. */
const SETUP = `P=$(spawn /bin/sh)
map_at() { X=$1; L=$2; shift 2; Q=$(mmap $X $((L + 0x800000)) --prot none --noreserve); mmap $X $L --fixed $(printf 0x%x $(((Q + 0x3fffff) & ~0x1fffff))) "$@"; }
B=$(map_at $P 0x400000 --hugetlb)
write $P $B 4M --value 7 > /dev/null
D=$(map_at $P 0x400000 --prot none --noreserve)
huge() { echo $(grep -E '^HugePages_(Free|Rsvd):' /proc/meminfo); }
`;

const lines = (text: string): string[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim());
const pfn = (line: string): string => /pfn=(0x[0-9a-f]+)/.exec(line)![1]!;

test("a hugetlb mapping moves whole: its entries go along, no fault, no page copied, the pool unchanged", () => {
  const { text, status } = runScript(
    `${SETUP}echo $(pagemap $P $B+0x200000)
huge
mremap $P $B 4M 4M --maymove --fixed $D -v
echo $(pagemap $P $D+0x200000)
huge
write $P $D 4M -v
smaps $P $B | head -1
smaps $P $D | grep -E '^Private_Hugetlb'
`,
    { hugepages: 4 },
  );
  expect(status).toBe(0);
  const out = lines(text);
  expect(out[2]).toMatch(/^0x[0-9a-f]+$/); // the new address, D
  expect(out[3]).toBe("minflt=0 majflt=0 pages=0");
  expect(pfn(out[4]!)).toBe(pfn(out[0]!));
  expect(out[4]).toMatch(/present=1 exclusive=1/);
  expect(out[1]).toBe("HugePages_Free: 2 HugePages_Rsvd: 0");
  expect(out[5]).toBe(out[1]); // Free and Rsvd as before the move
  expect(text).toMatch(/minflt=0 majflt=0 pages=1024/); // still writable
  expect(text).toMatch(/smaps: .*: no mapping in process/);
  expect(out.at(-1)).toBe("Private_Hugetlb: 4096 kB");
});

test("a reservation moves with the mapping that has not touched its page yet", () => {
  const { text, status } = runScript(
    `${SETUP}V=$(map_at $P 0x200000 --hugetlb)
huge
mremap $P $V 2M 2M --maymove --fixed $D > /dev/null
huge
write $P $D 2M -v
huge
`,
    { hugepages: 4 },
  );
  expect(status).toBe(0);
  expect(lines(text)).toEqual([
    "HugePages_Free: 2 HugePages_Rsvd: 1",
    "HugePages_Free: 2 HugePages_Rsvd: 1",
    "minflt=1 majflt=0 pages=512 new-page=1",
    "HugePages_Free: 1 HugePages_Rsvd: 0",
  ]);
});

test("shrinking frees the tail page; growing, unaligned addresses and MREMAP_DONTUNMAP are EINVAL", () => {
  const { text } = runScript(
    `${SETUP}mremap $P $B 4M 2M
huge
mremap $P $B 2M 4M
mremap $P $B 2M 4M --maymove
mremap $P $B+4K 4K 4K
mremap $P $B 2M 2M --maymove --fixed $D+4K
mremap $P $B 2M 2M --maymove --dontunmap
mremap $P $B 2M 1M
smaps $P $B | grep -E '^(Size|Private_Hugetlb):'
`,
    { hugepages: 4 },
  );
  const out = lines(text);
  expect(out[0]).toBe(out[out.length - 3]); // shrink and the no-op print the same address
  expect(out[1]).toBe("HugePages_Free: 3 HugePages_Rsvd: 0");
  expect(text.match(/Invalid argument/g)?.length).toBe(5);
  expect(out.slice(-2)).toEqual(["Size: 2048 kB", "Private_Hugetlb: 2048 kB"]);
});

test("mprotect write-protects the huge entries; back to read-write a private page faults once, a shared one not", () => {
  const { text, status } = runScript(
    `${SETUP}S=$(map_at $P 0x200000 --hugetlb --shared)
write $P $S 2M > /dev/null
mprotect $P $B 4M r
mprotect $P $S 2M r
K=$(fork $P); write $K $B 1; wait $K > /dev/null
mprotect $P $B 4M rw
mprotect $P $S 2M rw
write $P $B 4M -v
write $P $S 2M -v
smaps $P $B | grep VmFlags
mprotect $P $B+4K 4K r
mprotect $P $B $((0x201000)) r
`,
    { hugepages: 4 },
  );
  expect(status).not.toBe(0);
  expect(text).toMatch(/Segmentation fault/);
  expect(text).toContain("minflt=2 majflt=0 pages=1024 reuse=2");
  expect(text).toContain("minflt=0 majflt=0 pages=512\n");
  expect(text).toMatch(/VmFlags: rd wr mr mw me de ht/); // never charged: no "ac"
  expect(text.match(/mprotect: .*Invalid argument/g)?.length).toBe(2);
});

test("after fork, mprotect keeps a private page shared: the next write copies it", () => {
  const { text, status } = runScript(
    `${SETUP}C=$(fork $P)
mprotect $P $B 4M r
mprotect $P $B 4M rw
write $P $B 1 -v
huge
`,
    { hugepages: 4 },
  );
  expect(status).toBe(0);
  expect(lines(text)).toEqual([
    "minflt=1 majflt=0 pages=1 cow-copy=1",
    "HugePages_Free: 1 HugePages_Rsvd: 0",
  ]);
});

test("a huge entry in a GiB with no table yet costs a PMD table page (VmPTE +4 kB), given back by munmap", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
vmpte() { grep VmPTE /proc/$P/status; }
vmpte
F=$(mmap $P 2M --hugetlb --fixed 0x7fff00000000)
vmpte
write $P $F 1 > /dev/null
vmpte
munmap $P $F 2M
vmpte
`,
    { hugepages: 2 },
  );
  expect(status).toBe(0);
  const [before, mapped, touched, unmapped] = lines(text).map((l) =>
    Number(/(\d+) kB/.exec(l)![1]),
  );
  expect(mapped).toBe(before);
  expect(touched).toBe(before! + 4);
  expect(unmapped).toBe(before);
});

test("a reservation given back frees a surplus page with it (return_unused_surplus_pages)", () => {
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
pool() { echo $(grep -E '^HugePages_(Total|Free|Rsvd|Surp):' /proc/meminfo); }
U=$(mmap $P 4M --hugetlb)
write $P $U 1 > /dev/null
echo 0 > /proc/sys/vm/nr_hugepages
pool
munmap $P $U 4M
pool
`,
    { hugepages: 5 },
  );
  expect(status).toBe(0);
  expect(lines(text)).toEqual([
    "HugePages_Total: 2 HugePages_Free: 1 HugePages_Rsvd: 1 HugePages_Surp: 2",
    "HugePages_Total: 0 HugePages_Free: 0 HugePages_Rsvd: 0 HugePages_Surp: 0",
  ]);
});

describe("save and load", () => {
  test("keep a moved, write-protected, forked hugetlb state with surplus pages, and go on alike", () => {
    const m = Machine.boot({ hugepages: 6 });
    const out = run(
      m,
      `${SETUP}mremap $P $B 4M 4M --maymove --fixed $D > /dev/null
V=$(map_at $P 0x200000 --hugetlb)
S=$(map_at $P 0x200000 --hugetlb --shared); write $P $S 1 > /dev/null
mprotect $P $D 2M r
C=$(fork $P)
echo 2 > /proc/sys/vm/nr_hugepages
echo $P $C $D $V`,
    );
    const [p, c, d, v] = out.trim().split(/\s+/).slice(-4);
    const loaded = loadMachine(saveMachine(m));
    if (!loaded.ok) throw new Error(loaded.problem);
    const copy = loaded.machine;
    const state = (machine: Machine): string =>
      run(
        machine,
        `cat /proc/${p}/smaps /proc/${c}/smaps /proc/${p}/status; grep Huge /proc/meminfo`,
      );
    expect(state(copy)).toBe(state(m));
    expect(state(m)).toMatch(/HugePages_Surp:\s+[1-9]/);
    for (const machine of [m, copy])
      run(
        machine,
        `mprotect ${p} ${d} 2M rw; write ${p} ${d} 4M; write ${c} ${v} 1; write ${p} ${v} 1; kill ${c}`,
      );
    expect(state(copy)).toBe(state(m));
    expect(checkInvariants(copy).violations).toEqual([]);
  });
});

describe("the invariant checker", () => {
  test("notices a reservation no owner VMA needs any more", () => {
    const m = Machine.boot({ hugepages: 4 });
    run(m, "P=$(spawn /bin/sh); B=$(mmap $P 4M --hugetlb); write $P $B 1");
    expect(checkInvariants(m).violations).toEqual([]);
    const file = [...m.hugetlb.files][0]!.hugetlb!;
    file.resv.add(0); // the page at index 0 is faulted in already
    m.hugetlb.resv++;
    expect(checkInvariants(m).violations.join("\n")).toMatch(
      /index 0 reserved but no owner VMA needs it/,
    );
  });

  test("notices a shared entry that does not map its file's page", () => {
    const m = Machine.boot({ hugepages: 4 });
    run(m, "P=$(spawn /bin/sh); S=$(mmap $P 4M --hugetlb --shared); write $P $S 4M");
    expect(checkInvariants(m).violations).toEqual([]);
    const file = [...m.hugetlb.files][0]!.hugetlb!;
    const [a, b] = [file.pages.get(0)!, file.pages.get(1)!];
    file.pages.set(0, b);
    file.pages.set(1, a);
    expect(checkInvariants(m).violations.join("\n")).toMatch(/not its file's page/);
  });

  test("notices free surplus pages that nobody reserved", () => {
    const m = Machine.boot({ hugepages: 2 });
    expect(checkInvariants(m).violations).toEqual([]);
    m.hugetlb.surplus = 1;
    expect(checkInvariants(m).violations.join("\n")).toMatch(
      /2 free pages with 1 surplus and 0 reserved/,
    );
  });
});

test("status's HugetlbPages counts the huge entries the process maps (hugetlb_usage), as the kernel does", () => {
  // the kernel's figures, from a one-off run on the capture machine: 0, 0,
  // 2048, 4096, 6144 with a shared page, the child 4096 then 6144, 4096
  // after a shrink, 2048 after MADV_DONTNEED
  const { text, status } = runScript(
    `P=$(spawn /bin/sh)
hp() { echo $(grep HugetlbPages /proc/$1/status); }
hp $P
B=$(mmap $P 4M --hugetlb)
hp $P
write $P $B 1 > /dev/null; hp $P
write $P $B+2M 1 > /dev/null; hp $P
S=$(mmap $P 2M --hugetlb --shared); write $P $S 1 > /dev/null; hp $P
C=$(fork $P); hp $C
write $C $S 1 > /dev/null; hp $C
write $C $B 1 > /dev/null; hp $C
kill $C; wait $C > /dev/null
mremap $P $B 4M 2M > /dev/null; hp $P
madvise $P $B 2M dontneed; hp $P
`,
    { hugepages: 4 },
  );
  expect(status).toBe(0);
  expect(lines(text).map((l) => Number(/(\d+) kB/.exec(l)![1]))).toEqual([
    0, 0, 2048, 4096, 6144, 4096, 6144, 6144, 4096, 2048,
  ]);
});
