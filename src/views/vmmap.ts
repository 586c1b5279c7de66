/**
 * The vmmap picture: every page of a VMA classified as smaps would count it
 * (present or not, Private or Shared by map count, Clean or Dirty by the
 * PTE's dirty bit or PG_dirty; LazyFree by PG_LAZYFREE; a swap entry as
 * Swap, told apart by whether the swap cache still holds its page, which
 * decides between a minor and a major fault), collected as runs, then laid out in rows of
 * cells for a given width.
 *
 * Huge pages are one item each, not 512: a PMD mapping a transparent huge
 * page (or the huge zero page), and each 2 MiB page of a hugetlb VMA
 * (whose pages are mapped by PMD-level entries only). A row's runs are
 * over its items; `huge` lists which items stand for 512 pages, so that
 * addresses and page counts can be found again. The command renders it as plain characters; the
 * colour renderer (src/ui/vmmap-ansi.ts, for the Ink app and the web page)
 * draws the same layout in colour.
 */
import { hexPad } from "../../fs/hex.js";
import { PAGE_SIZE, PTRS_PER_PTE, VM_PFNMAP } from "../kernel/constants.js";
import { HPAGE_SIZE, isVmHugetlb } from "../kernel/hugetlb.js";
import { PG_KSM } from "../kernel/ksm.js";
import type { Mm } from "../kernel/mm.js";
import { pteDirty, pteIsSwap, ptePfn, ptePresent, swpEntry } from "../kernel/page-table.js";
import { PG_DIRTY, PG_LAZYFREE, type PhysMem, ZERO_PFN } from "../kernel/phys.js";
import type { SwapState } from "../kernel/swap.js";
import type { Vma } from "../kernel/vma.js";
import {
  type CellLine,
  type Cells,
  countChar,
  floorPow2,
  foldedText,
  foldRepeats,
  groupCells,
  RunBuilder,
  type Runs,
  scaleFor,
} from "./cells.js";
import { vmaLabel } from "./vma-label.js";

/* Page states, in legend order. */
export const PAGE_ABSENT = 0;
export const PAGE_ZERO = 1;
export const PAGE_PFNMAP = 2;
export const PAGE_PRIVATE_CLEAN = 3;
export const PAGE_PRIVATE_DIRTY = 4;
export const PAGE_SHARED_CLEAN = 5;
export const PAGE_SHARED_DIRTY = 6;
export const PAGE_MIXED = 7;
/** A swap entry whose slot only the swap device holds: the next touch is a major fault. */
export const PAGE_SWAPPED = 8;
/** A swap entry whose page the swap cache still holds: the next touch is a minor fault. */
export const PAGE_SWAPCACHED = 9;
/** A present anonymous page MADV_FREE made lazily freeable (smaps' LazyFree). */
export const PAGE_LAZYFREE = 10;
/** A transparent huge page mapped by this PMD, no other mapping of its frames (one item for 2 MiB). */
export const PAGE_THP = 11;
/** A transparent huge page mapped by this PMD and by other PMDs or PTEs (its head's map count shows). */
export const PAGE_THP_SHARED = 12;
/** A PMD mapping the huge zero page (a read of untouched THP-eligible memory). */
export const PAGE_HUGE_ZERO = 13;
/** A hugetlb page mapped once (smaps' Private_Hugetlb). */
export const PAGE_HUGETLB = 14;
/** A hugetlb page mapped more than once (Shared_Hugetlb; the map count shows). */
export const PAGE_HUGETLB_SHARED = 15;
/** A KSM page: ksmd merged pages of equal content into it (smaps' KSM; the map count shows). */
export const PAGE_KSM = 16;
export const PAGE_STATES = 17;

/** The plain character of each state, indexed by state. */
export const PAGE_CHARS = ".0xpPsS~wcfHTZGUK";

export const PAGE_STATE_NAMES: readonly string[] = [
  "not present",
  "zero page",
  "raw PFN (not counted)",
  "private clean",
  "private dirty",
  "shared clean",
  "shared dirty",
  "mixed group",
  "swapped out",
  "swapped out, page in swap cache",
  "lazily freeable (MADV_FREE)",
  "huge page (THP, one PMD), private",
  "huge page (THP), shared",
  "huge zero page",
  "hugetlb page, private",
  "hugetlb page, shared",
  "KSM page (merged)",
];

