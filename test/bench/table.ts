/**
 * The benchmark's one table: a row per measurement, cowsh's median and the
 * kernel's median in the row's unit, the ratio cowsh / kernel (median, min
 * and max over paired runs), the target and whether it is met. Printed as
 * a Markdown table so that docs/PERFORMANCE.md can hold it as printed.
 */
import { pairedRatios, type Summary, summarize } from "./stats.js";

/** A target on the ratio (cowsh / kernel), or on cowsh's own median value. */
export type Target =
  | { readonly kind: "ratio"; readonly max: number }
  | { readonly kind: "value"; readonly max: number; readonly label: string };

export interface Row {
  readonly name: string;
  readonly unit: string;
  /** One value per run, in `unit`; cowsh[i] is paired with kernel[i]. */
  readonly cowsh: readonly number[];
  readonly kernel: readonly number[];
  readonly target: Target | null;
  /** When the row could not be measured: why. */
  readonly missing?: string;
}

export interface RowResult {
  readonly row: Row;
  readonly cowsh: Summary | null;
  readonly kernel: Summary | null;
  readonly ratio: Summary | null;
  /** null when there is no target or no measurement. */
  readonly met: boolean | null;
}

export function evaluate(row: Row): RowResult {
  if (row.missing !== undefined || row.cowsh.length === 0 || row.kernel.length === 0) {
    return { row, cowsh: null, kernel: null, ratio: null, met: null };
  }
  const cowsh = summarize(row.cowsh);
  const kernel = summarize(row.kernel);
  const ratio = pairedRatios(row.cowsh, row.kernel);
  const t = row.target;
  const met =
    t === null ? null : t.kind === "ratio" ? ratio.median <= t.max : cowsh.median <= t.max;
  return { row, cowsh, kernel, ratio, met };
}

/** A number with 3 significant digits (whole numbers from 1000 up). */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1000) return Math.round(n).toLocaleString("en-US");
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  return n.toPrecision(2);
}

const ratioText = (r: number): string => `${fmt(r)}×`;

function targetText(t: Target | null): string {
  if (t === null) return "—";
  return t.kind === "ratio" ? `≤ ${fmt(t.max)}×` : t.label;
}

const HEADER = ["", "unit", "cowsh", "kernel", "ratio", "min", "max", "target", "met"];

/** The Markdown table of the evaluated rows, then a note for each row that could not be measured. */
export function renderTable(results: readonly RowResult[]): string {
  const lines: string[][] = [HEADER];
  const notes: string[] = [];
  for (const r of results) {
    if (r.cowsh === null || r.kernel === null || r.ratio === null) {
      notes.push(`[${notes.length + 1}] ${r.row.name}: ${r.row.missing ?? "not measured"}`);
      const mark = `n/a [${notes.length}]`;
      lines.push([r.row.name, r.row.unit, mark, "", "", "", "", targetText(r.row.target), ""]);
      continue;
    }
    lines.push([
      r.row.name,
      r.row.unit,
      fmt(r.cowsh.median),
      fmt(r.kernel.median),
      ratioText(r.ratio.median),
      ratioText(r.ratio.min),
      ratioText(r.ratio.max),
      targetText(r.row.target),
      r.met === null ? "" : r.met ? "yes" : "NO",
    ]);
  }
  const widths = HEADER.map((_, c) => Math.max(...lines.map((l) => [...l[c]!].length)));
  const pad = (cell: string, c: number): string =>
    c === 0 || c === 1 || c >= 7 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!);
  const text = lines.map((l) => `| ${l.map(pad).join(" | ")} |`);
  const rule = `|${widths.map((w, c) => (c === 0 || c === 1 || c >= 7 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [text[0]!, rule, ...text.slice(1), ...(notes.length > 0 ? ["", ...notes] : [])].join("\n");
}
