/**
 * What each kernel version's /proc prints: which lines exist, in what order,
 * under what names and in what layout. The one place fs/proc's renderers
 * consult for `--kernel VERSION` (the kernel keeps only the choice, in
 * KernelConfig.kernelVersion). docs/KERNEL-FORMATS.md is this table in
 * prose, with the source each row was taken from.
 *
 * Every renderer prints the capture machine's 6.18 layout, the superset;
 * the rows below say in which versions a line is there (`since`, the first
 * upstream release that prints it; `until`, the first that no longer does)
 * and, for a few lines, how an older version lays it out. Versions are
 * compared as numbers, so a row may name an upstream release that is not
 * one of KERNEL_VERSIONS (Pss_Dirty came in 6.0: 5.15 lacks it, 6.1 has it).
 */
import { VM_EXEC, VM_READ } from "../../src/kernel/constants.js";
import type { KernelVersion } from "../../src/kernel/kernel.js";
import { atLeast } from "../../src/kernel/version.js";
import { VMSTAT_ITEMS } from "./vmstat-items.js";

/** A /proc file whose lines differ between versions. */
export type FormattedFile = "smaps" | "smaps_rollup" | "status" | "meminfo" | "ksm_stat" | "vmstat";

/** One line of a file: its label, and the releases that print it. */
export interface LineRow {
  readonly label: string;
  /** First upstream release printing the line; absent: before 4.19. */
  readonly since?: string;
  /** First upstream release no longer printing it; absent: still printed in 6.18. */
  readonly until?: string;
}

/** Versions compare as numbers (the kernel's one comparison, re-exported for fs and the tests). */
export { atLeast, versionKey } from "../../src/kernel/version.js";

const present = (row: LineRow, v: string): boolean =>
  (row.since === undefined || atLeast(v, row.since)) &&
  (row.until === undefined || !atLeast(v, row.until));

/* ---- the rows, in 6.18's order (each file's superset) ---- */

/** The lines smaps and smaps_rollup share, Shared_Clean through Locked (__show_smap, as task-mmu.ts's showSmapTail). */
const SMAP_TAIL: readonly LineRow[] = [
  { label: "Shared_Clean" },
  { label: "Shared_Dirty" },
  { label: "Private_Clean" },
  { label: "Private_Dirty" },
  { label: "Referenced" },
  { label: "Anonymous" },
  { label: "KSM", since: "6.7" },
  { label: "LazyFree" },
  { label: "AnonHugePages" },
  { label: "ShmemPmdMapped" },
  { label: "FilePmdMapped", since: "5.4" },
  { label: "Shared_Hugetlb" },
  { label: "Private_Hugetlb" },
  { label: "Swap" },
  { label: "SwapPss" },
  { label: "Locked" },
];

/**
 * An smaps block after the maps line (show_smap, __show_smap,
 * fs/proc/task_mmu.c). ProtectionKey prints only with pkeys enabled
 * (arch_pkeys_enabled) in every version.
 */
const SMAPS: readonly LineRow[] = [
  { label: "Size" },
  { label: "KernelPageSize" },
  { label: "MMUPageSize" },
  { label: "Rss" },
  { label: "Pss" },
  { label: "Pss_Dirty", since: "6.0" },
  ...SMAP_TAIL,
  { label: "THPeligible", since: "5.0" },
  { label: "ProtectionKey" },
  { label: "VmFlags" },
];

/** smaps_rollup after its [rollup] line: __show_smap in rollup mode. */
const SMAPS_ROLLUP: readonly LineRow[] = [
  { label: "Rss" },
  { label: "Pss" },
  { label: "Pss_Dirty", since: "6.0" },
  { label: "Pss_Anon", since: "5.9" },
  { label: "Pss_File", since: "5.9" },
  { label: "Pss_Shmem", since: "5.9" },
  ...SMAP_TAIL,
];

/**
 * /proc/PID/status (proc_pid_status, fs/proc/array.c; task_mem in
 * task_mmu.c). Lines a zombie lacks stay absent whatever the version.
 */
