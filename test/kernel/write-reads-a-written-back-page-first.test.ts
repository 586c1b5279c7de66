/**
 * write(2) to a file page that is not cached reads the page in first
 * (generic_perform_write → write_begin → filemap_read_folio), so what a
 * shared mapping wrote and writeback stored is kept. A page that was written
 * through mmap, written back and then dropped from the cache comes back with
 * the word on disk, not the file's initial word; the next writeback stores
 * that word again.
 */
import { expect, test } from "vitest";
import { runMore, runScript } from "../helpers/run-script.js";

test("echo >> f after mmap write, fsync and evict keeps the word the mapping wrote", () => {
  const run = runScript(
    [
      "P=$(spawn /bin/sh)",
      "echo hi > /tmp/f",
      "M=$(mmap $P 4K --shared --file /tmp/f)",
      "write $P $M 4K",
      "munmap $P $M 4K",
      "fsync /tmp/f",
    ].join("\n"),
  );
  const { machine } = run.session;
  const file = machine.vfs.lookup("/tmp/f");
  if (!file.ok) throw new Error(file.errno);
  const inode = file.value;
  const written = inode.disk.get(0);
  expect(written).toBeDefined();
  expect(written).not.toBe(inode.initialWord(0));

  runMore(run.session, "evict /tmp/f");
  expect(inode.cache.get(0)).toBe(0);
  runMore(run.session, "echo more >> /tmp/f\nfsync /tmp/f");
  expect(machine.phys.content[inode.cache.get(0)]).toBe(written);
  expect(inode.disk.get(0)).toBe(written);
});
