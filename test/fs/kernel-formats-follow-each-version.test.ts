/**
 * `--kernel VERSION`: every version's smaps, smaps_rollup, status and
 * meminfo print the lines the format table (fs/proc/kernel-formats.ts)
 * lists, in its order; and a few expectations written out by hand from each
 * version's sources (docs/KERNEL-FORMATS.md), so that a wrong table fails
 * here too.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { procFormat, rowsOf } from "../../fs/proc/kernel-formats.js";
import { vmFlagsString } from "../../fs/proc/vm-flags.js";
import { resolve } from "../../fs/vfs.js";
import { directiveArgs, kernelConfig, quickParse } from "../../src/cli/cli-args.js";
import { decodeImage, encodeImage } from "../../src/image/machine-image.js";
import {
  VM_LOCKONFAULT,
  VM_MAYREAD,
  VM_MAYWRITE,
  VM_READ,
  VM_WRITE,
} from "../../src/kernel/constants.js";
import { KERNEL_VERSIONS, type KernelVersion } from "../../src/kernel/kernel.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { readError, readText } from "./proc-helpers.js";

/** Labels of the lines of `text` that have one (maps lines have none). */
const labelsOf = (text: string): string[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => /^([A-Za-z][A-Za-z0-9_()]*)[: ]/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined);

/** The smaps blocks of `text`, each as its labels. */
function smapsBlocks(text: string): string[][] {
  const blocks: string[][] = [];
  for (const line of text.trimEnd().split("\n")) {
    const label = /^([A-Za-z][A-Za-z0-9_()]*):/.exec(line)?.[1];
    if (label === undefined) blocks.push([]);
    else blocks[blocks.length - 1]!.push(label);
  }
  return blocks;
}

/** A machine booted as `version` with a sleeping process; its pid. */
function bootAs(version: KernelVersion): { m: Machine; pid: number } {
  const m = Machine.boot({ kernelVersion: version });
  const r = m.spawn("/usr/bin/sleep", ["sleep", "1000"]);
  if (!r.ok) throw new Error(r.errno);
  return { m, pid: r.value };
}

const machines = new Map<KernelVersion, { m: Machine; pid: number }>();
beforeAll(() => {
  for (const v of KERNEL_VERSIONS) machines.set(v, bootAs(v));
});
const read = (v: KernelVersion, path: string): string => {
  const { m, pid } = machines.get(v)!;
  return readText(m, path.replace("PID", String(pid)));
};

describe.each(KERNEL_VERSIONS)("--kernel %s prints the table's lines, in its order", (v) => {
  const fmt = procFormat(v);

  test("smaps: every block (no ProtectionKey: pkeys are off)", () => {
    const want = fmt.labels("smaps").filter((l) => l !== "ProtectionKey");
    const blocks = smapsBlocks(read(v, "/proc/PID/smaps"));
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) expect(block).toEqual(want);
  });

  test("smaps_rollup", () => {
    expect(labelsOf(read(v, "/proc/PID/smaps_rollup"))).toEqual(fmt.labels("smaps_rollup"));
  });

  test("status", () => {
    expect(labelsOf(read(v, "/proc/PID/status"))).toEqual(fmt.labels("status"));
  });

  test("meminfo", () => {
    expect(labelsOf(read(v, "/proc/meminfo"))).toEqual(fmt.labels("meminfo"));
  });

  test("ksm_stat (6.1 and later)", () => {
    if (!fmt.hasPidFile("ksm_stat")) return;
    expect(labelsOf(read(v, "/proc/PID/ksm_stat"))).toEqual(fmt.labels("ksm_stat"));
  });

  test("golden: a sleep's first smaps block, smaps_rollup, status, ksm_stat; meminfo; version", async () => {
    const smaps = read(v, "/proc/PID/smaps");
    const first = smaps.slice(0, smaps.indexOf("\n", smaps.indexOf("VmFlags:")) + 1);
    const text = [
      first,
      read(v, "/proc/PID/smaps_rollup"),
      read(v, "/proc/PID/status"),
      procFormat(v).hasPidFile("ksm_stat") ? read(v, "/proc/PID/ksm_stat") : "(no ksm_stat)\n",
      read(v, "/proc/meminfo"),
      read(v, "/proc/version"),
    ].join("----\n");
    await expect(text).toMatchFileSnapshot(`golden/kernel-${v}.txt`);
  });

  test("the table's lines for this version are 6.18's, some left out, none moved", () => {
    for (const file of ["smaps", "smaps_rollup", "status", "meminfo", "ksm_stat"] as const) {
      const all = rowsOf(file).map((r) => r.label);
      const mine = fmt.labels(file);
      expect(mine).toEqual(all.filter((l) => mine.includes(l)));
    }
  });
});

