/**
 * `--kernel VERSION`, the differences beyond line layouts: which /proc/PID
 * files a version has (listed and opened alike), `dw` on the executable's
 * and the interpreter's mappings before 5.15, and /proc/vmstat's items.
 * Expectations written out by hand from the sources docs/KERNEL-FORMATS.md
 * cites.
 */
import { describe, expect, test } from "vitest";
import { resolve } from "../../fs/vfs.js";
import type { KernelVersion } from "../../src/kernel/kernel.js";
import { Machine } from "../../src/kernel/machine.js";
import { readError } from "./proc-helpers.js";

function bootAs(version: KernelVersion): { m: Machine; pid: number } {
  const m = Machine.boot({ kernelVersion: version });
  const r = m.spawn("/usr/bin/sleep", ["sleep", "1000"]);
  if (!r.ok) throw new Error(r.errno);
  return { m, pid: r.value };
}

const ls = (m: Machine, path: string): string[] => {
  const node = resolve(m, path);
  if (!node.ok || node.value.kind !== "dir") throw new Error(`${path}: not a directory`);
  return node.value.entries();
};

describe("ls /proc/PID lists the files the version has (tgid_base_stuff, tid_base_stuff)", () => {
  // ksm_merging_pages 5.19, ksm_stat 6.1 (xu xin); every other file cowsh has is older than 4.19
  const cases: [KernelVersion, string[]][] = [
    ["4.19", []],
    ["5.15", []],
    ["6.1", ["ksm_merging_pages", "ksm_stat"]],
    ["6.18", ["ksm_merging_pages", "ksm_stat"]],
  ];
  test.each(cases)("%s: KSM files %j", (v, ksm) => {
    const { m, pid } = bootAs(v);
    const listed = ls(m, `/proc/${pid}`);
    expect(listed.filter((n) => n.startsWith("ksm_"))).toEqual(ksm);
    expect(listed).toContain("smaps_rollup");
    expect(ls(m, `/proc/${pid}/task/${pid}`).filter((n) => n.startsWith("ksm_"))).toEqual(ksm);
    for (const name of ["ksm_stat", "ksm_merging_pages"]) {
      const expected = ksm.includes(name) ? null : "ENOENT";
      expect(readError(m, `/proc/${pid}/${name}`), name).toBe(expected);
      expect(resolve(m, `/proc/${pid}/task/${pid}/${name}`).ok, name).toBe(expected === null);
    }
  });
});
