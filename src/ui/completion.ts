/**
 * Tab completion as bash does it, over the candidates the engine proposes:
 * one candidate completes the word; several extend it to their common
 * prefix; when nothing more can be inserted, a second Tab lists them.
 */

/** The engine's answer: the start of the word being completed and the full words that may replace it. */
export interface Completion {
  readonly from: number;
  readonly candidates: readonly string[];
}

export type CompletionOutcome =
  /** No candidate: nothing to do (bash rings the bell). */
  | { readonly kind: "none" }
  /** The line changed: the new text and cursor. */
  | { readonly kind: "insert"; readonly text: string; readonly cursor: number }
  /** Several candidates and nothing more to insert: they may be listed. */
  | { readonly kind: "ambiguous"; readonly candidates: readonly string[] };

/**
 * Applies `completion` to `text` with the cursor at `cursor`. A single
 * candidate is followed by a space unless it ends in "/" (a directory, where
 * the user goes on typing).
 */
export function applyCompletion(
  text: string,
  cursor: number,
  completion: Completion,
): CompletionOutcome {
  const candidates = [...new Set(completion.candidates)].sort();
  const from = Math.max(0, Math.min(completion.from, cursor));
  const word = text.slice(from, cursor);
  const only = candidates.length === 1 ? (candidates[0] as string) : undefined;
  if (candidates.length === 0) return { kind: "none" };
  if (only !== undefined) {
    return replaceWord(text, from, cursor, only.endsWith("/") ? only : `${only} `);
  }
  const prefix = commonPrefix(candidates);
  if (prefix.length > word.length && prefix.startsWith(word))
    return replaceWord(text, from, cursor, prefix);
  return { kind: "ambiguous", candidates };
}

function replaceWord(text: string, from: number, cursor: number, word: string): CompletionOutcome {
  const next = text.slice(0, from) + word + text.slice(cursor);
  if (next === text) return { kind: "none" };
  return { kind: "insert", text: next, cursor: from + word.length };
}

/** The longest string every word starts with. */
export function commonPrefix(words: readonly string[]): string {
  const first = words[0];
  if (first === undefined) return "";
  let n = first.length;
  for (const w of words) {
    let i = 0;
    while (i < n && i < w.length && w[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}

/**
 * How bash shows a candidate in a listing: paths by their last component
 * ("/proc/1/smaps" as "smaps", "/proc/1/" as "1/"), other words whole.
 */
export function displayName(candidate: string): string {
  const end = candidate.endsWith("/") ? candidate.length - 1 : candidate.length;
  const slash = candidate.lastIndexOf("/", end - 1);
  return slash < 0 ? candidate : candidate.slice(slash + 1);
}

/**
 * Lays `names` out in columns that fit `width`, sorted down the columns
 * then across, as `ls` and bash's completion listing do (two spaces apart).
 */
export function formatColumns(names: readonly string[], width: number): string[] {
  if (names.length === 0) return [];
  const colWidth = Math.max(...names.map((n) => [...n].length)) + 2;
  const cols = Math.max(1, Math.min(names.length, Math.floor((width + 2) / colWidth)));
  const rows = Math.ceil(names.length / cols);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) {
      const name = names[c * rows + r];
      if (name !== undefined) cells.push(name + " ".repeat(colWidth - [...name].length));
    }
    lines.push(cells.join("").trimEnd());
  }
  return lines;
}
