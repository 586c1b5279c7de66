/**
 * What the picture renderers share: a row of cells drawn as coloured runs
 * (consecutive cells of one style merged into one <Text>).
 */
import { Text } from "ink";
import type { ReactNode } from "react";
import type { CellLine } from "../views/cells.js";

/** How one cell looks: its character and its colours. */
export interface CellStyle {
  readonly char: string;
  readonly color?: string;
  readonly backgroundColor?: string;
  readonly dimColor?: boolean;
}

/** A cell's look from its state and count. */
export type CellPainter = (state: number, count: number) => CellStyle;

const sameStyle = (a: CellStyle, b: CellStyle): boolean =>
  a.color === b.color && a.backgroundColor === b.backgroundColor && a.dimColor === b.dimColor;

/** One styled run of characters. */
export function Paint({ style, children }: { style: CellStyle; children: string }): ReactNode {
  return (
    <Text
      {...(style.color === undefined ? {} : { color: style.color })}
      {...(style.backgroundColor === undefined ? {} : { backgroundColor: style.backgroundColor })}
      {...(style.dimColor ? { dimColor: true } : {})}
    >
      {children}
    </Text>
  );
}

/** A row: its prefix, then its cells in runs of one style. */
export function CellRow({ line, paint }: { line: CellLine; paint: CellPainter }): ReactNode {
  const runs: Array<{ style: CellStyle; text: string }> = [];
  for (let i = 0; i < line.states.length; i++) {
    const style = paint(line.states[i]!, line.counts[i]!);
    const last = runs[runs.length - 1];
    if (last !== undefined && sameStyle(last.style, style)) last.text += style.char;
    else runs.push({ style, text: style.char });
  }
  return (
    <Text>
      {line.prefix}
      {runs.map((run, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: runs are positional and never reordered
        <Paint key={i} style={run.style}>
          {run.text}
        </Paint>
      ))}
    </Text>
  );
}

/** The digit a shared cell shows for its map count: 2–9, + for 10 or more. */
export const countGlyph = (count: number): string =>
  count < 2 ? " " : count < 10 ? String(count) : "+";
