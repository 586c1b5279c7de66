/**
 * /proc/vmstat, as mm/vmstat.c's vmstat_show prints it on the capture
 * machine's 6.18 kernel (x86-64, NUMA, no MGLRU): every item of its
 * vmstat_text in the same order, one `name value` line each.
 *
 * The NR_* gauges (zone, NUMA and node items) are counted from the frames
 * when read, as /proc/meminfo's are (countFrames; this model has one zone,
 * Normal, and one node). The event counters come from the kernel's one
 * counters object (src/kernel/vmstat.ts: phys.vm). Items the model has no
 * mechanism for (compaction, NUMA balancing, THP, KSM, zswap, hugetlb,
 * ballooning) print 0; the thp_* and ksm items are there, at 0, for when
 * those exist.
 */
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import type { Machine } from "../../src/kernel/machine.js";
import { VM_EVENT_FIELDS } from "../../src/kernel/vmstat.js";
import { collectMeminfo, countFrames, totalramPages, watermarks } from "./meminfo.js";

/** The items of 6.18's /proc/vmstat on the capture machine, in its order. */
export const VMSTAT_ITEMS: readonly string[] = [
  "nr_free_pages",
  "nr_free_pages_blocks",
  "nr_zone_inactive_anon",
  "nr_zone_active_anon",
  "nr_zone_inactive_file",
  "nr_zone_active_file",
  "nr_zone_unevictable",
  "nr_zone_write_pending",
  "nr_mlock",
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
  "nr_throttled_written",
  "nr_kernel_misc_reclaimable",
  "nr_foll_pin_acquired",
  "nr_foll_pin_released",
  "nr_kernel_stack",
  "nr_page_table_pages",
  "nr_sec_page_table_pages",
  "nr_iommu_pages",
  "nr_swapcached",
  "pgpromote_success",
  "pgpromote_candidate",
  "pgpromote_candidate_nrl",
  "pgdemote_kswapd",
  "pgdemote_direct",
  "pgdemote_khugepaged",
  "pgdemote_proactive",
  "nr_hugetlb",
  "nr_balloon_pages",
  "nr_kernel_file_pages",
  "nr_dirty_threshold",
  "nr_dirty_background_threshold",
  "nr_memmap_pages",
  "nr_memmap_boot_pages",
  "pgpgin",
  "pgpgout",
  "pswpin",
  "pswpout",
  "pgalloc_dma",
  "pgalloc_dma32",
  "pgalloc_normal",
  "pgalloc_movable",
  "pgalloc_device",
  "allocstall_dma",
  "allocstall_dma32",
  "allocstall_normal",
  "allocstall_movable",
  "allocstall_device",
  "pgskip_dma",
  "pgskip_dma32",
  "pgskip_normal",
  "pgskip_movable",
  "pgskip_device",
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
  "pgsteal_khugepaged",
  "pgsteal_proactive",
  "pgscan_kswapd",
  "pgscan_direct",
  "pgscan_khugepaged",
  "pgscan_proactive",
  "pgscan_direct_throttle",
  "pgscan_anon",
  "pgscan_file",
  "pgsteal_anon",
  "pgsteal_file",
  "zone_reclaim_success",
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
  "thp_underused_split_page",
  "thp_split_pmd",
  "thp_scan_exceed_none_pte",
  "thp_scan_exceed_swap_pte",
  "thp_scan_exceed_share_pte",
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
  "swpin_zero",
  "swpout_zero",
  "ksm_swpin_copy",
  "cow_ksm",
  "zswpin",
  "zswpout",
  "zswpwb",
  "direct_map_level2_splits",
  "direct_map_level3_splits",
  "direct_map_level2_collapses",
  "direct_map_level3_collapses",
  "nr_unstable",
];

/** Bytes of one struct page (the memmap). */
const STRUCT_PAGE_BYTES = 64;

/**
 * The values of the items this model computes; every other item is 0.
 * Gauges in pages unless the kernel keeps kB (nr_kernel_stack).
 */
export function collectVmstat(m: Machine): Map<string, number> {
  const f = countFrames(m.phys);
  const meminfo = new Map(collectMeminfo(m));
  const pages = (label: string): number =>
    Math.floor((meminfo.get(label) ?? 0) / (PAGE_SIZE / 1024));
  const swapcached = m.swap.cachedPages();
  const total = totalramPages(m.phys);
  // global_dirtyable_memory: free and file LRU pages less the reserve (the high watermark).
  const dirtyable = Math.max(0, f.free + f.activeFile + f.inactiveFile - watermarks(total).high);
  const v = new Map<string, number>();
  const lists: [string, number][] = [
    ["inactive_anon", f.inactiveAnon],
    ["active_anon", f.activeAnon],
    ["inactive_file", f.inactiveFile],
    ["active_file", f.activeFile],
    ["unevictable", f.unevictable],
  ];
  v.set("nr_free_pages", f.free);
  for (const [name, n] of lists) {
    v.set(`nr_zone_${name}`, n);
    v.set(`nr_${name}`, n);
  }
  v.set("nr_zone_write_pending", f.dirty);
  v.set("nr_mlock", f.mlocked);
  v.set("numa_hit", m.phys.vm.pgallocNormal);
  v.set("numa_local", m.phys.vm.pgallocNormal);
  v.set("nr_slab_reclaimable", pages("SReclaimable"));
  v.set("nr_slab_unreclaimable", pages("SUnreclaim"));
  v.set("nr_anon_pages", f.anonMapped);
  v.set("nr_mapped", f.mapped);
  v.set("nr_file_pages", f.cached + swapcached);
  v.set("nr_dirty", f.dirty);
  v.set("nr_shmem", f.shmem);
  v.set("nr_kernel_stack", meminfo.get("KernelStack") ?? 0);
  v.set("nr_page_table_pages", pages("PageTables"));
  v.set("nr_swapcached", swapcached);
  v.set("nr_dirty_threshold", Math.floor((dirtyable * 20) / 100)); // vm.dirty_ratio 20
  v.set("nr_dirty_background_threshold", Math.floor((dirtyable * 10) / 100)); // dirty_background_ratio 10
  v.set("nr_memmap_boot_pages", Math.ceil((m.phys.nrFrames * STRUCT_PAGE_BYTES) / PAGE_SIZE));
  for (const [name, field] of VM_EVENT_FIELDS) v.set(name, m.phys.vm[field]);
  return v;
}

/** /proc/vmstat. */
export function showVmstat(m: Machine): string {
  const v = collectVmstat(m);
  return VMSTAT_ITEMS.map((name) => `${name} ${v.get(name) ?? 0}\n`).join("");
}
