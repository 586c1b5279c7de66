/**
 * Ctrl-R: reverse incremental search through the history, as readline's
 * reverse-search-history. Pure functions over the history entries.
 */

export interface SearchState {
  /** What has been typed since Ctrl-R. */
  readonly query: string;
  /** The index of the matching entry, or undefined before the first match. */
  readonly match: number | undefined;
  /** The last search found nothing (the previous match, if any, stays shown). */
  readonly failed: boolean;
}

export const NEW_SEARCH: SearchState = { query: "", match: undefined, failed: false };

/** The newest index < `before` whose entry contains `query` and is not `skip`; undefined if none. */
export function findOlder(
  entries: readonly string[],
  query: string,
  before: number,
  skip?: string,
): number | undefined {
  for (let i = Math.min(before, entries.length) - 1; i >= 0; i--) {
    const entry = entries[i] as string;
    if (entry !== skip && entry.includes(query)) return i;
  }
  return undefined;
}

/** Extends the query by `text`; the current match stays if it still matches, else an older one is sought. */
export function typeInSearch(
  s: SearchState,
  entries: readonly string[],
  text: string,
): SearchState {
  const query = s.query + text;
  const from = s.match === undefined ? entries.length : s.match + 1;
  return settle(s, query, findOlder(entries, query, from));
}

/** Removes the last character of the query and searches again from the newest entry. */
export function eraseInSearch(s: SearchState, entries: readonly string[]): SearchState {
  const query = [...s.query].slice(0, -1).join("");
  if (query === "") return { ...NEW_SEARCH, match: s.match };
  return settle(s, query, findOlder(entries, query, entries.length));
}

/**
 * Ctrl-R again: the next older entry matching the query (entries equal to the
 * current match are skipped). An empty query reuses `lastQuery`, as readline does.
 */
export function searchAgain(
  s: SearchState,
  entries: readonly string[],
  lastQuery: string,
): SearchState {
  const query = s.query === "" ? lastQuery : s.query;
  if (query === "") return s;
  const from = s.match ?? entries.length;
  const skip = s.match === undefined ? undefined : entries[s.match];
  return settle(s, query, findOlder(entries, query, from, skip));
}

function settle(s: SearchState, query: string, found: number | undefined): SearchState {
  return found === undefined
    ? { query, match: s.match, failed: true }
    : { query, match: found, failed: false };
}

/**
 * What the prompt line shows during a search, and where the cursor sits in
 * it (at the match in the shown text): `(reverse-i-search)`q': text`.
 */
export function searchLine(
  s: SearchState,
  text: string,
): { readonly line: string; readonly cursor: number } {
  const label = `(${s.failed ? "failed " : ""}reverse-i-search)\`${s.query}': `;
  const at = s.query === "" ? -1 : text.indexOf(s.query);
  return { line: label + text, cursor: label.length + Math.max(at, 0) };
}
