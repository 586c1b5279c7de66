/**
 * /proc/PID/maps, smaps, smaps_rollup and pagemap, as fs/proc/task_mmu.c
 * makes them: first a walk that collects a VMA's statistics (gatherStats,
 * like smap_gather_stats), then formatters that print them.
 */
import {
  PAGE_SIZE,
  PTRS_PER_PTE,
  VM_EXEC,
  VM_LOCKED,
  VM_PFNMAP,
  VM_SOFTDIRTY,
} from "../../src/kernel/constants.js";
import type { Mm } from "../../src/kernel/mm.js";
import { PTE_DIRTY, PTE_SOFT_DIRTY, type PteTable } from "../../src/kernel/page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  KIND_SHMEM,
  MAPCOUNT_SATURATED,
  PG_DIRTY,
  PG_REFERENCED,
  type PhysMem,
  ZERO_PFN,
} from "../../src/kernel/phys.js";
import type { Vma } from "../../src/kernel/vma.js";
import { hexPad } from "../hex.js";
import { vmFlagsString } from "./vm-flags.js";

/** PSS_SHIFT: Pss is summed in fixed point, bytes << 12. A private page adds 4096 << 12. */
const PSS_SHIFT = 12;
const PSS_PAGE = PAGE_SIZE * 2 ** PSS_SHIFT;

/** struct mem_size_stats: page counts, and Pss sums in fixed point (bytes << 12). */
export interface MemSizeStats {
  resident: number;
  sharedClean: number;
  sharedDirty: number;
  privateClean: number;
  privateDirty: number;
  referenced: number;
  anonymous: number;
  pss: number;
  pssDirty: number;
  pssAnon: number;
  pssFile: number;
  pssShmem: number;
  pssLocked: number;
}

export const emptyStats = (): MemSizeStats => ({
  resident: 0,
  sharedClean: 0,
  sharedDirty: 0,
  privateClean: 0,
  privateDirty: 0,
  referenced: 0,
  anonymous: 0,
  pss: 0,
  pssDirty: 0,
  pssAnon: 0,
  pssFile: 0,
  pssShmem: 0,
  pssLocked: 0,
});

/**
 * Statistics of whole PTE tables, by table, for callers that sum many
 * processes at once (ps): after fork, a thousand children share the same
 * tables, and each is counted once instead of once per child. Valid for one
 * moment of the machine only. Entries leave `referenced` at 0: the accessed
 * bits belong to each mm, not to the table.
 */
export type TableMemo = Map<PteTable, MemSizeStats>;

/**
 * Adds one VMA's pages to `mss` (smaps_pte_entry -> smaps_account). A
 * page counts as Private when at most one PTE maps it, in any mm; its Pss
 * is 4096 << 12 divided by that map count, in integer division. Special
 * PTEs (the zero page, raw PFN mappings) count for nothing.
 *
 * This is the hot loop of `cat /proc/PID/smaps`: it reads the PTE table,
 * the young bitmap and the frame arrays directly, one 2 MiB table at a
 * time. With a `memo`, whole tables are counted once per memo and
 * `referenced` is not computed.
 */
export function gatherStats(
  phys: PhysMem,
  mm: Mm,
  vma: Vma,
  mss: MemSizeStats,
  memo?: TableMemo,
): void {
  if (vma.flags & VM_PFNMAP) return;
  const locked = (vma.flags & VM_LOCKED) !== 0;
  const pssBefore = mss.pss;
  mm.pt.forEachSpan(vma.start / PAGE_SIZE, vma.end / PAGE_SIZE, (slot, _key, lo, hi) => {
    if (memo === undefined || lo !== 0 || hi !== PTRS_PER_PTE) {
      accountTable(phys, slot.table.pte, memo === undefined ? slot.young : null, lo, hi, mss);
      return;
    }
    let whole = memo.get(slot.table);
    if (whole === undefined) {
      whole = emptyStats();
      accountTable(phys, slot.table.pte, null, 0, PTRS_PER_PTE, whole);
      memo.set(slot.table, whole);
    }
    addStats(mss, whole);
  });
  if (locked) mss.pssLocked += mss.pss - pssBefore;
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
  mss.pss += more.pss;
  mss.pssDirty += more.pssDirty;
  mss.pssAnon += more.pssAnon;
  mss.pssFile += more.pssFile;
  mss.pssShmem += more.pssShmem;
}

