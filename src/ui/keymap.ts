/**
 * Which command each key runs: bash's default (emacs) bindings for the keys
 * cowsh supports. A table, so the bindings read in one place.
 */
import type { Key, KeyName } from "./keys.js";
import type { EditAction } from "./line-editor.js";

/** Commands handled by the prompt rather than the line editor (readline's names where it has one). */
export type PromptCommand =
  | "accept-line"
  | "complete"
  | "previous-history"
  | "next-history"
  | "reverse-search-history"
  /** M-.: the last word of the previous history line; again, of the line before. */
  | "yank-last-arg"
  /** Ctrl-C: cancel the line, or interrupt the running command. */
  | "interrupt"
  /** Ctrl-D: end of input on an empty line, else delete-char (readline's delete-char with EOF). */
  | "delete-char-or-eof"
  | "clear-screen"
  /** Ctrl-G: abort a search. */
  | "abort"
  /** Esc: ends a search, keeping the match. */
  | "escape";

export type Binding = EditAction | PromptCommand;

const BINDINGS: Readonly<Partial<Record<KeyName, Binding>>> = {
  enter: "accept-line",
  "C-j": "accept-line",
  tab: "complete",
  up: "previous-history",
  "C-p": "previous-history",
  down: "next-history",
  "C-n": "next-history",
  "C-r": "reverse-search-history",
  "C-c": "interrupt",
  "C-d": "delete-char-or-eof",
  "C-l": "clear-screen",
  "C-g": "abort",
  escape: "escape",
  left: "backward-char",
  "C-b": "backward-char",
  right: "forward-char",
  "C-f": "forward-char",
  home: "beginning-of-line",
  "C-a": "beginning-of-line",
  end: "end-of-line",
  "C-e": "end-of-line",
  "M-b": "backward-word",
  "M-f": "forward-word",
  backspace: "backward-delete-char",
  delete: "delete-char",
  "C-u": "unix-line-discard",
  "C-k": "kill-line",
  "C-w": "unix-word-rubout",
  "M-backspace": "backward-kill-word",
  "M-d": "kill-word",
  "C-y": "yank",
  "C-t": "transpose-chars",
  "M-.": "yank-last-arg",
  "M-_": "yank-last-arg",
};

/** The binding of `key`; undefined for keys cowsh ignores. Text inserts itself. */
export function bindingFor(key: Key): Binding | undefined {
  return key.kind === "text" ? { insert: key.text } : BINDINGS[key.name];
}
