/**
 * The root image grew (issue 14's python3, perl, redis-server and nginx
 * bring their libraries, modules and directories), but a file created
 * after boot gets the inode number it got before: the directories and
 * symlinks boot creates number from a range of their own, so transcripts
 * that show an inode (a swap file's UUID is made from it, a memfd's maps
 * line prints it) do not change when the image does.
 */
import { expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";

test("the first file created after boot is inode 2146335, the next 2146336", () => {
  const m = Machine.boot();
  const a = m.writeFile("/tmp/a", "a\n", false);
  const b = m.writeFile("/root/b", "b\n", false);
  expect(a.ok && a.value.ino).toBe(2_146_335);
  expect(b.ok && b.value.ino).toBe(2_146_336);
});

test("the directories boot creates keep numbers below those", () => {
  const m = Machine.boot();
  for (const path of ["/etc/nginx", "/usr/lib/python3.11", "/tmp", "/var/lib/nginx"]) {
    const dir = m.vfs.lookup(path);
    expect(dir.ok && dir.value.ino).toBeLessThan(2_146_335);
  }
});