describe("hand-written expectations from each version's sources", () => {
  // 5.10: fs/proc/task_mmu.c __show_smap and show_smap of v5.10 (read from a 5.10.13 tree)
  test("5.10 smaps block and smaps_rollup", () => {
    const smaps = smapsBlocks(read("5.10", "/proc/PID/smaps"))[0];
    expect(smaps).toEqual([
      "Size",
      "KernelPageSize",
      "MMUPageSize",
      "Rss",
      "Pss",
      "Shared_Clean",
      "Shared_Dirty",
      "Private_Clean",
      "Private_Dirty",
      "Referenced",
      "Anonymous",
      "LazyFree",
      "AnonHugePages",
      "ShmemPmdMapped",
      "FilePmdMapped",
      "Shared_Hugetlb",
      "Private_Hugetlb",
      "Swap",
      "SwapPss",
      "Locked",
      "THPeligible",
      "VmFlags",
    ]);
    expect(labelsOf(read("5.10", "/proc/PID/smaps_rollup"))).toEqual([
      "Rss",
      "Pss",
      "Pss_Anon",
      "Pss_File",
      "Pss_Shmem",
      "Shared_Clean",
      "Shared_Dirty",
      "Private_Clean",
      "Private_Dirty",
      "Referenced",
      "Anonymous",
      "LazyFree",
      "AnonHugePages",
      "ShmemPmdMapped",
      "FilePmdMapped",
      "Shared_Hugetlb",
      "Private_Hugetlb",
      "Swap",
      "SwapPss",
      "Locked",
    ]);
    expect(read("5.10", "/proc/PID/smaps")).toContain("\nTHPeligible:    0\n");
  });

  // 4.19: no THPeligible (5.0), no FilePmdMapped (5.4), no Pss_Anon… (5.9)
  test("4.19 smaps_rollup and smaps", () => {
    expect(labelsOf(read("4.19", "/proc/PID/smaps_rollup"))).toEqual([
      "Rss",
      "Pss",
      "Shared_Clean",
      "Shared_Dirty",
      "Private_Clean",
      "Private_Dirty",
      "Referenced",
      "Anonymous",
      "LazyFree",
      "AnonHugePages",
      "ShmemPmdMapped",
      "Shared_Hugetlb",
      "Private_Hugetlb",
      "Swap",
      "SwapPss",
      "Locked",
    ]);
    const smaps = read("4.19", "/proc/PID/smaps");
    expect(smaps).not.toContain("THPeligible");
    expect(smaps).toMatch(/\nLocked: {16}0 kB\nVmFlags: /);
  });

  // 5.4: THPeligible with two tabs (5.3) and "FilePmdMapped: " one column short (until 5.9)
  test("5.4 lays out THPeligible and FilePmdMapped as 5.4 did", () => {
    const smaps = read("5.4", "/proc/PID/smaps");
    expect(smaps).toContain("\nTHPeligible:\t\t0\n");
    expect(smaps).toContain("\nFilePmdMapped:        0 kB\n");
    expect(read("5.4", "/proc/PID/smaps_rollup")).toContain("\nFilePmdMapped:        0 kB\n");
  });

  // 6.1: Pss_Dirty (6.0), no KSM line (6.7); 6.8 and later: KSM, "THPeligible:    %8u" (6.6)
  test("Pss_Dirty from 6.0, KSM from 6.7, THPeligible %8u from 6.6", () => {
    const s61 = read("6.1", "/proc/PID/smaps");
    expect(s61).toContain("\nPss_Dirty:");
    expect(s61).not.toContain("\nKSM:");
    expect(s61).toContain("\nTHPeligible:    0\n");
    const s66 = read("6.6", "/proc/PID/smaps");
    expect(s66).not.toContain("\nKSM:");
    expect(s66).toContain("\nTHPeligible:           0\n");
    expect(read("6.8", "/proc/PID/smaps")).toContain("\nKSM:                   0 kB\n");
  });

  test("status: Kthread and untag_mask from 6.4; THP_enabled, SpeculationIndirectBranch, Seccomp_filters", () => {
    const s419 = labelsOf(read("4.19", "/proc/PID/status"));
    for (const l of ["THP_enabled", "SpeculationIndirectBranch", "Seccomp_filters", "Kthread"])
      expect(s419).not.toContain(l);
    const s54 = labelsOf(read("5.4", "/proc/PID/status"));
    expect(s54).toContain("THP_enabled");
    expect(s54).toContain("SpeculationIndirectBranch");
    expect(s54).not.toContain("Seccomp_filters");
    const s61 = labelsOf(read("6.1", "/proc/PID/status"));
    expect(s61).toContain("Seccomp_filters");
    expect(s61).not.toContain("Kthread");
    expect(s61).not.toContain("untag_mask");
    const s66 = labelsOf(read("6.6", "/proc/PID/status"));
    expect(s66.slice(s66.indexOf("NSsid"), s66.indexOf("NSsid") + 2)).toEqual(["NSsid", "Kthread"]);
    expect(s66).toContain("untag_mask");
  });

  test("meminfo: KReclaimable 4.20, FileHugePages 5.4, Zswap 5.19, SecPageTables 6.0, Balloon 6.15", () => {
    const m419 = labelsOf(read("4.19", "/proc/meminfo"));
    for (const l of ["KReclaimable", "FileHugePages", "FilePmdMapped", "Zswap", "SecPageTables"])
      expect(m419).not.toContain(l);
    const m510 = labelsOf(read("5.10", "/proc/meminfo"));
    expect(m510).toContain("KReclaimable");
    expect(m510).toContain("FileHugePages");
    expect(m510).not.toContain("Zswap");
    const m61 = labelsOf(read("6.1", "/proc/meminfo"));
    expect(m61).toContain("Zswapped");
    expect(m61).toContain("SecPageTables");
    expect(labelsOf(read("6.12", "/proc/meminfo"))).not.toContain("Balloon");
    expect(labelsOf(read("6.18", "/proc/meminfo"))).toContain("Balloon");
  });

  // fs/proc/base.c proc_pid_ksm_stat: rmap_items 6.1, merging_pages and process_profit 6.4,
  // zero_pages 6.6, merge_any and mergeable 6.14
  test("ksm_stat grows line by line; before 6.1 there is none, before 5.19 no ksm_merging_pages", () => {
    const { m, pid } = machines.get("5.15")!;
    expect(readError(m, `/proc/${pid}/ksm_stat`)).toBe("ENOENT");
    expect(readError(m, `/proc/${pid}/ksm_merging_pages`)).toBe("ENOENT");
    expect(read("6.1", "/proc/PID/ksm_merging_pages")).toBe("0\n");
    expect(read("6.1", "/proc/PID/ksm_stat")).toBe("ksm_rmap_items 0\n");
    expect(read("6.12", "/proc/PID/ksm_stat")).toBe(
      "ksm_rmap_items 0\nksm_zero_pages 0\nksm_merging_pages 0\nksm_process_profit 0\n",
    );
    expect(read("6.18", "/proc/PID/ksm_stat")).toContain("ksm_merge_any: no\nksm_mergeable: no\n");
  });

  test("/sys/kernel/mm: KSM's general_profit 6.4, ksm_zero_pages and pages_scanned 6.6, smart_scan 6.7; mTHP sizes 6.8", () => {
    const ls = (v: KernelVersion, path: string): string[] => {
      const node = resolve(machines.get(v)!.m, path);
      if (!node.ok || node.value.kind !== "dir") return [];
      return node.value.entries();
    };
    const young = ["general_profit", "ksm_zero_pages", "pages_scanned", "smart_scan"];
    expect(ls("6.1", "/sys/kernel/mm/ksm").filter((n) => young.includes(n))).toEqual([]);
    expect(ls("6.6", "/sys/kernel/mm/ksm").filter((n) => young.includes(n))).toEqual([
      "general_profit",
      "ksm_zero_pages",
      "pages_scanned",
    ]);
    expect(ls("6.8", "/sys/kernel/mm/ksm").filter((n) => young.includes(n))).toEqual(young);
    const { m } = machines.get("6.6")!;
    expect(resolve(m, "/sys/kernel/mm/ksm/smart_scan").ok).toBe(false);
    expect(
      ls("6.6", "/sys/kernel/mm/transparent_hugepage").some((n) => n.startsWith("hugepages-")),
    ).toBe(false);
    expect(resolve(m, "/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled").ok).toBe(false);
    expect(ls("6.8", "/sys/kernel/mm/transparent_hugepage")).toContain("hugepages-64kB");
    expect(ls("6.18", "/sys/kernel/mm/transparent_hugepage")).toContain("hugepages-2048kB");
  });

  test("VmFlags: dw until 5.15, ?? for VM_LOCKONFAULT until 6.2, lf after", () => {
    const rw = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE;
    const denywrite = 1 << 11;
    expect(vmFlagsString(rw | denywrite, false, procFormat("5.10").mnemonics)).toBe(
      "rd wr mr mw dw ",
    );
    expect(vmFlagsString(rw | denywrite, false, procFormat("5.15").mnemonics)).toBe("rd wr mr mw ");
    expect(vmFlagsString(rw | VM_LOCKONFAULT, false, procFormat("6.1").mnemonics)).toBe(
      "rd wr mr mw ?? ",
    );
    expect(vmFlagsString(rw | VM_LOCKONFAULT, false, procFormat("6.6").mnemonics)).toBe(
      "rd wr mr mw lf ",
    );
  });

  test("/proc/version names the version (compiler string before 5.8, PREEMPT_DYNAMIC from 5.12)", () => {
    expect(read("6.18", "/proc/version")).toMatch(/^Linux version 6\.18\.44-fc-v657 /);
    expect(read("5.15", "/proc/version")).toMatch(
      /^Linux version 5\.15\.0-cowsh .* PREEMPT_DYNAMIC/,
    );
    expect(read("5.10", "/proc/version")).not.toContain("PREEMPT_DYNAMIC");
    expect(read("5.4", "/proc/version")).toContain("(gcc version 15.3.0 (GCC))");
  });
});

