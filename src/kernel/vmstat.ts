/**
 * The kernel's event counters (mm/vmstat.c's vm_event_states, summed over
 * CPUs) and reclaim's fruitless mark: one object, held by PhysMem so
 * that every path that allocates, frees, faults, swaps or reclaims can reach
 * it (`phys.vm`). The NR_* gauges of /proc/vmstat are not here: they are
 * counted from the frames when read (fs/proc/vmstat.ts).
 *
 * Counters only grow (zero at boot); pgpgin and pgpgout are kept in kB, as
 * /proc/vmstat prints them (the kernel counts 512-byte sectors and halves them).
 */
import { PAGE_SIZE } from "./constants.js";

/** The event counters this model counts, as /proc/vmstat names them, with their fields. */
export const VM_EVENT_FIELDS = [
  ["pgpgin", "pgpgin"],
  ["pgpgout", "pgpgout"],
  ["pswpin", "pswpin"],
  ["pswpout", "pswpout"],
  ["pgalloc_normal", "pgallocNormal"],
  ["allocstall_normal", "allocstallNormal"],
  ["pgfree", "pgfree"],
  ["pgactivate", "pgactivate"],
  ["pgdeactivate", "pgdeactivate"],
  ["pglazyfree", "pglazyfree"],
  ["pgfault", "pgfault"],
  ["pgmajfault", "pgmajfault"],
  ["pglazyfreed", "pglazyfreed"],
  ["pgrefill", "pgrefill"],
  ["pgsteal_kswapd", "pgstealKswapd"],
  ["pgsteal_direct", "pgstealDirect"],
  ["pgscan_kswapd", "pgscanKswapd"],
  ["pgscan_direct", "pgscanDirect"],
  ["pgscan_anon", "pgscanAnon"],
  ["pgscan_file", "pgscanFile"],
  ["pgsteal_anon", "pgstealAnon"],
  ["pgsteal_file", "pgstealFile"],
  ["oom_kill", "oomKill"],
  ["nr_vmscan_write", "nrVmscanWrite"],
  ["thp_fault_alloc", "thpFaultAlloc"],
  ["thp_fault_fallback", "thpFaultFallback"],
  ["thp_split_pmd", "thpSplitPmd"],
  ["thp_collapse_alloc", "thpCollapseAlloc"],
] as const;

export type VmEventField = (typeof VM_EVENT_FIELDS)[number][1];

/** kB of one page, for pgpgin/pgpgout. */
const PAGE_KB = PAGE_SIZE / 1024;

export class VmStat implements Record<VmEventField, number> {
  pgpgin = 0;
  pgpgout = 0;
  pswpin = 0;
  pswpout = 0;
  pgallocNormal = 0;
  allocstallNormal = 0;
  pgfree = 0;
  pgactivate = 0;
  pgdeactivate = 0;
  pglazyfree = 0;
  pgfault = 0;
  pgmajfault = 0;
  pglazyfreed = 0;
  pgrefill = 0;
  pgstealKswapd = 0;
  pgstealDirect = 0;
  pgscanKswapd = 0;
  pgscanDirect = 0;
  pgscanAnon = 0;
  pgscanFile = 0;
  pgstealAnon = 0;
  pgstealFile = 0;
  oomKill = 0;
  nrVmscanWrite = 0;
  /** A fault mapped a new PMD-sized THP (huge-memory.ts). */
  thpFaultAlloc = 0;
  /** A fault where a THP was allowed found no aligned 2 MiB of free frames. */
  thpFaultFallback = 0;
  /** A huge PMD was split into PTEs. */
  thpSplitPmd = 0;
  /** MADV_COLLAPSE (or khugepaged) allocated a THP to collapse a 2 MiB into. */
  thpCollapseAlloc = 0;
  /**
   * The reclaim scanner's position in each evictable LRU list
   * (vmscan.ts: LRU_INACTIVE_ANON … LRU_ACTIVE_FILE): the PFN its next scan
   * of that list starts at.
   */
  /**
   * pgfree when a reclaim before a fault last freed nothing (reclaim.ts),
   * or -1: reclaim is not tried again until a page has been freed since.
   */
  reclaimFruitlessAt = -1;

  /** handle_mm_fault's PGFAULT, and PGMAJFAULT for a fault that waited for I/O (`major`). */
  countFault(major: boolean): void {
    this.pgfault++;
    if (major) this.pgmajfault++;
  }

  /** swap_read_folio: one page read from a swap slot (PSWPIN, and PGPGIN for the bio). */
  swapIn(): void {
    this.pswpin++;
    this.pgpgin += PAGE_KB;
  }

  /** swap_writepage: one page written to a swap slot (PSWPOUT, PGPGOUT). */
  swapOut(): void {
    this.pswpout++;
    this.pgpgout += PAGE_KB;
  }

  /** A page of a file read from disk (PGPGIN). */
  fileIn(): void {
    this.pgpgin += PAGE_KB;
  }

  /** A dirty file page written back to disk (PGPGOUT). */
  fileOut(): void {
    this.pgpgout += PAGE_KB;
  }
}

/** The counters as plain data (snapshot.ts): [kernel name, value]. */
export interface VmStatImage {
  readonly events: Readonly<Record<string, number>>;
  /** reclaimFruitlessAt; absent when -1 (and in images from before it was saved). */
  readonly reclaimFruitlessAt?: number;
}

export function saveVmStat(vm: VmStat): VmStatImage {
  const events: Record<string, number> = {};
  for (const [name, field] of VM_EVENT_FIELDS) events[name] = vm[field];
  return {
    events,
    ...(vm.reclaimFruitlessAt >= 0 ? { reclaimFruitlessAt: vm.reclaimFruitlessAt } : {}),
  };
}

/** Sets `vm` to an image's counters (names it lacks stay 0: images from before they existed). */
export function restoreVmStat(vm: VmStat, image: VmStatImage): void {
  for (const [name, field] of VM_EVENT_FIELDS) vm[field] = image.events[name] ?? 0;
  vm.reclaimFruitlessAt = image.reclaimFruitlessAt ?? -1;
}