const STATUS: readonly LineRow[] = [
  { label: "Name" },
  { label: "Umask" },
  { label: "State" },
  { label: "Tgid" },
  { label: "Ngid" },
  { label: "Pid" },
  { label: "PPid" },
  { label: "TracerPid" },
  { label: "Uid" },
  { label: "Gid" },
  { label: "FDSize" },
  { label: "Groups" },
  { label: "NStgid" },
  { label: "NSpid" },
  { label: "NSpgid" },
  { label: "NSsid" },
  { label: "Kthread", since: "6.4" },
  { label: "VmPeak" },
  { label: "VmSize" },
  { label: "VmLck" },
  { label: "VmPin" },
  { label: "VmHWM" },
  { label: "VmRSS" },
  { label: "RssAnon" },
  { label: "RssFile" },
  { label: "RssShmem" },
  { label: "VmData" },
  { label: "VmStk" },
  { label: "VmExe" },
  { label: "VmLib" },
  { label: "VmPTE" },
  { label: "VmSwap" },
  { label: "HugetlbPages" },
  { label: "CoreDumping" },
  { label: "THP_enabled", since: "5.0" },
  { label: "untag_mask", since: "6.4" },
  { label: "Threads" },
  { label: "SigQ" },
  { label: "SigPnd" },
  { label: "ShdPnd" },
  { label: "SigBlk" },
  { label: "SigIgn" },
  { label: "SigCgt" },
  { label: "CapInh" },
  { label: "CapPrm" },
  { label: "CapEff" },
  { label: "CapBnd" },
  { label: "CapAmb" },
  { label: "NoNewPrivs" },
  { label: "Seccomp" },
  { label: "Seccomp_filters", since: "5.9" },
  { label: "Speculation_Store_Bypass" },
  { label: "SpeculationIndirectBranch", since: "4.20" },
  { label: "Cpus_allowed" },
  { label: "Cpus_allowed_list" },
  { label: "Mems_allowed" },
  { label: "Mems_allowed_list" },
  { label: "voluntary_ctxt_switches" },
  { label: "nonvoluntary_ctxt_switches" },
];

/**
 * /proc/meminfo (meminfo_proc_show, fs/proc/meminfo.c; hugetlb_report_meminfo
 * in mm/hugetlb.c). Lines behind a config the capture machine lacks
 * (HighTotal, HardwareCorrupted, CmaTotal, Unaccepted…) are absent in every
 * version, as they are on the capture machine.
 */
const MEMINFO: readonly LineRow[] = [
  { label: "MemTotal" },
  { label: "MemFree" },
  { label: "MemAvailable" },
  { label: "Buffers" },
  { label: "Cached" },
  { label: "SwapCached" },
  { label: "Active" },
  { label: "Inactive" },
  { label: "Active(anon)" },
  { label: "Inactive(anon)" },
  { label: "Active(file)" },
  { label: "Inactive(file)" },
  { label: "Unevictable" },
  { label: "Mlocked" },
  { label: "SwapTotal" },
  { label: "SwapFree" },
  { label: "Zswap", since: "5.19" },
  { label: "Zswapped", since: "5.19" },
  { label: "Dirty" },
  { label: "Writeback" },
  { label: "AnonPages" },
  { label: "Mapped" },
  { label: "Shmem" },
  { label: "KReclaimable", since: "4.20" },
  { label: "Slab" },
  { label: "SReclaimable" },
  { label: "SUnreclaim" },
  { label: "KernelStack" },
  { label: "PageTables" },
  { label: "SecPageTables", since: "6.0" },
  { label: "NFS_Unstable" },
  { label: "Bounce" },
  { label: "WritebackTmp" },
  { label: "CommitLimit" },
  { label: "Committed_AS" },
  { label: "VmallocTotal" },
  { label: "VmallocUsed" },
  { label: "VmallocChunk" },
  { label: "Percpu" },
  { label: "AnonHugePages" },
  { label: "ShmemHugePages" },
  { label: "ShmemPmdMapped" },
  { label: "FileHugePages", since: "5.4" },
  { label: "FilePmdMapped", since: "5.4" },
  { label: "Balloon", since: "6.15" },
  { label: "HugePages_Total" },
  { label: "HugePages_Free" },
  { label: "HugePages_Rsvd" },
  { label: "HugePages_Surp" },
  { label: "Hugepagesize" },
  { label: "Hugetlb" },
  { label: "DirectMap4k" },
  { label: "DirectMap2M" },
  { label: "DirectMap1G" },
];

