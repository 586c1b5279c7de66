/**
 * `--kernel VERSION`, the differences beyond line layouts: which /proc/PID
 * files a version has (listed and opened alike), `dw` on the executable's
 * and the interpreter's mappings before 5.15, and /proc/vmstat's items.
 * Expectations written out by hand from the sources docs/KERNEL-FORMATS.md
 * cites.
 */
import { describe, expect, test } from "vitest";
import { VMSTAT_ITEMS } from "../../fs/proc/vmstat.js";
import { resolve } from "../../fs/vfs.js";
import { decodeImage, encodeImage } from "../../src/image/machine-image.js";
import { KERNEL_VERSIONS, type KernelVersion } from "../../src/kernel/kernel.js";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource } from "../../src/shell/runtime.js";
import { machineDigest } from "../helpers/machine-digest.js";
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

  test("a 5.10 machine saved and loaded keeps dw, and with it the ETXTBSY", () => {
    const { m, pid } = bootAs("5.10");
    const loaded = decodeImage(encodeImage(m));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded));
    expect(readText(loaded.machine, `/proc/${pid}/smaps`)).toBe(readText(m, `/proc/${pid}/smaps`));
    const w = loaded.machine.writeFile(LD, "x", true);
    expect(w.ok ? "ok" : w.errno).toBe("ETXTBSY");
  });

  test("truncate checks every operand first: a busy one fails the command and changes nothing", () => {
    const session = createSession(Machine.boot({ kernelVersion: "6.18" }));
    runSource(session, "spawn /usr/bin/sleep 1000", () => {});
    const before = machineDigest(session.machine, false);
    const errors: string[] = [];
    const { status } = runSource(session, "truncate -s 4M /tmp/new /usr/bin/sleep", (b) => {
      if (b.kind === "err") errors.push(b.text);
    });
    expect(status).toBe(1);
    expect(errors.join("")).toBe(
      "truncate: cannot open '/usr/bin/sleep' for writing: Text file busy\n",
    );
    expect(machineDigest(session.machine, false)).toBe(before);
  });

  test("5.15 and later: the running executable only (mm->exe_file); ld.so is writable", () => {
    for (const v of ["5.15", "6.18"] as const) {
      expect(attempt(v, "/usr/bin/sleep").errors, v).toEqual(["ETXTBSY", "ETXTBSY", "ETXTBSY"]);
      expect(attempt(v, LD).errors, v).toEqual(["ok", "ok", "ok"]);
    }
  });
});

