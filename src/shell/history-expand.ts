/**
 * History expansion as interactive bash does it before a line is parsed:
 * `!!`, `!N`, `!-N`, `!prefix`, `!?text?`, and the word designators `!$`,
 * `!^`, `!*` and `:N`, `:N-M`, `:$`… after an event. Pure: the lines
 * typed before (oldest first, numbered from 1 as `history` prints them)
 * come in, the expanded line or bash's error message goes out.
 *
 * As in bash: nothing inside single quotes, nor a `!` after a backslash or
 * in `$!`/`${!`, nor one followed by a blank, `=`, `(` or the end of the line is expanded; in
 * double quotes `!"` stays. Batch mode and scripts never call this (bash
 * disables history expansion there).
 */

export type HistoryExpansion =
  /** `line` is what runs and is remembered; `changed` when some `!` was expanded (bash then prints it). */
  | { readonly ok: true; readonly line: string; readonly changed: boolean }
  /** Nothing runs: bash's message without its "bash: " prefix, e.g. `!99: event not found`. */
  | { readonly ok: false; readonly message: string };

const BLANK = /[ \t\n]/;
/** Ends a `!prefix` event: blanks, a word designator's colon, shell metacharacters and quotes. */
const EVENT_END = /[ \t\n:;&|<>()'"]/;

/** Expands every history reference in `line` against `entries` (oldest first). */
export function expandHistory(line: string, entries: readonly string[]): HistoryExpansion {
  let out = "";
  let changed = false;
  let quote: "'" | '"' | undefined;
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === "\\" && quote !== "'") {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === "'" && quote !== '"') quote = quote === "'" ? undefined : "'";
    else if (c === '"' && quote !== "'") quote = quote === '"' ? undefined : '"';
    if (c !== "!" || quote === "'" || !expandsAt(line, i, quote)) {
      out += c;
      i++;
      continue;
    }
    const ref = reference(line, i, entries);
    if (!ref.ok) return ref;
    out += ref.text;
    i = ref.end;
    changed = true;
  }
  return { ok: true, line: out, changed };
}

/** Whether the `!` at `i` starts a history reference. */
function expandsAt(line: string, i: number, quote: string | undefined): boolean {
  const next = line[i + 1];
  if (next === undefined || BLANK.test(next) || next === "=" || next === "(") return false;
  // `$!` (the last background PID) and `${!name}` are the shell's, as bash leaves them.
  if (line[i - 1] === "$" || line.slice(i - 2, i) === "${") return false;
  return !(quote === '"' && next === '"');
}

type Piece =
  | { readonly ok: true; readonly text: string; readonly end: number }
  | { readonly ok: false; readonly message: string };

/** The reference starting with the `!` at `start`: its event, then an optional word designator. */
function reference(line: string, start: number, entries: readonly string[]): Piece {
  const event = eventAt(line, start, entries);
  const notFound = (end: number): Piece => ({
    ok: false,
    message: `${line.slice(start, end)}: event not found`,
  });
  if (event.line === undefined) return notFound(event.end);
  let j = event.end;
  const shorthand = event.shorthand;
  let spec: string | undefined;
  if (shorthand !== undefined) spec = shorthand;
  else if (line[j] === ":" && /[0-9^$*-]/.test(line[j + 1] ?? "")) {
    const m = /^[0-9^$*-][0-9$*-]*/.exec(line.slice(j + 1));
    spec = m?.[0] ?? "";
    j += 1 + spec.length;
  } else if (/[\^$*]/.test(line[j] ?? "") && event.wordsMayFollow) {
    spec = line[j] as string;
    j += 1;
  }
  if (spec === undefined) return { ok: true, text: event.line, end: j };
  const words = historyWords(event.line);
  const picked = pickWords(words, spec);
  if (picked === undefined) return { ok: false, message: `:${spec}: bad word specifier` };
  return { ok: true, text: picked, end: j };
}

interface Event {
  /** The line referred to; undefined when there is none. */
  readonly line: string | undefined;
  /** Where the event's text ends in the typed line. */
  readonly end: number;
  /** `!$`, `!^`, `!*`: the word designator given with the event. */
  readonly shorthand?: string;
  /** A designator without its colon (`!!$`) may follow. */
  readonly wordsMayFollow: boolean;
}

