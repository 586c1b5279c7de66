/**
 * ps takes the options people type (aux, -ef, -p, -o) and prints
 * procps-ng's layouts: headers, widths and alignment as `ps` on Linux.
 */
import { expect, test } from "vitest";
import { boot, sh } from "./pictures-helpers.js";

const session = () => {
  const s = boot();
  sh(s, "P=$(spawn /bin/sh); mmap $P 8M --name buf; write $P buf; A=$(fork $P); _exit $A");
  return s;
};

test("ps aux: the BSD user format", () => {
  const lines = sh(session(), "ps aux").stdout.split("\n");
  expect(lines[0]).toBe("USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND");
  expect(lines[1]).toMatch(
    /^root {9}1 {2}0\.0 {2}\d\.\d +\d+ +\d+ \? {8}S {4}00:00 {3}0:00 \/sbin\/init$/,
  );
  expect(lines[4]).toMatch(/^root {9}4 .* Z {4}00:00 {3}0:00 \[sh\] <defunct>$/);
});

test("ps -ef: the full format", () => {
  const lines = sh(session(), "ps -ef").stdout.split("\n");
  expect(lines[0]).toBe("UID        PID  PPID  C STIME TTY          TIME CMD");
  expect(lines[2]).toBe("root         2     1  0 00:00 ?        00:00:00 -bash");
});

test("ps -p PID: the default format, only that process; none found is status 1", () => {
  const s = session();
  expect(sh(s, "ps -p 2").stdout).toBe(
    "  PID TTY          TIME CMD\n    2 ?        00:00:00 bash\n",
  );
  const none = sh(s, "ps -p 99");
  expect(none.stdout).toBe("  PID TTY          TIME CMD\n");
  expect(none.status).toBe(1);
});

test("ps -o: fields sized and aligned as procps, args cut unless last", () => {
  const s = session();
  const rss = sh(s, "ps -o pid,rss,cmd -p 1,3").stdout.split("\n");
  expect(rss[0]).toBe("  PID   RSS CMD");
  expect(rss[1]).toMatch(/^ {4}1 +\d+ \/sbin\/init$/);
  expect(rss[2]).toMatch(/^ {4}3 +\d+ sh$/);
  const all = sh(s, "ps -o pid,ppid,stat,vsz,rss,comm,args,cmd,user -p 4").stdout.split("\n");
  expect(all[0]).toBe(
    "  PID  PPID STAT    VSZ   RSS COMMAND         COMMAND                     CMD                         USER",
  );
  expect(all[1]).toBe(
    "    4     3 Z         0     0 sh <defunct>    [sh] <defunct>              [sh] <defunct>              root",
  );
});

test("ps -o with every heading empty prints no header line, as procps", () => {
  const s = session();
  expect(sh(s, "ps -o cmd= -p 3").stdout).toBe("sh\n");
  expect(sh(s, "ps -o pid= -o cmd= -p 1,3").stdout).toBe("    1 /sbin/init\n    3 sh\n");
  expect(sh(s, "ps -o pid= -o cmd -p 1").stdout).toBe("      CMD\n    1 /sbin/init\n");
});

test("ps rejects what procps rejects, with its message and status 1", () => {
  const s = session();
  const bad = sh(s, "ps -o pid,foo");
  expect(bad.status).toBe(1);
  expect(bad.stderr.split("\n")[0]).toBe('error: unknown user-defined format specifier "foo"');
  expect(sh(s, "ps -p x").stderr.split("\n")[0]).toBe("error: process ID list syntax error");
  expect(sh(s, "ps -z").stderr.split("\n")[0]).toBe("error: unsupported SysV option");
});