/** Whether a state is one of the swap and lazy-free ones (their legend line shows only then). */
export const isSwapState = (state: number): boolean =>
  state >= PAGE_SWAPPED && state <= PAGE_LAZYFREE;

/** Whether a state is one of the huge ones (THP, huge zero page, hugetlb: their legend line shows only then). */
export const isHugeState = (state: number): boolean =>
  state >= PAGE_THP && state <= PAGE_HUGETLB_SHARED;

/** Whether a cell of the state shows a map count under it. */
export const isSharedState = (state: number): boolean =>
  state === PAGE_KSM ||
  state === PAGE_SHARED_CLEAN ||
  state === PAGE_SHARED_DIRTY ||
  state === PAGE_THP_SHARED ||
  state === PAGE_HUGETLB_SHARED;

/** One VMA of the picture. */
export interface VmmapRow {
  /** `7ffff6c00000-7ffff7c00000 rw-p [anon:buf]` */
  readonly label: string;
  readonly start: number;
  readonly pages: number;
  /** (state, map count, length) runs over the VMA's items; the count only for shared states. */
  readonly runs: Runs;
  /** The items that stand for a 2 MiB huge page (512 pages), ascending. */
  readonly huge: readonly number[];
}

/** Items of a row: its pages, a huge page counting as one. */
export const rowItems = (row: VmmapRow): number => row.pages - row.huge.length * (PTRS_PER_PTE - 1);

/** The address of item `item` of `row`. */
export function itemAddr(row: VmmapRow, item: number): number {
  let before = 0;
  while (before < row.huge.length && row.huge[before]! < item) before++;
  return row.start + (item + before * (PTRS_PER_PTE - 1)) * PAGE_SIZE;
}

/** The structure a vmmap view block carries. */
export interface VmmapView {
  readonly kind: "vmmap";
  readonly pid: number;
  readonly comm: string;
  /** One mapping drawn over several rows, each starting with its address. */
  readonly detail: boolean;
  readonly rows: readonly VmmapRow[];
}

/** A VMA's items as runs, and which items are huge pages. */
export interface VmaItems {
  readonly runs: number[];
  readonly huge: number[];
}

/**
 * The state of a present small page (smaps_pte_entry's accounting); a KSM
 * page is drawn as such, whatever its map count, as smaps counts it in KSM.
 */
function smallPageState(phys: PhysMem, pte: number, b: RunBuilder): void {
  const pfn = ptePfn(pte);
  const mapcount = phys.mapcountOf(pfn);
  const dirty = pteDirty(pte) || (phys.flags[pfn]! & PG_DIRTY) !== 0;
  if (phys.flags[pfn]! & PG_KSM) b.push(PAGE_KSM, mapcount);
  else if (phys.flags[pfn]! & PG_LAZYFREE) b.push(PAGE_LAZYFREE, 0);
  else if (mapcount < 2) b.push(dirty ? PAGE_PRIVATE_DIRTY : PAGE_PRIVATE_CLEAN, 0);
  else b.push(dirty ? PAGE_SHARED_DIRTY : PAGE_SHARED_CLEAN, mapcount);
}

/**
 * A PMD mapping a huge page: the huge zero page, or a THP whose head's map
 * count (its PMD mappings and its frames' own PTE mappings) says whether
 * anyone else maps it.
 */
function thpState(phys: PhysMem, head: number, b: RunBuilder): void {
  const mapcount = head === ZERO_PFN ? 0 : phys.mapcountOf(head);
  if (head === ZERO_PFN) b.push(PAGE_HUGE_ZERO, 0);
  else if (mapcount < 2) b.push(PAGE_THP, 0);
  else b.push(PAGE_THP_SHARED, mapcount);
}

/** A hugetlb VMA: one item per 2 MiB page, mapped (once or more) or not. */
function hugetlbItems(phys: PhysMem, mm: Mm, vma: Vma): VmaItems {
  const b = new RunBuilder();
  const huge: number[] = [];
  for (let addr = vma.start, item = 0; addr < vma.end; addr += HPAGE_SIZE, item++) {
    huge.push(item);
    const pte = mm.hugePtes.get(Math.floor(addr / HPAGE_SIZE)) ?? 0;
    if (!ptePresent(pte)) b.push(PAGE_ABSENT, 0);
    else {
      const mapcount = phys.mapcountOf(ptePfn(pte));
      if (mapcount < 2) b.push(PAGE_HUGETLB, 0);
      else b.push(PAGE_HUGETLB_SHARED, mapcount);
    }
  }
  return { runs: b.runs, huge };
}

