/**
 * redis-server's start-up makes its four threads (three bio threads and
 * jemalloc's background thread) as the capture saw them
 * (test/rootfs/fixtures/redis-server/run1/final: status, task/TID/comm and
 * stat): `Threads: 5`, /proc/PID/task lists them with the names they gave
 * themselves, each runs on the stack glibc mapped for it (the thread
 * model's stacks, not another mapping), the faults each took are its own
 * and the group's total is the capture's, and ps -L shows a row per thread.
 */
import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { showMaps } from "../../fs/proc/task-mmu.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { programImage } from "../../src/kernel/rootfs-image.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { groupFaults, groupTasks } from "../../src/kernel/thread.js";
import { boot, sh } from "../commands/pictures-helpers.js";
import "./program-images.js";

const FINAL = new URL("./fixtures/redis-server/run1/final/", import.meta.url);
const final = (file: string): string => readFileSync(new URL(file, FINAL), "utf8");
const meta = JSON.parse(
  readFileSync(new URL("./fixtures/redis-server/run1/meta.json", import.meta.url), "utf8"),
) as {
  preexec: { minflt: number };
  final: { tasks: { tid: number; comm: string; minflt: number; majflt: number }[] };
};
/** The captured tasks in TID order (the order they were made): comm and own fault counts. */
const capturedTasks = readdirSync(new URL("task/", FINAL))
  .map(Number)
  .sort((a, b) => a - b)
  .map((tid) => {
    const stat = final(`task/${tid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { comm: final(`task/${tid}/comm`).trim(), minflt: Number(fields[7]) };
  });
const ARGV = (programImage("redis-server")?.argv ?? []) as string[];

const started = () => {
  const m = Machine.boot();
  const pid = m.spawn("/usr/bin/redis-server", ARGV);
  if (!pid.ok) throw new Error(pid.errno);
  return { m, pid: pid.value };
};

test("the capture recorded four threads, named as redis names them", () => {
  expect(capturedTasks.map((t) => t.comm)).toEqual([
    "redis-server",
    "bio_close_file",
    "bio_aof_fsync",
    "bio_lazy_free",
    "jemalloc_bg_thd",
  ]);
  expect(meta.final.tasks.map((t) => t.comm)).toEqual(capturedTasks.map((t) => t.comm));
});

test("exec of redis-server leaves the group the capture saw: Threads, task names, own faults", () => {
  const { m, pid } = started();
  const tasks = groupTasks(m.tasks, pid);
  expect(tasks.map((t) => t.comm)).toEqual(capturedTasks.map((t) => t.comm));
  const threadsLine = (status: string): string | undefined =>
    status.split("\n").find((l) => l.startsWith("Threads:"));
  const s = boot();
  const sid = sh(
    s,
    `spawn /usr/bin/redis-server ${ARGV.slice(1)
      .map((a) => `'${a}'`)
      .join(" ")}`,
  ).stdout.trim();
  expect(threadsLine(sh(s, `cat /proc/${sid}/status`).stdout)).toBe(threadsLine(final("status")));
  const tids = sh(s, `ls /proc/${sid}/task`).stdout.trim().split("\n");
  expect(tids).toHaveLength(capturedTasks.length);
  expect(tids.map((tid) => sh(s, `cat /proc/${sid}/task/${tid}/comm`).stdout.trim())).toEqual(
    capturedTasks.map((t) => t.comm),
  );
  // the threads' own faults as captured; the leader's from execve on (the launcher's go)
  expect(tasks.slice(1).map((t) => t.minflt)).toEqual(capturedTasks.slice(1).map((t) => t.minflt));
  expect(tasks[0]!.minflt).toBe(capturedTasks[0]!.minflt - meta.preexec.minflt);
  expect(groupFaults(m.tasks, tasks[0]!).minflt).toBe(
    capturedTasks.reduce((n, t) => n + t.minflt, 0) - meta.preexec.minflt,
  );
  assertInvariants(m);
});

test("each thread runs on the stack glibc mapped for it, and the maps stay the capture's", () => {
  const { m, pid } = started();
  const leader = m.tasks.get(pid)!;
  const stacks = leader.group?.stacks ?? [];
  const threads = groupTasks(m.tasks, pid).slice(1);
  expect(stacks).toHaveLength(capturedTasks.length - 1);
  expect(stacks.map((s) => s.tid)).toEqual(threads.map((t) => t.pid));
  for (const s of stacks) {
    // the guard page, then 8 MiB read-write: the mappings the start-up made, no other
    expect(leader.mm!.vmaAt(s.base)?.start).toBe(s.base);
    expect(leader.mm!.vmaAt(s.base + s.size - 4096)?.end).toBe(s.base + s.size);
  }
  const withoutInodes = (maps: string): string =>
    maps.replace(/^(\S+ \S+ \S+ \S+) +\d+ */gm, "$1 - ");
  expect(withoutInodes(showMaps(leader.mm))).toBe(withoutInodes(final("maps")));
});

test("ps -L shows a row per thread; a fork for BGSAVE copies only the caller", () => {
  const s = boot();
  const pid = sh(
    s,
    `spawn /usr/bin/redis-server ${ARGV.slice(1)
      .map((a) => `'${a}'`)
      .join(" ")}`,
  ).stdout.trim();
  const rows = sh(s, `ps -L -p ${pid}`).stdout.trim().split("\n");
  expect(rows[0]).toMatch(/PID\s+LWP\s+TTY\s+TIME\s+CMD/);
  expect(rows.slice(1).map((r) => r.trim().split(/\s+/).at(-1))).toEqual(
    capturedTasks.map((t) => t.comm),
  );
  const child = sh(s, `fork ${pid}`).stdout.trim();
  expect(sh(s, `grep Threads: /proc/${child}/status`).stdout).toBe("Threads:\t1\n");
});

test("a machine with redis-server's threads saves and loads them", () => {
  const { m, pid } = started();
  const loaded = loadMachine(structuredClone(saveMachine(m)));
  if (!loaded.ok) throw new Error(loaded.problem);
  const names = (machine: Machine): string[] => groupTasks(machine.tasks, pid).map((t) => t.comm);
  expect(names(loaded.machine)).toEqual(capturedTasks.map((t) => t.comm));
  expect(names(loaded.machine)).toEqual(names(m));
  expect(loaded.machine.tasks.get(pid)!.group?.stacks).toEqual(m.tasks.get(pid)!.group?.stacks);
});
