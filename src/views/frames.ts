/**
 * The frames picture: physical memory as rows of cells by owner (kernel,
 * free, anonymous, file page cache, shmem, swap cache), with map counts, and the totals
 * beside the /proc/meminfo lines they make. The command renders it as plain
 * characters; src/ui/frames-ansi.ts draws the same layout in colour.
 *
 * Compound pages (large folios: PMD-sized THPs, hugetlb pages) are drawn
 * as what they are, over their owner: head frame and tail frames of a THP,
 * of a hugetlb page in use, and a free page of the hugetlb pool; the
 * summary lists them with their order beside AnonHugePages and HugePages_*.
 */
import { hex, hexPad } from "../../fs/hex.js";
import { collectMeminfo } from "../../fs/proc/meminfo.js";
import { PG_KSM } from "../kernel/ksm.js";
import type { Machine } from "../kernel/machine.js";
import {
  KIND_ANON,
  KIND_FILE,
  KIND_FREE,
  KIND_MASK,
  PG_HUGETLB,
  PG_SWAPCACHE,
  type PhysMem,
} from "../kernel/phys.js";
import {
  type CellLine,
  countChar,
  floorPow2,
  foldedText,
  foldRepeats,
  groupCells,
  RunBuilder,
  type Runs,
  scaleFor,
  tallyRuns,
} from "./cells.js";

/* Frame states, in legend order. */
export const FRAME_KERNEL = 0;
export const FRAME_FREE = 1;
export const FRAME_ANON = 2;
export const FRAME_FILE = 3;
export const FRAME_FILE_CACHED = 4;
export const FRAME_SHMEM = 5;
export const FRAME_SHMEM_UNMAPPED = 6;
export const FRAME_ANON_UNMAPPED = 7;
export const FRAME_MIXED = 8;
/** An anonymous page only the swap cache holds (swapped out, not mapped: a minor fault away). */
export const FRAME_SWAPCACHE = 9;
/** The head frame of a transparent huge page (an anonymous order-9 folio). */
export const FRAME_THP_HEAD = 10;
/** A tail frame of a transparent huge page. */
export const FRAME_THP_TAIL = 11;
/** The head frame of a hugetlb page in use (mapped, or held by its hugetlbfs file). */
export const FRAME_HUGETLB_HEAD = 12;
/** A tail frame of a hugetlb page in use. */
export const FRAME_HUGETLB_TAIL = 13;
/** A frame of a free page of the hugetlb pool (out of MemFree, but no one's yet). */
export const FRAME_HUGETLB_FREE = 14;
/** A KSM page (ksmd's stable page: the one frame pages of equal content were merged into). */
export const FRAME_KSM = 15;
const FRAME_STATES = 16;

export const FRAME_CHARS = "#.AFfSsa~wTtGghK";

export const FRAME_STATE_NAMES: readonly string[] = [
  "kernel",
  "free",
  "anonymous",
  "file, mapped",
  "file, cached only",
  "shmem, mapped",
  "shmem, not mapped",
  "anonymous, not mapped",
  "mixed group",
  "swap cache, not mapped",
  "THP head",
  "THP tail",
  "hugetlb page head",
  "hugetlb page tail",
  "hugetlb pool, free",
  "KSM page",
];

/** The legend's line for KSM pages, printed when the picture has any. */
export const FRAMES_KSM_LEGEND =
  "K KSM page: one frame for every page of its content that ksmd merged";

/** Whether any cell of the view is a KSM page. */
export function hasKsmFrames(view: FramesView): boolean {
  for (let i = 0; i < view.runs.length; i += 3) if (view.runs[i] === FRAME_KSM) return true;
  return false;
}

/** Whether a state is one of a compound page's (their legend lines show only then). */
export const isCompoundState = (state: number): boolean =>
  state >= FRAME_THP_HEAD && state <= FRAME_HUGETLB_FREE;

/**
 * The large folio a walk in PFN order is in: found by head as the walk
 * reaches it (headOf for the first frame, which may be a tail).
 */
class CompoundCursor {
  head = -1;
  end = -1;
  constructor(
    private readonly phys: PhysMem,
    first: number,
  ) {
    if (phys.large.size === 0) return;
    const head = phys.headOf(first);
    if (phys.large.has(head)) this.enter(head);
  }

  private enter(head: number): void {
    this.head = head;
    this.end = head + 2 ** this.phys.orderOf(head);
  }

