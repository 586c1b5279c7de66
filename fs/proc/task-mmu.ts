/**
 * /proc/PID/maps, smaps, smaps_rollup and pagemap, as fs/proc/task_mmu.c
 * makes them: first a walk that collects a VMA's statistics (gatherStats,
 * like smap_gather_stats), then formatters that print them.
 */

import {
  PAGE_SIZE,
  TASK_SIZE,
  VM_EXEC,
  VM_LOCKED,
  VM_MAYSHARE,
  VM_PFNMAP,
  VM_READ,
  VM_SHARED,
  VM_SOFTDIRTY,
  VM_WRITE,
} from "../../src/kernel/constants.js";
import {
  anonHugePagesOf,
  HUGE_ZERO_PFN,
  shmemPmdPagesOf,
  thpEligible,
} from "../../src/kernel/huge-memory.js";
import { HPAGE_SIZE, hugetlbPagemap, hugetlbSmaps, isVmHugetlb } from "../../src/kernel/hugetlb.js";
import type { Kernel } from "../../src/kernel/kernel.js";
import { PG_KSM } from "../../src/kernel/ksm.js";
import type { Mm } from "../../src/kernel/mm.js";
import {
  type PteSpan,
  pteDirty,
  pteIsSwap,
  ptePfn,
  ptePresent,
  pteSoftDirty,
  swapOffset,
  swapType,
  swpEntry,
  TableSummaries,
  youngAt,
} from "../../src/kernel/page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  KIND_SHMEM,
  PG_DIRTY,
  PG_LAZYFREE,
  PG_REFERENCED,
  type PhysMem,
  pssKb,
  pssShare,
  ZERO_PFN,
} from "../../src/kernel/phys.js";
import type { SwapState } from "../../src/kernel/swap.js";
import type { Vma } from "../../src/kernel/vma.js";
import { hexPad } from "../hex.js";
import { type ProcFormat, procFormat } from "./kernel-formats.js";
import { vmFlagsString } from "./vm-flags.js";

/** struct mem_size_stats: page counts, and Pss sums in fixed point (bytes << 12). */
export interface MemSizeStats {
  resident: number;
  sharedClean: number;
  sharedDirty: number;
  privateClean: number;
  privateDirty: number;
  referenced: number;
  anonymous: number;
  /** Pages that are KSM pages (smaps `KSM:`). */
  ksm: number;
  pss: number;
  pssDirty: number;
  pssAnon: number;
  pssFile: number;
  pssShmem: number;
  pssLocked: number;
  /** Swap entries (pages), and their SwapPss: each divided by its slot's entries (fixed point). */
  swap: number;
  swapPss: number;
  /** Lazy-free pages (MADV_FREE) neither the PTE nor the folio has marked dirty since. */
  lazyFree: number;
  /** kB of hugetlb pages mapped by more than one / by one entry (smaps_hugetlb_range). */
  sharedHugetlb: number;
  privateHugetlb: number;
  /** Pages mapped by a huge PMD of an anonymous THP (smaps_pmd_entry: AnonHugePages). */
  anonHuge: number;
  /** Pages mapped by a huge PMD of a shmem THP (smaps_pmd_entry: ShmemPmdMapped). */
  shmemHuge: number;
}

export const emptyStats = (): MemSizeStats => ({
  resident: 0,
  sharedClean: 0,
  sharedDirty: 0,
  privateClean: 0,
  privateDirty: 0,
  referenced: 0,
  anonymous: 0,
  ksm: 0,
  pss: 0,
  pssDirty: 0,
  pssAnon: 0,
  pssFile: 0,
  pssShmem: 0,
  pssLocked: 0,
  swap: 0,
  swapPss: 0,
  lazyFree: 0,
  sharedHugetlb: 0,
  privateHugetlb: 0,
  anonHuge: 0,
  shmemHuge: 0,
});

/**
 * Statistics of whole PTE tables, for callers that sum many processes at
 * once (ps): after fork, a thousand children share the same tables, and
 * the page table computes each table's figures once (TableSummaries).
 * Valid for one moment of the machine only. Whole-table figures leave
 * `referenced` at 0: the accessed bits belong to each mm.
 */
export type TableMemo = TableSummaries<MemSizeStats>;

