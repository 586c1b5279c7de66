/**
 * The line-matching algorithm of GNU diff, so that `diff` chooses the same
 * changes GNU diffutils chooses:
 *
 * 1. lines become equivalence-class numbers;
 * 2. lines with no match in the other file are set aside as changes, as are
 *    some lines with very many matches (discard_confusing_lines());
 * 3. Myers' O(ND) algorithm, splitting at the middle snake (compareseq()
 *    and diag() of gnulib's diffseq.h), marks the rest;
 * 4. runs of changes slide over identical lines to merge with neighbours,
 *    or else as far down as they go (shift_boundaries()).
 *
 * GNU's speed heuristics (for very large, very different inputs) are left
 * out: the result is always a minimal script over the lines considered.
 */

/** One change: `deleted` lines of file 0 from `line0`, replaced by `inserted` lines of file 1 from `line1` (0-based). */
export interface Change {
  readonly line0: number;
  readonly line1: number;
  readonly deleted: number;
  readonly inserted: number;
}

/**
 * The changes turning `a` into `b`, in order. Lines compare exactly.
 *
 * `horizon` is GNU's horizon: how many lines of the identical prefix and
 * suffix stay in play (diff uses its context size for -u, 0 for the normal
 * format). Changes may slide into those lines, never past them.
 */
export function diffLines(a: readonly string[], b: readonly string[], horizon = 0): Change[] {
  const [start, endA, endB] = comparedRegion(a, b, horizon);
  return diffRegion(a.slice(start, endA), b.slice(start, endB)).map((c) => ({
    ...c,
    line0: c.line0 + start,
    line1: c.line1 + start,
  }));
}

/**
 * find_identical_ends() in lines: the region [start, endA) of `a` and
 * [start, endB) of `b` left after setting aside the identical prefix and
 * suffix, less `horizon` lines of each.
 */
function comparedRegion(
  a: readonly string[],
  b: readonly string[],
  horizon: number,
): [number, number, number] {
  const shorter = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < shorter && a[prefix] === b[prefix]) prefix++;
  const start = Math.max(0, prefix - horizon);
  let suffix = 0;
  while (suffix < shorter - start && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) {
    suffix++;
  }
  const cut = Math.max(0, suffix - horizon);
  return [start, a.length - cut, b.length - cut];
}

/** The changes between two regions, by GNU's steps 1–4. */
function diffRegion(a: readonly string[], b: readonly string[]): Change[] {
  const [ea, eb] = equivalenceClasses(a, b);
  // changed flags with a zero sentinel on both sides: index k+1 holds line k.
  const changed0 = new Uint8Array(a.length + 2);
  const changed1 = new Uint8Array(b.length + 2);
  const kept0 = discardConfusingLines(ea, eb, changed0);
  const kept1 = discardConfusingLines(eb, ea, changed1);
  const ctx: Context = {
    xv: kept0.map((i) => ea[i]!),
    yv: kept1.map((i) => eb[i]!),
    xIndex: kept0,
    yIndex: kept1,
    changed0,
    changed1,
    fd: new Int32Array(kept0.length + kept1.length + 3),
    bd: new Int32Array(kept0.length + kept1.length + 3),
    dOffset: kept1.length + 1,
  };
  compareSeq(ctx, 0, ctx.xv.length, 0, ctx.yv.length);
  shiftBoundaries(ea, changed0, changed1);
  shiftBoundaries(eb, changed1, changed0);
  return buildScript(changed0, changed1, a.length, b.length);
}

/** Numbers the distinct lines of both files (from 1), so lines compare as integers. */
function equivalenceClasses(a: readonly string[], b: readonly string[]): [number[], number[]] {
  const classes = new Map<string, number>();
  const classOf = (line: string): number => {
    let c = classes.get(line);
    if (c === undefined) {
      c = classes.size + 1;
      classes.set(line, c);
    }
    return c;
  };
  return [a.map(classOf), b.map(classOf)];
}

/**
 * discard_confusing_lines() for one file: marks as changed (in `changed`, offset
 * by one) the lines of `mine` that will not take part in matching, and returns
 * the indices of the lines that will.
 */
