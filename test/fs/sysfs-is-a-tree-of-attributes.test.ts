/**
 * /sys is mounted beside /proc: `ls /` lists it, its directories are the
 * prefixes of the attribute table (fs/sys), a path that is not in the
 * table is ENOENT, and a path below an attribute is ENOTDIR.
 */
import { expect, test } from "vitest";
import { SYSFS, sysfsEntries } from "../../fs/sys/index.js";
import { resolve } from "../../fs/vfs.js";
import { Machine } from "../../src/kernel/machine.js";
import { boot, sh } from "../commands/pictures-helpers.js";

test("ls / lists sys beside proc, and /sys is a directory", () => {
  const s = boot();
  expect(sh(s, "ls /").stdout.split("\n")).toContain("sys");
  expect(sh(s, "ls -ld /sys").stdout.trimEnd()).toMatch(/^dr-xr-xr-x .* \/sys$/);
});

test("every directory on an attribute's path lists the next component, and the attribute resolves to a file", () => {
  const m = Machine.boot();
  for (const path of SYSFS.keys()) {
    const parts = path.split("/");
    for (let i = 0; i < parts.length; i++)
      expect(sysfsEntries(parts.slice(0, i).join("/"))).toContain(parts[i]);
    const node = resolve(m, `/sys/${path}`);
    expect(node.ok && node.value.kind).toBe("file");
    expect(resolve(m, `/sys/${path}/below`).ok ? "ok" : "error").toBe("error");
  }
});

test("a path outside the table is ENOENT, as cat and ls say it", () => {
  const s = boot();
  const r = sh(s, "cat /sys/kernel/no_such_attribute");
  expect(r.stderr).toBe("cat: /sys/kernel/no_such_attribute: No such file or directory\n");
  expect(resolve(Machine.boot(), "/sys/nothere/at/all").ok).toBe(false);
});
