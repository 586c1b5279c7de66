/**
 * clone(2) (clone.ts, Machine.clone): CLONE_VM without CLONE_VFORK is a
 * second process on the same mm, both running (its faults its own, its
 * pages the mm's); the mm lives until its last user exits or execs; fork
 * by such a child copies the shared mm; CLONE_VFORK without CLONE_VM
 * copies and waits; CLONE_THREAD joins the caller's group with no glibc
 * stack; a stack is where the child's first push faults; copy_process's
 * EINVAL checks; the invariant checker counts mm users across groups; an
 * image keeps a CLONE_VM pair.
 */
import { expect, test } from "vitest";
import { showStatus } from "../../fs/proc/array.js";
import {
  CLONE_FILES,
  CLONE_FS,
  CLONE_PARENT,
  CLONE_SIGHAND,
  CLONE_THREAD,
  CLONE_VFORK,
  CLONE_VM,
} from "../../src/kernel/clone.js";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { assertInvariants, checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { ptePfn } from "../../src/kernel/page-table.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { mapAnon, must } from "../helpers/machine-calls.js";
import { runScript } from "../helpers/run-script.js";

/** A shell with an untouched 16-page mapping: its PID and the mapping's address. */
function parent(): { m: Machine; p: number; addr: number } {
  const m = Machine.boot();
  const p = must(m.spawn("/bin/sh", ["sh"]));
  return { m, p, addr: mapAnon(m, p, 16) };
}

const clone = (m: Machine, pid: number, flags: number, stack: number | null = null) =>
  m.clone(pid, { flags, stack });

test("CLONE_VM: both run on one mm; the child's faults are its own, its pages the mm's", () => {
  const { m, p, addr } = parent();
  const k = must(clone(m, p, CLONE_VM));
  const [P, K] = [m.tasks.get(p)!, m.tasks.get(k)!];
  expect(K.mm).toBe(P.mm);
  expect(P.mm!.users).toBe(2);
  expect(K.tgid).toBe(k); // a process of its own, not a thread
  expect(K.ppid).toBe(p);
  expect(P.state).not.toBe("D"); // no CLONE_VFORK: the parent runs on
  const before = P.minflt;
  expect(must(m.access(k, addr, 16 * PAGE_SIZE, true, 5)).minflt).toBe(16);
  expect(K.minflt).toBe(16);
  expect(P.minflt).toBe(before);
  const read = must(m.access(p, addr, 16 * PAGE_SIZE, false, null, true));
  expect(read.minflt).toBe(0); // the PTEs are there
  expect(read.words).toEqual(Array(16).fill(5));
  // one mm, so one Rss in both status files
  const rss = (pid: number) => /VmRSS:\s+(\d+)/.exec(showStatus(m, m.tasks.get(pid)!))![1];
  expect(rss(k)).toBe(rss(p));
  assertInvariants(m);
});

test("the mm lives until its last user goes: the child's exit or exec leaves it to the parent", () => {
  for (const end of ["exit", "exec"] as const) {
    const { m, p, addr } = parent();
    const k = must(clone(m, p, CLONE_VM));
    must(m.access(k, addr, 16 * PAGE_SIZE, true, 9));
    const mm = m.tasks.get(p)!.mm!;
    const rss = mm.rss;
    if (end === "exit") must(m.exit(k, 0));
    else must(m.exec(k, "/bin/sleep", ["sleep", "1000"]));
    expect(mm.users).toBe(1);
    expect(mm.rss).toBe(rss);
    expect(m.tasks.get(k)!.mm).not.toBe(mm);
    const again = must(m.access(p, addr, 16 * PAGE_SIZE, true, 10));
    expect(again.minflt).toBe(0);
    assertInvariants(m);
    if (end === "exit") {
      const cmin = m.tasks.get(p)!.cminflt;
      must(m.wait(k));
      expect(m.tasks.get(p)!.cminflt).toBe(cmin + 16);
    }
    // and the parent's own exit, the last, tears it down
    must(m.kill(p, 9));
    expect(mm.users).toBe(0);
    expect(mm.vmas).toEqual([]);
    assertInvariants(m);
  }
});

test("fork by a CLONE_VM child copies the shared mm; the child's next write copies into it", () => {
  const { m, p, addr } = parent();
  const k = must(clone(m, p, CLONE_VM));
  must(m.access(k, addr, 16 * PAGE_SIZE, true, 3));
  const g = must(m.fork(k));
  const mm = m.tasks.get(p)!.mm!;
  expect(m.tasks.get(g)!.mm).not.toBe(mm);
  expect(m.tasks.get(g)!.ppid).toBe(k);
  expect(pfnOf(m, g, addr)).toBe(pfnOf(m, p, addr));
  expect(m.phys.mapcountOf(pfnOf(m, p, addr))).toBe(2);
  expect(must(m.access(k, addr, 16 * PAGE_SIZE, true, 4)).minflt).toBe(16);
  expect(pfnOf(m, p, addr)).not.toBe(pfnOf(m, g, addr));
  expect(must(m.access(g, addr, PAGE_SIZE, false, null, true)).words).toEqual([3]);
  expect(must(m.access(p, addr, PAGE_SIZE, false, null, true)).words).toEqual([4]);
  assertInvariants(m);
});

/** The frame `pid` maps at `addr`. */
const pfnOf = (m: Machine, pid: number, addr: number): number =>
  ptePfn(m.tasks.get(pid)!.mm!.pt.get(addr / PAGE_SIZE));

test("CLONE_VFORK without CLONE_VM: the child has a copy, and the parent waits until it execs", () => {
  const { m, p, addr } = parent();
  must(m.access(p, addr, 16 * PAGE_SIZE, true, 1));
  const c = must(clone(m, p, CLONE_VFORK));
  expect(m.tasks.get(c)!.mm).not.toBe(m.tasks.get(p)!.mm);
  expect(m.tasks.get(p)!.state).toBe("D");
  assertInvariants(m);
  expect(m.access(p, addr, PAGE_SIZE, true, 2).ok).toBe(false); // blocked in the system call
  must(m.exec(c, "/bin/sleep", ["sleep", "1000"]));
  expect(m.tasks.get(p)!.state).not.toBe("D");
  assertInvariants(m);
});

test("CLONE_THREAD: a thread of the caller's group, with no stack mapped for it", () => {
  const { m, p } = parent();
  const vmas = m.tasks.get(p)!.mm!.vmas.length;
  const t = must(clone(m, p, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_FS | CLONE_FILES));
  const T = m.tasks.get(t)!;
  expect(T.tgid).toBe(p);
  expect(T.mm).toBe(m.tasks.get(p)!.mm);
  expect(m.tasks.get(p)!.mm!.vmas.length).toBe(vmas);
  expect(showStatus(m, m.tasks.get(p)!)).toMatch(/^Threads:\t2$/m);
  assertInvariants(m);
  // exec by the leader ends it (de_thread), as it ends pthread_create's threads
  must(m.exec(p, "/bin/sleep", ["sleep", "1000"]));
  expect(m.tasks.has(t)).toBe(false);
  expect(showStatus(m, m.tasks.get(p)!)).toMatch(/^Threads:\t1$/m);
  assertInvariants(m);
});

test("a stack: the child's first push faults the page below it, in the child", () => {
  const { m, p, addr } = parent();
  const k = must(clone(m, p, CLONE_VM, addr + 16 * PAGE_SIZE));
  expect(m.tasks.get(k)!.minflt).toBe(1);
  expect(m.tasks.get(p)!.mm!.rss).toBeGreaterThan(0);
  expect(must(m.access(p, addr + 15 * PAGE_SIZE, PAGE_SIZE, true, 1)).minflt).toBe(0);
  expect(must(m.access(p, addr, PAGE_SIZE, true, 1)).minflt).toBe(1);
  // a stack pointer into nothing: the child dies of SIGSEGV at its first push
  const dead = must(clone(m, p, CLONE_VM, 0x1000));
  expect(m.tasks.get(dead)!.isZombie).toBe(true);
  expect(m.tasks.get(dead)!.exitStatus).toBe(11);
  assertInvariants(m);
});

test("copy_process's checks: EINVAL, and nothing made", () => {
  const { m, p } = parent();
  const tasks = m.tasks.size;
  for (const flags of [
    CLONE_THREAD,
    CLONE_THREAD | CLONE_VM,
    CLONE_SIGHAND,
    CLONE_SIGHAND | CLONE_THREAD,
  ]) {
    const r = clone(m, p, flags);
    expect(r.ok ? "made" : r.errno).toBe("EINVAL");
  }
  expect(m.tasks.size).toBe(tasks);
  // init may not make a sibling (SIGNAL_UNKILLABLE); another process may
  expect(clone(m, 1, CLONE_PARENT).ok ? "made" : "EINVAL").toBe("EINVAL");
  const s = must(clone(m, p, CLONE_PARENT));
  expect(m.tasks.get(s)!.ppid).toBe(m.tasks.get(p)!.ppid);
  assertInvariants(m);
});

test("the invariant checker counts an mm's users across thread groups", () => {
  const { m, p } = parent();
  must(clone(m, p, CLONE_VM));
  expect(checkInvariants(m).violations).toEqual([]);
  m.tasks.get(p)!.mm!.users++;
  expect(checkInvariants(m).violations.join("\n")).toMatch(/mm_users 3, 2 tasks use it/);
});

test("an image keeps a CLONE_VM pair on one mm", () => {
  const { m, p, addr } = parent();
  const k = must(clone(m, p, CLONE_VM));
  must(m.access(k, addr, 16 * PAGE_SIZE, true, 8));
  const loaded = loadMachine(structuredClone(saveMachine(m)));
  if (!loaded.ok) throw new Error(loaded.problem);
  const l = loaded.machine;
  expect(l.tasks.get(k)!.mm).toBe(l.tasks.get(p)!.mm);
  expect(l.tasks.get(p)!.mm!.users).toBe(2);
  expect(l.tasks.get(k)!.vforkParent).toBeNull();
  expect(l.tasks.get(p)!.state).not.toBe("D");
  must(l.exit(k, 0));
  expect(must(l.access(p, addr, 16 * PAGE_SIZE, false, null, true)).words).toEqual(
    Array(16).fill(8),
  );
  assertInvariants(l);
});

test("clone in the shell: flags, the new PID, $!, and the errors", () => {
  const { stdout, stderr } = runScript(
    [
      "C=$(spawn /bin/sh)",
      "K=$(clone $C --vm)",
      'test "$K" = "$!" && echo same',
      "B=$(mmap $C 1M)",
      "write $K $B 1M -v",
      "cat /proc/$C/status | grep VmRSS",
      "cat /proc/$K/status | grep VmRSS",
      "clone $C --sighand",
      "clone $C --bogus",
      "T=$(clone $C --vm --sighand --thread)",
      "cat /proc/$C/status | grep Threads",
    ].join("\n"),
  );
  expect(stdout).toMatch(/^same$/m);
  expect(stdout).toMatch(/minflt=256/);
  const rss = stdout.match(/VmRSS:.*/g)!;
  expect(rss[0]).toBe(rss[1]);
  expect(stdout).toMatch(/^Threads:\t2$/m);
  expect(stderr).toMatch(/clone: \d+: Invalid argument \(CLONE_SIGHAND needs CLONE_VM\)/);
  expect(stderr).toMatch(/clone: unknown option '--bogus'/);
});

test("explain walks a shared mm once and names the tasks on it (it saw a broken invariant before)", () => {
  const { stdout } = runScript(
    [
      "C=$(spawn /bin/sh)",
      "B=$(mmap $C 1M)",
      "K=$(clone $C --vm)",
      "write $K $B 4K",
      "explain $K $B",
    ].join("\n"),
  );
  expect(stdout).toMatch(/^Mapped by: 1 PTE in 1 process/m);
  expect(stdout).toMatch(/^ {2}pid 3 at 0x[0-9a-f]+ in .* \(this one\)$/m);
  expect(stdout).toMatch(/^ {4}the same mm as pid 4: one PTE for all of them$/m);
  expect(stdout).not.toMatch(/invariant is broken/);
});

test("the parent execs: the CLONE_VM child keeps the old mm alone, its pages whole", () => {
  const { m, p, addr } = parent();
  const k = must(clone(m, p, CLONE_VM));
  must(m.access(p, addr, 16 * PAGE_SIZE, true, 6));
  const mm = m.tasks.get(k)!.mm!;
  must(m.exec(p, "/bin/sleep", ["sleep", "1000"]));
  expect(m.tasks.get(p)!.mm).not.toBe(mm);
  expect(mm.users).toBe(1);
  const read = must(m.access(k, addr, 16 * PAGE_SIZE, false, null, true));
  expect(read.minflt).toBe(0);
  expect(read.words).toEqual(Array(16).fill(6));
  assertInvariants(m);
});
