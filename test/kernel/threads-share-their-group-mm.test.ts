/**
 * Threads (thread.ts): a thread is a task of its process's group, sharing
 * the mm; exit_group and a fatal signal end the whole group, a thread's own
 * exit leaves its stack in glibc's cache (40 MiB at most), exec by a
 * thread takes the leader's PID, fork by a thread copies only the caller.
 * The figures of the single steps are ground truth 107-111; these are the
 * rules around them.
 */
import { expect, test } from "vitest";
import { showStat, showStatus } from "../../fs/proc/array.js";
import { Machine } from "../../src/kernel/machine.js";
import type { Task } from "../../src/kernel/task.js";
import { checkThreadGroups, THREAD_STACK_BYTES } from "../../src/kernel/thread.js";

const ok = <T>(r: { ok: true; value: T } | { ok: false; errno: string }): T => {
  if (!r.ok) throw new Error(`failed: ${r.errno}`);
  return r.value;
};

function threaded(n: number): { m: Machine; p: number; tids: number[] } {
  const m = Machine.boot();
  const p = ok(m.spawn("/bin/sh", ["sh"]));
  const tids: number[] = [];
  for (let i = 0; i < n; i++) tids.push(ok(m.createThread(p)));
  return { m, p, tids };
}

const task = (m: Machine, pid: number): Task => ok(m.task(pid));
const statField = (m: Machine, t: Task, n: number, whole = true): string =>
  showStat(m, t, whole).trim().split(" ")[n - 1]!;
const stackVmas = (m: Machine, p: number): number =>
  task(m, p).mm!.vmas.filter((v) => v.end - v.start === THREAD_STACK_BYTES).length;

test("a thread is a task of the group: its own TID, the leader's Tgid and parent, one shared mm", () => {
  const { m, p, tids } = threaded(2);
  const [t1, t2] = tids.map((t) => task(m, t)) as [Task, Task];
  const leader = task(m, p);
  expect(t1.tgid).toBe(p);
  expect(t2.tgid).toBe(p);
  expect(t1.mm).toBe(leader.mm);
  expect(leader.mm!.users).toBe(3);
  expect(t1.ppid).toBe(leader.ppid);
  expect(showStatus(m, t1)).toMatch(new RegExp(`Tgid:\\t${p}\\n[^]*Pid:\\t${t1.pid}\\n`));
  expect(showStatus(m, leader)).toContain("Threads:\t3\n");
  expect(statField(m, leader, 20)).toBe("3"); // num_threads
  expect(checkThreadGroups(m.tasks)).toEqual([]);
});

