/**
 * dmesg: the kernel's log (the OOM killer's lines), each record stamped
 * with the simulated time since boot as printk stamps it: `[%5lu.%06lu] `.
 * The same records appear on the console (stderr) after the command that
 * caused them (see test/robustness/program-faults-and-limits.test.ts).
 */
import { describe, expect, test } from "vitest";
import { printkTime } from "../../commands/dmesg.js";
import { runScript } from "../helpers/run-script.js";

const OOM = [
  "P=$(spawn /bin/sh)",
  "mmap $P 40M --name buf >/dev/null",
  "write $P buf",
  "C=$(fork $P)",
].join("\n");

describe("dmesg", () => {
  test.each([
    [0, "[    0.000000] "],
    [3_141_592_653, "[    3.141592] "],
    [86_400_000_000_999, "[86400.000000] "],
    [123_456_789_012_345, "[123456.789012] "],
  ])("printk's stamp for %i ns is %j", (ns, stamp) => {
    expect(printkTime(ns)).toBe(stamp);
  });

  test("prints nothing while the kernel has said nothing", () => {
    expect(runScript("dmesg")).toMatchObject({ text: "", status: 0 });
  });

  test("each kill, stamped with the time it happened, in order", () => {
    const t = runScript(
      `${OOM}\nsleep 2.5\nwrite $C buf 2>/dev/null\nQ=$(spawn /bin/sh)\nB=$(mmap $Q 80M --noreserve)\nsleep 60\nwrite $Q $B 2>/dev/null\ndmesg | grep -v oom-kill: | cut -c1-51\ndmesg | grep -c oom-kill:`,
      { memBytes: 64 * 1024 * 1024 },
    );
    expect(t.stdout).toBe(
      [
        "[    2.500000] Out of memory: Killed process 3 (sh)",
        // The biggest process dies first, then (80M cannot fit) the faulting one.
        // (MAP_NORESERVE: overcommit's heuristic refuses 80M of 64M charged up front.)
        "[   62.500000] Out of memory: Killed process 4 (sh)",
        "[   62.500000] Out of memory: Killed process 5 (sh)",
        // Each kill line follows its oom-kill: summary line.
        "3",
        "",
      ].join("\n"),
    );
  });

  test("-t leaves the stamps out; bad usage is refused as util-linux refuses it", () => {
    const t = runScript(`${OOM}\nwrite $C buf\ndmesg -t | cut -c1-36\ndmesg --notime | wc -l`, {
      memBytes: 64 * 1024 * 1024,
    });
    expect(t.stdout).toBe(
      "oom-kill:constraint=CONSTRAINT_NONE,\nOut of memory: Killed process 3 (sh)\n2\n",
    );
    expect(runScript("dmesg -x")).toMatchObject({
      stderr: "dmesg: invalid option -- 'x'\nTry 'dmesg --help' for more information.\n",
      status: 1,
    });
    expect(runScript("dmesg foo")).toMatchObject({
      stderr: "dmesg: bad usage\nTry 'dmesg --help' for more information.\n",
      status: 1,
    });
  });
});
