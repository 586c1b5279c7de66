/**
 * Unmapping a VM_LOCKED VMA (munmap, exit) munlocks its pages the way
 * munlock does (folio_remove_rmap_ptes -> munlock_vma_folio, mlock_count):
 * a page stays PG_mlocked while another locked VMA maps it, and drops it
 * when the mappers left have not locked it, even though they still map it.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const mlockedKb = (s: string): number => Number(/^Mlocked:\s+(\d+) kB/m.exec(s)![1]);

/** A and B map /tmp/f shared; A locks; B locks if `bLocks`; then `drop` removes A's mapping. */
function scenario(bLocks: boolean, drop: string): number[] {
  const t = runScript(
    [
      "truncate -s 64K /tmp/f",
      "A=$(spawn /bin/sh); B=$(spawn /bin/sh)",
      "FA=$(mmap $A 64K --file /tmp/f --shared); FB=$(mmap $B 64K --file /tmp/f --shared)",
      `mlock $A $FA 64K; ${bLocks ? "mlock $B $FB 64K" : "read $B $FB 64K"}`,
      "cat /proc/meminfo | grep ^Mlocked:",
      drop,
      "cat /proc/meminfo | grep ^Mlocked:",
    ].join("\n"),
  );
  expect(t.stderr).toBe("");
  return t.stdout.trim().split("\n").map(mlockedKb);
}

test("munmap by one locker leaves the pages the other has locked mlocked", () => {
  expect(scenario(true, "munmap $A $FA 64K")).toEqual([64, 64]);
});

test("exit of one locker leaves the pages the other has locked mlocked", () => {
  expect(scenario(true, "_exit $A; wait $A")).toEqual([64, 64]);
});

test("munmap of the only locked VMA munlocks pages an unlocked mapping still maps", () => {
  expect(scenario(false, "munmap $A $FA 64K")).toEqual([64, 0]);
});

test("exit of the only locker munlocks pages an unlocked mapping still maps", () => {
  expect(scenario(false, "_exit $A; wait $A")).toEqual([64, 0]);
});