test("the group's stat counts every task's faults; the task stat only its own", () => {
  const { m, p, tids } = threaded(1);
  const leader = task(m, p);
  const buf = ok(
    m.mmap(p, {
      addr: 0,
      length: 1 << 20,
      prot: 3,
      flags: 0x22,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
  );
  const before = Number(statField(m, leader, 10));
  ok(m.access(tids[0]!, buf, 1 << 20, true));
  expect(Number(statField(m, leader, 10)) - before).toBe(256);
  expect(Number(statField(m, leader, 10, false))).toBe(leader.minflt);
  expect(Number(statField(m, task(m, tids[0]!), 10, false))).toBe(1 + 256);
  // The thread goes: its faults stay in the group's count.
  const group = Number(statField(m, leader, 10));
  ok(m.exitThread(tids[0]!));
  expect(Number(statField(m, leader, 10))).toBe(group);
  expect(showStatus(m, leader)).toContain("Threads:\t1\n");
});

test("exit by any thread is exit_group: every task goes, the leader is the zombie its parent reaps", () => {
  const { m, p, tids } = threaded(2);
  const mm = task(m, p).mm!;
  ok(m.exit(tids[1]!, 3));
  expect(m.tasks.has(tids[0]!)).toBe(false);
  expect(m.tasks.has(tids[1]!)).toBe(false);
  expect(task(m, p).isZombie).toBe(true);
  expect(task(m, p).exitStatus).toBe(3 << 8);
  expect(mm.users).toBe(0);
  expect(mm.vmas.length).toBe(0);
  expect(checkThreadGroups(m.tasks)).toEqual([]);
});

test("kill of a TID kills the whole group; wait for a TID is ECHILD", () => {
  const { m, p, tids } = threaded(1);
  const w = m.wait(tids[0]!);
  expect(w.ok ? "reaped" : w.errno).toBe("ECHILD");
  ok(m.kill(tids[0]!));
  expect(m.tasks.has(tids[0]!)).toBe(false);
  expect(task(m, p).isZombie).toBe(true);
  expect(task(m, p).exitStatus).toBe(9);
});

test("the leader cannot leave by thread --exit; a missing TID is ESRCH", () => {
  const { m, p } = threaded(1);
  const r = m.exitThread(p);
  expect(r.ok ? "ok" : r.errno).toBe("EINVAL");
  const gone = m.exitThread(999);
  expect(gone.ok ? "ok" : gone.errno).toBe("ESRCH");
});

test("glibc's stack cache: a joined thread's stack stays; more than 40 MiB cached unmaps the oldest", () => {
  const { m, p, tids } = threaded(5);
  expect(stackVmas(m, p)).toBe(5);
  for (const t of tids.slice(0, 4)) ok(m.exitThread(t));
  expect(stackVmas(m, p)).toBe(5); // 4 cached: 32.8 MiB
  ok(m.exitThread(tids[4]!)); // 5 cached: 41 MiB > 40 MiB
  expect(stackVmas(m, p)).toBe(4);
  const vmas = task(m, p).mm!.vmas.length;
  ok(m.createThread(p)); // from the cache: no new mapping
  expect(task(m, p).mm!.vmas.length).toBe(vmas);
  expect(checkThreadGroups(m.tasks)).toEqual([]);
});

test("exec by a thread (a run action): the others go, it takes the leader's PID and runs the program", () => {
  const { m, p, tids } = threaded(2);
  const minflt = Number(statField(m, task(m, p), 10));
  ok(m.run(tids[1]!, [{ kind: "exec", path: "/bin/sleep", argv: ["sleep", "1000"] }]));
  expect(m.tasks.has(tids[0]!)).toBe(false);
  expect(m.tasks.has(tids[1]!)).toBe(false);
  const leader = task(m, p);
  expect(leader.comm).toBe("sleep");
  expect(leader.mm!.users).toBe(1);
  expect(showStatus(m, leader)).toContain("Threads:\t1\n");
  expect(Number(statField(m, leader, 10))).toBeGreaterThan(minflt); // the group's count goes on
  expect(leader.wakeAt).not.toBeNull(); // sleep's own actions run
  expect(checkThreadGroups(m.tasks)).toEqual([]);
});

test("fork by a thread: the child is the group's child, one task, with the other stacks mapped", () => {
  const { m, p, tids } = threaded(2);
  const c = ok(m.fork(tids[0]!));
  const child = task(m, c);
  expect(child.ppid).toBe(p);
  expect(child.tgid).toBe(c);
  expect(showStatus(m, child)).toContain("Threads:\t1\n");
  expect(stackVmas(m, c)).toBe(2);
  ok(m.exit(c, 0));
  const w = ok(m.wait(c));
  expect(w.pid).toBe(c);
  expect(checkThreadGroups(m.tasks)).toEqual([]);
});

test("a thread of a thread is the same group's; its stack goes below the last", () => {
  const { m, p, tids } = threaded(1);
  const t2 = ok(m.createThread(tids[0]!));
  expect(task(m, t2).tgid).toBe(p);
  expect(showStatus(m, task(m, p))).toContain("Threads:\t3\n");
});

test("a signal to a thread is the group's: init's threads die of nothing, the login shell's keep its dispositions", () => {
  const m = Machine.boot();
  const i1 = ok(m.createThread(1));
  ok(m.kill(i1, 9));
  expect(m.tasks.has(i1)).toBe(true);
  const ex = m.exit(i1, 0);
  expect(ex.ok ? "exited" : ex.errno).toBe("EPERM");
  const s1 = ok(m.createThread(2));
  ok(m.kill(s1, 15)); // the interactive bash ignores SIGTERM
  expect(m.tasks.has(s1)).toBe(true);
  expect(task(m, 2).isZombie).toBe(false);
  expect(checkThreadGroups(m.tasks)).toEqual([]);
});
