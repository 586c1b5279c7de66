/**
 * What the pictures made of cells (vmmap, frames) share when drawn in
 * colour: a row of cells as coloured runs (consecutive cells of one style
 * in one SGR span), and a legend of sample cells. Pure: it returns text.
 */
import type { CellLine } from "../views/cells.js";
import { sameStyle, styled, type TextStyle, wrapItems } from "./sgr.js";

/** How one cell looks: its character and its colours. */
export interface CellStyle extends TextStyle {
  readonly char: string;
}

/** A cell's look from its state and count. */
export type CellPainter = (state: number, count: number) => CellStyle;

/** The digit a shared cell shows for its map count: 2–9, + for 10 or more. */
export const countGlyph = (count: number): string =>
  count < 2 ? " " : count < 10 ? String(count) : "+";

/** A row: its prefix, then its cells in runs of one style. */
export function cellRowAnsi(line: CellLine, paint: CellPainter): string {
  let out = line.prefix;
  let run: { style: CellStyle; text: string } | undefined;
  for (let i = 0; i < line.states.length; i++) {
    const style = paint(line.states[i]!, line.counts[i]!);
    if (run !== undefined && sameStyle(run.style, style)) run.text += style.char;
    else {
      if (run !== undefined) out += styled(run.style, run.text);
      run = { style, text: style.char };
    }
  }
  if (run !== undefined) out += styled(run.style, run.text);
  return out;
}

/** A legend: each state's sample cell and name, wrapped to `columns`. */
export function legendAnsi(
  samples: readonly { readonly style: CellStyle; readonly name: string }[],
  columns: number,
): string[] {
  return wrapItems(
    samples.map(({ style, name }) => `${styled(style, style.char)} ${name}  `),
    columns,
  );
}
