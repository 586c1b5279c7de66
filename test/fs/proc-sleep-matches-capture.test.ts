/**
 * /proc/PID/status, stat and statm of a fresh `sleep 1000` against the
 * capture of the same program on the real kernel
 * (test/rootfs/fixtures/sleep/run1/final). The capture ran as
 * /usr/bin/sleep with the same argv and environment, so the argument area
 * (arg_start…env_end) lands at the same addresses.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { readText, statField } from "./proc-helpers.js";

const CAPTURE = new URL("../rootfs/fixtures/sleep/run1/final/", import.meta.url);
const captured = (name: string): string => readFileSync(new URL(name, CAPTURE), "utf8");

/**
 * Lines that depend on the PID, the session, or what the model does not
 * keep: context switches, and SigQ (the capture machine's user had a signal
 * queued, and a different RAM size sets the limit).
 */
const VARYING =
  /^(Tgid|Pid|PPid|NStgid|NSpid|NSpgid|NSsid|SigQ|voluntary_ctxt_switches|nonvoluntary_ctxt_switches):/;

let m: Machine;
let pid: number;
beforeAll(() => {
  m = Machine.boot();
  const r = m.spawn("/usr/bin/sleep", ["sleep", "1000"]);
  if (!r.ok) throw new Error(r.errno);
  pid = r.value;
});

describe("a fresh sleep matches the real kernel's capture", () => {
  test("status: every memory line, VmPeak to HugetlbPages, is identical", () => {
    const memory = (text: string): string[] =>
      text.split("\n").filter((l) => /^(Vm|Rss|HugetlbPages)/.test(l));
    const mine = memory(readText(m, `/proc/${pid}/status`));
    expect(mine).toHaveLength(16);
    expect(mine).toEqual(memory(captured("status")));
  });

  test("status: every other line is identical but the PID-dependent ones", () => {
    const stable = (text: string): string[] => text.split("\n").filter((l) => !VARYING.test(l));
    expect(stable(readText(m, `/proc/${pid}/status`))).toEqual(stable(captured("status")));
  });

  test("statm is identical", () => {
    expect(readText(m, `/proc/${pid}/statm`)).toBe(captured("statm"));
  });

  test("stat: vsize, code, stack, data, brk, argument and environment addresses are identical", () => {
    const mine = readText(m, `/proc/${pid}/stat`);
    const real = captured("stat");
    // 23 vsize; 26-28 startcode, endcode, startstack; 45-51 start_data … env_end
    for (const n of [23, 26, 27, 28, 45, 46, 47, 48, 49, 50, 51]) {
      expect(statField(mine, n), `field ${n}`).toBe(statField(real, n));
    }
  });

  test("stat: comm, state, flags, priority, nice, threads, rsslim, exit_signal as captured", () => {
    const mine = readText(m, `/proc/${pid}/stat`);
    const real = captured("stat");
    for (const n of [2, 3, 9, 18, 19, 20, 25, 31, 32, 33, 34, 35, 38, 52]) {
      expect(statField(mine, n), `field ${n}`).toBe(statField(real, n));
    }
  });

  test("cmdline and environ are the capture's bytes", () => {
    expect(readText(m, `/proc/${pid}/cmdline`)).toBe(captured("cmdline"));
    expect(readText(m, `/proc/${pid}/environ`)).toBe(captured("environ"));
  });
});