function discardConfusingLines(
  mine: readonly number[],
  other: readonly number[],
  changed: Uint8Array,
): number[] {
  const counts = new Map<number, number>();
  for (const c of other) counts.set(c, (counts.get(c) ?? 0) + 1);
  let many = 5;
  for (let tem = Math.floor(mine.length / 64) >> 2; tem > 0; tem >>= 2) many *= 2;
  // 0: keep, 1: discard, 2: provisionally discard.
  const discards = mine.map((c) => {
    const n = counts.get(c) ?? 0;
    return n === 0 ? 1 : n > many ? 2 : 0;
  });
  filterProvisional(discards);
  const kept: number[] = [];
  discards.forEach((d, i) => {
    if (d === 0) kept.push(i);
    else changed[i + 1] = 1;
  });
  return kept;
}

/** Keeps provisional discards only inside runs of discards, as GNU does. */
function filterProvisional(discards: number[]): void {
  const end = discards.length;
  for (let i = 0; i < end; i++) {
    if (discards[i] === 2) {
      discards[i] = 0;
      continue;
    }
    if (discards[i] === 0) continue;
    let j = i;
    let provisional = 0;
    for (; j < end && discards[j] !== 0; j++) if (discards[j] === 2) provisional++;
    while (j > i && discards[j - 1] === 2) {
      discards[--j] = 0;
      provisional--;
    }
    const length = j - i;
    if (provisional * 4 > length) {
      while (j > i) if (discards[--j] === 2) discards[j] = 0;
    } else {
      cancelLongProvisionalRuns(discards, i, length);
      i += length - 1;
    }
  }
}

/** Within the run [i, i+length): cancels long sub-runs of provisionals and provisionals near the run's ends. */
function cancelLongProvisionalRuns(discards: number[], i: number, length: number): void {
  let minimum = 1;
  for (let tem = Math.floor(length / 4) >> 2; tem > 0; tem >>= 2) minimum *= 2;
  minimum++;
  for (let j = 0, consec = 0; j < length; j++) {
    if (discards[i + j] !== 2) consec = 0;
    else if (minimum === ++consec) j -= consec;
    else if (minimum < consec) discards[i + j] = 0;
  }
  const scan = (at: (j: number) => number): void => {
    for (let j = 0, consec = 0; j < length; j++) {
      const k = at(j);
      if (j >= 8 && discards[k] === 1) break;
      if (discards[k] === 2) {
        consec = 0;
        discards[k] = 0;
      } else if (discards[k] === 0) consec = 0;
      else consec++;
      if (consec === 3) break;
    }
  };
  scan((j) => i + j);
  scan((j) => i + length - 1 - j);
}

interface Context {
  readonly xv: readonly number[];
  readonly yv: readonly number[];
  /** Real line index of each considered line. */
  readonly xIndex: readonly number[];
  readonly yIndex: readonly number[];
  readonly changed0: Uint8Array;
  readonly changed1: Uint8Array;
  /** Furthest-reaching x per diagonal d, forward and backward, at index d + dOffset. */
  readonly fd: Int32Array;
  readonly bd: Int32Array;
  readonly dOffset: number;
}

const NONE_BACKWARD = 0x7fffffff;

/** compareseq(): marks the changes between xv[xoff, xlim) and yv[yoff, ylim). */
function compareSeq(
  ctx: Context,
  xoff0: number,
  xlim0: number,
  yoff0: number,
  ylim0: number,
): void {
  // Explicit stack instead of recursion: deep inputs must not overflow the JS stack.
  const stack: [number, number, number, number][] = [[xoff0, xlim0, yoff0, ylim0]];
  while (stack.length > 0) {
    let [xoff, xlim, yoff, ylim] = stack.pop()!;
    const { xv, yv } = ctx;
    while (xoff < xlim && yoff < ylim && xv[xoff] === yv[yoff]) {
      xoff++;
      yoff++;
    }
    while (xoff < xlim && yoff < ylim && xv[xlim - 1] === yv[ylim - 1]) {
      xlim--;
      ylim--;
    }
    if (xoff === xlim) {
      for (let y = yoff; y < ylim; y++) ctx.changed1[ctx.yIndex[y]! + 1] = 1;
    } else if (yoff === ylim) {
      for (let x = xoff; x < xlim; x++) ctx.changed0[ctx.xIndex[x]! + 1] = 1;
    } else {
      const [xmid, ymid] = middleSnake(ctx, xoff, xlim, yoff, ylim);
      // Pushed in reverse so the lower half is done first (order does not change the result).
      stack.push([xmid, xlim, ymid, ylim], [xoff, xmid, yoff, ymid]);
    }
  }
}

