/**
 * ls parses its options as GNU ls does: -l prints the long listing (mode,
 * links, owner, size, the simulated clock's time, name), an unknown option
 * is GNU's usage error with status 2.
 */
import { expect, test } from "vitest";
import { boot, sh } from "./pictures-helpers.js";

test("ls -l /proc/1 lists the PID directory's files long, not a file named -l", () => {
  const r = sh(boot(), "ls -l /proc/1");
  expect(r.status).toBe(0);
  const lines = r.stdout.split("\n");
  expect(lines[0]).toBe("total 0");
  expect(lines).toContain("-r--r--r-- 1 root root 0 Jan  1 00:00 maps");
  expect(lines).toContain("-r-------- 1 root root 0 Jan  1 00:00 pagemap");
});

test("ls -l shows symlinks with their target, sizes right-aligned, and the clock's time", () => {
  const s = boot();
  sh(s, "sleep 3725");
  const lines = sh(s, "ls -l /bin").stdout.split("\n");
  expect(lines).toContain("lrwxrwxrwx 1 root root       4 Jan  1 01:02 sh -> dash");
  expect(lines).toContain("-rwxr-xr-x 1 root root  125640 Jan  1 01:02 dash");
  expect(sh(s, "ls -ld /proc").stdout).toMatch(
    /^dr-xr-xr-x \d+ root root 0 Jan {2}1 01:02 \/proc\n$/,
  );
  expect(sh(s, "ls -lh /bin/dash").stdout).toBe(
    "-rwxr-xr-x 1 root root 123K Jan  1 01:02 /bin/dash\n",
  );
});

test("ls -a adds . and ..; -1 is accepted", () => {
  const s = boot();
  expect(sh(s, "ls -a1 /proc/1").stdout.split("\n").slice(0, 3)).toEqual([".", "..", "clear_refs"]);
});

test("an unknown option is GNU's usage error, status 2", () => {
  const r = sh(boot(), "ls -z /");
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toBe("ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n");
  expect(sh(boot(), "ls --bogus").stderr.split("\n")[0]).toBe("ls: unrecognized option '--bogus'");
});
