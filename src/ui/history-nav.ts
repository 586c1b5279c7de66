/**
 * Walking the history with ↑/↓ (readline's previous-history/next-history).
 * Position `entries.length` is the line being typed (the draft). Edits made
 * to a recalled line, and the draft itself, are kept until the line is
 * accepted, so coming back down restores what was being typed.
 */

export interface HistoryCursor {
  /** The history, oldest first. */
  readonly entries: readonly string[];
  /** The entry shown: 0 ≤ index ≤ entries.length (the draft). */
  readonly index: number;
  /** Unsent text by index: edited entries and the draft. */
  readonly edits: ReadonlyMap<number, string>;
}

/** A cursor at the draft of `entries`, with no edits. */
export function historyAt(entries: readonly string[]): HistoryCursor {
  return { entries, index: entries.length, edits: new Map() };
}

/**
 * Moves by `delta` (-1: older, +1: newer) from the entry whose current text is
 * `text`, remembering that text. Returns the new cursor and the text to show,
 * or undefined at either end.
 */
export function walkHistory(
  cur: HistoryCursor,
  text: string,
  delta: -1 | 1,
): { readonly cursor: HistoryCursor; readonly text: string } | undefined {
  return jumpHistory(cur, text, cur.index + delta);
}

/** Moves to entry `index` (as `walkHistory`, for reverse search). Undefined when out of range. */
export function jumpHistory(
  cur: HistoryCursor,
  text: string,
  index: number,
): { readonly cursor: HistoryCursor; readonly text: string } | undefined {
  if (index < 0 || index > cur.entries.length) return undefined;
  const edits = new Map(cur.edits);
  if (cur.index === cur.entries.length || text !== cur.entries[cur.index])
    edits.set(cur.index, text);
  else edits.delete(cur.index);
  const shown = edits.get(index) ?? cur.entries[index] ?? "";
  return { cursor: { entries: cur.entries, index, edits }, text: shown };
}