  /** The head of the folio `pfn` is in, or -1 (a small folio); pfn ascending from the first. */
  at(pfn: number): number {
    if (pfn >= this.end && this.phys.large.size > 0 && this.phys.large.has(pfn)) this.enter(pfn);
    return pfn < this.end ? this.head : -1;
  }
}

/**
 * A frame of a compound page (its folio's head `head`): THP or hugetlb,
 * head or tail; a free hugetlb pool page whole.
 */
function compoundState(
  phys: PhysMem,
  pfn: number,
  head: number,
  poolFree: ReadonlySet<number>,
): number {
  const isHead = pfn === head;
  if (!(phys.flags[head]! & PG_HUGETLB)) return isHead ? FRAME_THP_HEAD : FRAME_THP_TAIL;
  if (poolFree.has(head)) return FRAME_HUGETLB_FREE;
  return isHead ? FRAME_HUGETLB_HEAD : FRAME_HUGETLB_TAIL;
}

/**
 * The state of one frame: its owner, and whether any PTE maps it. A frame
 * of the hugetlb pool is the pool's (counted as FRAME_HUGETLB_HEAD here;
 * the picture tells its head, tails and free pages apart).
 */
function frameState(phys: PhysMem, pfn: number): number {
  if (pfn < phys.firstUsable) return FRAME_KERNEL;
  if (phys.flags[pfn]! & PG_HUGETLB) return FRAME_HUGETLB_HEAD;
  const kind = phys.flags[pfn]! & KIND_MASK;
  const mapped = phys.mapcountOf(pfn) > 0;
  if (kind === KIND_FREE) return FRAME_FREE;
  if (kind === KIND_ANON) {
    if (mapped) return FRAME_ANON;
    return phys.flags[pfn]! & PG_SWAPCACHE ? FRAME_SWAPCACHE : FRAME_ANON_UNMAPPED;
  }
  if (kind === KIND_FILE) return mapped ? FRAME_FILE : FRAME_FILE_CACHED;
  return mapped ? FRAME_SHMEM : FRAME_SHMEM_UNMAPPED;
}

/** Frames counted by owner over all of RAM, and by map count. */
export interface FrameTotals {
  readonly kernel: number;
  readonly free: number;
  readonly anon: number;
  readonly anonUnmapped: number;
  /** Anonymous frames only the swap cache holds. */
  readonly swapCacheUnmapped: number;
  /** Every frame in the swap cache, mapped or not (SwapCached). */
  readonly swapCached: number;
  readonly file: number;
  readonly shmem: number;
  /** File and shmem frames mapped at least once. */
  readonly mappedCache: number;
  /** Frames mapped once, twice, 3 to 9 times, 10 times or more. */
  readonly byMapcount: readonly [number, number, number, number];
  /** Frames of the hugetlb pool (in use or free): not anon, file or free. */
  readonly hugetlb: number;
  /** Compound pages by kind: THPs (and how many a PMD maps), hugetlb pages in use, free in the pool. */
  readonly compound: {
    readonly thp: number;
    readonly thpPmdMapped: number;
    readonly hugetlbInUse: number;
    readonly hugetlbFree: number;
    /** The order of the compound pages (9: 2 MiB), or 0 if there is none. */
    readonly order: number;
  };
}

/** The /proc/meminfo figures the totals are compared with, in kB. */
export interface MeminfoFigures {
  readonly MemTotal: number;
  readonly MemFree: number;
  readonly Cached: number;
  readonly AnonPages: number;
  readonly Mapped: number;
  readonly Shmem: number;
  readonly SwapCached: number;
  readonly AnonHugePages: number;
  readonly Hugetlb: number;
  readonly HugePages_Total: number;
  readonly HugePages_Free: number;
  readonly HugePages_Rsvd: number;
}

/** The structure a frames view block carries. */
export interface FramesView {
  readonly kind: "frames";
  /** The PFNs drawn: [first, first + count). */
  readonly first: number;
  readonly count: number;
  readonly all: boolean;
  readonly nrFrames: number;
  readonly firstUsable: number;
  readonly highWater: number;
  readonly runs: Runs;
  /** The compound pages drawn, as head PFN and head state (a cell holding a head shows it). */
  readonly heads: readonly (readonly [pfn: number, state: number])[];
  readonly totals: FrameTotals;
  readonly meminfo: MeminfoFigures;
}

