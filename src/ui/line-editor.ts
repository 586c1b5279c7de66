/**
 * The editable line: a pure reducer over (text, cursor, kill buffer), with
 * readline's command names and semantics (bash's default emacs keymap).
 * Cursor positions are UTF-16 indices that never split a surrogate pair.
 */

export interface LineState {
  readonly text: string;
  /** 0 ≤ cursor ≤ text.length. */
  readonly cursor: number;
  /** The last killed text, for `yank` (a one-entry kill ring). */
  readonly killed: string;
  /** The previous action was a kill: the next kill extends `killed`, as readline does. */
  readonly lastWasKill: boolean;
}

/** An editing command, named as in readline, or text to insert. */
export type EditAction =
  | { readonly insert: string }
  | "backward-char"
  | "forward-char"
  | "beginning-of-line"
  | "end-of-line"
  | "backward-word"
  | "forward-word"
  | "backward-delete-char"
  | "delete-char"
  | "unix-line-discard"
  | "kill-line"
  | "unix-word-rubout"
  | "backward-kill-word"
  | "kill-word"
  | "yank"
  | "transpose-chars";

export const EMPTY_LINE: LineState = { text: "", cursor: 0, killed: "", lastWasKill: false };

/** A line holding `text` with the cursor at its end (the kill buffer of `from` kept). */
export function lineWithText(text: string, from: LineState = EMPTY_LINE): LineState {
  return { text, cursor: text.length, killed: from.killed, lastWasKill: false };
}

/** Applies one editing action. Actions that cannot apply (← at column 0) return the state unchanged. */
export function editLine(s: LineState, action: EditAction): LineState {
  if (typeof action === "object") return insert(s, action.insert);
  switch (action) {
    case "backward-char":
      return moveTo(s, prevChar(s.text, s.cursor));
    case "forward-char":
      return moveTo(s, nextChar(s.text, s.cursor));
    case "beginning-of-line":
      return moveTo(s, 0);
    case "end-of-line":
      return moveTo(s, s.text.length);
    case "backward-word":
      return moveTo(s, wordStartBefore(s.text, s.cursor));
    case "forward-word":
      return moveTo(s, wordEndAfter(s.text, s.cursor));
    case "backward-delete-char":
      return remove(s, prevChar(s.text, s.cursor), s.cursor);
    case "delete-char":
      return remove(s, s.cursor, nextChar(s.text, s.cursor));
    default:
      return killOrYank(s, action);
  }
}

function killOrYank(
  s: LineState,
  action:
    | "unix-line-discard"
    | "kill-line"
    | "unix-word-rubout"
    | "backward-kill-word"
    | "kill-word"
    | "yank"
    | "transpose-chars",
): LineState {
  switch (action) {
    case "unix-line-discard":
      return kill(s, 0, s.cursor);
    case "kill-line":
      return kill(s, s.cursor, s.text.length);
    case "unix-word-rubout":
      return kill(s, spaceWordStartBefore(s.text, s.cursor), s.cursor);
    case "backward-kill-word":
      return kill(s, wordStartBefore(s.text, s.cursor), s.cursor);
    case "kill-word":
      return kill(s, s.cursor, wordEndAfter(s.text, s.cursor));
    case "yank":
      return insert(s, s.killed);
    case "transpose-chars":
      return transpose(s);
  }
}

function moveTo(s: LineState, cursor: number): LineState {
  return { ...s, cursor, lastWasKill: false };
}

function insert(s: LineState, text: string): LineState {
  return {
    text: s.text.slice(0, s.cursor) + text + s.text.slice(s.cursor),
    cursor: s.cursor + text.length,
    killed: s.killed,
    lastWasKill: false,
  };
}

function remove(s: LineState, from: number, to: number): LineState {
  return { ...s, text: s.text.slice(0, from) + s.text.slice(to), cursor: from, lastWasKill: false };
}

/** Removes [from, to) into the kill buffer; consecutive kills accumulate (backward ones prepend). */
function kill(s: LineState, from: number, to: number): LineState {
  if (from === to) return s;
  const piece = s.text.slice(from, to);
  const backward = to === s.cursor && from < s.cursor;
  const killed = !s.lastWasKill ? piece : backward ? piece + s.killed : s.killed + piece;
  return {
    text: s.text.slice(0, from) + s.text.slice(to),
    cursor: from,
    killed,
    lastWasKill: true,
  };
}

/** C-t: swaps the characters before and at the cursor (the last two at the end of the line). */
function transpose(s: LineState): LineState {
  const at = s.cursor === s.text.length ? prevChar(s.text, s.cursor) : s.cursor;
  const before = prevChar(s.text, at);
  if (before === at) return s;
  const after = nextChar(s.text, at);
  const text =
    s.text.slice(0, before) +
    s.text.slice(at, after) +
    s.text.slice(before, at) +
    s.text.slice(after);
  return { ...s, text, cursor: after, lastWasKill: false };
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The index of the character before `i` (a surrogate pair counts as one). */
function prevChar(text: string, i: number): number {
  if (i <= 0) return 0;
  return i >= 2 && isLowSurrogate(text.charCodeAt(i - 1)) ? i - 2 : i - 1;
}

/** The index after the character at `i`. */
function nextChar(text: string, i: number): number {
  if (i >= text.length) return text.length;
  return isLowSurrogate(text.charCodeAt(i + 1)) ? i + 2 : i + 1;
}

/** Letters and digits make words for M-b, M-f, M-d, as readline's `rl_alphabetic`. */
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
const isSpace = (c: string | undefined) => c === " " || c === "\t";

/** M-b: the start of the word at or before `i`. */
function wordStartBefore(text: string, i: number): number {
  let j = i;
  while (j > 0 && !isWordChar(text[j - 1])) j--;
  while (j > 0 && isWordChar(text[j - 1])) j--;
  return j;
}

/** M-f: the end of the word at or after `i`. */
function wordEndAfter(text: string, i: number): number {
  let j = i;
  while (j < text.length && !isWordChar(text[j])) j++;
  while (j < text.length && isWordChar(text[j])) j++;
  return j;
}

/** C-w: the start of the whitespace-delimited word before `i`. */
function spaceWordStartBefore(text: string, i: number): number {
  let j = i;
  while (j > 0 && isSpace(text[j - 1])) j--;
  while (j > 0 && !isSpace(text[j - 1])) j--;
  return j;
}