export function newTableMemo(phys: PhysMem, swap: SwapState | null = null): TableMemo {
  return new TableSummaries((span) => {
    const whole = emptyStats();
    accountSpan(phys, swap, span, false, whole);
    return whole;
  });
}

/**
 * Adds one VMA's pages to `mss` (smaps_pte_range -> smaps_account). A
 * page counts as Private when at most one PTE maps it, in any mm; its Pss
 * is 4096 << 12 divided by that map count, in integer division. Special
 * PTEs (the zero page, raw PFN mappings) count for nothing.
 *
 * This is the hot loop of `cat /proc/PID/smaps`: a page walk whose
 * pmd_entry reads the span's entries and the frame arrays directly. With
 * a `memo`, whole tables are counted once per memo and `referenced` is not
 * computed.
 */
export function gatherStats(
  phys: PhysMem,
  mm: Mm,
  vma: Vma,
  mss: MemSizeStats,
  memo?: TableMemo,
  swap: SwapState | null = null,
): void {
  if (vma.flags & VM_PFNMAP) return;
  if (isVmHugetlb(vma)) {
    // hugetlb pages count in Shared/Private_Hugetlb only, not in Rss or Pss
    const huge = hugetlbSmaps(phys, mm, vma);
    mss.sharedHugetlb += huge.shared;
    mss.privateHugetlb += huge.private;
    return;
  }
  const locked = (vma.flags & VM_LOCKED) !== 0;
  const pssBefore = mss.pss;
  mm.pt.walk(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, {
    pmdEntry(span) {
      if (memo === undefined || !span.whole) accountSpan(phys, swap, span, memo === undefined, mss);
      else addStats(mss, memo.of(span));
    },
  });
  if (locked) mss.pssLocked += mss.pss - pssBefore;
  if (vma.file !== null && vma.file.swapped.size > 0) mss.swap += shmemSwapUsage(mm, vma);
}

/**
 * smap_gather_stats for a shmem VMA (shmem_swap_usage): Swap also counts
 * the object's pages in the VMA's range that are out on swap (their swap
 * entries live in the object's page cache, not in PTEs; no SwapPss). In a
 * private writable mapping only where no PTE maps a page of its own
 * (smaps_pte_hole, a none PTE).
 */
function shmemSwapUsage(mm: Mm, vma: Vma): number {
  const first = vma.pgoff;
  const last = first + (vma.end - vma.start) / PAGE_SIZE;
  const everyPage = (vma.flags & VM_SHARED) !== 0 || (vma.flags & VM_WRITE) === 0;
  let pages = 0;
  for (const index of vma.file!.swapped.keys()) {
    if (index < first || index >= last) continue;
    if (everyPage || mm.pt.get(vma.start / PAGE_SIZE + index - first) === 0) pages++;
  }
  return pages;
}

/** mss += more, field by field (pssLocked aside: it depends on the VMA). */
function addStats(mss: MemSizeStats, more: MemSizeStats): void {
  mss.resident += more.resident;
  mss.sharedClean += more.sharedClean;
  mss.sharedDirty += more.sharedDirty;
  mss.privateClean += more.privateClean;
  mss.privateDirty += more.privateDirty;
  mss.referenced += more.referenced;
  mss.anonymous += more.anonymous;
  mss.ksm += more.ksm;
  mss.pss += more.pss;
  mss.pssDirty += more.pssDirty;
  mss.pssAnon += more.pssAnon;
  mss.pssFile += more.pssFile;
  mss.pssShmem += more.pssShmem;
  mss.swap += more.swap;
  mss.swapPss += more.swapPss;
  mss.lazyFree += more.lazyFree;
  mss.sharedHugetlb += more.sharedHugetlb;
  mss.privateHugetlb += more.privateHugetlb;
}

