/**
 * The page's command history, kept in the browser's storage (localStorage)
 * under one key, one entry per line, as ~/.cowsh_history is on disk.
 */
import { HISTORY_CAP, type HistoryStore } from "../src/ui/history.js";

/** What the store needs of `localStorage` (tests pass a Map-backed one). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const HISTORY_KEY = "cowsh.history";

/** A store in `storage` under `key`; at most `cap` lines are kept. */
export function createStorageHistoryStore(
  storage: KeyValueStorage,
  key: string = HISTORY_KEY,
  cap: number = HISTORY_CAP,
): HistoryStore {
  return {
    load() {
      const text = storage.getItem(key);
      if (text === null || text === "") return [];
      const lines = text.split("\n");
      return lines.length > cap ? lines.slice(lines.length - cap) : lines;
    },
    save(lines) {
      // setItem throws when the storage is full or disabled: the shell reports it once.
      storage.setItem(key, lines.join("\n"));
    },
  };
}
