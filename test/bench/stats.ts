/** Summaries of repeated measurements: median, min and max, and ratios of paired runs. */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Median (mean of the middle two for an even count), min and max of a non-empty list. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("summarize: no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/**
 * The ratios cowsh / kernel of runs paired in order (run i of cowsh against
 * run i of the kernel), summarized. Both lists must have the same length.
 */
export function pairedRatios(cowsh: readonly number[], kernel: readonly number[]): Summary {
  if (cowsh.length !== kernel.length) throw new Error("pairedRatios: unpaired runs");
  return summarize(cowsh.map((c, i) => c / kernel[i]!));
}

/** Nanoseconds since an arbitrary origin, as a float (process.hrtime.bigint()). */
export const nowNs = (): number => Number(process.hrtime.bigint());