/** Counts the entries of `span` into `mss`; with `young`, the mm's accessed bits count as Referenced. */
function accountSpan(
  phys: PhysMem,
  swap: SwapState | null,
  span: PteSpan,
  young: boolean,
  mss: MemSizeStats,
): void {
  const { flags } = phys;
  const table = span.entries;
  const youngBits = young ? span.youngBits() : null;
  const { lo, hi } = span;
  let resident = 0;
  let sharedClean = 0;
  let sharedDirty = 0;
  let privateClean = 0;
  let privateDirty = 0;
  let referenced = 0;
  let anonymous = 0;
  let ksm = 0;
  let pss = 0;
  let pssDirty = 0;
  let pssAnon = 0;
  let pssShmem = 0;
  let lazyFree = 0;
  for (let i = lo; i < hi; i++) {
    const pte = table[i]!;
    if (!ptePresent(pte)) {
      if (pte !== 0) accountSwapEntry(swap, pte, mss);
      continue;
    }
    const pfn = ptePfn(pte);
    if (pfn === ZERO_PFN) continue;
    const f = flags[pfn]!;
    const kind = f & KIND_MASK;
    const mc = phys.mapcountOf(pfn); // own + the folio's PMD mappings
    resident++;
    if (kind === KIND_ANON) anonymous++;
    if (f & PG_KSM) ksm++;
    if (youngAt(youngBits, i) || f & PG_REFERENCED) referenced++;
    const dirty = pteDirty(pte) || (f & PG_DIRTY) !== 0;
    if (f & PG_LAZYFREE && !dirty) lazyFree++;
    const share = pssShare(mc);
    pss += share;
    if (kind === KIND_ANON) pssAnon += share;
    else if (kind === KIND_SHMEM) pssShmem += share;
    if (dirty) {
      pssDirty += share;
      if (mc < 2) privateDirty++;
      else sharedDirty++;
    } else if (mc < 2) privateClean++;
    else sharedClean++;
  }
  mss.resident += resident;
  mss.sharedClean += sharedClean;
  mss.sharedDirty += sharedDirty;
  mss.privateClean += privateClean;
  mss.privateDirty += privateDirty;
  mss.referenced += referenced;
  mss.anonymous += anonymous;
  mss.ksm += ksm;
  mss.pss += pss;
  mss.pssDirty += pssDirty;
  mss.pssAnon += pssAnon;
  mss.pssShmem += pssShmem;
  mss.pssFile += pss - pssAnon - pssShmem;
  mss.lazyFree += lazyFree;
}

/**
 * smaps_pte_entry for a swap entry: Swap counts the page, SwapPss its share,
 * the page divided by the slot's swap entries (swp_swapcount) when two or
 * more name it, in fixed point as Pss.
 */
function accountSwapEntry(swap: SwapState | null, pte: number, mss: MemSizeStats): void {
  mss.swap++;
  const count = swap === null ? 1 : swap.entries(swpEntry(pte));
  mss.swapPss += pssShare(count);
}

/* ---- formatting ---- */

const hex8 = (n: number): string => hexPad(n, 8);
const hex2 = (n: number): string => hexPad(n, 2);
/** Pages to kB. */
const kb = (pages: number): number => pages * (PAGE_SIZE / 1024);

export { pssKb };

/** Where names start in maps lines: 25 + 6 * sizeof(void *) - 1 = 72, then one space. */
const NAME_COLUMN = 72;

/** seq_path's escaping: only newline, as \012. */
const escapePath = (path: string): string => path.replaceAll("\n", "\\012");

/** The name column of a VMA (get_vma_name), or null for an unnamed one. */
export function vmaName(mm: Mm, vma: Vma): string | null {
  if (vma.file !== null) {
    if (vma.anonName !== null) return `[anon_shmem:${vma.anonName}]`;
    const deleted = vma.file.nlink === 0 ? " (deleted)" : "";
    return escapePath(vma.file.path) + deleted;
  }
  if (vma.special !== null) return `[${vma.special}]`;
  if (vma.start < mm.brk && vma.end > mm.startBrk) return "[heap]";
  if (vma.start <= mm.startStack && vma.end >= mm.startStack) return "[stack]";
  if (vma.anonName !== null) return `[anon:${vma.anonName}]`;
  return null;
}

/** The perms column of maps (show_map_vma): r, w, x or -, then s (VM_MAYSHARE) or p. */
export const mapsPerms = (flags: number): string =>
  (flags & VM_READ ? "r" : "-") +
  (flags & VM_WRITE ? "w" : "-") +
  (flags & VM_EXEC ? "x" : "-") +
  (flags & VM_MAYSHARE ? "s" : "p");

