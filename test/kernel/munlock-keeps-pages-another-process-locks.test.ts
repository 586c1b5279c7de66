/**
 * munlock clears PG_mlocked only on pages no VM_LOCKED VMA maps any more
 * (munlock_folio keeps a page mlocked while any locked VMA maps it): two
 * processes lock the same shared file mapping, one unlocks, and the pages
 * stay mlocked for the other, in meminfo and in kpageflags.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const mlockedKb = (meminfo: string): number => Number(/^Mlocked:\s+(\d+) kB/m.exec(meminfo)![1]);

test("munlock by one process leaves the pages another has locked mlocked", () => {
  const t = runScript(
    [
      "truncate -s 64K /tmp/f",
      "A=$(spawn /bin/sh); B=$(spawn /bin/sh)",
      "FA=$(mmap $A 64K --file /tmp/f --shared); FB=$(mmap $B 64K --file /tmp/f --shared)",
      "mlock $A $FA 64K; mlock $B $FB 64K",
      "echo @both; cat /proc/meminfo | grep ^Mlocked:",
      "munlock $A $FA 64K",
      "echo @one; cat /proc/meminfo | grep ^Mlocked:",
      "echo @B; smaps $B $FB | grep ^Locked:",
      "munlock $B $FB 64K",
      "echo @none; cat /proc/meminfo | grep ^Mlocked:",
    ].join("\n"),
  );
  expect(t.stderr).toBe("");
  const [, both, one, b, none] = t.stdout.split(/@\w+\n/);
  expect(mlockedKb(both!)).toBe(64);
  // Locked is Pss: each of the two processes maps the pages, so each is locked for half.
  expect(b).toMatch(/^Locked:\s+32 kB/);
  expect(mlockedKb(one!)).toBe(64);
  expect(mlockedKb(none!)).toBe(0);
});

test("private read-only mappings too: the pages stay mlocked until the last locked VMA unlocks", () => {
  const t = runScript(
    [
      "truncate -s 16K /tmp/g",
      "A=$(spawn /bin/sh); B=$(spawn /bin/sh)",
      "FA=$(mmap $A 16K --file /tmp/g --prot r); FB=$(mmap $B 16K --file /tmp/g --prot r)",
      "mlock $A $FA 16K; mlock $B $FB 16K",
      "munlock $B $FB 16K",
      "cat /proc/meminfo | grep ^Mlocked:",
      "munlock $A $FA 16K",
      "cat /proc/meminfo | grep ^Mlocked:",
    ].join("\n"),
  );
  expect(t.stderr).toBe("");
  const lines = t.stdout.trim().split("\n");
  expect(mlockedKb(lines[0]!)).toBe(16);
  expect(mlockedKb(lines[1]!)).toBe(0);
});