/** The count a frame's cell shows: its map count when 2 or more, else 0. */
const countOf = (phys: PhysMem, pfn: number): number => {
  const mc = phys.mapcountOf(pfn);
  return mc >= 2 ? mc : 0;
};

/**
 * Runs over [first, end) of the allocator's frames (first >= firstUsable),
 * by owner alone, or with `poolFree` (the free hugetlb pool's heads)
 * compound pages drawn as such.
 */
function frameRuns(
  phys: PhysMem,
  first: number,
  end: number,
  poolFree?: ReadonlySet<number>,
): number[] {
  const b = new RunBuilder();
  const used = Math.min(end, phys.highWater);
  const compound = poolFree === undefined ? null : new CompoundCursor(phys, first);
  for (let pfn = first; pfn < used; pfn++) {
    const head = compound === null ? -1 : compound.at(pfn);
    const state =
      head >= 0
        ? compoundState(phys, pfn, head, poolFree!)
        : compound !== null && phys.flags[pfn]! & PG_KSM
          ? FRAME_KSM
          : frameState(phys, pfn);
    b.push(state, countOf(phys, pfn));
  }
  if (end > used) b.push(FRAME_FREE, 0, end - Math.max(first, used));
  return b.runs;
}

/** The compound pages of RAM by kind (the summary's line). */
function compoundTotals(m: Machine): FrameTotals["compound"] {
  const { phys } = m;
  let thp = 0;
  let order = 0;
  for (const [head, o] of phys.large) {
    order = o;
    if (!(phys.flags[head]! & PG_HUGETLB)) thp++;
  }
  return {
    thp,
    thpPmdMapped: m.phys.anonPmdMapped,
    hugetlbInUse: m.hugetlb.inUse,
    hugetlbFree: m.hugetlb.free.length,
    order,
  };
}

function frameTotals(m: Machine): FrameTotals {
  const { phys } = m;
  const tally = tallyRuns(frameRuns(phys, phys.firstUsable, phys.highWater), FRAME_STATES);
  const byMapcount: [number, number, number, number] = [0, 0, 0, 0];
  let swapCached = 0;
  for (let pfn = 0; pfn < phys.highWater; pfn++) {
    if (phys.flags[pfn]! & PG_SWAPCACHE) swapCached++;
    const mc = phys.mapcountOf(pfn);
    if (mc === 0) continue;
    byMapcount[mc === 1 ? 0 : mc === 2 ? 1 : mc < 10 ? 2 : 3]!++;
  }
  return {
    kernel: phys.firstUsable,
    free: tally[FRAME_FREE]! + (phys.nrFrames - phys.highWater),
    anon: tally[FRAME_ANON]!,
    anonUnmapped: tally[FRAME_ANON_UNMAPPED]!,
    swapCacheUnmapped: tally[FRAME_SWAPCACHE]!,
    swapCached,
    file: tally[FRAME_FILE]! + tally[FRAME_FILE_CACHED]!,
    shmem: tally[FRAME_SHMEM]! + tally[FRAME_SHMEM_UNMAPPED]!,
    mappedCache: tally[FRAME_FILE]! + tally[FRAME_SHMEM]!,
    byMapcount,
    hugetlb: tally[FRAME_HUGETLB_HEAD]!,
    compound: compoundTotals(m),
  };
}

function meminfoFigures(m: Machine): MeminfoFigures {
  const lines = new Map(collectMeminfo(m));
  const get = (label: string): number => lines.get(label) ?? 0;
  return {
    MemTotal: get("MemTotal"),
    MemFree: get("MemFree"),
    Cached: get("Cached"),
    AnonPages: get("AnonPages"),
    Mapped: get("Mapped"),
    Shmem: get("Shmem"),
    SwapCached: get("SwapCached"),
    AnonHugePages: get("AnonHugePages"),
    Hugetlb: get("Hugetlb"),
    HugePages_Total: get("HugePages_Total"),
    HugePages_Free: get("HugePages_Free"),
    HugePages_Rsvd: get("HugePages_Rsvd"),
  };
}

