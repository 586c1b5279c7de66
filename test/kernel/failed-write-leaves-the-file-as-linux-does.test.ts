/**
 * A write(2) that cannot get a page fails without writing, as Linux's
 * generic_perform_write does: the bytes before the page it could not get are
 * written (a short write), the rest are not, and the next write of the rest
 * fails with ENOSPC. `echo hello > f` opens f with O_TRUNC before echo
 * writes, so when the write fails f is left empty, as on Linux; `>>` leaves
 * the file as it was.
 */
import { describe, expect, test } from "vitest";
import { MAP_NORESERVE, PAGE_SIZE } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
import { runMore, runScript } from "../helpers/run-script.js";

/**
 * A 128 MiB machine whose login shell holds all of memory in a shared
 * mapping (never reclaimed). MAP_NORESERVE: overcommit's heuristic would
 * refuse to charge 200 MiB of shmem up front on 128 MiB with no swap.
 */
const EXHAUST = "a=$(mmap 2 200M --shared --noreserve); write 2 $a 200M 2>/dev/null\n";

describe("a failed write leaves the file as Linux leaves it", () => {
  test("echo hello > f on exhausted memory: ENOSPC, and f is empty (O_TRUNC ran)", () => {
    const run = runScript(`echo old > /tmp/f\n${EXHAUST}echo hello > /tmp/f\necho status=$?`, {
      memBytes: 128 * 1024 * 1024,
    });
    expect(run.stderr).toContain("No space left on device");
    expect(run.stdout).toContain("status=1");
    const file = run.session.machine.vfs.lookup("/tmp/f");
    expect(file.ok && file.value.size).toBe(0);
    expect(runMore(run.session, "cat /tmp/f")).toBe("");
  });

  test("echo more >> f on exhausted memory: ENOSPC, and f keeps what it held", () => {
    const run = runScript(`echo old > /tmp/f\n${EXHAUST}echo more >> /tmp/f\necho status=$?`, {
      memBytes: 128 * 1024 * 1024,
    });
    expect(run.stdout).toContain("status=1");
    expect(runMore(run.session, "cat /tmp/f")).toBe("old\n");
    const file = run.session.machine.vfs.lookup("/tmp/f");
    expect(file.ok && file.value.size).toBe(4);
  });

  test("a write that gets its first page but not its second is a short write of that page", () => {
    const m = Machine.boot({ memBytes: 128 * 1024 * 1024 });
    const addr = m.mmap(2, {
      addr: 0,
      length: 200 * 1024 * 1024,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE | MAP_NORESERVE, // more than RAM: not charged
      file: null,
      fileWritable: false,
      offset: 0,
    });
    if (!addr.ok) throw new Error(addr.errno);
    expect(m.access(2, addr.value, 200 * 1024 * 1024, true).ok).toBe(false); // out of memory
    expect(m.phys.nrFree).toBe(0);
    m.munmap(2, addr.value, PAGE_SIZE); // one frame free again
    // tmpfs pages cannot be reclaimed, so the second page cannot be had.
    const text = "a".repeat(PAGE_SIZE) + "b".repeat(PAGE_SIZE);
    const r = m.writeFile("/dev/shm/g", text, false);
    expect(r.ok || r.errno).toBe("ENOSPC");
    const file = m.vfs.lookup("/dev/shm/g");
    if (!file.ok) throw new Error(file.errno);
    expect(file.value.size).toBe(PAGE_SIZE);
    expect(file.value.text).toBe("a".repeat(PAGE_SIZE));
    expect(file.value.cache.size).toBe(1);
  });
});