describe("/proc/vmstat per version (vmstat_text, mm/vmstat.c)", () => {
  const items = (v: KernelVersion): string[] =>
    readText(bootAs(v).m, "/proc/vmstat")
      .trimEnd()
      .split("\n")
      .map((l) => l.split(" ")[0]!);

  // v4.19's vmstat_text, read whole: zone items (nr_page_table_pages, nr_kernel_stack and
  // nr_bounce among them), NUMA, node, writeback and event items, with the capture machine's
  // configs (ZSMALLOC, NUMA, NUMA_BALANCING, MIGRATION, COMPACTION, HUGETLB, THP with PUD,
  // MEMORY_BALLOON with compaction, SWAP; no DEBUG_TLBFLUSH or DEBUG_VM_VMACACHE)
  const V4_19 = [
    "nr_free_pages",
    "nr_zone_inactive_anon",
    "nr_zone_active_anon",
    "nr_zone_inactive_file",
    "nr_zone_active_file",
    "nr_zone_unevictable",
    "nr_zone_write_pending",
    "nr_mlock",
    "nr_page_table_pages",
    "nr_kernel_stack",
    "nr_bounce",
    "nr_zspages",
    "nr_free_cma",
    "numa_hit",
    "numa_miss",
    "numa_foreign",
    "numa_interleave",
    "numa_local",
    "numa_other",
    "nr_inactive_anon",
    "nr_active_anon",
    "nr_inactive_file",
    "nr_active_file",
    "nr_unevictable",
    "nr_slab_reclaimable",
    "nr_slab_unreclaimable",
    "nr_isolated_anon",
    "nr_isolated_file",
    "workingset_refault",
    "workingset_activate",
    "workingset_nodereclaim",
    "nr_anon_pages",
    "nr_mapped",
    "nr_file_pages",
    "nr_dirty",
    "nr_writeback",
    "nr_writeback_temp",
    "nr_shmem",
    "nr_shmem_hugepages",
    "nr_shmem_pmdmapped",
    "nr_anon_transparent_hugepages",
    "nr_unstable",
    "nr_vmscan_write",
    "nr_vmscan_immediate_reclaim",
    "nr_dirtied",
    "nr_written",
    "nr_dirty_threshold",
    "nr_dirty_background_threshold",
    "pgpgin",
    "pgpgout",
    "pswpin",
    "pswpout",
    "pgalloc_dma",
    "pgalloc_dma32",
    "pgalloc_normal",
    "pgalloc_movable",
    "allocstall_dma",
    "allocstall_dma32",
    "allocstall_normal",
    "allocstall_movable",
    "pgskip_dma",
    "pgskip_dma32",
    "pgskip_normal",
    "pgskip_movable",
    "pgfree",
    "pgactivate",
    "pgdeactivate",
    "pglazyfree",
    "pgfault",
    "pgmajfault",
    "pglazyfreed",
    "pgrefill",
    "pgsteal_kswapd",
    "pgsteal_direct",
    "pgscan_kswapd",
    "pgscan_direct",
    "pgscan_direct_throttle",
    "zone_reclaim_failed",
    "pginodesteal",
    "slabs_scanned",
    "kswapd_inodesteal",
    "kswapd_low_wmark_hit_quickly",
    "kswapd_high_wmark_hit_quickly",
    "pageoutrun",
    "pgrotated",
    "drop_pagecache",
    "drop_slab",
    "oom_kill",
    "numa_pte_updates",
    "numa_huge_pte_updates",
    "numa_hint_faults",
    "numa_hint_faults_local",
    "numa_pages_migrated",
    "pgmigrate_success",
    "pgmigrate_fail",
    "compact_migrate_scanned",
    "compact_free_scanned",
    "compact_isolated",
    "compact_stall",
    "compact_fail",
    "compact_success",
    "compact_daemon_wake",
    "compact_daemon_migrate_scanned",
    "compact_daemon_free_scanned",
    "htlb_buddy_alloc_success",
    "htlb_buddy_alloc_fail",
    "unevictable_pgs_culled",
    "unevictable_pgs_scanned",
    "unevictable_pgs_rescued",
    "unevictable_pgs_mlocked",
    "unevictable_pgs_munlocked",
    "unevictable_pgs_cleared",
    "unevictable_pgs_stranded",
    "thp_fault_alloc",
    "thp_fault_fallback",
    "thp_collapse_alloc",
    "thp_collapse_alloc_failed",
    "thp_file_alloc",
    "thp_file_mapped",
    "thp_split_page",
    "thp_split_page_failed",
    "thp_deferred_split_page",
    "thp_split_pmd",
    "thp_split_pud",
    "thp_zero_page_alloc",
    "thp_zero_page_alloc_failed",
    "thp_swpout",
    "thp_swpout_fallback",
    "balloon_inflate",
    "balloon_deflate",
    "balloon_migrate",
    "swap_ra",
    "swap_ra_hit",
  ];
  // a 5.10.228 tree's vmstat_text from the node items on, read whole; nr_unstable printed
  // last by vmstat_show. The zone items before were not read: 4.19's less nr_kernel_stack,
  // which is among 5.10's node items (nr_page_table_pages is not: a zone item until 5.11)
  const V5_10_FROM_NODE = [
    "nr_inactive_anon",
    "nr_active_anon",
    "nr_inactive_file",
    "nr_active_file",
    "nr_unevictable",
    "nr_slab_reclaimable",
    "nr_slab_unreclaimable",
    "nr_isolated_anon",
    "nr_isolated_file",
    "workingset_nodes",
    "workingset_refault_anon",
    "workingset_refault_file",
    "workingset_activate_anon",
    "workingset_activate_file",
    "workingset_restore_anon",
    "workingset_restore_file",
    "workingset_nodereclaim",
    "nr_anon_pages",
    "nr_mapped",
    "nr_file_pages",
    "nr_dirty",
    "nr_writeback",
    "nr_writeback_temp",
    "nr_shmem",
    "nr_shmem_hugepages",
    "nr_shmem_pmdmapped",
    "nr_file_hugepages",
    "nr_file_pmdmapped",
    "nr_anon_transparent_hugepages",
    "nr_vmscan_write",
    "nr_vmscan_immediate_reclaim",
    "nr_dirtied",
    "nr_written",
    "nr_kernel_misc_reclaimable",
    "nr_foll_pin_acquired",
    "nr_foll_pin_released",
    "nr_kernel_stack",
    "nr_dirty_threshold",
    "nr_dirty_background_threshold",
    "pgpgin",
    "pgpgout",
    "pswpin",
    "pswpout",
    "pgalloc_dma",
    "pgalloc_dma32",
    "pgalloc_normal",
    "pgalloc_movable",
    "allocstall_dma",
    "allocstall_dma32",
    "allocstall_normal",
    "allocstall_movable",
    "pgskip_dma",
    "pgskip_dma32",
    "pgskip_normal",
    "pgskip_movable",
    "pgfree",
    "pgactivate",
    "pgdeactivate",
    "pglazyfree",
    "pgfault",
    "pgmajfault",
    "pglazyfreed",
    "pgrefill",
    "pgreuse",
    "pgsteal_kswapd",
    "pgsteal_direct",
    "pgscan_kswapd",
    "pgscan_direct",
    "pgscan_direct_throttle",
    "pgscan_anon",
    "pgscan_file",
    "pgsteal_anon",
    "pgsteal_file",
    "zone_reclaim_failed",
    "pginodesteal",
    "slabs_scanned",
    "kswapd_inodesteal",
    "kswapd_low_wmark_hit_quickly",
    "kswapd_high_wmark_hit_quickly",
    "pageoutrun",
    "pgrotated",
    "drop_pagecache",
    "drop_slab",
    "oom_kill",
    "numa_pte_updates",
    "numa_huge_pte_updates",
    "numa_hint_faults",
    "numa_hint_faults_local",
    "numa_pages_migrated",
    "pgmigrate_success",
    "pgmigrate_fail",
    "thp_migration_success",
    "thp_migration_fail",
    "thp_migration_split",
    "compact_migrate_scanned",
    "compact_free_scanned",
    "compact_isolated",
    "compact_stall",
    "compact_fail",
    "compact_success",
    "compact_daemon_wake",
    "compact_daemon_migrate_scanned",
    "compact_daemon_free_scanned",
    "htlb_buddy_alloc_success",
    "htlb_buddy_alloc_fail",
    "unevictable_pgs_culled",
    "unevictable_pgs_scanned",
    "unevictable_pgs_rescued",
    "unevictable_pgs_mlocked",
    "unevictable_pgs_munlocked",
    "unevictable_pgs_cleared",
    "unevictable_pgs_stranded",
    "thp_fault_alloc",
    "thp_fault_fallback",
    "thp_fault_fallback_charge",
    "thp_collapse_alloc",
    "thp_collapse_alloc_failed",
    "thp_file_alloc",
    "thp_file_fallback",
    "thp_file_fallback_charge",
    "thp_file_mapped",
    "thp_split_page",
    "thp_split_page_failed",
    "thp_deferred_split_page",
    "thp_split_pmd",
    "thp_split_pud",
    "thp_zero_page_alloc",
    "thp_zero_page_alloc_failed",
    "thp_swpout",
    "thp_swpout_fallback",
    "balloon_inflate",
    "balloon_deflate",
    "balloon_migrate",
    "swap_ra",
    "swap_ra_hit",
    "nr_unstable",
  ];

  test("4.19 prints v4.19's items in v4.19's order", () => {
    expect(items("4.19")).toEqual(V4_19);
  });

  test("5.10 prints a 5.10 tree's node and event items in its order", () => {
    const got = items("5.10");
    expect(got.slice(got.indexOf("nr_inactive_anon"))).toEqual(V5_10_FROM_NODE);
    expect(got.slice(0, got.indexOf("numa_hit"))).toEqual([
      "nr_free_pages",
      "nr_zone_inactive_anon",
      "nr_zone_active_anon",
      "nr_zone_inactive_file",
      "nr_zone_active_file",
      "nr_zone_unevictable",
      "nr_zone_write_pending",
      "nr_mlock",
      "nr_page_table_pages",
      "nr_bounce",
      "nr_zspages",
      "nr_free_cma",
    ]);
  });

  test("6.18 prints the capture's items; each version each item once", () => {
    expect(items("6.18")).toEqual(VMSTAT_ITEMS);
    for (const v of KERNEL_VERSIONS) expect(new Set(items(v)).size, v).toBe(items(v).length);
  });

  test("items placed by their patches: the version before lacks them, the version after has them", () => {
    const has = (v: KernelVersion, name: string) => items(v).includes(name);
    // pgalloc_device (posted 2022-08-04), thp_scan_exceed_* (2021-12-25), cow_ksm (2022-03-31)
    for (const [name, before, after] of [
      ["pgalloc_device", "5.15", "6.1"],
      ["thp_scan_exceed_none_pte", "5.15", "6.1"],
      ["cow_ksm", "5.15", "6.1"],
      ["pgsteal_khugepaged", "6.1", "6.6"],
      ["zswpwb", "6.6", "6.8"],
      ["zone_reclaim_success", "6.8", "6.12"],
      ["nr_hugetlb", "6.12", "6.18"],
      ["nr_bounce", "6.12", "4.19"],
    ] as const) {
      if (name === "nr_bounce") {
        expect(has("6.12", name) && has("4.19", name) && !has("6.18", name)).toBe(true);
        continue;
      }
      expect(has(before, name), `${name} ${before}`).toBe(false);
      expect(has(after, name), `${name} ${after}`).toBe(true);
    }
  });
});

describe("[vsyscall]: readable (emulate) by default before 5.3, execute-only after", () => {
  // gate_vma: VM_READ | VM_EXEC in LEGACY_VSYSCALL_EMULATE, VM_EXEC in LEGACY_VSYSCALL_XONLY,
  // the default from 5.3 ("x86/vsyscall: Change the default vsyscall mode to xonly")
  test.each([
    ["4.19", "r-xp", "rd ex"],
    ["5.4", "--xp", "ex"],
    ["6.18", "--xp", "ex"],
  ] as const)("%s: %s, VmFlags %s", (v, perms, flags) => {
    const { m, pid } = bootAs(v);
    const maps = readText(m, `/proc/${pid}/maps`).trimEnd().split("\n");
    expect(maps.at(-1)).toMatch(
      new RegExp(`^ffffffffff600000-ffffffffff601000 ${perms} 00000000 00:00 0 +\\[vsyscall\\]$`),
    );
    const smaps = readText(m, `/proc/${pid}/smaps`);
    expect(smaps.slice(smaps.lastIndexOf("[vsyscall]"))).toMatch(
      new RegExp(`\nVmFlags: ${flags} \n$`),
    );
  });
});