/**
 * /proc/PID/ksm_stat (proc_pid_ksm_stat, fs/proc/base.c), `name value`
 * lines. The file itself came in 6.1 (PID_FILE_SINCE).
 */
const KSM_STAT: readonly LineRow[] = [
  { label: "ksm_rmap_items", since: "6.1" },
  { label: "ksm_zero_pages", since: "6.6" },
  { label: "ksm_merging_pages", since: "6.4" },
  { label: "ksm_process_profit", since: "6.4" },
  { label: "ksm_merge_any", since: "6.14" },
  { label: "ksm_mergeable", since: "6.14" },
];

/**
 * /proc/vmstat's items (vmstat_text, mm/vmstat.c) that came after 4.19, by
 * the first release printing them. vmstat_text of v4.19 and of a 5.10.228
 * tree were read whole; the other releases are placed by the patch that
 * added the item (its posting date gives the release) or, marked "mem",
 * from memory (docs/KERNEL-FORMATS.md).
 */
const VMSTAT_SINCE: Readonly<Record<string, string>> = {
  nr_free_pages_blocks: "6.16", // Johannes Weiner, defrag_mode watermarks, posted 2025-03-13
  workingset_nodes: "4.20", // mem; in 5.10
  workingset_refault_anon: "5.9", // Joonsoo Kim's anon workingset series (mem); in 5.10
  workingset_refault_file: "5.9",
  workingset_activate_anon: "5.9",
  workingset_activate_file: "5.9",
  workingset_restore_anon: "5.9",
  workingset_restore_file: "5.9",
  nr_file_hugepages: "5.4", // Song Liu, as meminfo's FileHugePages
  nr_file_pmdmapped: "5.4",
  nr_throttled_written: "5.16", // Mel Gorman's reclaim throttling (mem)
  nr_kernel_misc_reclaimable: "4.20", // as meminfo's KReclaimable; in 5.10
  nr_foll_pin_acquired: "5.7", // John Hubbard, FOLL_PIN (mem); in 5.10
  nr_foll_pin_released: "5.7",
  nr_kernel_stack: "5.9", // a node item from 5.9 (a zone item before: VMSTAT_MOVED); in 5.10's node items
  nr_page_table_pages: "5.11", // a node item from 5.11 (mem); a zone item before
  nr_sec_page_table_pages: "6.0", // as meminfo's SecPageTables
  nr_iommu_pages: "6.11", // mem
  nr_swapcached: "5.12", // mem; not in 5.10
  pgpromote_success: "5.18", // Huang Ying's memory tiering (mem)
  pgpromote_candidate: "6.1", // Huang Ying, "memory tiering: rate limit NUMA migration throughput" (mem)
  pgpromote_candidate_nrl: "6.18", // Li Zhijian/Ruan Shiyang, posted 2025-07-29
  pgdemote_kswapd: "5.15", // Yang Shi, "mm/vmscan: add page demotion counter", with Dave Hansen's demotion (mem)
  pgdemote_direct: "5.15",
  pgdemote_khugepaged: "6.3", // Johannes Weiner, khugepaged out of direct reclaim stats (git 2.38 era)
  pgdemote_proactive: "6.16", // Hao Jia, posted 2025-03-18
  nr_hugetlb: "6.13", // Joshua Hahn, "memcg/hugetlb: Add hugeTLB counters to memcg", posted 2024-11-01
  nr_balloon_pages: "6.15", // Nico Pache, as meminfo's Balloon
  nr_kernel_file_pages: "6.18", // Boris Burkov, posted 2025-08-21
  nr_memmap_pages: "6.11", // Sourav Panda, "mm: report per-page metadata information" (mem)
  nr_memmap_boot_pages: "6.11",
  pgalloc_device: "6.1", // Hao Lee, "mm: add DEVICE_ZONE to FOR_ALL_ZONES", posted 2022-08-04
  allocstall_device: "6.1",
  pgskip_device: "6.1",
  pgreuse: "5.9", // mem; in 5.10
  pgsteal_khugepaged: "6.3",
  pgsteal_proactive: "6.16",
  pgscan_khugepaged: "6.3",
  pgscan_proactive: "6.16",
  pgscan_anon: "5.8", // mem; in 5.10
  pgscan_file: "5.8",
  pgsteal_anon: "5.8",
  pgsteal_file: "5.8",
  zone_reclaim_success: "6.12", // Matthew Cassell, posted 2024-07-22
  thp_migration_success: "5.8", // Zi Yan/Anshuman Khandual (mem); in 5.10
  thp_migration_fail: "5.8",
  thp_migration_split: "5.8",
  thp_fault_fallback_charge: "5.8", // David Rientjes (mem); in 5.10
  thp_file_fallback: "5.8",
  thp_file_fallback_charge: "5.8",
  thp_underused_split_page: "6.12", // Usama Arif, splitting underused THPs (mem)
  thp_scan_exceed_none_pte: "5.17", // Yang Yang, posted 2021-12-25
  thp_scan_exceed_swap_pte: "5.17",
  thp_scan_exceed_share_pte: "5.17",
  swpin_zero: "6.13", // Barry Song, posted 2024-11-02
  swpout_zero: "6.13",
  ksm_swpin_copy: "5.18", // Yang Yang, posted 2022-01-13
  cow_ksm: "5.19", // Yang Yang, "mm/vmstat: add events for ksm cow", posted 2022-03-31
  zswpin: "5.19", // as meminfo's Zswap
  zswpout: "5.19",
  zswpwb: "6.8", // Domenico Cerasuolo, 7108cc3f765c (Nov 2023)
  direct_map_level2_splits: "5.13", // Saravanan D (mem); not in 5.10
  direct_map_level3_splits: "5.13",
  direct_map_level2_collapses: "6.14", // Kirill A. Shutemov/Mike Rapoport, posted 2024-12-27
  direct_map_level3_collapses: "6.14",
  nr_unstable: "5.8", // at the end since Neil Brown's NR_UNSTABLE_NFS removal (5.8); in 5.10
};