function eventAt(line: string, start: number, entries: readonly string[]): Event {
  const at = start + 1;
  const c = line[at] as string;
  const last = entries[entries.length - 1];
  if (c === "!") return { line: last, end: at + 1, wordsMayFollow: true };
  if (c === "$" || c === "^" || c === "*") {
    return { line: last, end: at + 1, shorthand: c, wordsMayFollow: false };
  }
  if (c === ":") return { line: last, end: at, wordsMayFollow: false };
  const num = /^-?[0-9]+/.exec(line.slice(at));
  if (num) {
    const n = Number(num[0]);
    const index = n < 0 ? entries.length + n : n - 1;
    const found = n === 0 ? undefined : entries[index];
    return { line: found, end: at + num[0].length, wordsMayFollow: true };
  }
  if (c === "?") {
    const close = line.indexOf("?", at + 1);
    const stop = close === -1 ? lineEnd(line, at + 1) : close;
    const text = line.slice(at + 1, stop);
    const found = text === "" ? undefined : findLast(entries, (e) => e.includes(text));
    return { line: found, end: close === -1 ? stop : close + 1, wordsMayFollow: false };
  }
  let end = at;
  while (end < line.length && !EVENT_END.test(line[end] as string)) end++;
  const prefix = line.slice(at, end);
  const found = findLast(entries, (e) => e.startsWith(prefix));
  return { line: found, end, wordsMayFollow: false };
}

function lineEnd(line: string, from: number): number {
  const nl = line.indexOf("\n", from);
  return nl === -1 ? line.length : nl;
}

function findLast(entries: readonly string[], test: (e: string) => boolean): string | undefined {
  for (let k = entries.length - 1; k >= 0; k--) {
    const e = entries[k] as string;
    if (test(e)) return e;
  }
  return undefined;
}

/** The words of `spec` (`$`, `^`, `*`, `N`, `N-M`, `N*`, `-M`, `N-`) joined by spaces; undefined when out of range. */
function pickWords(words: readonly string[], spec: string): string | undefined {
  const last = words.length - 1;
  const index = (s: string): number | undefined => {
    if (s === "$") return last;
    if (s === "^") return 1;
    return /^[0-9]+$/.test(s) ? Number(s) : undefined;
  };
  let from: number | undefined;
  let to: number | undefined;
  if (spec === "*") {
    if (last < 1) return "";
    [from, to] = [1, last];
  } else if (spec.endsWith("*")) {
    from = index(spec.slice(0, -1));
    to = last;
    if (from !== undefined && from === last + 1) return "";
  } else if (spec.includes("-")) {
    const [a = "", b = ""] = spec.split("-", 2);
    from = a === "" ? 0 : index(a);
    to = b === "" ? last - 1 : index(b);
  } else {
    from = index(spec);
    to = from;
  }
  if (from === undefined || to === undefined || from < 0 || to > last || from > to) {
    return undefined;
  }
  return words.slice(from, to + 1).join(" ");
}

/**
 * A history line split into words as bash's history_tokenize does: blanks
 * separate words, quoted text stays in its word, and runs of `;&|<>` and
 * each `(`, `)` are words of their own.
 */
export function historyWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (BLANK.test(c)) {
      i++;
      continue;
    }
    let j = i;
    if (c === "(" || c === ")") j++;
    else if (/[;&|<>]/.test(c)) while (j < line.length && /[;&|<>]/.test(line[j] as string)) j++;
    else j = wordEnd(line, i);
    words.push(line.slice(i, j));
    i = j;
  }
  return words;
}

function wordEnd(line: string, i: number): number {
  let j = i;
  let quote: string | undefined;
  while (j < line.length) {
    const c = line[j] as string;
    if (quote !== undefined) {
      if (c === "\\" && quote === '"') j++;
      else if (c === quote) quote = undefined;
    } else if (c === "\\") j++;
    else if (c === "'" || c === '"') quote = c;
    else if (BLANK.test(c) || /[;&|<>()]/.test(c)) break;
    j++;
  }
  return Math.min(j, line.length);
}
