/**
 * /proc/meminfo, as fs/proc/meminfo.c (meminfo_proc_show) prints it on the
 * capture machine's 6.18 kernel: the same lines in the same order.
 *
 * Linux keeps these figures as vmstat counters updated on every change; here
 * they are recomputed on each read. collectMeminfo first scans the frames the
 * allocator has handed out, [firstUsable, highWater), and walks the tasks;
 * showMeminfo then formats. Each figure's derivation is beside its field.
 *
 * The model's kernel keeps no slab, kernel stacks or vmalloc space, and its
 * page tables take no frames: those lines are estimates from the number of
 * tasks and VMAs, and MemFree does not shrink with them.
 */

import { vmCommitLimit, vmMemoryCommitted } from "../../src/kernel/commit.js";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { HPAGE_PMD_NR, shmemThps } from "../../src/kernel/huge-memory.js";
import { pageTablePagesOf } from "../../src/kernel/hugetlb.js";
import type { Machine } from "../../src/kernel/machine.js";
import {
  KIND_ANON,
  KIND_FREE,
  KIND_MASK,
  KIND_SHMEM,
  PG_CACHED,
  PG_DIRTY,
  PG_HUGETLB,
  PG_MLOCKED,
  type PhysMem,
} from "../../src/kernel/phys.js";
import {
  LRU_ACTIVE_ANON,
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_ANON,
  LRU_INACTIVE_FILE,
  LRU_UNEVICTABLE,
  lruOf,
} from "../../src/kernel/vmscan.js";
import { procFormat } from "./kernel-formats.js";

/** CPUs of the simulated machine (the capture machine has 2). */
export const NR_CPUS = 2;

/** totalram_pages(): every frame the page allocator manages (the kernel's own are below firstUsable). */
export const totalramPages = (phys: PhysMem): number => phys.nrFrames - phys.firstUsable;

/* ---- collect: frames ---- */

/** What one pass over the frames finds, in pages (the NR_* vmstat items). */
export interface FrameCounts {
  /** NR_FREE_PAGES: frames never handed out, plus handed-out frames now free. */
  free: number;
  /** NR_ANON_MAPPED: anonymous frames mapped at least once (counted once per frame, not per PTE). */
  anonMapped: number;
  /** NR_FILE_PAGES less swap cache and buffers: page-cache frames of files and shmem. */
  cached: number;
  /** NR_SHMEM: shmem frames (tmpfs, shared anonymous memory), mapped or not. */
  shmem: number;
  /** NR_FILE_MAPPED: file and shmem frames mapped at least once. */
  mapped: number;
  /** NR_FILE_DIRTY: PG_dirty file frames that write back (not shmem, which has no backing store). */
  dirty: number;
  /** NR_MLOCK: PG_mlocked frames. */
  mlocked: number;
  /**
   * The LRU lists: a page accessed twice (PG_active) is active, mlocked ones
   * are unevictable, the rest inactive; reclaim (vmscan.ts) activates and
   * deactivates them.
   */
  activeAnon: number;
  inactiveAnon: number;
  activeFile: number;
  inactiveFile: number;
  unevictable: number;
}

/** Scans the frames; above highWater every frame is free. */
export function countFrames(phys: PhysMem): FrameCounts {
  const { flags } = phys;
  const c: FrameCounts = {
    free: phys.nrFrames - phys.highWater,
    anonMapped: 0,
    cached: 0,
    shmem: 0,
    mapped: 0,
    dirty: 0,
    mlocked: 0,
    activeAnon: 0,
    inactiveAnon: 0,
    activeFile: 0,
    inactiveFile: 0,
    unevictable: 0,
  };
  for (let pfn = phys.firstUsable; pfn < phys.highWater; pfn++) {
    const f = flags[pfn]!;
    const kind = f & KIND_MASK;
    if (kind === KIND_FREE) {
      c.free++;
      continue;
    }
    if (f & PG_HUGETLB) continue; // the hugetlb pool's: HugePages_*, not AnonPages or Cached
    const isMapped = phys.mapcountOf(pfn) > 0;
    if (f & PG_CACHED) c.cached++;
    if (f & PG_MLOCKED) c.mlocked++;
    // anonymous and shmem pages are swap-backed: the anon lists; page cache
    // and lazily freeable anonymous pages: the file lists (vmscan.ts: lruOf)
    const lru = lruOf(f);
    if (lru === LRU_UNEVICTABLE) c.unevictable++;
    else if (lru === LRU_ACTIVE_FILE) c.activeFile++;
    else if (lru === LRU_INACTIVE_FILE) c.inactiveFile++;
    else if (lru === LRU_ACTIVE_ANON) c.activeAnon++;
    else if (lru === LRU_INACTIVE_ANON) c.inactiveAnon++;
    if (kind === KIND_ANON) {
      if (isMapped) c.anonMapped++;
      continue;
    }
    if (isMapped) c.mapped++;
    if (kind === KIND_SHMEM) c.shmem++;
    else if (f & PG_DIRTY) c.dirty++;
  }
  return c;
}

/* ---- collect: tasks ---- */