/** The maps line (show_map_vma) without its newline. */
function mapsLine(mm: Mm, vma: Vma): string {
  const perms = mapsPerms(vma.flags);
  const file = vma.file;
  const offset = file === null ? 0 : vma.pgoff * PAGE_SIZE;
  const dev = file === null ? "00:00" : `${hex2(file.dev.major)}:${hex2(file.dev.minor)}`;
  const ino = file === null ? 0 : file.ino;
  return namedLine(
    `${hex8(vma.start)}-${hex8(vma.end)} ${perms} ${hex8(offset)} ${dev} ${ino} `,
    vmaName(mm, vma),
  );
}

/** Pads a maps prefix so that a name starts at column 73 (seq_pad); unnamed lines keep their trailing space. */
function namedLine(prefix: string, name: string | null): string {
  if (name === null) return prefix;
  return `${prefix.slice(0, -1).padEnd(NAME_COLUMN, " ")} ${name}`;
}

/** The gate VMA, printed after the last real VMA (get_gate_vma); readable before 5.3 (kernel-formats.ts). */
const vsyscallLine = (fmt: ProcFormat): string =>
  namedLine(
    `ffffffffff600000-ffffffffff601000 ${fmt.vsyscallFlags & VM_READ ? "r" : "-"}-xp 00000000 00:00 0 `,
    "[vsyscall]",
  );

/** /proc/PID/maps. A task without an mm (a zombie) reads empty. */
export function showMaps(mm: Mm | null, k: Kernel | null = null): string {
  if (mm === null) return "";
  let out = "";
  for (const vma of mm.vmas) out += `${mapsLine(mm, vma)}\n`;
  return `${out}${vsyscallLine(formatOf(k))}\n`;
}

const field = (label: string, kbValue: number): string =>
  `${`${label}:`.padEnd(16)}${String(kbValue).padStart(8)} kB\n`;

/** The lines shared by smaps and smaps_rollup, Shared_Clean through Locked (__show_smap). */
function showSmapTail(mss: MemSizeStats): string {
  return (
    field("Shared_Clean", kb(mss.sharedClean)) +
    field("Shared_Dirty", kb(mss.sharedDirty)) +
    field("Private_Clean", kb(mss.privateClean)) +
    field("Private_Dirty", kb(mss.privateDirty)) +
    field("Referenced", kb(mss.referenced)) +
    field("Anonymous", kb(mss.anonymous)) +
    field("KSM", kb(mss.ksm)) +
    field("LazyFree", kb(mss.lazyFree)) +
    field("AnonHugePages", kb(mss.anonHuge)) +
    field("ShmemPmdMapped", kb(mss.shmemHuge)) +
    field("FilePmdMapped", 0) +
    field("Shared_Hugetlb", mss.sharedHugetlb) +
    `Private_Hugetlb: ${String(mss.privateHugetlb).padStart(7)} kB\n` +
    field("Swap", kb(mss.swap)) +
    field("SwapPss", pssKb(mss.swapPss)) +
    field("Locked", pssKb(mss.pssLocked))
  );
}

/** One smaps block: the maps line, the statistics, THPeligible and VmFlags (show_smap). */
export function smapsBlock(
  phys: PhysMem,
  mm: Mm,
  vma: Vma,
  softDirty: boolean,
  swap: SwapState | null = null,
  pkeys = false,
  k: Kernel | null = null,
): string {
  const mss = emptyStats();
  gatherStats(phys, mm, vma, mss, undefined, swap);
  if (k !== null) mss.anonHuge += anonHugePagesOf(k, mm, vma);
  if (k !== null) mss.shmemHuge += shmemPmdPagesOf(k, mm, vma);
  const fmt = formatOf(k);
  return fmt.apply(
    "smaps",
    smapsText(
      mapsLine(mm, vma),
      (vma.end - vma.start) / 1024,
      mss,
      vmFlagsString(vma.flags, softDirty, fmt.mnemonics),
      pkeys,
      isVmHugetlb(vma) ? HPAGE_SIZE / 1024 : 4,
      k !== null && thpEligible(k, vma),
    ),
  );
}