/** diag(): the point where the forward and backward searches meet. */
function middleSnake(
  ctx: Context,
  xoff: number,
  xlim: number,
  yoff: number,
  ylim: number,
): [number, number] {
  const { xv, yv, fd, bd, dOffset: o } = ctx;
  const dmin = xoff - ylim;
  const dmax = xlim - yoff;
  const fmid = xoff - yoff;
  const bmid = xlim - ylim;
  let fmin = fmid;
  let fmax = fmid;
  let bmin = bmid;
  let bmax = bmid;
  const odd = ((fmid - bmid) & 1) !== 0;
  fd[fmid + o] = xoff;
  bd[bmid + o] = xlim;
  for (;;) {
    if (fmin > dmin) fd[--fmin - 1 + o] = -1;
    else ++fmin;
    if (fmax < dmax) fd[++fmax + 1 + o] = -1;
    else --fmax;
    for (let d = fmax; d >= fmin; d -= 2) {
      const tlo = fd[d - 1 + o]!;
      const thi = fd[d + 1 + o]!;
      let x = tlo < thi ? thi : tlo + 1;
      let y = x - d;
      while (x < xlim && y < ylim && xv[x] === yv[y]) {
        x++;
        y++;
      }
      fd[d + o] = x;
      if (odd && bmin <= d && d <= bmax && bd[d + o]! <= x) return [x, y];
    }
    if (bmin > dmin) bd[--bmin - 1 + o] = NONE_BACKWARD;
    else ++bmin;
    if (bmax < dmax) bd[++bmax + 1 + o] = NONE_BACKWARD;
    else --bmax;
    for (let d = bmax; d >= bmin; d -= 2) {
      const tlo = bd[d - 1 + o]!;
      const thi = bd[d + 1 + o]!;
      let x = tlo < thi ? tlo : thi - 1;
      let y = x - d;
      while (xoff < x && yoff < y && xv[x - 1] === yv[y - 1]) {
        x--;
        y--;
      }
      bd[d + o] = x;
      if (!odd && fmin <= d && d <= fmax && x <= fd[d + o]!) return [x, y];
    }
  }
}

/**
 * shift_boundaries() for one file: slides each run of changed lines over
 * identical neighbours to merge it with other runs, else as far down as it
 * goes, then back to line up with a run in the other file where possible.
 * `changed` and `other` are offset by one (index 0 and length+1 are zero).
 */
function shiftBoundaries(equivs: readonly number[], changed: Uint8Array, other: Uint8Array): void {
  const eq = (i: number): number => equivs[i]!;
  const ch = (i: number): number => changed[i + 1]!;
  const setCh = (i: number, v: number): void => {
    changed[i + 1] = v;
  };
  const oc = (j: number): number => other[j + 1]!;
  const iEnd = equivs.length;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < iEnd && !ch(i)) {
      while (oc(j++));
      i++;
    }
    if (i === iEnd) break;
    let start = i;
    while (ch(++i));
    while (oc(j)) j++;
    let runLength: number;
    let corresponding: number;
    do {
      runLength = i - start;
      while (start && eq(start - 1) === eq(i - 1)) {
        setCh(--start, 1);
        setCh(--i, 0);
        while (ch(start - 1)) start--;
        while (oc(--j));
      }
      corresponding = oc(j - 1) ? i : iEnd;
      while (i !== iEnd && eq(start) === eq(i)) {
        setCh(start++, 0);
        setCh(i++, 1);
        while (ch(i)) i++;
        while (oc(++j)) corresponding = i;
      }
    } while (runLength !== i - start);
    while (corresponding < i) {
      setCh(--start, 1);
      setCh(--i, 0);
      while (oc(--j));
    }
  }
}

/** build_script(): the runs of changed lines as changes, in order. */
function buildScript(
  changed0: Uint8Array,
  changed1: Uint8Array,
  len0: number,
  len1: number,
): Change[] {
  const script: Change[] = [];
  let i0 = 0;
  let i1 = 0;
  while (i0 < len0 || i1 < len1) {
    if (changed0[i0 + 1] || changed1[i1 + 1]) {
      const line0 = i0;
      const line1 = i1;
      while (changed0[i0 + 1]) i0++;
      while (changed1[i1 + 1]) i1++;
      script.push({ line0, line1, deleted: i0 - line0, inserted: i1 - line1 });
    }
    i0++;
    i1++;
  }
  return script;
}
