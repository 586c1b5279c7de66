/**
 * The prompt as a pure state machine: a key in, the next state and what the
 * front end must do (run a line, print ^C, exit…) out. Editing, history,
 * reverse search and completion meet here; React only holds the result.
 */
import { expandHistory, historyWords } from "../shell/history-expand.js";
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
  /**
   * The lines of an unfinished construct (`for …; do` without its `done`, an
   * open quote, a trailing `|`), history-expanded: the prompt shows PS2 ("> ").
   */
  readonly pending: readonly string[];
  /** The previous key was M-.: which line back it yanked from and where its word is in the line. */
  readonly lastArg:
    | { readonly back: number; readonly from: number; readonly to: number }
    | undefined;
}

/** How a submitted or continued line is echoed when it differs from "PS1 + line". */
export interface Echo {
  /** The line as typed, at PS1 or at PS2 (`ps2`). */
  readonly shown: VisibleLine;
  /** The line after history expansion, printed below it as bash prints it; absent when nothing was expanded. */
  readonly expanded?: string;
}

/** What the front end must do after a key. */
export type PromptEffect =
  /**
   * Enter: run `line` (the history already holds it). `echo` is set when the
   * line is not echoed as "PS1 + line": at PS2, or after history expansion.
   */
  | { readonly kind: "submit"; readonly line: string; readonly echo?: Echo }
  /** Enter on an unfinished construct: print the line now; the prompt shows PS2. */
  | { readonly kind: "continue"; readonly echo: Echo }
  /** A history expansion failed (`!99: event not found`): print the line, then the message; nothing runs. */
  | { readonly kind: "history-error"; readonly shown: VisibleLine; readonly message: string }
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
  /** Whether `source` is an unfinished command that more lines may complete (default: never). */
  needsMore?(source: string): boolean;
}

export interface Step {
  readonly state: PromptState;
  readonly effects: readonly PromptEffect[];
}

/** The line as displayed: after the prompt (`prompt: true`) or in its place (a search). */
export interface VisibleLine {
  readonly prompt: boolean;
  /** The prompt is PS2 ("> "): the line continues an unfinished construct. */
  readonly ps2?: true;
  readonly text: string;
  readonly cursor: number;
}

/** A fresh prompt over the history `entries` (oldest first). */
export function initialPrompt(
  entries: readonly string[],
  lastQuery = "",
  killed = "",
  pending: readonly string[] = [],
): PromptState {
  return {
    line: { ...EMPTY_LINE, killed },
    history: historyAt(entries),
    search: undefined,
    lastQuery,
    afterTab: false,
    pending,
    lastArg: undefined,
  };
}

/** What the prompt line shows for `s`. */
export function visibleLine(s: PromptState): VisibleLine {
  if (!s.search) {
    const shown = { prompt: true, text: s.line.text, cursor: s.line.cursor };
    return s.pending.length > 0 ? { ...shown, ps2: true } : shown;
  }
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
  const t: PromptState = { ...s, afterTab: false, lastArg: undefined };
  switch (b) {
    case "accept-line":
      return accept(t, ctx);
    case "yank-last-arg":
      return done(yankLastArg(s));
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
      if (ctx.busy) return done(t);
      // At PS2, as bash: the unfinished construct runs and ends in "unexpected end of file".
      return t.pending.length > 0
        ? submitLines(t, t.pending, visibleLine(t))
        : done(t, { kind: "eof" });
    case "clear-screen":
      return done(t, { kind: "clear-screen" });
    case "abort":
    case "escape":
      return done(t);
    default:
      return done({ ...t, line: editLine(t.line, b) });
  }
}

/**
 * Enter: expands history references, then runs the line, or keeps it when
 * it leaves a construct unfinished (PS2). A construct is remembered as one
 * history entry, its lines joined as bash joins them.
 */
function accept(s: PromptState, ctx: PromptContext): Step {
  const shown = visibleLine(s);
  const entries = s.history.entries;
  const expansion = expandHistory(s.line.text, entries);
  if (!expansion.ok) {
    const fresh = initialPrompt(entries, s.lastQuery, s.line.killed);
    return done(fresh, { kind: "history-error", shown, message: `cowsh: ${expansion.message}` });
  }
  const lines = [...s.pending, expansion.line];
  const echo: Echo = expansion.changed ? { shown, expanded: expansion.line } : { shown };
  if (ctx.needsMore?.(lines.join("\n"))) {
    return done(initialPrompt(entries, s.lastQuery, s.line.killed, lines), {
      kind: "continue",
      echo,
    });
  }
  return submitLines(s, lines, shown, expansion.changed ? expansion.line : undefined);
}

/** Runs `lines` as one command and remembers them as one history entry. */
function submitLines(
  s: PromptState,
  lines: readonly string[],
  shown: VisibleLine,
  expanded?: string,
): Step {
  const entries = addHistoryEntry(s.history.entries, joinForHistory(lines));
  const fresh = initialPrompt(entries, s.lastQuery, s.line.killed);
  const line = lines.join("\n");
  if (expanded === undefined && !shown.ps2) return done(fresh, { kind: "submit", line });
  const echo: Echo = expanded === undefined ? { shown } : { shown, expanded };
  return done(fresh, { kind: "submit", line, echo });
}

/**
 * The lines of a multi-line command as one history entry, as bash's cmdhist
 * stores them: after a word or token that cannot be followed by `;` (`do`,
 * `then`, `{`, `|`, `&&`…) a space, else "; "; inside an open quote or a
 * here-document the newline itself.
 */
export function joinForHistory(lines: readonly string[]): string {
  let text = lines[0] ?? "";
  for (const next of lines.slice(1)) {
    if (text.includes("<<") || quoteOpen(text)) text += `\n${next}`;
    else if (/(?:^|[^\\])(?:\\\\)*\\$/.test(text)) text = text.slice(0, -1) + next;
    else if (next.trim() === "") continue;
    else text += (NO_SEMICOLON_AFTER.test(text.trimEnd()) ? " " : "; ") + next;
  }
  return text;
}

const NO_SEMICOLON_AFTER = /(?:^|[\s;&|(){}])(?:do|then|else|in|\{|\(|\|\||&&|\||;|&)$|^$|[;&|({]$/;

/** Whether `text` ends inside a single- or double-quoted string. */
function quoteOpen(text: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === undefined) {
      if (c === "\\") i++;
      else if (c === "'" || c === '"') quote = c;
    } else if (c === "\\" && quote === '"') i++;
    else if (c === quote) quote = undefined;
  }
  return quote !== undefined;
}

/**
 * M-. (readline's yank-last-arg): inserts the last word of the previous
 * history line; pressed again, replaces it with the last word of the line
 * before that, and so on back.
 */
function yankLastArg(s: PromptState): PromptState {
  const back = (s.lastArg?.back ?? 0) + 1;
  const entry = s.history.entries[s.history.entries.length - back];
  if (entry === undefined) return { ...s, afterTab: false };
  const word = historyWords(entry).at(-1) ?? "";
  const from = s.lastArg ? s.lastArg.from : s.line.cursor;
  const to = s.lastArg ? s.lastArg.to : s.line.cursor;
  const text = s.line.text.slice(0, from) + word + s.line.text.slice(to);
  const cursor = from + word.length;
  return {
    ...s,
    afterTab: false,
    line: { ...s.line, text, cursor, lastWasKill: false },
    lastArg: { back, from, to: cursor },
  };
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
  const t: PromptState = { ...s, afterTab: true, lastArg: undefined };
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
