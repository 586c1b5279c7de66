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
import { readError, readText } from "./proc-helpers.js";

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

describe("dw: VM_DENYWRITE on the executable's and the interpreter's mappings before 5.15", () => {
  const flagsOf = (v: KernelVersion): Map<string, string[]> => {
    const { m, pid } = bootAs(v);
    const byName = new Map<string, string[]>();
    let name = "";
    for (const line of readText(m, `/proc/${pid}/smaps`).split("\n")) {
      const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (head !== null) name = head[1] === "" ? "anon" : head[1]!;
      const flags = /^VmFlags: (.*)$/.exec(line);
      if (flags !== null) byName.set(name, [...(byName.get(name) ?? []), flags[1]!.trim()]);
    }
    return byName;
  };
  const LD = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2";
  const LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6";

  test.each(["4.19", "5.10"] as const)(
    "%s: every file mapping of sleep and ld.so has dw, libc none",
    (v) => {
      const f = flagsOf(v);
      // binfmt_elf's elf_map(…, MAP_PRIVATE | MAP_DENYWRITE, …): sleep's 4 file segments, ld.so's 5 VMAs
      expect(f.get("/usr/bin/sleep")).toEqual([
        "rd mr mw me dw",
        "rd ex mr mw me dw",
        "rd mr mw me dw",
        "rd mr mw me dw ac",
        "rd wr mr mw me dw ac",
      ]);
      expect(f.get(LD)!.every((flags) => flags.includes(" dw"))).toBe(true);
      // ld.so's own mmap(…MAP_DENYWRITE…) of libc: ksys_mmap_pgoff dropped the flag
      expect(f.get(LIBC)!.some((flags) => flags.includes("dw"))).toBe(false);
      expect([...f.get("anon")!, ...f.get("[heap]")!, ...f.get("[stack]")!].join()).not.toContain(
        "dw",
      );
    },
  );

  test.each(["5.15", "6.18"] as const)("%s: no dw anywhere", (v) => {
    expect([...flagsOf(v).values()].flat().join()).not.toContain("dw");
  });
});

describe("ETXTBSY: writing a file a program runs from (deny_write_access)", () => {
  const LD = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2";
  const attempt = (v: KernelVersion, path: string) => {
    const { m, pid } = bootAs(v);
    const r = [m.writeFile(path, "x", true), m.truncate(path, 4096), m.fallocate(path, 1 << 20)];
    m.kill(pid, 9);
    return { errors: r.map((x) => (x.ok ? "ok" : x.errno)), m };
  };

  test("before 5.15: the running executable and its interpreter (VM_DENYWRITE mappings)", () => {
    expect(attempt("5.10", "/usr/bin/sleep").errors).toEqual(["ETXTBSY", "ETXTBSY", "ETXTBSY"]);
    expect(attempt("5.10", LD).errors).toEqual(["ETXTBSY", "ETXTBSY", "ETXTBSY"]);
  });

  test("5.15 and later: the running executable only (mm->exe_file); ld.so is writable", () => {
    for (const v of ["5.15", "6.18"] as const) {
      expect(attempt(v, "/usr/bin/sleep").errors, v).toEqual(["ETXTBSY", "ETXTBSY", "ETXTBSY"]);
      expect(attempt(v, LD).errors, v).toEqual(["ok", "ok", "ok"]);
    }
  });
});
