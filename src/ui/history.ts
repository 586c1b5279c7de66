/**
 * Command history: which lines are remembered (pure rules) and where they
 * are kept (a store). The file-backed store is in `history-file.ts`, so
 * tests and the UI can use the in-memory one here.
 */

/** The most lines kept, in memory and on disk (bash's HISTSIZE is 500; cowsh keeps more). */
export const HISTORY_CAP = 10_000;

/** Where the history lives between sessions. */
export interface HistoryStore {
  /** The saved lines, oldest first; [] when nothing was saved yet. Throws on an I/O error. */
  load(): readonly string[];
  /**
   * Replaces the saved lines with `lines` (oldest first). Atomic: after a crash
   * the store holds either the old lines or the new ones, never a truncated
   * mix. Throws on an I/O error, leaving the old lines in place.
   */
  save(lines: readonly string[]): void;
  /** How many times the lines were cleared (`history -c`), when the store can be cleared. */
  clears?(): number;
}

/**
 * `entries` with `line` appended, as bash with HISTCONTROL=ignoreboth: a line
 * that is blank, starts with a space, or repeats the previous entry is not
 * added (the same array is returned). At most `cap` entries are kept, the
 * oldest dropped first.
 */
export function addHistoryEntry(
  entries: readonly string[],
  line: string,
  cap: number = HISTORY_CAP,
): readonly string[] {
  if (line.trim() === "" || line.startsWith(" ") || line.includes("\n")) return entries;
  if (entries[entries.length - 1] === line) return entries;
  const next = [...entries, line];
  return next.length > cap ? next.slice(next.length - cap) : next;
}

/** A store that keeps the lines in memory: for tests, and when no file is wanted. */
export function createMemoryHistoryStore(initial: readonly string[] = []): HistoryStore {
  let lines = [...initial];
  return {
    load: () => lines,
    save: (next) => {
      lines = [...next];
    },
  };
}
