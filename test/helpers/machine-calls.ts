/**
 * The Machine calls the kernel tests of shared mms (vfork, clone, the
 * mm's users) make alike: a result that must have succeeded, and a private
 * anonymous mapping.
 */
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";

/** The value of a call that must succeed; its errno thrown otherwise. */
export const must = <T>(r: { ok: true; value: T } | { ok: false; errno: string }): T => {
  if (!r.ok) throw new Error(r.errno);
  return r.value;
};

/** A private anonymous mapping of `pages` pages in `pid`; its address. */
export const mapAnon = (m: Machine, pid: number, pages: number): number =>
  must(
    m.mmap(pid, {
      addr: 0,
      length: pages * PAGE_SIZE,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
  );
