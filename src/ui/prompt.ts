/**
 * The prompt as a pure state machine: a key in, the next state and what the
 * front end must do (run a line, print ^C, exit…) out. Editing, history,
 * reverse search and completion meet here; React only holds the result.
 */
import { applyCompletion, type Completion } from "./completion.js";
import { addHistoryEntry } from "./history.js";
import { type HistoryCursor, historyAt, jumpHistory, walkHistory } from "./history-nav.js";
import { type Binding, bindingFor } from "./keymap.js";
import type { Key } from "./keys.js";
import { EMPTY_LINE, editLine, type LineState, lineWithText } from "./line-editor.js";
import {
  eraseInSearch,
  NEW_SEARCH,
  type SearchState,
  searchAgain,
  searchLine,
  typeInSearch,
} from "./reverse-search.js";

export interface PromptState {
  readonly line: LineState;
  readonly history: HistoryCursor;
  /** Present while Ctrl-R is active; `line` and `history` then hold what Ctrl-G restores. */
  readonly search: SearchState | undefined;
  /** The last search string, reused by Ctrl-R Ctrl-R. */
  readonly lastQuery: string;
  /** The previous key was Tab: a second Tab lists ambiguous candidates. */
  readonly afterTab: boolean;
}

/** What the front end must do after a key. */
export type PromptEffect =
  /** Enter: run `line` (the history already holds it). */
  | { readonly kind: "submit"; readonly line: string }
  /** Ctrl-C at the prompt: print the line as it was shown, followed by ^C. */
  | { readonly kind: "cancel"; readonly shown: VisibleLine }
  /** Ctrl-C while a command runs: interrupt it (the typed-ahead line is discarded). */
  | { readonly kind: "interrupt" }
  /** Ctrl-D on an empty line: end of input. */
  | { readonly kind: "eof" }
  | { readonly kind: "clear-screen" }
  /** Second Tab: print the line as shown, then the candidates. */
  | { readonly kind: "list"; readonly shown: VisibleLine; readonly candidates: readonly string[] };

export interface PromptContext {
  /** A command is running: Ctrl-C interrupts it and Ctrl-D does not exit. */
  readonly busy: boolean;
  complete(line: string, cursor: number): Completion;
}

export interface Step {
  readonly state: PromptState;
  readonly effects: readonly PromptEffect[];
}

/** The line as displayed: after the prompt (`prompt: true`) or in its place (a search). */
export interface VisibleLine {
  readonly prompt: boolean;
  readonly text: string;
  readonly cursor: number;
}

/** A fresh prompt over the history `entries` (oldest first). */
export function initialPrompt(
  entries: readonly string[],
  lastQuery = "",
  killed = "",
): PromptState {
  return {
    line: { ...EMPTY_LINE, killed },
    history: historyAt(entries),
    search: undefined,
    lastQuery,
    afterTab: false,
  };
}

/** What the prompt line shows for `s`. */
export function visibleLine(s: PromptState): VisibleLine {
  if (!s.search) return { prompt: true, text: s.line.text, cursor: s.line.cursor };
  const shown =
    s.search.match === undefined ? s.line.text : (s.history.entries[s.search.match] ?? "");
  const { line, cursor } = searchLine(s.search, shown);
  return { prompt: false, text: line, cursor };
}

/** Applies one key. */
export function pressKey(s: PromptState, key: Key, ctx: PromptContext): Step {
  const binding = bindingFor(key);
  if (binding === undefined) return { state: s, effects: [] };
  if (s.search) return searchKey(s, s.search, key, binding, ctx);
  return editKey(s, binding, ctx);
}

const done = (state: PromptState, ...effects: PromptEffect[]): Step => ({ state, effects });

function editKey(s: PromptState, b: Binding, ctx: PromptContext): Step {
  const t: PromptState = { ...s, afterTab: false };
  switch (b) {
    case "accept-line":
      return accept(t);
    case "complete":
      return complete(s, ctx);
    case "previous-history":
    case "next-history":
      return done(walk(t, b === "previous-history" ? -1 : 1));
    case "reverse-search-history":
      return done({ ...t, search: NEW_SEARCH });
    case "interrupt":
      return interrupt(t, ctx);
    case "delete-char-or-eof":
      if (t.line.text !== "") return done({ ...t, line: editLine(t.line, "delete-char") });
      return ctx.busy ? done(t) : done(t, { kind: "eof" });
    case "clear-screen":
      return done(t, { kind: "clear-screen" });
    case "abort":
    case "escape":
      return done(t);
    default:
      return done({ ...t, line: editLine(t.line, b) });
  }
}

function accept(s: PromptState): Step {
  const entries = addHistoryEntry(s.history.entries, s.line.text);
  return done(initialPrompt(entries, s.lastQuery, s.line.killed), {
    kind: "submit",
    line: s.line.text,
  });
}

function interrupt(s: PromptState, ctx: PromptContext): Step {
  const fresh = initialPrompt(s.history.entries, s.lastQuery, s.line.killed);
  if (ctx.busy) return done(fresh, { kind: "interrupt" });
  return done(fresh, { kind: "cancel", shown: visibleLine(s) });
}

function walk(s: PromptState, delta: -1 | 1): PromptState {
  const moved = walkHistory(s.history, s.line.text, delta);
  return moved ? { ...s, history: moved.cursor, line: lineWithText(moved.text, s.line) } : s;
}

function complete(s: PromptState, ctx: PromptContext): Step {
  const { text, cursor } = s.line;
  const outcome = applyCompletion(text, cursor, ctx.complete(text, cursor));
  const t: PromptState = { ...s, afterTab: true };
  if (outcome.kind === "insert") {
    return done({
      ...t,
      line: { ...s.line, text: outcome.text, cursor: outcome.cursor, lastWasKill: false },
    });
  }
  if (outcome.kind === "ambiguous" && s.afterTab) {
    return done(t, { kind: "list", shown: visibleLine(s), candidates: outcome.candidates });
  }
  return done(t);
}

/** A key during Ctrl-R: refines the search, or ends it and acts as usual (readline's behaviour). */
function searchKey(
  s: PromptState,
  search: SearchState,
  key: Key,
  b: Binding,
  ctx: PromptContext,
): Step {
  const entries = s.history.entries;
  if (key.kind === "text") return done({ ...s, search: typeInSearch(search, entries, key.text) });
  switch (b) {
    case "backward-delete-char":
      return done({ ...s, search: eraseInSearch(search, entries) });
    case "reverse-search-history":
      return done({ ...s, search: searchAgain(search, entries, s.lastQuery) });
    case "abort":
      return done({ ...s, search: undefined, lastQuery: search.query || s.lastQuery });
    case "interrupt":
      return interrupt(s, ctx);
    case "escape":
      return done(endSearch(s, search));
    default:
      return editKey(endSearch(s, search), b, ctx);
  }
}

/** Leaves the search with the matched entry in the line, the cursor at the match, as readline. */
function endSearch(s: PromptState, search: SearchState): PromptState {
  const lastQuery = search.query || s.lastQuery;
  const ended: PromptState = { ...s, search: undefined, lastQuery };
  if (search.match === undefined) return ended;
  const moved = jumpHistory(s.history, s.line.text, search.match);
  if (!moved) return ended;
  const at = Math.max(0, moved.text.indexOf(search.query));
  return {
    ...ended,
    history: moved.cursor,
    line: { ...lineWithText(moved.text, s.line), cursor: at },
  };
}
