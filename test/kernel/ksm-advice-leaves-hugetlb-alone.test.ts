/**
 * ksm_madvise ignores the VMAs KSM cannot handle (vma_ksm_compatible:
 * VM_HUGETLB among them): MADV_MERGEABLE and MADV_UNMERGEABLE of part of a
 * hugetlb mapping succeed and leave it as it was, one VMA, unsplit (a
 * hugetlb VMA splits only at huge-page boundaries), its flags unchanged.
 */
import { expect, test } from "vitest";
import {
  MADV_MERGEABLE,
  MADV_UNMERGEABLE,
  MAP_ANONYMOUS,
  MAP_HUGETLB,
  MAP_NORESERVE,
  MAP_PRIVATE,
  PAGE_SIZE,
} from "../../src/kernel/constants.js";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";

const MiB = 1024 * 1024;

function must<T>(r: { ok: true; value: T } | { ok: false; errno?: string }): T {
  if (!r.ok) throw new Error(`unexpected failure ${r.errno}`);
  return r.value;
}

test.each([
  ["unmergeable", MADV_UNMERGEABLE],
  ["mergeable", MADV_MERGEABLE],
])("MADV_%s of a page of a hugetlb mapping changes nothing", (_, advice) => {
  const m = Machine.boot({ hugepages: 4 });
  Object.assign(m.ksm.tun, { run: 1, pagesToScan: 64, sleepMillisecs: 1 });
  const p = must(m.spawn("/bin/sh", ["sh"]));
  const b = must(
    m.mmap(p, {
      addr: 0,
      length: 2 * MiB,
      prot: Machine.RW,
      flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
  );
  const mm = m.tasks.get(p)!.mm!;
  const before = mm.vmas.map((v) => [v.start, v.end, v.flags]);
  must(m.madvise(p, b, PAGE_SIZE, advice));
  expect(mm.vmas.map((v) => [v.start, v.end, v.flags])).toEqual(before);
  must(m.access(p, b + PAGE_SIZE, 1, true, 9));
  expect(must(m.access(p, b + PAGE_SIZE, 1, false, 0, true)).words).toEqual([9]);
  expect(checkInvariants(m).violations).toEqual([]);
});