/**
 * Items 6.18 does not print where an older version did: gone, or printed
 * elsewhere then. Each goes before the 6.18 item `before`.
 */
const VMSTAT_MOVED: readonly (LineRow & { readonly before: string })[] = [
  // zone items until they became node items (4.19's order: nr_mlock, these, nr_zspages)
  { label: "nr_page_table_pages", until: "5.11", before: "nr_zspages" },
  { label: "nr_kernel_stack", until: "5.9", before: "nr_zspages" },
  // Christoph Hellwig, 194df9f66db8 "mm: remove NR_BOUNCE zone stat" (the fix posted 2025-05-29 Cc stable)
  { label: "nr_bounce", until: "6.15", before: "nr_zspages" },
  // one counter for both LRU types until 5.9; workingset_restore since 4.20
  { label: "workingset_refault", until: "5.9", before: "workingset_refault_anon" },
  { label: "workingset_activate", until: "5.9", before: "workingset_refault_anon" },
  { label: "workingset_restore", since: "4.20", until: "5.9", before: "workingset_refault_anon" },
  // FUSE's temporary writeback buffers (Joanne Koong's removal, mem)
  { label: "nr_writeback_temp", until: "6.16", before: "nr_shmem" },
  // a node item until 5.8, then printed last for compatibility
  { label: "nr_unstable", until: "5.8", before: "nr_vmscan_write" },
];

const VMSTAT: readonly LineRow[] = VMSTAT_ITEMS.flatMap((label): LineRow[] => [
  ...VMSTAT_MOVED.filter((m) => m.before === label).map(({ before: _, ...row }) => row),
  VMSTAT_SINCE[label] === undefined ? { label } : { label, since: VMSTAT_SINCE[label] },
]);