/**
 * Classifies each page of `vma` as smaps_pte_entry would, into runs; a
 * huge PMD (smaps_pmd_entry) and a hugetlb page are one item each. Without
 * `swap`, a swap entry shows as not present.
 */
export function vmaItems(phys: PhysMem, mm: Mm, vma: Vma, swap?: SwapState): VmaItems {
  if (isVmHugetlb(vma)) return hugetlbItems(phys, mm, vma);
  const b = new RunBuilder();
  const huge: number[] = [];
  const first = vma.start / PAGE_SIZE;
  const last = vma.end / PAGE_SIZE;
  const pfnmap = (vma.flags & VM_PFNMAP) !== 0;
  let items = 0; // items pushed so far
  mm.pt.walk(first, last, {
    pteHole(lo, hi) {
      b.push(PAGE_ABSENT, 0, hi - lo);
      items += hi - lo;
    },
    pmdEntry(span) {
      if (mm.pt.isHuge(span.key) && span.lo === 0 && span.hi === PTRS_PER_PTE) {
        huge.push(items++);
        thpState(phys, ptePfn(span.entries[0]!), b);
        return;
      }
      items += span.hi - span.lo;
      for (let i = span.lo; i < span.hi; i++) {
        const pte = span.entries[i]!;
        if (!ptePresent(pte)) {
          if (swap === undefined || !pteIsSwap(pte)) b.push(PAGE_ABSENT, 0);
          else b.push(swap.cachedPage(swpEntry(pte)) >= 0 ? PAGE_SWAPCACHED : PAGE_SWAPPED, 0);
        } else if (pfnmap) b.push(PAGE_PFNMAP, 0);
        else if (ptePfn(pte) === ZERO_PFN) b.push(PAGE_ZERO, 0);
        else smallPageState(phys, pte, b);
      }
    },
  });
  return { runs: b.runs, huge };
}

/** vmaItems' runs alone (a VMA without huge pages: one item per page). */
export function vmaRuns(phys: PhysMem, mm: Mm, vma: Vma, swap?: SwapState): number[] {
  return vmaItems(phys, mm, vma, swap).runs;
}

export function collectVmmap(
  phys: PhysMem,
  mm: Mm,
  vmas: readonly Vma[],
  who: { readonly pid: number; readonly comm: string },
  detail: boolean,
  swap?: SwapState,
): VmmapView {
  return {
    kind: "vmmap",
    pid: who.pid,
    comm: who.comm,
    detail,
    rows: vmas.map((vma) => ({
      label: vmaLabel(mm, vma),
      start: vma.start,
      pages: (vma.end - vma.start) / PAGE_SIZE,
      ...vmaItems(phys, mm, vma, swap),
    })),
  };
}

/* ---- layout ---- */

/** Rows a single mapping may take (`vmmap PID MAPPING`). */
const DETAIL_MAX_ROWS = 32;
/** Width of an address prefix: 12 hex digits and a space. */
const ADDR_PREFIX = 13;

/** One row of cells and what stands before it (indent or address). */
export type PictureLine = CellLine;

