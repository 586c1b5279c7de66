/**
 * A zombie has no mm (§6 of linux-semantics.md): statm reads zeros, stat
 * keeps its fault counts and shows the wait status, status loses every
 * line that comes from the mm, the fs or the file table.
 */
import { beforeEach, expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { readError, readText, statField } from "./proc-helpers.js";

let m: Machine;
let pid: number;
let minflt: string;
beforeEach(() => {
  m = Machine.boot();
  const r = m.spawn("/usr/bin/sleep", ["sleep", "1000"]);
  if (!r.ok) throw new Error(r.errno);
  pid = r.value;
  minflt = statField(readText(m, `/proc/${pid}/stat`), 10);
});

test("statm of a zombie is seven zeros", () => {
  m.exit(pid, 7);
  expect(readText(m, `/proc/${pid}/statm`)).toBe("0 0 0 0 0 0 0\n");
});

test("stat of a zombie: state Z, exit_code 1792 for exit(7), no memory, faults kept", () => {
  m.exit(pid, 7);
  const stat = readText(m, `/proc/${pid}/stat`);
  expect(stat.split(" ")).toHaveLength(52);
  expect(statField(stat, 3)).toBe("Z");
  expect(statField(stat, 52)).toBe("1792");
  expect(statField(stat, 10)).toBe(minflt);
  expect(Number(minflt)).toBeGreaterThan(0);
  for (const n of [23, 24, 26, 27, 28, 45, 46, 47, 48, 49, 50, 51]) {
    expect(statField(stat, n), `field ${n}`).toBe("0");
  }
  // PF_EXITING | PF_POSTCOREDUMP | PF_NOFREEZE; wchan 1 (not running)
  expect(statField(stat, 9)).toBe(String(0x800c));
  expect(statField(stat, 35)).toBe("1");
});

test("stat of a process killed by SIGKILL: exit_code 9 and PF_SIGNALED", () => {
  m.kill(pid);
  const stat = readText(m, `/proc/${pid}/stat`);
  expect(statField(stat, 52)).toBe("9");
  expect(statField(stat, 9)).toBe(String(0x800c | 0x400));
});

test("status of a zombie has no Umask, no Vm/Rss/HugetlbPages, FDSize 0, Threads 1", () => {
  m.exit(pid, 7);
  const status = readText(m, `/proc/${pid}/status`);
  const labels = status
    .trimEnd()
    .split("\n")
    .map((l) => l.slice(0, l.indexOf(":")));
  expect(labels.filter((l) => /^(Vm|Rss|Hugetlb)/.test(l))).toEqual([]);
  for (const gone of ["Umask", "CoreDumping", "THP_enabled", "untag_mask"]) {
    expect(labels).not.toContain(gone);
  }
  expect(labels.slice(0, 3)).toEqual(["Name", "State", "Tgid"]);
  expect(labels[labels.indexOf("Kthread") + 1]).toBe("Threads");
  expect(status).toContain("State:\tZ (zombie)\n");
  expect(status).toContain("FDSize:\t0\n");
  expect(status).toContain("Threads:\t1\n");
});

test("a zombie's cmdline is empty, its environ fails with ESRCH, its comm stays", () => {
  m.exit(pid, 7);
  expect(readText(m, `/proc/${pid}/cmdline`)).toBe("");
  expect(readError(m, `/proc/${pid}/environ`)).toBe("ESRCH");
  expect(readText(m, `/proc/${pid}/comm`)).toBe("sleep\n");
});