const ROWS: Readonly<Record<FormattedFile, readonly LineRow[]>> = {
  smaps: SMAPS,
  smaps_rollup: SMAPS_ROLLUP,
  status: STATUS,
  meminfo: MEMINFO,
  ksm_stat: KSM_STAT,
  vmstat: VMSTAT,
};

/** Every row of `file`, 6.18's order (the tests read the table through this). */
export const rowsOf = (file: FormattedFile): readonly LineRow[] => ROWS[file];

/* ---- layouts an older version prints differently ---- */

/**
 * A line whose layout differs in some releases: [since, until) print it
 * with `render`, given the 6.18 line's value text (what follows the label
 * and its padding).
 */
export interface LayoutRow {
  readonly file: FormattedFile;
  readonly label: string;
  readonly since: string;
  readonly until: string;
  readonly render: (value: string) => string;
}

/** The value of an smaps line, without " kB": `Label:   <spaces>123 kB` -> "123". */
const kbValue = (value: string): string => value.trim().replace(/ kB$/, "");

export const LAYOUTS: readonly LayoutRow[] = [
  // "THPeligible:    %d" (commit 7635d9cbe832, 5.0), then "THPeligible:\t\t%d"
  // (c06306696f83, 5.3), then back to four spaces (5.9), then "%8u" (Hugh
  // Dickins, "mm,thp: fix smaps THPeligible output alignment", 6.6)
  {
    file: "smaps",
    label: "THPeligible",
    since: "5.0",
    until: "5.3",
    render: (v) => `    ${v.trim()}`,
  },
  {
    file: "smaps",
    label: "THPeligible",
    since: "5.3",
    until: "5.9",
    render: (v) => `\t\t${v.trim()}`,
  },
  {
    file: "smaps",
    label: "THPeligible",
    since: "5.9",
    until: "6.6",
    render: (v) => `    ${v.trim()}`,
  },
  // "FilePmdMapped: " with one space less than the other labels until 5.9
  // (Michal Koutný, "/proc/PID/smaps: Consistent whitespace output format")
  ...(["smaps", "smaps_rollup"] as const).map(
    (file): LayoutRow => ({
      file,
      label: "FilePmdMapped",
      since: "5.4",
      until: "5.9",
      render: (v) => ` ${kbValue(v).padStart(8)} kB`,
    }),
  ),
];

/* ---- VmFlags mnemonics ---- */

/**
 * show_smap_vma_flags' mnemonics for the 32 low bits, by bit, as 6.18 has
 * them; "" marks a bit with none (never set in the model).
 */
const MNEMONICS_6_18: readonly string[] = [
  "rd", // 0  VM_READ
  "wr", // 1  VM_WRITE
  "ex", // 2  VM_EXEC
  "sh", // 3  VM_SHARED
  "mr", // 4  VM_MAYREAD
  "mw", // 5  VM_MAYWRITE
  "me", // 6  VM_MAYEXEC
  "ms", // 7  VM_MAYSHARE
  "gd", // 8  VM_GROWSDOWN
  "um", // 9  VM_UFFD_MISSING
  "pf", // 10 VM_PFNMAP
  "", //   11 (unused since 5.15)
  "uw", // 12 VM_UFFD_WP
  "lo", // 13 VM_LOCKED
  "io", // 14 VM_IO
  "sr", // 15 VM_SEQ_READ
  "rr", // 16 VM_RAND_READ
  "dc", // 17 VM_DONTCOPY
  "de", // 18 VM_DONTEXPAND
  "lf", // 19 VM_LOCKONFAULT
  "ac", // 20 VM_ACCOUNT
  "nr", // 21 VM_NORESERVE
  "ht", // 22 VM_HUGETLB
  "sf", // 23 VM_SYNC
  "ar", // 24 VM_ARCH_1
  "wf", // 25 VM_WIPEONFORK
  "dd", // 26 VM_DONTDUMP
  "sd", // 27 VM_SOFTDIRTY
  "mm", // 28 VM_MIXEDMAP
  "hg", // 29 VM_HUGEPAGE
  "nh", // 30 VM_NOHUGEPAGE
  "mg", // 31 VM_MERGEABLE
];

