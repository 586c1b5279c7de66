/**
 * /proc/sys/vm's overcommit files read and take writes as the kernel's
 * handlers do (fs/proc/sysctl.ts): proc_dointvec(_minmax) and
 * proc_doulongvec_minmax's parsing, overcommit_ratio and overcommit_kbytes
 * resetting each other, and CommitLimit following them. Scenario 66 of
 * test/truth compares the same writes with the real kernel.
 */
import { describe, expect, test } from "vitest";
import { parseInt32, parseUlong } from "../../fs/proc/sysctl.js";
import { runMore, runScript } from "../helpers/run-script.js";

describe("the numbers a sysctl write holds", () => {
  test.each([
    ["0\n", 0],
    ["  2\n", 2],
    ["0x2\n", 2],
    ["010\n", 8],
    ["-5\n", -5],
    ["1 2\n", 1],
    ["2147483647", 2147483647],
    ["-2147483648", -2147483648],
  ])("int %j is %d", (text, value) => {
    expect(parseInt32(text)).toEqual({ ok: true, value });
  });

  test.each(["", "\n", "abc", "1x", "0x", "08", "+1", "2147483648", "99999999999999999999999"])(
    "int %j is EINVAL",
    (text) => {
      expect(parseInt32(text)).toMatchObject({ ok: false, errno: "EINVAL" });
    },
  );

  test("a range refuses values outside it; an unsigned long refuses a sign and 2^64", () => {
    expect(parseInt32("3", 0, 2)).toMatchObject({ ok: false, errno: "EINVAL" });
    expect(parseUlong("-1")).toMatchObject({ ok: false, errno: "EINVAL" });
    expect(parseUlong("18446744073709551616")).toMatchObject({ ok: false, errno: "EINVAL" });
    expect(parseUlong("18446744073709551615")).toEqual({ ok: true, value: 2 ** 53 - 1 });
  });
});

describe("through the shell", () => {
  const limit = (text: string): number => Number(/CommitLimit:\s+(\d+)/.exec(text)![1]);

  test("defaults, modes, and writes refused with the shell's message", () => {
    const run = runScript(
      "cd /proc/sys/vm; for f in *; do echo $f $(cat $f); done\necho 3 > overcommit_memory\necho 2 > overcommit_memory; cat overcommit_memory",
    );
    expect(run.stdout).toBe(
      [
        "admin_reserve_kbytes 8192",
        "nr_hugepages 0",
        "overcommit_kbytes 0",
        "overcommit_memory 0",
        "overcommit_ratio 50",
        "page-cluster 3",
        "user_reserve_kbytes 131072",
        "2",
        "",
      ].join("\n"),
    );
    expect(run.stderr).toBe("cowsh: echo: write error: Invalid argument\n");
  });

  test("CommitLimit is ratio % of RAM plus swap, or kbytes plus swap; each write resets the other", () => {
    const run = runScript("grep CommitLimit /proc/meminfo", { swapBytes: 64 * 2 ** 20 });
    const ram = 8 * 1024 * 1024; // kB, less the kernel's own frames
    const first = limit(run.stdout);
    expect(first).toBeGreaterThan(ram / 2 - 65536);
    expect(first).toBeLessThanOrEqual(ram / 2 + 65536);
    const kbytes = runMore(
      run.session,
      "echo 1000 > /proc/sys/vm/overcommit_kbytes; cat /proc/sys/vm/overcommit_ratio; grep CommitLimit /proc/meminfo",
    );
    expect(kbytes.split("\n")[0]).toBe("0");
    expect(limit(kbytes)).toBe(1000 + 65532); // the swap file's header page does not count
    const ratio = runMore(
      run.session,
      "echo 50 > /proc/sys/vm/overcommit_ratio; cat /proc/sys/vm/overcommit_kbytes; grep CommitLimit /proc/meminfo",
    );
    expect(ratio.split("\n")[0]).toBe("0");
    expect(limit(ratio)).toBe(first);
  });

  test("ls shows the files 0644 and /proc lists sys", () => {
    const run = runScript(
      "ls -l /proc/sys/vm/overcommit_memory; ls /proc | grep -x sys; ls /proc/sys",
    );
    expect(run.stdout.split("\n")).toEqual([
      "-rw-r--r-- 1 root root 0 Jan  1 00:00 /proc/sys/vm/overcommit_memory",
      "sys",
      "vm",
      "",
    ]);
  });
});