/** A VMA laid out: its header lines, pages per cell, and rows of cells. */
export interface VmaPicture {
  readonly header: readonly string[];
  readonly scale: number;
  readonly lines: readonly PictureLine[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Header lines: the label, then the size and scale on the same line when they fit. */
function headerLines(row: VmmapRow, scale: number, columns: number): string[] {
  const items = rowItems(row);
  const small = items - row.huge.length;
  const huge =
    row.huge.length === 0
      ? ""
      : ` as ${plural(items, "item")}: ${plural(row.huge.length, "huge page")} of 2 MiB${small > 0 ? ` and ${plural(small, "page")}` : ""}`;
  const unit = row.huge.length === 0 ? "pages" : "items";
  const info = plural(row.pages, "page") + huge + (scale > 1 ? `, 1 cell = ${scale} ${unit}` : "");
  const oneLine = `${row.label}  (${info})`;
  return oneLine.length <= columns ? [oneLine] : [row.label, `  (${info})`];
}

function cut(cells: Cells, from: number, to: number, prefix: string): PictureLine {
  return {
    prefix,
    states: cells.states.subarray(from, to),
    counts: cells.counts.subarray(from, to),
    same: 0,
  };
}

/** Lays the picture out for a terminal `columns` wide. */
export function layoutVmmap(view: VmmapView, columns: number): VmaPicture[] {
  return view.rows.map((row) => {
    const items = rowItems(row);
    if (!view.detail) {
      const perRow = floorPow2(Math.max(8, columns - 2));
      const scale = scaleFor(items, perRow);
      const cells = groupCells(row.runs, items, scale, PAGE_MIXED, PAGE_STATES);
      return {
        header: headerLines(row, scale, columns),
        scale,
        lines: [cut(cells, 0, cells.states.length, "  ")],
      };
    }
    const perRow = floorPow2(Math.max(8, columns - ADDR_PREFIX));
    const scale = scaleFor(items, perRow * DETAIL_MAX_ROWS);
    const cells = groupCells(row.runs, items, scale, PAGE_MIXED, PAGE_STATES);
    const lines: PictureLine[] = [];
    for (let from = 0; from < cells.states.length; from += perRow) {
      const addr = itemAddr(row, from * scale);
      const prefix = `${hexPad(addr, 12)} `;
      lines.push(cut(cells, from, Math.min(from + perRow, cells.states.length), prefix));
    }
    return { header: headerLines(row, scale, columns), scale, lines: foldRepeats(lines) };
  });
}

/** The legend of the plain rendering (also `help vmmap`). */
export const VMMAP_LEGEND: readonly string[] = [
  ". not present   0 zero page   x raw PFN (not counted)   ~ mixed group",
  "p private clean   P private dirty   s shared clean   S shared dirty",
  "under s and S: the map count, 2 to 9, or + for 10 or more",
];

/** The legend's line for swapped and lazily freeable pages, printed when the picture has any. */
export const VMMAP_SWAP_LEGEND =
  "w swapped out   c swapped out, still in the swap cache   f lazy free (MADV_FREE)";

/** The legend's lines for huge pages, printed when the picture has any. */
export const VMMAP_HUGE_LEGEND: readonly string[] = [
  "one cell for a whole 2 MiB huge page (512 pages):",
  "H THP mapped by one PMD, private   T THP, shared   Z huge zero page",
  "G hugetlb page, private   U hugetlb page, shared   (under T and U: map count)",
];

/** Whether any item of the view is in a state `test` accepts. */
function hasStates(view: VmmapView, test: (state: number) => boolean): boolean {
  return view.rows.some((row) => {
    for (let i = 0; i < row.runs.length; i += 3) if (test(row.runs[i]!)) return true;
    return false;
  });
}

/** Whether any page of the view is in a swap or lazy-free state. */
export const hasSwapStates = (view: VmmapView): boolean => hasStates(view, isSwapState);

/** Whether any item of the view is a huge page. */
export const hasHugeStates = (view: VmmapView): boolean => hasStates(view, isHugeState);

/** The legend's line for KSM pages, printed when the picture has any. */
export const VMMAP_KSM_LEGEND =
  "K KSM page: merged by ksmd, shared by content (under it: map count)";

/** Whether any page of the view is a KSM page. */
export const hasKsmStates = (view: VmmapView): boolean => hasStates(view, (s) => s === PAGE_KSM);

/** A row's characters, and the map-count line under it (empty when no cell is shared). */
function plainLine(line: PictureLine): [cells: string, counts: string] {
  let cells = "";
  let counts = "";
  for (let i = 0; i < line.states.length; i++) {
    const state = line.states[i]!;
    cells += PAGE_CHARS[state];
    counts += isSharedState(state) ? countChar(line.counts[i]!) : " ";
  }
  return [cells, counts.trimEnd()];
}

/** The plain-character picture, `columns` wide: what batch mode and pipes get. */
export function vmmapText(view: VmmapView, columns: number): string {
  const out: string[] = [`pid ${view.pid} (${view.comm})`];
  for (const picture of layoutVmmap(view, columns)) {
    out.push(...picture.header);
    for (const line of picture.lines) {
      const [cells, counts] = plainLine(line);
      out.push(line.prefix + cells);
      if (counts !== "") out.push(" ".repeat(line.prefix.length) + counts);
      if (line.same > 0) out.push(foldedText(line));
    }
  }
  out.push("", ...VMMAP_LEGEND);
  if (hasSwapStates(view)) out.push(VMMAP_SWAP_LEGEND);
  if (hasHugeStates(view)) out.push(...VMMAP_HUGE_LEGEND);
  if (hasKsmStates(view)) out.push(VMMAP_KSM_LEGEND);
  return `${out.join("\n")}\n`;
}
