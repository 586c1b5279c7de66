/**
 * A COW of a private huge page that finds no free page in the pool
 * (hugetlb_wp, alloc_hugetlb_folio failing: VM_FAULT_SIGBUS): the forked
 * child that writes dies of SIGBUS, bash says "Bus error", nothing goes to
 * the kernel log, and the parent keeps its page, which its next write
 * reuses without a copy.
 */
import { expect, test } from "vitest";
import { checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource } from "../../src/shell/runtime.js";

test("a forked child's write to the pool's only page is killed by SIGBUS", () => {
  const m = Machine.boot({ hugepages: 1 });
  const session = createSession(m, undefined, { check: true });
  let out = "";
  let err = "";
  runSource(
    session,
    [
      "P=$(spawn /bin/sh)",
      "O=$(mmap $P 2M --hugetlb)",
      "write $P $O 1",
      "C=$(fork $P)",
      "write $C $O 1",
      "echo status $?",
      "wait $C; echo waited $?",
      "write $P $O 1 -v",
    ].join("\n"),
    (b) => {
      if (b.kind === "err") err += b.text;
      else out += b.text;
    },
  );
  expect(err).toMatch(/^cowsh: pid \d+: Bus error \(write at 0x[0-9a-f]+: no free huge page\)$/m);
  expect(out).toContain("status 135");
  expect(out).toContain("minflt=1");
  expect(m.log).toEqual([]);
  expect(m.hugetlb.free.length).toBe(0);
  expect(m.hugetlb.total).toBe(1);
  expect(checkInvariants(m).violations).toEqual([]);
});

test("the reservation owner's COW without a free page takes the page from its children", () => {
  const m = Machine.boot({ hugepages: 1 });
  const session = createSession(m, undefined, { check: true });
  let out = "";
  let err = "";
  runSource(
    session,
    [
      "P=$(spawn /bin/sh)",
      "O=$(mmap $P 2M --hugetlb)",
      "write $P $O 1",
      "C=$(fork $P)",
      "write $P $O 1 -v",
      "pagemap $C $O",
      "write $C $O 1",
    ].join("\n"),
    (b) => {
      if (b.kind === "err") err += b.text;
      else out += b.text;
    },
  );
  expect(out).toContain("minflt=1");
  expect(out).toContain("present=0"); // the child's entry is gone
  // and the child's next fault there is SIGBUS, though a page is no longer needed for it
  expect(err).toMatch(/^cowsh: pid \d+: Bus error/);
  expect(m.hugetlb.free.length).toBe(0);
  expect(checkInvariants(m).violations).toEqual([]);
});
