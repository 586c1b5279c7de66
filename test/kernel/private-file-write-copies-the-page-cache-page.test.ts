/**
 * do_cow_fault: the first write to a private file mapping copies the
 * page-cache page, content and all, so a store to part of the page keeps
 * the rest (here: a word added to what a shared mapping wrote before).
 */
import { expect, test } from "vitest";
import { MAP_PRIVATE, MAP_SHARED, PAGE_SIZE } from "../../src/kernel/constants.js";
import { setup } from "./model.js";

test("a write to an untouched private file page starts from the file's content", () => {
  const { real, model } = setup();
  const m = real.m;
  const pid = model.procs[0]!.pid;
  const file = m.vfs.lookup("/tmp/f0");
  if (!file.ok) throw new Error("no file");
  const map = (flags: number) =>
    m.mmap(pid, {
      addr: 0,
      length: 4 * PAGE_SIZE,
      prot: 3,
      flags,
      file: file.value,
      fileWritable: true,
      offset: 0,
    });
  const shared = map(MAP_SHARED);
  const priv = map(MAP_PRIVATE);
  if (!shared.ok || !priv.ok) throw new Error("mmap failed");
  m.access(pid, shared.value, PAGE_SIZE, true, 5);
  const write = m.access(pid, priv.value, PAGE_SIZE, true, 3, false, true);
  expect(write.ok && write.value.byKind[6]).toBe(1); // file-cow
  const read = m.access(pid, priv.value, PAGE_SIZE, false, 0, true);
  expect(read.ok && read.value.words).toEqual([8]);
  const original = m.access(pid, shared.value, PAGE_SIZE, false, 0, true);
  expect(original.ok && original.value.words).toEqual([5]);
});
