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

/**
 * The status line: "t=3.000s  4 processes  free 7.8 GiB / 8.0 GiB", or a
 * shorter form that fits in `columns` (the total goes first, then the
 * words), so that it always takes one row.
 */
export function formatStatus(s: EngineStatus, columns = Number.POSITIVE_INFINITY): string {
  const clock = formatClock(s.clockNs);
  const procs = `${s.processes} ${s.processes === 1 ? "process" : "processes"}`;
  const free = formatBytes(s.freeBytes);
  const forms = [
    `${clock}  ${procs}  free ${free} / ${formatBytes(s.totalBytes)}`,
    `${clock}  ${procs}  free ${free}`,
    `${clock}  ${s.processes} procs  ${free} free`,
    `${clock} ${s.processes}p ${free}`,
  ];
  const fits = forms.find((f) => f.length <= columns);
  return fits ?? [...forms.at(-1)!].slice(0, Math.max(1, columns)).join("");
}

/** "label [█████░░░░░]  50%" with a bar of `width` cells; `done` is clamped to [0, total]. */
export function formatProgress(p: Progress, width = 30): string {
  const fraction = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
  const filled = Math.floor(fraction * width);
  const bar = "█".repeat(filled) + "░".repeat(width - filled);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${p.label} [${bar}] ${percent}`;
}

/** The progress bar's text at a terminal `columns` wide. */
export function progressText(progress: Progress, columns: number): string {
  const width = Math.max(10, Math.min(40, columns - [...progress.label].length - 10));
  return formatProgress(progress, width);
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

/** The live region as last drawn: its lines (each at most the width it was drawn at) and the cursor. */
export interface DrawnFrame {
  readonly lines: readonly string[];
  readonly cursor: { readonly x: number; readonly y: number };
}

/**
 * What to write when the terminal has just become `columns` wide (narrower
 * than the frame was drawn at), before Ink erases the frame: a terminal
 * that reflows (tmux, VTE, iTerm2, kitty…) has wrapped each of the frame's
 * lines onto several rows, more rows than Ink will erase, and the rows it
 * leaves would stay in the scrollback for good (a broken copy of a progress
 * bar). This goes up from the cursor to the frame's first row, erases to
 * the end of the screen, and puts the cursor on the row where Ink believes
 * it is (`cursor.y` rows down), so that Ink's own erase then clears nothing
 * but blank rows.
 */
export function eraseReflowedFrame(frame: DrawnFrame, columns: number): string {
  const width = Math.max(1, columns);
  const rowsOf = (line: string) => Math.max(1, Math.ceil([...line].length / width));
  let cursorRow = Math.floor(frame.cursor.x / width);
  for (const line of frame.lines.slice(0, frame.cursor.y)) cursorRow += rowsOf(line);
  const up = cursorRow > 0 ? `\x1b[${cursorRow}A` : "";
  const down = frame.cursor.y > 0 ? `\x1b[${frame.cursor.y}B` : "";
  return `${up}\r\x1b[J${down}`;
}

/**
 * `text` with each line broken at spaces so that no row is wider than
 * `columns` (a word longer than a row is cut), as a pager or `fmt` wraps
 * prose: the terminal itself would cut words in two.
 */
export function wrapWords(text: string, columns: number): string {
  const width = Math.max(1, columns);
  const wrapLine = (line: string): string[] => {
    const rows: string[] = [];
    let row = "";
    for (const word of line.split(" ")) {
      const candidate = row === "" ? word : `${row} ${word}`;
      if ([...candidate].length <= width) {
        row = candidate;
        continue;
      }
      if (row !== "") rows.push(row);
      let rest = [...word];
      while (rest.length > width) {
        rows.push(rest.slice(0, width).join(""));
        rest = rest.slice(width);
      }
      row = rest.join("");
    }
    rows.push(row);
    return rows;
  };
  return text
    .split("\n")
    .flatMap((line) => ([...line].length <= width ? [line] : wrapLine(line)))
    .join("\n");
}
