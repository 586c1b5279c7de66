/**
 * What issue 14's programs do once exec'd (src/kernel/program-actions.ts):
 * python3 and perl, run with the one-liners they were captured with, sleep
 * 1000 s and exit 0; redis-server and nginx serve until killed; the same
 * interpreter with another script waits to be told what to do.
 */
import { expect, test } from "vitest";
import { NSEC_PER_SEC } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
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