/** A mnemonic that some releases print differently: [since, until) print `text` for `bit`. */
export interface MnemonicRow {
  readonly bit: number;
  readonly text: string;
  readonly since?: string;
  readonly until: string;
}

export const MNEMONIC_ROWS: readonly MnemonicRow[] = [
  // VM_DENYWRITE, removed with the flag in 5.15 (David Hildenbrand, "mm: remove VM_DENYWRITE")
  { bit: 11, text: "dw", until: "5.15" },
  // VM_LOCKONFAULT had no mnemonic until 6.2 ("mm: do not show ?? for
  // VM_LOCKONFAULT pages"): the table's default "??" printed instead
  { bit: 19, text: "??", until: "6.2" },
];

/* ---- /proc/version ---- */

/** linux_proc_banner of the capture machine's kernel (fs/proc/version.c). */
const BANNER_6_18 =
  "Linux version 6.18.44-fc-v657 (builder@sandboxing) (gcc (GCC) 15.3.0, GNU ld (GNU Binutils) 2.46) #1 SMP PREEMPT_DYNAMIC @0\n";

/**
 * The banner of a kernel built the same way at another version: before 5.8
 * LINUX_COMPILER named only gcc ("gcc version …"), and PREEMPT_DYNAMIC
 * exists since 5.12. Release strings other than 6.18's are made up
 * (VERSION.PATCHLEVEL.0-cowsh): there is no capture to copy.
 */
function banner(v: KernelVersion): string {
  if (v === "6.18") return BANNER_6_18;
  const compiler = atLeast(v, "5.8")
    ? "gcc (GCC) 15.3.0, GNU ld (GNU Binutils) 2.46"
    : "gcc version 15.3.0 (GCC)";
  const preempt = atLeast(v, "5.12") ? " PREEMPT_DYNAMIC" : "";
  return `Linux version ${v}.0-cowsh (builder@sandboxing) (${compiler}) #1 SMP${preempt} @0\n`;
}

/* ---- the vsyscall gate ---- */

/**
 * The [vsyscall] gate VMA's flags (gate_vma, vsyscall_64.c): VM_READ |
 * VM_EXEC in the default emulate mode, "r-xp"; VM_EXEC alone ("--xp") since
 * Andy Lutomirski's "x86/vsyscall: Change the default vsyscall mode to
 * xonly" (5.3) made execute-only the default (LEGACY_VSYSCALL_XONLY).
 */
const vsyscallFlags = (v: KernelVersion): number =>
  atLeast(v, "5.3") ? VM_EXEC : VM_READ | VM_EXEC;

/* ---- files that came later ---- */

/**
 * /proc/PID files younger than 4.19 (pid_entry tgid_base_stuff,
 * fs/proc/base.c): an older version has no such file. fs/vfs.ts neither
 * lists it in /proc/PID (nor task/TID) nor opens it (ENOENT).
 */
const PID_FILE_SINCE: ReadonlyMap<string, string> = new Map([
  ["ksm_merging_pages", "5.19"],
  ["ksm_stat", "6.1"],
]);

/**
 * /sys attributes younger than 4.19, by path below /sys (a prefix ending in
 * "-" covers a family of directories). An older version has none of them.
 */
const SYSFS_SINCE: readonly (readonly [path: string, since: string])[] = [
  // Stefan Roesch, d21077fbc2fc "mm: add new KSM process and sysfs knobs" (6.4)
  ["kernel/mm/ksm/general_profit", "6.4"],
  // xu xin, "ksm: support tracking KSM-placed zero-pages", and Stefan Roesch,
  // "mm/ksm: add pages scanned metric": both in "MM updates for 6.6-rc1"
  ["kernel/mm/ksm/ksm_zero_pages", "6.6"],
  ["kernel/mm/ksm/pages_scanned", "6.6"],
  // Stefan Roesch's smart scan (6.7, with the smaps KSM line)
  ["kernel/mm/ksm/smart_scan", "6.7"],
  // Ryan Roberts, multi-size THP: transparent_hugepage/hugepages-<size>kB/ (6.8)
  ["kernel/mm/transparent_hugepage/hugepages-", "6.8"],
];