/** Counts entries [lo, hi) of one PTE table into `mss`; `young` are the mm's accessed bits. */
function accountTable(
  phys: PhysMem,
  table: Uint32Array,
  young: Uint32Array | null,
  lo: number,
  hi: number,
  mss: MemSizeStats,
): void {
  const { mapcounts, flags } = phys;
  let resident = 0;
  let sharedClean = 0;
  let sharedDirty = 0;
  let privateClean = 0;
  let privateDirty = 0;
  let referenced = 0;
  let anonymous = 0;
  let pss = 0;
  let pssDirty = 0;
  let pssAnon = 0;
  let pssShmem = 0;
  for (let i = lo; i < hi; i++) {
    const pte = table[i]!;
    if (pte === 0) continue;
    const pfn = pte >>> 4;
    if (pfn === ZERO_PFN) continue;
    const f = flags[pfn]!;
    const kind = f & KIND_MASK;
    const raw = mapcounts[pfn]!;
    const mc = raw === MAPCOUNT_SATURATED ? phys.mapcountOf(pfn) : raw;
    resident++;
    if (kind === KIND_ANON) anonymous++;
    if ((young !== null && (young[i >>> 5]! & (1 << (i & 31))) !== 0) || f & PG_REFERENCED)
      referenced++;
    const dirty = (pte & PTE_DIRTY) !== 0 || (f & PG_DIRTY) !== 0;
    const share = mc < 2 ? PSS_PAGE : Math.floor(PSS_PAGE / mc);
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
  mss.pss += pss;
  mss.pssDirty += pssDirty;
  mss.pssAnon += pssAnon;
  mss.pssShmem += pssShmem;
  mss.pssFile += pss - pssAnon - pssShmem;
}

/* ---- formatting ---- */

const hex8 = (n: number): string => hexPad(n, 8);
const hex2 = (n: number): string => hexPad(n, 2);
/** Pages to kB. */
const kb = (pages: number): number => pages * (PAGE_SIZE / 1024);
/** Fixed-point Pss to kB, truncated: (pss >> PSS_SHIFT) >> 10. */
export const pssKb = (fixed: number): number => Math.floor(fixed / 2 ** (PSS_SHIFT + 10));

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

/** The maps line (show_map_vma) without its newline. */
export function mapsLine(mm: Mm, vma: Vma): string {
  const perms =
    (vma.flags & 1 ? "r" : "-") +
    (vma.flags & 2 ? "w" : "-") +
    (vma.flags & 4 ? "x" : "-") +
    (vma.flags & 0x80 ? "s" : "p");
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

/** The gate VMA, printed after the last real VMA (get_gate_vma). */
const VSYSCALL_LINE = namedLine(
  "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 ",
  "[vsyscall]",
);

/** /proc/PID/maps. A task without an mm (a zombie) reads empty. */
export function showMaps(mm: Mm | null): string {
  if (mm === null) return "";
  let out = "";
  for (const vma of mm.vmas) out += `${mapsLine(mm, vma)}\n`;
  return `${out}${VSYSCALL_LINE}\n`;
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
    field("KSM", 0) +
    field("LazyFree", 0) +
    field("AnonHugePages", 0) +
    field("ShmemPmdMapped", 0) +
    field("FilePmdMapped", 0) +
    field("Shared_Hugetlb", 0) +
    `Private_Hugetlb: ${String(0).padStart(7)} kB\n` +
    field("Swap", 0) +
    field("SwapPss", 0) +
    field("Locked", pssKb(mss.pssLocked))
  );
}

/** One smaps block: the maps line, the statistics, THPeligible and VmFlags (show_smap). */
export function smapsBlock(phys: PhysMem, mm: Mm, vma: Vma, softDirty: boolean): string {
  const mss = emptyStats();
  gatherStats(phys, mm, vma, mss);
  return smapsText(
    mapsLine(mm, vma),
    (vma.end - vma.start) / 1024,
    mss,
    vmFlagsString(vma.flags, softDirty),
  );
}

function smapsText(header: string, sizeKb: number, mss: MemSizeStats, flags: string): string {
  return (
    `${header}\n` +
    field("Size", sizeKb) +
    field("KernelPageSize", 4) +
    field("MMUPageSize", 4) +
    field("Rss", kb(mss.resident)) +
    field("Pss", pssKb(mss.pss)) +
    field("Pss_Dirty", pssKb(mss.pssDirty)) +
    showSmapTail(mss) +
    `THPeligible:    ${String(0).padStart(8)}\n` +
    `VmFlags: ${flags}\n`
  );
}

/** /proc/PID/smaps: a block per VMA, then the [vsyscall] gate. Empty without an mm. */
export function showSmaps(phys: PhysMem, mm: Mm | null, softDirty: boolean): string {
  if (mm === null) return "";
  let out = "";
  for (const vma of mm.vmas) out += smapsBlock(phys, mm, vma, softDirty);
  return out + smapsText(VSYSCALL_LINE, 4, emptyStats(), vmFlagsString(VM_EXEC, softDirty));
}

/** Every VMA's statistics summed in one accumulator, fixed point untruncated (show_smaps_rollup). */
export function rollupStats(phys: PhysMem, mm: Mm, memo?: TableMemo): MemSizeStats {
  const mss = emptyStats();
  for (const vma of mm.vmas) gatherStats(phys, mm, vma, mss, memo);
  return mss;
}

/** /proc/PID/smaps_rollup text; the caller refuses (ESRCH) a task without an mm. */
export function showSmapsRollup(phys: PhysMem, mm: Mm): string {
  const mss = rollupStats(phys, mm);
  const first = mm.vmas[0]?.start ?? 0;
  const last = mm.vmas[mm.vmas.length - 1]?.end ?? 0;
  const header = namedLine(`${hex8(first)}-${hex8(last)} ---p 00000000 00:00 0 `, "[rollup]");
  return (
    `${header}\n` +
    field("Rss", kb(mss.resident)) +
    field("Pss", pssKb(mss.pss)) +
    field("Pss_Dirty", pssKb(mss.pssDirty)) +
    field("Pss_Anon", pssKb(mss.pssAnon)) +
    field("Pss_File", pssKb(mss.pssFile)) +
    field("Pss_Shmem", pssKb(mss.pssShmem)) +
    showSmapTail(mss)
  );
}

/* ---- pagemap ---- */

/** Bits of a pagemap entry's high word (bit n of the u64 is bit n - 32 here). */
const PM_PRESENT_HI = 1 << 31; // bit 63
const PM_FILE_HI = 1 << 29; // bit 61: file page or shared anonymous
const PM_MMAP_EXCLUSIVE_HI = 1 << 24; // bit 56: mapped exactly once
const PM_SOFT_DIRTY_HI = 1 << 23; // bit 55

/** The number of pagemap entries: one per page of user space (TASK_SIZE / PAGE_SIZE). */
export const PAGEMAP_ENTRIES = 0x7ffffffff000 / PAGE_SIZE;

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
): Uint8Array {
  const bytes = new Uint8Array(count * 8);
  const view = new DataView(bytes.buffer);
  let vi = mm.findIndex(firstVpn * PAGE_SIZE);
  for (let n = 0; n < count; n++) {
    const vpn = firstVpn + n;
    const addr = vpn * PAGE_SIZE;
    while (vi < mm.vmas.length && mm.vmas[vi]!.end <= addr) vi++;
    const vma = mm.vmas[vi];
    if (vma === undefined || vma.start > addr) continue;
    const pte = mm.pt.get(vpn);
    let hi = softDirty && (vma.flags & VM_SOFTDIRTY || pte & PTE_SOFT_DIRTY) ? PM_SOFT_DIRTY_HI : 0;
    if (pte !== 0) {
      const pfn = pte >>> 4;
      hi |= PM_PRESENT_HI;
      const normal = pfn !== ZERO_PFN && !(vma.flags & VM_PFNMAP);
      if (normal && (phys.flags[pfn]! & KIND_MASK) !== KIND_ANON) hi |= PM_FILE_HI;
      if (normal && phys.mapcountOf(pfn) === 1) hi |= PM_MMAP_EXCLUSIVE_HI;
      view.setUint32(n * 8, pfn, true);
    }
    view.setUint32(n * 8 + 4, hi >>> 0, true);
  }
  return bytes;
}