describe("the default and the saved choice", () => {
  test("--kernel 6.18 prints exactly what a machine booted without it prints", () => {
    const plain = Machine.boot();
    const r = plain.spawn("/usr/bin/sleep", ["sleep", "1000"]);
    if (!r.ok) throw new Error(r.errno);
    for (const f of ["smaps", "smaps_rollup", "status"])
      expect(read("6.18", `/proc/PID/${f}`)).toBe(readText(plain, `/proc/${r.value}/${f}`));
    expect(read("6.18", "/proc/meminfo")).toBe(readText(plain, "/proc/meminfo"));
  });

  test("save and load keep the kernel version", () => {
    const { m, pid } = machines.get("5.4")!;
    const loaded = decodeImage(encodeImage(m));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded));
    expect(loaded.machine.config.kernelVersion).toBe("5.4");
    expect(readText(loaded.machine, `/proc/${pid}/smaps`)).toBe(read("5.4", "/proc/PID/smaps"));
  });

  test("an image saved before --kernel existed loads as 6.18", () => {
    const image = saveMachine(Machine.boot());
    const { kernelVersion: _, ...config } = image.config;
    const loaded = loadMachine({ ...image, config });
    if (!loaded.ok) throw new Error(loaded.problem);
    expect(loaded.machine.config.kernelVersion).toBe("6.18");
  });
});

describe("--kernel on the command line", () => {
  const configOf = (argv: string[]) => kernelConfig(quickParse(argv)!);

  test("a listed version boots; 6.18 without the option", () => {
    const c = configOf(["--kernel", "5.15", "-c", "ps"]);
    expect(typeof c === "string" ? c : c.kernelVersion).toBe("5.15");
    const d = configOf(["-c", "ps"]);
    expect(typeof d === "string" ? d : d.kernelVersion).toBe("6.18");
  });

  test("another version is refused, naming the ones there are", () => {
    expect(configOf(["--kernel", "5.11", "-c", "ps"])).toBe(
      "cowsh: --kernel: must be one of 4.19, 5.4, 5.10, 5.15, 6.1, 6.6, 6.8, 6.12, 6.18",
    );
  });

  test("a script may choose its kernel (# cowsh: --kernel 4.19)", () => {
    expect(directiveArgs("# cowsh: --kernel 4.19\nps\n")).toEqual(["--kernel", "4.19"]);
  });
});