/** Per-task and per-VMA kernel memory that the model does not allocate, estimated. */
const KERNEL_THREADS = 60; // kthreadd, per-CPU workers, rcu…: a 2-CPU guest has about 60
const THREAD_SIZE_KB = 16;
const TASK_SLAB_BYTES = 15 * 1024; // task_struct, signal, sighand, files, fs, cred, mm_struct
const VMA_SLAB_BYTES = 256; // vm_area_struct + anon_vma_chain
const SLAB_RECLAIMABLE_KB = 23_040; // dentry and inode caches of the booted root image
const SLAB_UNRECLAIMABLE_KB = 18_432; // the kernel's own caches at boot
const VMALLOC_BASE_KB = 12_800; // modules, BPF, per-CPU chunks, ACPI: vmalloc without the stacks
const PERCPU_KB = 712;

/** What the tasks hold, in pages unless named otherwise. */
export interface TaskCounts {
  /** Tasks with an mm (zombies hold no mm, no kernel stack). */
  live: number;
  /** Every task in the table, zombies included. */
  all: number;
  vmas: number;
  /** NR_PAGETABLE: every live mm's page-table pages (a table shared after fork counts in each). */
  pageTables: number;
}

/** Walks the tasks. */
export function countTasks(m: Machine): TaskCounts {
  const c: TaskCounts = { live: 0, all: m.tasks.size, vmas: 0, pageTables: 0 };
  for (const mm of m.mms()) {
    c.live++;
    c.vmas += mm.vmas.length;
    c.pageTables += pageTablePagesOf(mm);
  }
  return c;
}

/* ---- watermarks ---- */

/** int_sqrt. */
const isqrt = (n: number): number => Math.floor(Math.sqrt(n));

/**
 * The page allocator's watermarks, in pages, for one zone holding all RAM
 * (Linux splits them over DMA, DMA32 and Normal; one zone is the
 * approximation). min_free_kbytes = sqrt(16 × lowmem kB) clamped to
 * [128, 262144] (calculate_min_free_kbytes), raised to what khugepaged
 * recommends with THP in madvise mode: 2 + 9 pageblocks per zone for 3
 * zones, at most 5% of RAM (set_recommended_min_free_kbytes). low and high
 * add max(min/4, 0.1% of RAM) each (watermark_scale_factor 10).
 */
export function watermarks(totalPages: number): { min: number; low: number; high: number } {
  const lowmemKb = totalPages * 4;
  let minFreeKb = Math.min(262_144, Math.max(128, isqrt(lowmemKb * 16)));
  const recommendedKb = Math.min(512 * 3 * (2 + 9) * 4, Math.floor(lowmemKb / 20));
  if (recommendedKb > minFreeKb) minFreeKb = recommendedKb;
  const min = Math.floor(minFreeKb / 4);
  const gap = Math.max(Math.floor(min / 4), Math.floor((totalPages * 10) / 10_000));
  return { min, low: min + gap, high: min + 2 * gap };
}

/* ---- collect and format ---- */

/** Every line of /proc/meminfo, in kB (HugePages_* are counts). */
export type Meminfo = ReadonlyArray<readonly [label: string, value: number]>;

/**
 * The lines in 6.18's order with their values.
 * - MemTotal: totalram_pages. MemFree: free frames (the scan).
 * - MemAvailable (si_mem_available): free − totalreserve (the high watermark)
 *   + file LRU − min(file LRU / 2, low); the slab term is left out (see below).
 * - Cached: file and shmem page cache. Buffers: 0 (no block device cache).
 * - SwapCached: pages in the swap cache; SwapTotal, SwapFree: the slots of
 *   every swap area, and those no entry and no cached page holds.
 * - Active/Inactive/Unevictable: the LRU split of countFrames; Mlocked: PG_mlocked.
 * - Dirty: dirty file pages; AnonPages, Mapped, Shmem: the scan.
 * - Slab, KernelStack, VmallocUsed, Percpu: estimates (see the constants).
 * - PageTables: live mms' page-table pages.
 * - CommitLimit: vm_commit_limit (overcommit_kbytes, or overcommit_ratio
 *   percent of RAM, plus swap); Committed_AS: vm_committed_as (commit.ts).
 * - DirectMap*: the kernel's linear map of RAM: 4k pages at the bottom,
 *   2M pages for the rest of the first GiB, 1G pages above.
 */
