/**
 * Writes to /proc files through the shell's `>` and `>>`: a file with a
 * write handler (clear_refs, comm) takes each write(2); any other refuses
 * it with the kernel's errno, reported as bash reports a failed write. The
 * expected words and statuses were captured with bash on Linux 6.18
 * (build 6.18.44-fc-v1045), as root:
 *
 *   echo 1 > /proc/self/smaps         echo: write error: Invalid argument    1
 *   echo 1 >> /proc/self/status       echo: write error: Invalid argument    1
 *   echo 1 > /proc/meminfo            echo: write error: Input/output error  1
 *   echo abc|0|6|-1|1x|0x1|"" > clear_refs   … Invalid argument             1
 *   echo 99999999999999999999 > clear_refs   … Numerical result out of range 1
 *   echo " 1"|01|+1|"1 "|4 > clear_refs, printf 1 > clear_refs              0
 *   cat /proc/self/clear_refs         cat: /proc/self/clear_refs: Invalid argument
 *   ls -l /proc/self/clear_refs       --w------- ; comm -rw-r--r--
 *   echo foo > /proc/$$/comm          comm is "foo\n" (newline kept); another process's: EINVAL
 *   echo 1 > /proc/self/foo           /proc/self/foo: No such file or directory
 */
import { describe, expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

/** stderr and status of one script on a fresh machine. */
function run(source: string) {
  const r = runScript(source);
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe("a /proc file without a write handler refuses writes as Linux does", () => {
  test.each([
    ["echo 1 > /proc/2/smaps", "Invalid argument"],
    ["echo 1 >> /proc/self/status", "Invalid argument"],
    ["echo 1 > /proc/self/pagemap", "Invalid argument"],
    ["echo 1 > /proc/meminfo", "Input/output error"],
    ["echo 1 > /proc/kpageflags", "Input/output error"],
  ])("%s", (line, message) => {
    expect(run(`${line}\necho status=$?`)).toEqual({
      out: "status=1\n",
      err: `cowsh: echo: write error: ${message}\n`,
      status: 0,
    });
  });

  test("nothing written, nothing refused: `true > /proc/self/smaps` succeeds", () => {
    expect(run("true > /proc/self/smaps; echo $?").out).toBe("0\n");
  });

  test("a file /proc does not have cannot be created", () => {
    expect(run("echo 1 > /proc/self/foo").err).toBe(
      "cowsh: /proc/self/foo: No such file or directory\n",
    );
  });
});

describe("clear_refs takes the numbers 1 to 5, as kstrtoint parses them", () => {
  test.each([
    ["abc", "Invalid argument"],
    ["0", "Invalid argument"],
    ["6", "Invalid argument"],
    ["-1", "Invalid argument"],
    ["1x", "Invalid argument"],
    ["0x1", "Invalid argument"],
    ["", "Invalid argument"],
    ["99999999999999999999", "Numerical result out of range"],
    ["99999999999", "Numerical result out of range"],
  ])("echo '%s' fails: %s", (value, message) => {
    expect(run(`echo '${value}' > /proc/self/clear_refs; echo $?`)).toEqual({
      out: "1\n",
      err: `cowsh: echo: write error: ${message}\n`,
      status: 0,
    });
  });

  test.each([" 1", "01", "+1", "1 ", "4", "5", "1           xyz"])(
    "echo '%s' succeeds",
    (value) => {
      expect(run(`echo '${value}' > /proc/self/clear_refs; echo $?`)).toEqual({
        out: "0\n",
        err: "",
        status: 0,
      });
    },
  );

  test("printf without a newline works too; reading it fails with EINVAL", () => {
    expect(run("printf 1 > /proc/self/clear_refs; echo $?").out).toBe("0\n");
    expect(run("cat /proc/self/clear_refs").err).toBe(
      "cat: /proc/self/clear_refs: Invalid argument\n",
    );
  });

  test("ls -l shows it write-only for its owner, and comm writable", () => {
    const out = run("ls -l /proc/2").out;
    expect(out).toContain("--w------- 1 root root 0 Jan  1 00:00 clear_refs\n");
    expect(out).toContain("-rw-r--r-- 1 root root 0 Jan  1 00:00 comm\n");
  });

  test("a process that does not exist has no clear_refs", () => {
    expect(run("echo 1 > /proc/99/clear_refs").err).toBe(
      "cowsh: /proc/99/clear_refs: No such file or directory\n",
    );
  });
});

describe("comm takes its own process's name", () => {
  test("echo keeps its newline in the comm; 15 bytes at most", () => {
    expect(run("echo foo > /proc/self/comm; cat /proc/self/comm").out).toBe("foo\n\n");
    expect(run("printf abcdefghijklmnopqrstu > /proc/2/comm; cat /proc/2/comm").out).toBe(
      "abcdefghijklmno\n",
    );
  });

  test("another process's comm: EINVAL", () => {
    expect(run("P=$(spawn /bin/sh); echo bar > /proc/$P/comm; echo $?; cat /proc/$P/comm")).toEqual(
      {
        out: "1\nsh\n",
        err: "cowsh: echo: write error: Invalid argument\n",
        status: 0,
      },
    );
  });
});