/** The /proc format of the machine's kernel version (kernel-formats.ts); 6.18 without a machine. */
const formatOf = (k: Kernel | null): ProcFormat => procFormat(k?.config.kernelVersion ?? "6.18");

function smapsText(
  header: string,
  sizeKb: number,
  mss: MemSizeStats,
  flags: string,
  pkeys: boolean,
  pageSizeKb = 4,
  thpEligible = false,
): string {
  return (
    `${header}\n` +
    field("Size", sizeKb) +
    field("KernelPageSize", pageSizeKb) +
    field("MMUPageSize", pageSizeKb) +
    field("Rss", kb(mss.resident)) +
    field("Pss", pssKb(mss.pss)) +
    field("Pss_Dirty", pssKb(mss.pssDirty)) +
    showSmapTail(mss) +
    `THPeligible:    ${String(thpEligible ? 1 : 0).padStart(8)}\n` +
    (pkeys ? `ProtectionKey:  ${String(0).padStart(8)}\n` : "") + // vma_pkey: every VMA has key 0
    `VmFlags: ${flags}\n`
  );
}

/** /proc/PID/smaps: a block per VMA, then the [vsyscall] gate. Empty without an mm. */
export function showSmaps(
  phys: PhysMem,
  mm: Mm | null,
  softDirty: boolean,
  swap: SwapState | null = null,
  pkeys = false,
  k: Kernel | null = null,
): string {
  if (mm === null) return "";
  let out = "";
  for (const vma of mm.vmas) out += smapsBlock(phys, mm, vma, softDirty, swap, pkeys, k);
  const fmt = formatOf(k);
  const gate = vmFlagsString(fmt.vsyscallFlags, softDirty, fmt.mnemonics);
  return out + fmt.apply("smaps", smapsText(vsyscallLine(fmt), 4, emptyStats(), gate, pkeys));
}

/** Every VMA's statistics summed in one accumulator, fixed point untruncated (show_smaps_rollup). */
export function rollupStats(
  phys: PhysMem,
  mm: Mm,
  memo?: TableMemo,
  swap: SwapState | null = null,
  k: Kernel | null = null,
): MemSizeStats {
  const mss = emptyStats();
  for (const vma of mm.vmas) {
    gatherStats(phys, mm, vma, mss, memo, swap);
    if (k !== null) mss.anonHuge += anonHugePagesOf(k, mm, vma);
    if (k !== null) mss.shmemHuge += shmemPmdPagesOf(k, mm, vma);
  }
  return mss;
}

/** /proc/PID/smaps_rollup text; the caller refuses (ESRCH) a task without an mm. */
export function showSmapsRollup(
  phys: PhysMem,
  mm: Mm,
  swap: SwapState | null = null,
  k: Kernel | null = null,
): string {
  const mss = rollupStats(phys, mm, undefined, swap, k);
  const first = mm.vmas[0]?.start ?? 0;
  const last = mm.vmas[mm.vmas.length - 1]?.end ?? 0;
  const header = namedLine(`${hex8(first)}-${hex8(last)} ---p 00000000 00:00 0 `, "[rollup]");
  return formatOf(k).apply(
    "smaps_rollup",
    `${header}\n` +
      field("Rss", kb(mss.resident)) +
      field("Pss", pssKb(mss.pss)) +
      field("Pss_Dirty", pssKb(mss.pssDirty)) +
      field("Pss_Anon", pssKb(mss.pssAnon)) +
      field("Pss_File", pssKb(mss.pssFile)) +
      field("Pss_Shmem", pssKb(mss.pssShmem)) +
      showSmapTail(mss),
  );
}

/* ---- pagemap ---- */

/** Bits of a pagemap entry's high word (bit n of the u64 is bit n - 32 here). */
const PM_PRESENT_HI = 1 << 31; // bit 63
const PM_SWAP_HI = 1 << 30; // bit 62: a swap entry
const PM_FILE_HI = 1 << 29; // bit 61: file page or shared anonymous
const PM_MMAP_EXCLUSIVE_HI = 1 << 24; // bit 56: mapped exactly once
const PM_SOFT_DIRTY_HI = 1 << 23; // bit 55

