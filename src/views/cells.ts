/**
 * Pictures made of cells (vmmap, frames): a long sequence of items (the pages
 * of a VMA, the frames of RAM), each with a small state code and a map count,
 * kept run-length encoded, then cut into cells of 2^k items each.
 *
 * A run is three numbers in a flat array: state, count, length. The count is
 * a map count where the picture shows one, else 0, so that runs stay long.
 *
 * Group rule (one cell for several items): the cell takes the state that
 * more than half of its items are in; when no state has a majority it is
 * MIXED. Its count is the highest count among its items in that state.
 */

/** A flat array of (state, count, length) triples. */
export type Runs = readonly number[];

/** Appends items to runs, extending the last run when state and count repeat. */
export class RunBuilder {
  readonly runs: number[] = [];

  push(state: number, count: number, length = 1): void {
    const r = this.runs;
    const k = r.length;
    if (k > 0 && r[k - 3] === state && r[k - 2] === count) r[k - 1]! += length;
    else r.push(state, count, length);
  }
}

/** The cells of a picture: a state and a count for each. */
export interface Cells {
  readonly states: Uint8Array;
  readonly counts: Uint32Array;
}

/** The smallest power of two `s` with ceil(total / s) <= maxCells. */
export function scaleFor(total: number, maxCells: number): number {
  let scale = 1;
  while (Math.ceil(total / scale) > Math.max(1, maxCells)) scale *= 2;
  return scale;
}

/** The largest power of two not above n (at least 1). */
export function floorPow2(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/**
 * Cuts `total` items described by `runs` into cells of `scale` items (the
 * last cell may hold fewer), by the group rule above. `mixed` is the state
 * code of a cell without a majority; `nStates` bounds the state codes.
 */
export function groupCells(
  runs: Runs,
  total: number,
  scale: number,
  mixed: number,
  nStates: number,
): Cells {
  const n = Math.ceil(total / scale);
  const states = new Uint8Array(n);
  const counts = new Uint32Array(n);
  const tally = new Float64Array(nStates);
  const top = new Float64Array(nStates);
  let ri = 0;
  let used = 0; // items of runs[ri] already given to earlier cells
  for (let cell = 0; cell < n; cell++) {
    const size = Math.min(scale, total - cell * scale);
    tally.fill(0);
    top.fill(0);
    let need = size;
    while (need > 0 && ri < runs.length) {
      const state = runs[ri]!;
      const count = runs[ri + 1]!;
      const take = Math.min(need, runs[ri + 2]! - used);
      tally[state]! += take;
      if (count > top[state]!) top[state] = count;
      need -= take;
      used += take;
      if (used === runs[ri + 2]) {
        ri += 3;
        used = 0;
      }
    }
    let best = 0;
    for (let s = 1; s < nStates; s++) if (tally[s]! > tally[best]!) best = s;
    const majority = tally[best]! * 2 > size;
    states[cell] = majority ? best : mixed;
    counts[cell] = majority ? top[best]! : 0;
  }
  return { states, counts };
}

/** How a map count shows under a shared cell: 2–9, "+" for 10 or more, else a blank. */
export function countChar(count: number): string {
  if (count < 2) return " ";
  return count < 10 ? String(count) : "+";
}

/** Counts items per state over runs. */
export function tallyRuns(runs: Runs, nStates: number): number[] {
  const tally = new Array<number>(nStates).fill(0);
  for (let i = 0; i < runs.length; i += 3) tally[runs[i]!]! += runs[i + 2]!;
  return tally;
}

/** One row of cells and what stands before it (an indent, an address, a PFN). */
export interface CellLine {
  readonly prefix: string;
  readonly states: Uint8Array;
  readonly counts: Uint32Array;
  /** Rows after this one that were the same and are left out (shown as one `*` line). */
  readonly same: number;
}

const sameCells = (a: CellLine, b: CellLine): boolean =>
  a.states.length === b.states.length &&
  a.states.every((s, i) => s === b.states[i]) &&
  a.counts.every((c, i) => c === b.counts[i]);

/**
 * Folds runs of identical rows, as hexdump does: a row followed by two or
 * more rows with the same cells keeps them as its `same` count.
 */
export function foldRepeats(lines: readonly CellLine[]): CellLine[] {
  const out: CellLine[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && sameCells(lines[i]!, lines[j]!)) j++;
    const same = j - i - 1;
    if (same >= 2) {
      out.push({ ...lines[i]!, same });
      i = j;
    } else {
      out.push(lines[i]!);
      i++;
    }
  }
  return out;
}

/** The line standing for folded rows: `*` under the prefixes, then how many. */
export const foldedText = (line: CellLine): string =>
  `${"*".padEnd(line.prefix.length)}(${line.same} more ${line.same === 1 ? "row" : "rows"} the same)`;
