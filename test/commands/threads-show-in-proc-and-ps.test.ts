/**
 * thread PID and what shows a thread: /proc/PID/task/TID, /proc/TID
 * (reachable, not listed by `ls /proc`), ps -L / -T in procps-ng 4.0.2's
 * layouts (captured on the truth machine with a three-thread program), and
 * `run TID` giving a thread actions.
 */
import { expect, test } from "vitest";
import { boot, sh } from "./pictures-helpers.js";

const session = () => {
  const s = boot();
  sh(s, "P=$(spawn /bin/sh); T1=$(thread $P); T2=$(thread $P)");
  return s;
};

test("thread prints the TID; /proc lists processes only, /proc/TID is reachable", () => {
  const s = session();
  expect(sh(s, "echo $P $T1 $T2").stdout).toBe("3 4 5\n");
  expect(sh(s, "ls /proc | head -4").stdout).toBe("1\n2\n3\nkpagecount\n");
  expect(sh(s, "grep -E '^(Tgid|Pid|Threads)' /proc/4/status").stdout).toBe(
    "Tgid:\t3\nPid:\t4\nThreads:\t3\n",
  );
  expect(sh(s, "ls /proc/3/task").stdout).toBe("3\n4\n5\n");
  expect(sh(s, "ls /proc/4/task").stdout).toBe("3\n4\n5\n");
  expect(sh(s, "ls /proc/3 | grep -c task").stdout).toBe("1\n");
  expect(sh(s, "cat /proc/3/task/4/comm").stdout).toBe("sh\n");
  expect(sh(s, "cat /proc/3/task/2/comm").stderr).toMatch(/No such file or directory/);
  expect(sh(s, "ls /proc/3/task/4 | grep -c task").stdout).toBe("0\n");
});

test("the task stat is the thread's own, the process stat the group's", () => {
  const s = session();
  sh(s, "B=$(mmap $P 1M); write $T1 $B");
  const field = (path: string, n: number): number =>
    Number(sh(s, `cat ${path}`).stdout.trim().split(" ")[n - 1]);
  const group = field("/proc/3/stat", 10);
  expect(field("/proc/3/task/4/stat", 10)).toBe(257);
  expect(group).toBe(field("/proc/3/task/3/stat", 10) + 257 + field("/proc/3/task/5/stat", 10));
  expect(sh(s, "cut -d' ' -f1 /proc/3/task/4/stat").stdout).toBe("4\n");
  expect(field("/proc/4/stat", 10)).toBe(group); // /proc/TID/stat: the whole group, as Linux
});

test("run TID gives the thread actions; its exit action ends the group", () => {
  const s = session();
  sh(s, 'B=$(mmap $P 64K); run $T2 "sleep 1; write $B 64K; exit 4"');
  expect(sh(s, "cat /proc/$P/task/$T2/stat | cut -d' ' -f3").stdout).toBe("S\n");
  sh(s, "sleep 2");
  expect(sh(s, "ls /proc/$P/task").stdout).toBe("3\n");
  expect(sh(s, "cut -d' ' -f3 /proc/$P/stat").stdout).toBe("Z\n");
});

test("thread --exit: the thread goes, its stack stays mapped", () => {
  const s = session();
  const maps = sh(s, "cat /proc/$P/maps").stdout;
  sh(s, "thread --exit $T1");
  expect(sh(s, "grep Threads: /proc/$P/status").stdout).toBe("Threads:\t2\n");
  expect(sh(s, "cat /proc/$P/maps").stdout).toBe(maps);
  expect(sh(s, "cat /proc/$T1/status").stderr).toMatch(/No such file or directory/);
  expect(sh(s, "thread --exit $P").stderr).toMatch(/thread: 3: /);
});

test("plain ps shows processes; -L and -T a row per thread, as procps", () => {
  const s = session();
  expect(sh(s, "ps").stdout.split("\n").length).toBe(5); // header, 3 processes, ""
  expect(sh(s, "ps -L -p 3").stdout).toBe(
    "  PID   LWP TTY          TIME CMD\n" +
      "    3     3 ?        00:00:00 sh\n" +
      "    3     4 ?        00:00:00 sh\n" +
      "    3     5 ?        00:00:00 sh\n",
  );
  expect(sh(s, "ps -T -p 3").stdout.split("\n")[0]).toBe("  PID  SPID TTY          TIME CMD");
  expect(sh(s, "ps -eLf").stdout.split("\n").slice(0, 1)).toEqual([
    "UID        PID  PPID   LWP  C NLWP STIME TTY          TIME CMD",
  ]);
  expect(sh(s, "ps -eLf").stdout.split("\n")[4]).toBe(
    "root         3     2     4  0    3 00:00 ?        00:00:00 sh",
  );
  expect(sh(s, "ps -efT").stdout.split("\n")[0]).toBe(
    "UID        PID  SPID  PPID  C STIME TTY          TIME CMD",
  );
  const aux = sh(s, "ps aux -L").stdout.split("\n");
  expect(aux[0]).toBe(
    "USER       PID   LWP %CPU NLWP %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND",
  );
  expect(aux[5]).toMatch(/^root {9}3 {5}5 {2}0\.0 {4}3 .* Sl {3}00:00 {3}0:00 sh$/);
  expect(sh(s, "ps ax -T").stdout.split("\n")[0]).toBe("  PID  SPID TTY      STAT   TIME COMMAND");
  expect(sh(s, "ps -Lo pid,lwp,nlwp,tid,spid,comm -p 3").stdout.split("\n")[2]).toBe(
    "    3     4    3     4     4 sh",
  );
});

test("thread sets $!; without a PID, or of a zombie, it is a usage error", () => {
  const s = session();
  expect(sh(s, "T3=$(thread $P); echo $T3").stdout).toBe("6\n");
  sh(s, "thread $T1 > /dev/null");
  expect(sh(s, "echo $!").stdout).toBe("7\n");
  const none = sh(s, "thread");
  expect([none.status, none.stderr]).toEqual([
    2,
    "thread: usage: thread PID | thread --exit TID\n",
  ]);
  expect(sh(s, "thread --exit").status).toBe(2);
  sh(s, "C=$(fork $P); _exit $C");
  expect(sh(s, "thread $C").stderr).toMatch(/zombie/);
});

test("ls -ld /proc counts processes, not threads, in its links", () => {
  const s = boot();
  const links = () => sh(s, "ls -ld /proc").stdout.split(/\s+/)[1];
  sh(s, "P=$(spawn /bin/sh)");
  const before = links();
  sh(s, "thread $P; thread $P");
  expect(links()).toBe(before);
});