/** The number of pagemap entries: one per page of user space (TASK_SIZE / PAGE_SIZE). */
export const PAGEMAP_ENTRIES = TASK_SIZE / PAGE_SIZE;

/**
 * Entries [firstVpn, firstVpn + count) of /proc/PID/pagemap, little-endian
 * u64s (pte_to_pagemap_entry): PFN in bits 0-54, soft-dirty 55, exclusive
 * 56, file/shared-anonymous 61, present 63. Holes read 0.
 */
export function pagemapEntries(
  phys: PhysMem,
  mm: Mm,
  firstVpn: number,
  count: number,
  softDirty: boolean,
  k: Kernel | null = null,
): Uint8Array {
  const bytes = new Uint8Array(count * 8);
  const view = new DataView(bytes.buffer);
  const last = firstVpn + count;
  for (let vi = mm.findIndex(firstVpn * PAGE_SIZE); vi < mm.vmas.length; vi++) {
    const vma = mm.vmas[vi]!;
    const lo = Math.max(firstVpn, vma.start / PAGE_SIZE);
    const hi = Math.min(last, vma.end / PAGE_SIZE);
    if (lo >= hi) break;
    // A VMA whose soft-dirty bit is set reads soft-dirty everywhere, holes included.
    if (softDirty && vma.flags & VM_SOFTDIRTY)
      for (let vpn = lo; vpn < hi; vpn++)
        view.setUint32((vpn - firstVpn) * 8 + 4, PM_SOFT_DIRTY_HI, true);
    if (isVmHugetlb(vma)) {
      // pagemap_hugetlb_range: each 4 KiB of a mapped huge page reads its own frame
      for (let vpn = lo; vpn < hi; vpn++) {
        const e = hugetlbPagemap(phys, mm, vpn * PAGE_SIZE);
        if (e === null) continue;
        const n = vpn - firstVpn;
        view.setUint32(n * 8, e.pfn, true);
        const word =
          PM_PRESENT_HI | (e.file ? PM_FILE_HI : 0) | (e.exclusive ? PM_MMAP_EXCLUSIVE_HI : 0);
        view.setUint32(n * 8 + 4, (view.getUint32(n * 8 + 4, true) | word) >>> 0, true);
      }
      continue;
    }
    mm.pt.walk(lo, hi, {
      pteEntry(pte, i, span) {
        const n = span.base + i - firstVpn;
        let word =
          softDirty && (vma.flags & VM_SOFTDIRTY || pteSoftDirty(pte)) ? PM_SOFT_DIRTY_HI : 0;
        if (ptePresent(pte) && k !== null && mm.pt.isHuge(span.key)) {
          // pagemap_pmd_range: a huge PMD's pages; exclusive while one PMD maps the folio.
          const head = ptePfn(span.entries[0]!);
          const zero = head === ZERO_PFN;
          const file = zero || (phys.flags[head]! & KIND_MASK) !== KIND_ANON; // a shmem THP
          word |= PM_PRESENT_HI | (file ? PM_FILE_HI : 0);
          if (!zero && k.phys.entireOf(head) === 1) word |= PM_MMAP_EXCLUSIVE_HI;
          view.setUint32(n * 8, (zero ? HUGE_ZERO_PFN : head) + i, true);
        } else if (ptePresent(pte)) {
          const pfn = ptePfn(pte);
          word |= PM_PRESENT_HI;
          const normal = pfn !== ZERO_PFN && !(vma.flags & VM_PFNMAP);
          if (normal && (phys.flags[pfn]! & KIND_MASK) !== KIND_ANON) word |= PM_FILE_HI;
          if (normal && phys.mapcountOf(pfn) === 1) word |= PM_MMAP_EXCLUSIVE_HI;
          view.setUint32(n * 8, pfn, true);
        } else if (pteIsSwap(pte)) {
          // swp_type | swp_offset << 5 in the PFN field (MAX_SWAPFILES_SHIFT).
          word |= PM_SWAP_HI;
          const frame = swapType(pte) + swapOffset(pte) * 32;
          view.setUint32(n * 8, frame >>> 0, true);
          word |= Math.floor(frame / 2 ** 32);
        }
        view.setUint32(n * 8 + 4, word >>> 0, true);
      },
    });
  }
  return bytes;
}
