/**
 * history [-c] [N]: the lines typed so far, numbered as bash prints them
 * (`    1  spawn /bin/sh`); N shows only the last N; -c forgets them all.
 *
 * In the interactive shell this is the UI's history (what ↑ walks, kept in
 * ~/.cowsh_history), attached to the session with `attachHistory`. In batch
 * mode it is the lines run so far in this session: the runtime records each
 * one with `recordHistory` before running it, so `history` lists itself.
 */
import type { Session } from "../src/shell/session.js";
import { type Command, type CommandResult, err, fail, ok, out } from "../src/shell/types.js";
import { sessionState } from "./lib/session/state.js";

/** Where the lines come from when a front end keeps them (the interactive UI). */
export interface HistorySource {
  /** The lines, oldest first, the one running now included. */
  lines(): readonly string[];
  /** Forgets every line. Throws on an I/O error. */
  clear(): void;
}

/** The operations of the UI's HistoryStore (src/ui/history.ts), which commands may not import. */
export interface LineStore {
  load(): readonly string[];
  save(lines: readonly string[]): void;
  /** How many times `history -c` has cleared it: the UI then forgets its ↑ lines too. */
  clears?(): number;
}

/** Lines kept in batch mode, as the UI keeps at most HISTORY_CAP. */
const BATCH_CAP = 10_000;

interface HistoryState {
  source: HistorySource | null;
  /** Batch mode: the recorded lines, and how many older ones were dropped (numbering goes on). */
  lines: string[];
  dropped: number;
}

const state = (session: Session): HistoryState =>
  sessionState<HistoryState>(session, "history", () => ({ source: null, lines: [], dropped: 0 }));

/** From now on `history` lists (and clears) `source`'s lines instead of the recorded ones. */
export function attachHistory(session: Session, source: HistorySource): void {
  state(session).source = source;
}

/** Batch mode: `line` is about to run. Ignored when a front end's history is attached. */
export function recordHistory(session: Session, line: string): void {
  const s = state(session);
  if (s.source !== null || line === "") return;
  s.lines.push(line);
  if (s.lines.length > 2 * BATCH_CAP) {
    const drop = s.lines.length - BATCH_CAP;
    s.lines.splice(0, drop);
    s.dropped += drop;
  }
}

/**
 * `store` made shareable by the UI and `history`: the UI loads and saves
 * through it as through `store`; `history` lists what was saved last and
 * may clear it. After a clear, the lines the UI still holds from before are
 * never saved again: each later save keeps only the lines added since (the
 * UI saves once per line it adds).
 */
export function sharedHistory(store: LineStore): LineStore & HistorySource {
  let current: readonly string[] | null = null;
  let addedSinceClear: number | null = null;
  let clears = 0;
  return {
    clears: () => clears,
    load() {
      current = store.load();
      return current;
    },
    save(lines) {
      let next = lines;
      if (addedSinceClear !== null) {
        addedSinceClear++;
        next = lines.slice(Math.max(0, lines.length - addedSinceClear));
      }
      store.save(next);
      current = next;
    },
    lines: () => current ?? store.load(),
    clear() {
      clears++;
      current = [];
      addedSinceClear = 0;
      store.save([]);
    },
  };
}

const USAGE = "history: usage: history [-c] [n]";

export const history: Command = {
  name: "history",
  summary: "list the lines typed so far (history N: the last N; history -c: forget them)",
  prints: "the lines typed so far, numbered",
  usage: ["history [-c] [N]"],
  run(ctx, argv) {
    const s = state(ctx.session);
    const args = argv[0] === "--" ? argv.slice(1) : argv;
    if (args[0] === "-c") {
      if (args.length > 1) return fail(1, err("history: too many arguments"));
      return clear(s);
    }
    if (args.length > 1) return fail(1, err("history: too many arguments"));
    const arg = args[0];
    if (arg?.startsWith("-") && arg !== "-")
      return fail(2, err(`history: ${arg}: invalid option\n${USAGE}`));
    const count = arg === undefined ? null : /^[0-9]+$/.test(arg) ? Number(arg) : Number.NaN;
    if (Number.isNaN(count)) return fail(1, err(`history: ${arg}: numeric argument required`));
    let lines: readonly string[];
    try {
      lines = s.source === null ? s.lines : s.source.lines();
    } catch (e) {
      return fail(1, err(`history: cannot read the history: ${messageOf(e)}`));
    }
    const base = (s.source === null ? s.dropped : 0) + 1;
    const from = count === null ? 0 : Math.max(0, lines.length - count);
    const text = lines
      .slice(from)
      .map((line, i) => `${String(base + from + i).padStart(5)}  ${line}\n`)
      .join("");
    return text === "" ? ok() : ok(out(text));
  },
};

function clear(s: HistoryState): CommandResult {
  if (s.source === null) {
    s.dropped = 0;
    s.lines.length = 0;
    return ok();
  }
  try {
    s.source.clear();
    return ok();
  } catch (e) {
    return fail(1, err(`history: cannot clear: ${messageOf(e)}`));
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