/* ---- one version's format ---- */

/** Everything fs/proc needs to print one version's files. */
export interface ProcFormat {
  readonly version: KernelVersion;
  /** The labels of `file`, in order. */
  labels(file: FormattedFile): readonly string[];
  /** VmFlags mnemonics by bit (0-31); "" prints nothing. */
  readonly mnemonics: readonly string[];
  /** /proc/version. */
  readonly banner: string;
  /** The [vsyscall] gate's VM flags (maps' perms, smaps' VmFlags). */
  readonly vsyscallFlags: number;
  /** Whether this version has /proc/PID/`name` (the files of PID_FILES that came later lack it). */
  hasPidFile(name: string): boolean;
  /** Whether this version has the /sys attribute at `path` (below /sys). */
  hasSysfs(path: string): boolean;
  /**
   * `text` (the 6.18 layout of `file`) as this version prints it: lines it
   * lacks dropped, the others laid out as it lays them out. Lines without
   * a label (smaps' maps lines) pass through. The 6.18 text returns as is.
   */
  apply(file: FormattedFile, text: string): string;
}

/**
 * A line's label: the word before its first colon (or space, in ksm_stat's
 * `name value` lines); no match for a maps line, which starts with an address.
 */
export const LABEL = /^([A-Za-z][A-Za-z0-9_()]*)[: ]/;

function makeFormat(version: KernelVersion): ProcFormat {
  const labels = {} as Record<FormattedFile, readonly string[]>;
  const keep = {} as Record<FormattedFile, ReadonlySet<string>>;
  const known = {} as Record<FormattedFile, ReadonlySet<string>>;
  for (const file of Object.keys(ROWS) as FormattedFile[]) {
    labels[file] = ROWS[file].filter((r) => present(r, version)).map((r) => r.label);
    keep[file] = new Set(labels[file]);
    known[file] = new Set(ROWS[file].map((r) => r.label));
  }
  const layouts = LAYOUTS.filter((l) => atLeast(version, l.since) && !atLeast(version, l.until));
  const mnemonics = [...MNEMONICS_6_18];
  for (const row of MNEMONIC_ROWS)
    if ((row.since === undefined || atLeast(version, row.since)) && !atLeast(version, row.until))
      mnemonics[row.bit] = row.text;
  const identity = version === "6.18";
  return {
    version,
    labels: (file) => labels[file],
    mnemonics,
    banner: banner(version),
    vsyscallFlags: vsyscallFlags(version),
    hasPidFile(name) {
      const since = PID_FILE_SINCE.get(name);
      return since === undefined || atLeast(version, since);
    },
    hasSysfs(path) {
      return SYSFS_SINCE.every(([p, since]) => !path.startsWith(p) || atLeast(version, since));
    },
    apply(file, text) {
      if (identity) return text;
      const out: string[] = [];
      for (const line of text.split("\n")) {
        const m = LABEL.exec(line);
        if (m === null) {
          out.push(line);
          continue;
        }
        const label = m[1]!;
        if (!known[file].has(label)) throw new Error(`kernel-formats: ${file} has no row ${label}`);
        if (!keep[file].has(label)) continue;
        const layout = layouts.find((l) => l.file === file && l.label === label);
        out.push(
          layout === undefined ? line : `${label}:${layout.render(line.slice(label.length + 1))}`,
        );
      }
      return out.join("\n");
    },
  };
}

const FORMATS = new Map<KernelVersion, ProcFormat>();

/** The format of `version` (built once). */
export function procFormat(version: KernelVersion): ProcFormat {
  let f = FORMATS.get(version);
  if (f === undefined) {
    f = makeFormat(version);
    FORMATS.set(version, f);
  }
  return f;
}