export function collectMeminfo(m: Machine): Meminfo {
  const kb = (pages: number): number => pages * (PAGE_SIZE / 1024);
  const total = totalramPages(m.phys);
  const f = countFrames(m.phys);
  const t = countTasks(m);
  const wm = watermarks(total);
  const kernelStackKb = (t.live + KERNEL_THREADS) * THREAD_SIZE_KB;
  const sunreclaimKb =
    SLAB_UNRECLAIMABLE_KB + Math.ceil((t.all * TASK_SLAB_BYTES + t.vmas * VMA_SLAB_BYTES) / 1024);
  const fileLru = f.activeFile + f.inactiveFile;
  // si_mem_available would also add reclaimable slab; the model's slab is an
  // estimate that MemFree never gave up, so adding it would count it twice
  // (and on a small machine report more available than total).
  const available = Math.min(
    total,
    f.free - wm.high + fileLru - Math.min(Math.floor(fileLru / 2), wm.low),
  );
  const direct = directMap(m.phys.nrFrames * 4);
  return [
    ["MemTotal", kb(total)],
    ["MemFree", kb(f.free)],
    ["MemAvailable", kb(Math.max(0, available))],
    ["Buffers", 0],
    ["Cached", kb(f.cached)],
    ["SwapCached", kb(m.swap.cachedPages())],
    ["Active", kb(f.activeAnon + f.activeFile)],
    ["Inactive", kb(f.inactiveAnon + f.inactiveFile)],
    ["Active(anon)", kb(f.activeAnon)],
    ["Inactive(anon)", kb(f.inactiveAnon)],
    ["Active(file)", kb(f.activeFile)],
    ["Inactive(file)", kb(f.inactiveFile)],
    ["Unevictable", kb(f.unevictable)],
    ["Mlocked", kb(f.mlocked)],
    ["SwapTotal", kb(m.swap.totalPages())],
    ["SwapFree", kb(m.swap.totalPages() - m.swap.usedPages())],
    ["Zswap", 0],
    ["Zswapped", 0],
    ["Dirty", kb(f.dirty)],
    ["Writeback", 0],
    ["AnonPages", kb(f.anonMapped)],
    ["Mapped", kb(f.mapped)],
    ["Shmem", kb(f.shmem)],
    ["KReclaimable", SLAB_RECLAIMABLE_KB],
    ["Slab", SLAB_RECLAIMABLE_KB + sunreclaimKb],
    ["SReclaimable", SLAB_RECLAIMABLE_KB],
    ["SUnreclaim", sunreclaimKb],
    ["KernelStack", kernelStackKb],
    ["PageTables", kb(t.pageTables)],
    ["SecPageTables", 0],
    ["NFS_Unstable", 0],
    ["Bounce", 0],
    ["WritebackTmp", 0],
    // K() of an unsigned long; a negative overcommit_ratio makes it huge (and,
    // beyond 2^53, printed to a double's precision)
    ["CommitLimit", Number(BigInt.asUintN(64, vmCommitLimit(m) * BigInt(PAGE_SIZE / 1024)))],
    ["Committed_AS", kb(vmMemoryCommitted(m))],
    ["VmallocTotal", 34_359_738_367], // 32 TiB - 1 kB of vmalloc space (4-level paging)
    ["VmallocUsed", VMALLOC_BASE_KB + kernelStackKb], // kernel stacks are vmalloc'ed (VMAP_STACK)
    ["VmallocChunk", 0],
    ["Percpu", PERCPU_KB],
    ["AnonHugePages", (m.phys.anonPmdMapped * HPAGE_PMD_NR * PAGE_SIZE) / 1024], // NR_ANON_THPS
    ["ShmemHugePages", (shmemThps(m) * HPAGE_PMD_NR * PAGE_SIZE) / 1024], // NR_SHMEM_THPS
    ["ShmemPmdMapped", (m.phys.shmemPmdMapped * HPAGE_PMD_NR * PAGE_SIZE) / 1024], // NR_SHMEM_PMDMAPPED
    ["FileHugePages", 0],
    ["FilePmdMapped", 0],
    ["Balloon", 0],
    // hugetlb_report_meminfo; Hugetlb: every page of the pool, in use or not
    ["HugePages_Total", m.hugetlb.total],
    ["HugePages_Free", m.hugetlb.free.length],
    ["HugePages_Rsvd", m.hugetlb.resv],
    ["HugePages_Surp", m.hugetlb.surplus],
    ["Hugepagesize", 2048],
    ["Hugetlb", m.hugetlb.total * 2048],
    ["DirectMap4k", direct.k4],
    ["DirectMap2M", direct.m2],
    ["DirectMap1G", direct.g1],
  ];
}

/** The linear map's page sizes, in kB, for `ramKb` of RAM. */
function directMap(ramKb: number): { k4: number; m2: number; g1: number } {
  const GIB_KB = 1024 * 1024;
  const k4 = Math.min(ramKb, 28_672); // the first 2 MiB and the BIOS/ACPI holes below 1 GiB
  const g1 = ramKb > GIB_KB ? Math.floor((ramKb - GIB_KB) / GIB_KB) * GIB_KB : 0;
  return { k4, m2: ramKb - k4 - g1, g1 };
}

/**
 * A meminfo line: show_val_kb's 16-column label and `%8lu kB`, except the
 * HugePages_* counts (hugetlb_report_meminfo: `%5lu` after 3 spaces, no kB).
 */
function meminfoLine(label: string, value: number): string {
  const head = `${label}:`.padEnd(16);
  if (label.startsWith("HugePages_")) return `${head}   ${String(value).padStart(5)}\n`;
  return `${head}${String(value).padStart(8)} kB\n`;
}

/** /proc/meminfo. */
export function showMeminfo(m: Machine): string {
  const text = collectMeminfo(m)
    .map(([label, value]) => meminfoLine(label, value))
    .join("");
  return procFormat(m.config.kernelVersion).apply("meminfo", text);
}
