/**
 * Memory running out while exec makes the new program's start-up pages
 * resident (past the point of no return): Linux cannot fail the execve any
 * more, so the OOM killer kills the task (here the only killable one: init
 * and the login shell are spared), with its new name in the kernel's
 * lines. It used to be a kernel panic ("exec replay: out of memory"), found
 * by the model test under pressure.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const MiB = 1024 * 1024;

test("spawn when only the login shell's memory is left: the new program is OOM-killed, the machine goes on", () => {
  const t = runScript(
    `B=$(mmap 2 40M --noreserve)
write 2 $B 2>/dev/null
C=$(spawn /bin/sh)
echo spawned $C status $?
ps -o pid,stat,comm -p $C
dmesg -t
wait $C; echo wait $?
spawn /bin/true > /dev/null; echo next $?`,
    { memBytes: 48 * MiB },
  );
  expect(t.stderr).not.toMatch(/panic|internal error/);
  const lines = t.stdout.split("\n");
  expect(lines[0]).toBe("spawned 3 status 0");
  expect(lines.slice(1, 3)).toEqual(["  PID STAT COMMAND", "    3 Z    sh <defunct>"]);
  expect(lines[3]).toBe(
    "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=sh,pid=3,uid=0",
  );
  expect(lines[4]).toMatch(/^Out of memory: Killed process 3 \(sh\) total-vm:\d+kB, /);
  expect(lines).toContain("wait 137");
});
