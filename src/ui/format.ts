/**
 * Plain-text formatting for the UI chrome: the status line, the progress
 * bar, tab expansion and the layout of the prompt line. Pure.
 */
import type { EngineStatus, Progress } from "./engine.js";

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/** Bytes in binary units with one decimal, as `free -h`: "512 B", "7.8 GiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** The simulated clock in seconds with millisecond precision (truncated): "t=3.000s". */
export function formatClock(ns: number): string {
  const ms = Math.floor(ns / 1e6);
  return `t=${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")}s`;
}

/** The status line: "t=3.000s  4 processes  free 7.8 GiB / 8.0 GiB". */
export function formatStatus(s: EngineStatus): string {
  const procs = `${s.processes} ${s.processes === 1 ? "process" : "processes"}`;
  return `${formatClock(s.clockNs)}  ${procs}  free ${formatBytes(s.freeBytes)} / ${formatBytes(s.totalBytes)}`;
}

/** "label [█████░░░░░]  50%" with a bar of `width` cells; `done` is clamped to [0, total]. */
export function formatProgress(p: Progress, width = 30): string {
  const fraction = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
  const filled = Math.floor(fraction * width);
  const bar = "█".repeat(filled) + "░".repeat(width - filled);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${p.label} [${bar}] ${percent}`;
}

/** Replaces tabs by spaces up to the next multiple of 8 columns, as a terminal shows them. */
export function expandTabs(line: string): string {
  if (!line.includes("\t")) return line;
  let out = "";
  let col = 0;
  for (const c of line) {
    if (c === "\t") {
      const n = 8 - (col % 8);
      out += " ".repeat(n);
      col += n;
    } else {
      out += c;
      col++;
    }
  }
  return out;
}

/** Where the prompt line's characters and cursor fall on screen. */
export interface LineLayout {
  /** The screen rows; the first starts with the prompt. */
  readonly rows: readonly string[];
  /** The cursor's column and row (0-based, relative to the first row). */
  readonly x: number;
  readonly y: number;
}

/**
 * Cuts `prompt + text` into rows of `columns` characters (one cell per code
 * point) and places the cursor, which sits at UTF-16 index `cursor` of
 * `text`. A cursor past a full last row gets an empty row of its own.
 */
export function layoutLine(
  prompt: string,
  text: string,
  cursor: number,
  columns: number,
): LineLayout {
  const width = Math.max(1, columns);
  const chars = [...(prompt + text)];
  const col = [...prompt].length + [...text.slice(0, cursor)].length;
  const rows: string[] = [];
  for (let i = 0; i < chars.length; i += width) rows.push(chars.slice(i, i + width).join(""));
  const y = Math.floor(col / width);
  while (rows.length <= y) rows.push("");
  return { rows, x: col % width, y };
}
