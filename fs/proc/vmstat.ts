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
import { procFormat } from "./kernel-formats.js";
import { collectMeminfo, countFrames, totalramPages, watermarks } from "./meminfo.js";

/** The items of 6.18's /proc/vmstat (vmstat-items.ts; other versions: kernel-formats.ts). */
export { VMSTAT_ITEMS } from "./vmstat-items.js";

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

/** /proc/vmstat: the items of the machine's kernel version (kernel-formats.ts), in its order. */
export function showVmstat(m: Machine): string {
  const v = collectVmstat(m);
  // before 5.9 the workingset events were not split by LRU type (Joonsoo Kim's anon workingset series)
  for (const event of ["refault", "activate", "restore"])
    v.set(
      `workingset_${event}`,
      (v.get(`workingset_${event}_anon`) ?? 0) + (v.get(`workingset_${event}_file`) ?? 0),
    );
  return procFormat(m.config.kernelVersion)
    .labels("vmstat")
    .map((name) => `${name} ${v.get(name) ?? 0}\n`)
    .join("");
}
