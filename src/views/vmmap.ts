/**
 * The vmmap picture: every page of a VMA classified as smaps would count it
 * (present or not, Private or Shared by map count, Clean or Dirty by the
 * PTE's dirty bit or PG_dirty; LazyFree by PG_LAZYFREE; a swap entry as
 * Swap, told apart by whether the swap cache still holds its page, which
 * decides between a minor and a major fault), collected as runs, then laid out in rows of
 * cells for a given width. The command renders it as plain characters; the
 * colour renderer (src/ui/vmmap-ansi.ts, for the Ink app and the web page)
 * draws the same layout in colour.
 */
import { hexPad } from "../../fs/hex.js";
import { PAGE_SIZE, VM_PFNMAP } from "../kernel/constants.js";
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
export const PAGE_STATES = 11;

/** The plain character of each state, indexed by state. */
export const PAGE_CHARS = ".0xpPsS~wcf";

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
];

/** Whether a state is one of the swap and lazy-free ones (their legend line shows only then). */
export const isSwapState = (state: number): boolean => state >= PAGE_SWAPPED && state < PAGE_STATES;

const isSharedState = (state: number): boolean =>
  state === PAGE_SHARED_CLEAN || state === PAGE_SHARED_DIRTY;

/** One VMA of the picture. */
export interface VmmapRow {
  /** `7ffff6c00000-7ffff7c00000 rw-p [anon:buf]` */
  readonly label: string;
  readonly start: number;
  readonly pages: number;
  /** (state, map count, length) runs over the VMA's pages; the count only for shared states. */
  readonly runs: Runs;
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

/**
 * Classifies each page of `vma` as smaps_pte_entry would, into runs. Without
 * `swap`, a swap entry shows as not present.
 */
export function vmaRuns(phys: PhysMem, mm: Mm, vma: Vma, swap?: SwapState): number[] {
  const b = new RunBuilder();
  const first = vma.start / PAGE_SIZE;
  const last = vma.end / PAGE_SIZE;
  const pfnmap = (vma.flags & VM_PFNMAP) !== 0;
  mm.pt.walk(first, last, {
    pteHole(lo, hi) {
      b.push(PAGE_ABSENT, 0, hi - lo);
    },
    pmdEntry(span) {
      for (let i = span.lo; i < span.hi; i++) {
        const pte = span.entries[i]!;
        if (!ptePresent(pte)) {
          if (swap === undefined || !pteIsSwap(pte)) b.push(PAGE_ABSENT, 0);
          else b.push(swap.cachedPage(swpEntry(pte)) >= 0 ? PAGE_SWAPCACHED : PAGE_SWAPPED, 0);
        } else if (pfnmap) b.push(PAGE_PFNMAP, 0);
        else if (ptePfn(pte) === ZERO_PFN) b.push(PAGE_ZERO, 0);
        else {
          const pfn = ptePfn(pte);
          const mapcount = phys.mapcountOf(pfn);
          const dirty = pteDirty(pte) || (phys.flags[pfn]! & PG_DIRTY) !== 0;
          if (phys.flags[pfn]! & PG_LAZYFREE) b.push(PAGE_LAZYFREE, 0);
          else if (mapcount < 2) b.push(dirty ? PAGE_PRIVATE_DIRTY : PAGE_PRIVATE_CLEAN, 0);
          else b.push(dirty ? PAGE_SHARED_DIRTY : PAGE_SHARED_CLEAN, mapcount);
        }
      }
    },
  });
  return b.runs;
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
      runs: vmaRuns(phys, mm, vma, swap),
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
  const info = plural(row.pages, "page") + (scale > 1 ? `, 1 cell = ${scale} pages` : "");
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
    if (!view.detail) {
      const perRow = floorPow2(Math.max(8, columns - 2));
      const scale = scaleFor(row.pages, perRow);
      const cells = groupCells(row.runs, row.pages, scale, PAGE_MIXED, PAGE_STATES);
      return {
        header: headerLines(row, scale, columns),
        scale,
        lines: [cut(cells, 0, cells.states.length, "  ")],
      };
    }
    const perRow = floorPow2(Math.max(8, columns - ADDR_PREFIX));
    const scale = scaleFor(row.pages, perRow * DETAIL_MAX_ROWS);
    const cells = groupCells(row.runs, row.pages, scale, PAGE_MIXED, PAGE_STATES);
    const lines: PictureLine[] = [];
    for (let from = 0; from < cells.states.length; from += perRow) {
      const addr = row.start + from * scale * PAGE_SIZE;
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

/** Whether any page of the view is in a swap or lazy-free state. */
export function hasSwapStates(view: VmmapView): boolean {
  return view.rows.some((row) => {
    for (let i = 0; i < row.runs.length; i += 3) if (isSwapState(row.runs[i]!)) return true;
    return false;
  });
}

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
  return `${out.join("\n")}\n`;
}
