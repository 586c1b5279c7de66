/**
 * Word expansion: parameter expansion, command substitution, field splitting
 * and quote removal, in bash's order, for the parts the lexer produced.
 *
 * - `$NAME`, `${NAME}` and the specials come from `env.getVar`; unset is empty.
 * - `$(list)` runs through `env.substitute`; trailing newlines are removed.
 * - Unquoted results are split into fields on blanks and newlines (IFS is
 *   always its default, space-tab-newline); quoted ones never are.
 * - No pathname expansion (globbing), no tilde expansion: `*` and `~` stay
 *   as typed.
 *
 * Expansion fails only on a `${…}` the shell cannot expand; the failure is a
 * value (`message` in bash's words, to print as `cowsh: MESSAGE`).
 */
import type { List, Word, WordPart } from "./ast.js";

export interface ExpandEnv {
  /** The value of a variable or special parameter ("?", "!", "$", "1"…), or undefined when unset. */
  getVar(name: string): string | undefined;
  /** Runs `list` as a command substitution and returns its stdout as written. */
  substitute(list: List): string;
}

export type Expanded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

const IFS_WHITESPACE = /[ \t\n]+/;
const isIfs = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n";

/** Accumulates fields. `open` is true when the current field exists (even if empty, from `""`). */
interface Fields {
  readonly done: string[];
  current: string;
  open: boolean;
}

function endField(f: Fields): void {
  if (f.open) f.done.push(f.current);
  f.current = "";
  f.open = false;
}

function append(f: Fields, text: string): void {
  f.current += text;
  f.open = true;
}

/** Adds an unquoted expansion result: split on blanks/newlines, delimiting fields at its edges. */
function appendSplit(f: Fields, value: string): void {
  if (value === "") return;
  const pieces = value.split(IFS_WHITESPACE).filter((s) => s !== "");
  if (isIfs(value[0])) endField(f);
  pieces.forEach((piece, i) => {
    if (i > 0) endField(f);
    append(f, piece);
  });
  if (isIfs(value[value.length - 1])) endField(f);
}

/** The text a part stands for (an unset variable stands for ""). */
function partValue(part: WordPart, env: ExpandEnv): Expanded<string> {
  switch (part.kind) {
    case "lit":
      return { ok: true, value: part.text };
    case "var":
      return { ok: true, value: env.getVar(part.name) ?? "" };
    case "subst":
      return { ok: true, value: env.substitute(part.list).replace(/\n+$/, "") };
    case "bad":
      return { ok: false, message: `${part.text}: bad substitution` };
  }
}

/** Expands `word` into fields (zero or more), as for a command's arguments. */
export function expandWord(word: Word, env: ExpandEnv): Expanded<string[]> {
  const f: Fields = { done: [], current: "", open: false };
  for (const part of word.parts) {
    const v = partValue(part, env);
    if (!v.ok) return v;
    if (part.kind === "bad") continue;
    if (part.quoted || part.kind === "lit") append(f, v.value);
    else appendSplit(f, v.value);
  }
  endField(f);
  return { ok: true, value: f.done };
}

/** Expands each word in order and concatenates their fields. Stops at the first failure. */
export function expandWords(words: readonly Word[], env: ExpandEnv): Expanded<string[]> {
  const all: string[] = [];
  for (const word of words) {
    const r = expandWord(word, env);
    if (!r.ok) return r;
    all.push(...r.value);
  }
  return { ok: true, value: all };
}

/** Expands `word` to one string without field splitting, as for an assignment's value. */
export function expandString(word: Word, env: ExpandEnv): Expanded<string> {
  let text = "";
  for (const part of word.parts) {
    const v = partValue(part, env);
    if (!v.ok) return v;
    text += v.value;
  }
  return { ok: true, value: text };
}

/**
 * Expands a redirection target: it must give exactly one field, else bash's
 * `$x: ambiguous redirect` (with the word as typed).
 */
export function expandRedirectTarget(word: Word, env: ExpandEnv): Expanded<string> {
  const r = expandWord(word, env);
  if (!r.ok) return r;
  const [only, ...more] = r.value;
  if (only === undefined || more.length > 0) {
    return { ok: false, message: `${word.raw}: ambiguous redirect` };
  }
  return { ok: true, value: only };
}
