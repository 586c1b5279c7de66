/**
 * What issue 14's programs do once exec'd (src/kernel/program-actions.ts):
 * python3 and perl, run with the one-liners they were captured with, sleep
 * 1000 s and exit 0; redis-server and nginx serve until killed; the same
 * interpreter with another script waits to be told what to do.
 */
import { expect, test } from "vitest";
import { showSmaps } from "../../fs/proc/task-mmu.js";
import { NSEC_PER_SEC } from "../../src/kernel/constants.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import "./program-images.js";

const SECOND = NSEC_PER_SEC;

test.each([
  ["/usr/bin/python3", ["python3", "-S", "-c", "import time; time.sleep(1000)"]],
  ["/usr/bin/perl", ["perl", "-e", "sleep 1000"]],
] as const)("%s as captured sleeps 1000 s, then exits 0", (path, argv) => {
  const m = Machine.boot();
  const pid = m.spawn(path, argv);
  if (!pid.ok) throw new Error(pid.errno);
  m.advance(999 * SECOND);
  expect(m.tasks.get(pid.value)!.isZombie).toBe(false);
  m.advance(2 * SECOND);
  expect(m.tasks.get(pid.value)!.isZombie).toBe(true);
  const reaped = m.wait(pid.value);
  expect(reaped.ok && reaped.value.status).toBe(0);
});

test.each([
  ["/usr/bin/redis-server", ["redis-server", "--port", "0"]],
  ["/usr/sbin/nginx", ["nginx", "-c", "/etc/nginx/cowsh.conf"]],
  ["/usr/bin/python3", ["python3", "-c", "print(1)"]],
] as const)("%s %s runs until killed", (path, argv) => {
  const m = Machine.boot();
  const pid = m.spawn(path, argv);
  if (!pid.ok) throw new Error(pid.errno);
  m.advance(5000 * SECOND);
  expect(m.tasks.get(pid.value)!.isZombie).toBe(false);
});

test("a machine running redis-server and a forked nginx saves and loads with the same smaps", () => {
  const m = Machine.boot();
  const redis = m.spawn("/usr/bin/redis-server", ["redis-server", "--port", "0"]);
  const nginx = m.spawn("/usr/sbin/nginx", ["nginx", "-c", "/etc/nginx/cowsh.conf"]);
  if (!redis.ok || !nginx.ok) throw new Error("spawn");
  const worker = m.fork(nginx.value);
  if (!worker.ok) throw new Error(worker.errno);
  const loaded = loadMachine(structuredClone(saveMachine(m)));
  if (!loaded.ok) throw new Error(loaded.problem);
  for (const pid of [redis.value, nginx.value, worker.value]) {
    const smaps = (machine: Machine): string =>
      showSmaps(machine.phys, machine.tasks.get(pid)!.mm, false);
    expect(smaps(loaded.machine)).toBe(smaps(m));
  }
});

test("exec of redis-server under memory pressure keeps the swap counts right (pages swapped out during its own start-up stay swapped)", () => {
  // 21 MiB of RAM and 16 MiB of swap: redis-server's 11.6 MiB start-up
  // reclaims while it is replayed, swapping out pages replayed a moment
  // before; replaying the resident set must not map them again over
  // their swap entries (found by the model test)
  const m = Machine.boot({
    memBytes: 21 * 1024 * 1024,
    swapBytes: 16 * 1024 * 1024,
    hugepages: 4,
    thpShmem: "advise",
  });
  const sh = m.spawn("/bin/sh", ["sh"]);
  if (!sh.ok) throw new Error(sh.errno);
  expect(m.exec(sh.value, "/usr/bin/redis-server", ["redis-server", "--port", "0"]).ok).toBe(true);
  assertInvariants(m);
});
