/**
 * Styled terminal text as SGR escape sequences, with the colour names and
 * the nesting order Ink (through chalk) uses, so that a picture drawn here
 * looks the same in the Ink app, in a browser terminal and in a cast. Pure.
 */

export type ColorName =
  | "black"
  | "red"
  | "green"
  | "yellow"
  | "blue"
  | "magenta"
  | "cyan"
  | "white"
  | "gray";

/** How a run of text looks. */
export interface TextStyle {
  readonly color?: ColorName;
  readonly backgroundColor?: ColorName;
  readonly dimColor?: boolean;
  readonly bold?: boolean;
}

const FG: Readonly<Record<ColorName, number>> = {
  black: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  gray: 90,
};

const esc = (code: number): string => `\u001b[${code}m`;

/** `text` in `style`: bold, dim, foreground, background opened in that order, closed in reverse. */
export function styled(style: TextStyle, text: string): string {
  if (text === "") return text;
  let open = "";
  let close = "";
  const add = (on: number, off: number) => {
    open += esc(on);
    close = esc(off) + close;
  };
  if (style.bold) add(1, 22);
  if (style.dimColor) add(2, 22);
  if (style.color !== undefined) add(FG[style.color], 39);
  if (style.backgroundColor !== undefined) add(FG[style.backgroundColor] + 10, 49);
  return `${open}${text}${close}`;
}

export const sameStyle = (a: TextStyle, b: TextStyle): boolean =>
  a.color === b.color &&
  a.backgroundColor === b.backgroundColor &&
  a.dimColor === b.dimColor &&
  a.bold === b.bold;

/** The number of terminal cells `text` takes (one per code point, escape sequences taking none). */
export const visibleWidth = (text: string): number =>
  [...text.replace(/\u001b\[[0-9;]*m/g, "")].length;

/**
 * Items laid out left to right, starting a new row when the next would pass
 * `columns` (as a wrapping flex row does); each row's trailing blanks dropped.
 */
export function wrapItems(items: readonly string[], columns: number): string[] {
  const rows: string[] = [];
  let row = "";
  let width = 0;
  for (const item of items) {
    const w = visibleWidth(item);
    if (width > 0 && width + w > columns) {
      rows.push(row.trimEnd());
      row = "";
      width = 0;
    }
    row += item;
    width += w;
  }
  if (row !== "") rows.push(row.trimEnd());
  return rows;
}
