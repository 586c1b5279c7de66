/**
 * swapon --show's table (util-linux sys-utils/swapon.c over libsmartcols):
 * the areas of /proc/swaps, one row each, in the columns asked for. Columns
 * are one space apart, as wide as their widest cell or header; SIZE, USED
 * and PRIO align right, the others left, and the last column is not padded.
 * --raw: cells one space apart, unpadded, with spaces escaped as \x20.
 */
import { sizeToHumanString } from "./human-size.js";

export interface SwapRow {
  readonly name: string;
  readonly type: string;
  /** Bytes (from /proc/swaps' kB). */
  readonly size: number;
  readonly used: number;
  readonly prio: number;
  readonly uuid: string;
  readonly label: string;
}

export const COLUMNS = ["NAME", "TYPE", "SIZE", "USED", "PRIO", "UUID", "LABEL"] as const;
export type Column = (typeof COLUMNS)[number];
export const DEFAULT_COLUMNS: readonly Column[] = ["NAME", "TYPE", "SIZE", "USED", "PRIO"];
const RIGHT: ReadonlySet<Column> = new Set(["SIZE", "USED", "PRIO"]);

export interface ShowOptions {
  readonly columns: readonly Column[];
  readonly bytes: boolean;
  readonly headings: boolean;
  readonly raw: boolean;
}

/** A column name as the user typed it (any case), or null. */
export function columnNamed(name: string): Column | null {
  const up = name.toUpperCase();
  return COLUMNS.find((c) => c === up) ?? null;
}

function cell(row: SwapRow, c: Column, bytes: boolean): string {
  const size = (n: number) => (bytes ? String(n) : sizeToHumanString(n, false));
  switch (c) {
    case "NAME":
      return row.name;
    case "TYPE":
      return row.type;
    case "SIZE":
      return size(row.size);
    case "USED":
      return size(row.used);
    case "PRIO":
      return String(row.prio);
    case "UUID":
      return row.uuid;
    case "LABEL":
      return row.label;
  }
}

/** The table's text; nothing at all when there is no area (no header either). */
export function showTable(rows: readonly SwapRow[], o: ShowOptions): string {
  if (rows.length === 0) return "";
  const cells = rows.map((r) => o.columns.map((c) => cell(r, c, o.bytes)));
  const all = o.headings ? [[...o.columns], ...cells] : cells;
  if (o.raw) return all.map((line) => `${line.map(rawEscape).join(" ")}\n`).join("");
  const widths = o.columns.map((c, i) =>
    Math.max(c.length, ...cells.map((line) => line[i]!.length)),
  );
  return all
    .map((line) => {
      const last = line.length - 1;
      const parts = line.map((v, i) => {
        const w = widths[i]!;
        if (RIGHT.has(o.columns[i]!)) return v.padStart(w);
        return i === last ? v : v.padEnd(w);
      });
      return `${parts.join(" ")}\n`;
    })
    .join("");
}

const rawEscape = (v: string): string =>
  v.replace(/[\s\\"]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);

/** /proc/swaps' lines as rows (the kernel's octal escapes undone); UUID and LABEL from `probe`. */
export function parseProcSwaps(
  text: string,
  probe: (path: string) => { uuid: string; label: string },
): SwapRow[] {
  return text
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() !== "")
    .map((line) => {
      const f = line.split(/[ \t]+/);
      const name = f[0]!.replace(/\\([0-7]{3})/g, (_, o: string) =>
        String.fromCharCode(Number.parseInt(o, 8)),
      );
      return {
        name,
        type: f[1]!,
        size: Number(f[2]) * 1024,
        used: Number(f[3]) * 1024,
        prio: Number(f[4]),
        ...probe(name),
      };
    });
}
