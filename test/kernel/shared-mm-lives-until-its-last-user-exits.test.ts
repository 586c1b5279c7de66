/**
 * An mm counts the tasks using it (mm_users): when two tasks share one mm,
 * as threads and a vfork child will, the exit of one leaves the address
 * space whole for the other, and the last exit tears it down.
 */
import { expect, test } from "vitest";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { mmget } from "../../src/kernel/mm.js";
import { Task } from "../../src/kernel/task.js";
import { mapAnon, must } from "../helpers/machine-calls.js";

test("two tasks on one mm: the mm stays until the last exits", () => {
  const m = Machine.boot();
  const freeAtStart = m.phys.nrFree;
  const leader = must(m.spawn("/bin/sh", ["sh"]));
  const mm = m.tasks.get(leader)!.mm!;
  const addr = mapAnon(m, leader, 16);
  must(m.access(leader, addr, 16 * PAGE_SIZE, true, 42));
  // A second task on the same mm, as clone(CLONE_VM) makes one.
  const other = new Task(leader + 100, leader, "thread", mm, m.now);
  mmget(mm);
  m.tasks.set(other.pid, other);
  expect(mm.users).toBe(2);
  const rss = mm.rss;

  must(m.exit(leader, 0));
  expect(mm.users).toBe(1);
  expect(mm.vmas.length).toBeGreaterThan(0);
  expect(mm.rss).toBe(rss);
  const read = must(m.access(other.pid, addr, 16 * PAGE_SIZE, false, null, true));
  expect(read.signal).toBeNull();
  expect(read.words).toEqual(Array(16).fill(42));
  assertInvariants(m);

  must(m.exit(other.pid, 0));
  expect(mm.users).toBe(0);
  expect(mm.vmas).toEqual([]);
  expect(mm.rss).toBe(0);
  assertInvariants(m);
  for (const pid of [leader, other.pid]) if (m.tasks.has(pid)) must(m.wait(pid));
  expect(m.phys.nrFree).toBeLessThanOrEqual(freeAtStart);
});

test("exec by one of two tasks on an mm leaves the mm whole for the other (exec_mmap's mmput)", () => {
  const m = Machine.boot();
  const leader = must(m.spawn("/bin/sh", ["sh"]));
  const mm = m.tasks.get(leader)!.mm!;
  const addr = mapAnon(m, leader, 4);
  must(m.access(leader, addr, 4 * PAGE_SIZE, true, 7));
  // As a vfork child: a second task borrowing the mm, which then execs.
  const child = new Task(leader + 100, leader, "sh", mm, m.now);
  mmget(mm);
  m.tasks.set(child.pid, child);
  const rss = mm.rss;

  must(m.exec(child.pid, "/bin/sleep", ["sleep", "100"]));
  expect(m.tasks.get(child.pid)!.mm).not.toBe(mm);
  expect(mm.users).toBe(1);
  expect(mm.rss).toBe(rss);
  const read = must(m.access(leader, addr, 4 * PAGE_SIZE, false, null, true));
  expect(read.words).toEqual(Array(4).fill(7));
  assertInvariants(m);
});
