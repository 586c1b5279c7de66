/**
 * /proc/self and /proc/thread-self exist and name the login shell (PID 2),
 * the process that runs every command cowsh runs; `ls /proc` lists them
 * among the system files, as Linux does; `ls -l` shows them as links.
 * Once the login shell is gone, commands run as init, and "self" is PID 1.
 */
import { expect, test } from "vitest";
import { resolve } from "../../fs/vfs.js";
import { Machine } from "../../src/kernel/machine.js";
import { boot, sh } from "../commands/pictures-helpers.js";
import { readText } from "./proc-helpers.js";

test("/proc/self and /proc/thread-self read PID 2's files", () => {
  const m = Machine.boot();
  for (const link of ["self", "thread-self"]) {
    expect(readText(m, `/proc/${link}/status`)).toBe(readText(m, "/proc/2/status"));
    expect(readText(m, `/proc/${link}/maps`)).toBe(readText(m, "/proc/2/maps"));
  }
  expect(resolve(m, "/proc/self/nothere").ok).toBe(false);
});

test("without the login shell, /proc/self and /proc/thread-self read init's files", () => {
  const m = Machine.boot();
  m.kill(2, 9);
  for (const link of ["self", "thread-self"]) {
    expect(readText(m, `/proc/${link}/status`)).toBe(readText(m, "/proc/1/status"));
    expect(readText(m, `/proc/${link}/maps`)).toBe(readText(m, "/proc/1/maps"));
  }
});

test("ls /proc lists self and thread-self in name order; ls -l shows the links", () => {
  const s = boot();
  const names = sh(s, "ls /proc").stdout.split("\n");
  expect(names.slice(names.indexOf("meminfo"))).toEqual([
    "meminfo",
    "self",
    "stat",
    "swaps",
    "sys",
    "thread-self",
    "uptime",
    "version",
    "vmstat",
    "",
  ]);
  expect(sh(s, "ls -l /proc").stdout).toContain(" 0 Jan  1 00:00 self -> 2\n");
});