/** The heads of the compound pages in [first, end) in use, with their head state, by PFN. */
function headsIn(phys: PhysMem, first: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  for (const head of phys.large.keys()) {
    if (head < first || head >= end) continue;
    const hugetlb = (phys.flags[head]! & PG_HUGETLB) !== 0;
    out.push([head, hugetlb ? FRAME_HUGETLB_HEAD : FRAME_THP_HEAD]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Collects the picture: the frames handed out so far, or with `all` every frame of RAM. */
export function collectFrames(m: Machine, all: boolean): FramesView {
  const { phys } = m;
  const first = all ? 0 : phys.firstUsable;
  const end = all ? phys.nrFrames : Math.max(phys.highWater, phys.firstUsable + 1);
  const b = new RunBuilder();
  if (all)
    for (let pfn = 0; pfn < phys.firstUsable; pfn++) b.push(FRAME_KERNEL, countOf(phys, pfn));
  const rest = frameRuns(phys, Math.max(first, phys.firstUsable), end, new Set(m.hugetlb.free));
  for (let i = 0; i < rest.length; i += 3) b.push(rest[i]!, rest[i + 1]!, rest[i + 2]!);
  return {
    kind: "frames",
    first,
    count: end - first,
    all,
    nrFrames: phys.nrFrames,
    firstUsable: phys.firstUsable,
    highWater: phys.highWater,
    runs: b.runs,
    heads: headsIn(phys, first, end),
    totals: frameTotals(m),
    meminfo: meminfoFigures(m),
  };
}

/* ---- layout ---- */

const FRAMES_MAX_ROWS = 32;

export type FramesLine = CellLine;

export interface FramesLayout {
  readonly scale: number;
  readonly lines: readonly FramesLine[];
}

/** Lays the grid out for `columns`: rows of 2^k cells, each row starting with its first PFN. */
export function layoutFrames(view: FramesView, columns: number): FramesLayout {
  const digits = Math.max(1, (view.nrFrames - 1).toString(16).length);
  const perRow = floorPow2(Math.max(8, columns - digits - 1));
  const scale = scaleFor(view.count, perRow * FRAMES_MAX_ROWS);
  const cells = groupCells(view.runs, view.count, scale, FRAME_MIXED, FRAME_STATES);
  // A cell holding a compound page's head shows the head, whatever else it holds of the page.
  for (const [head, headState] of view.heads) {
    const cell = Math.floor((head - view.first) / scale);
    const state = cells.states[cell];
    const tail = headState === FRAME_THP_HEAD ? FRAME_THP_TAIL : FRAME_HUGETLB_TAIL;
    if (state === tail || state === FRAME_MIXED) {
      cells.states[cell] = headState;
      cells.counts[cell] = 0;
    }
  }
  const lines: FramesLine[] = [];
  for (let from = 0; from < cells.states.length; from += perRow) {
    const to = Math.min(from + perRow, cells.states.length);
    const pfn = view.first + from * scale;
    lines.push({
      prefix: `${hexPad(pfn, digits)} `,
      states: cells.states.subarray(from, to),
      counts: cells.counts.subarray(from, to),
      same: 0,
    });
  }
  return { scale, lines: foldRepeats(lines) };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The line above the grid: which frames, and how many per cell. */
export function framesHeading(view: FramesView, scale: number): string[] {
  const range = `PFN ${hex(view.first)}-${hex(view.first + view.count)}`;
  const per = scale === 1 ? "1 cell = 1 frame" : `1 cell = ${scale} frames`;
  if (view.all) return [`all ${plural(view.nrFrames, "frame")} of RAM, ${range}: ${per}`];
  return [
    `the frames handed out so far, ${range}: ${per}`,
    `(below: ${view.firstUsable} kernel frames; above: never used, free; frames --all for all)`,
  ];
}

export const FRAMES_LEGEND: readonly string[] = [
  "# kernel   . free   A anonymous   F file, mapped   f file, cached only",
  "S shmem, mapped   s shmem, not mapped   a anonymous, not mapped   ~ mixed",
  "under a cell: its map count when 2 or more (2 to 9, or + for 10 or more)",
];

/** The legend's lines for compound pages, printed when the picture has any. */
export const FRAMES_COMPOUND_LEGEND: readonly string[] = [
  "compound pages (2 MiB: 512 frames, order 9), head then tails:",
  "T t THP (anonymous)   G g hugetlb page in use   h hugetlb pool, free",
];

/** Whether any cell of the view is a compound page's. */
export function hasCompoundStates(view: FramesView): boolean {
  for (let i = 0; i < view.runs.length; i += 3) if (isCompoundState(view.runs[i]!)) return true;
  return false;
}

/** The legend's line for the swap cache, printed when swap cache holds any frame. */
export const FRAMES_SWAP_LEGEND =
  "w swap cache, not mapped (the slot's page, kept for the next swap-in)";

/** The totals by owner beside the /proc/meminfo lines they make, all in kB. */
export function framesSummary(view: FramesView): string[] {
  const t = view.totals;
  const mi = view.meminfo;
  const kb = (frames: number): number => frames * 4;
  const row = (kind: string, frames: number, label: string, value: number | null): string =>
    `${kind.padEnd(8)}${String(frames).padStart(9)}${String(kb(frames)).padStart(11)}   ${
      value === null ? label : `${label.padEnd(16)}${String(value).padStart(9)} kB`
    }`;
  const user =
    t.anon + t.anonUnmapped + t.swapCacheUnmapped + t.file + t.shmem + t.free + t.hugetlb;
  const lines = [
    `${"owner".padEnd(8)}${"frames".padStart(9)}${"kB".padStart(11)}   /proc/meminfo`,
    row("anon", t.anon, "AnonPages", mi.AnonPages),
    row("file", t.file, "Cached - Shmem", mi.Cached - mi.Shmem),
    row("shmem", t.shmem, "Shmem", mi.Shmem),
    ...(t.swapCached > 0 ? [row("swcache", t.swapCached, "SwapCached", mi.SwapCached)] : []),
    ...(t.hugetlb > 0 ? [row("hugetlb", t.hugetlb, "Hugetlb", mi.Hugetlb)] : []),
    row("free", t.free, "MemFree", mi.MemFree),
    row("total", user, "MemTotal", mi.MemTotal),
    row("kernel", t.kernel, "(not in MemTotal)", null),
    row("mapped", t.mappedCache, "Mapped", mi.Mapped),
  ];
  if (t.anonUnmapped > 0)
    lines.push(`(${plural(t.anonUnmapped, "anonymous frame")} mapped by no PTE: not in AnonPages)`);
  lines.push(...compoundLines(view));
  const [one, two, few, many] = t.byMapcount;
  lines.push(
    `mapped frames by map count: 1: ${one}   2: ${two}   3 to 9: ${few}   10 or more: ${many}`,
  );
  return lines;
}

/** The compound pages by kind and order, beside AnonHugePages and HugePages_*. */
function compoundLines(view: FramesView): string[] {
  const c = view.totals.compound;
  const mi = view.meminfo;
  const out: string[] = [];
  const order = `order ${c.order}, ${2 ** c.order} frames each`;
  if (c.thp > 0)
    out.push(
      `THPs: ${c.thp} (${order}), ${c.thpPmdMapped} mapped by a PMD: AnonHugePages ${mi.AnonHugePages} kB`,
    );
  const pool = c.hugetlbInUse + c.hugetlbFree;
  if (pool > 0)
    out.push(
      `hugetlb pool: ${plural(pool, "page")} (${order}), ${c.hugetlbInUse} in use, ${c.hugetlbFree} free,`,
      `  ${mi.HugePages_Rsvd} reserved: HugePages_Total ${mi.HugePages_Total}, HugePages_Free ${mi.HugePages_Free}, HugePages_Rsvd ${mi.HugePages_Rsvd}`,
    );
  return out;
}

/** The plain-character picture, `columns` wide. */
export function framesText(view: FramesView, columns: number): string {
  const { scale, lines } = layoutFrames(view, columns);
  const out = framesHeading(view, scale);
  for (const line of lines) {
    let cells = "";
    let counts = "";
    for (let i = 0; i < line.states.length; i++) {
      cells += FRAME_CHARS[line.states[i]!];
      counts += countChar(line.counts[i]!);
    }
    out.push(line.prefix + cells);
    if (counts.trim() !== "") out.push(" ".repeat(line.prefix.length) + counts.trimEnd());
    if (line.same > 0) out.push(foldedText(line));
  }
  out.push("", ...FRAMES_LEGEND);
  if (view.totals.swapCached > 0) out.push(FRAMES_SWAP_LEGEND);
  if (hasCompoundStates(view)) out.push(...FRAMES_COMPOUND_LEGEND);
  if (hasKsmFrames(view)) out.push(FRAMES_KSM_LEGEND);
  out.push("", ...framesSummary(view));
  return `${out.join("\n")}\n`;
}
