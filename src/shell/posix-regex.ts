/**
 * POSIX basic (BRE) and extended (ERE) regular expressions, with GNU's
 * extensions, translated to JavaScript RegExp source, as GNU grep reads them.
 *
 * - BRE: `\( \) \{ \} \| \+ \?` are operators; `( ) { } | + ?` are literal;
 *   `*` is literal at the start of an expression; `^`/`$` anchor only at the
 *   start/end of an expression.
 * - ERE: `( ) { } | + ?` are operators; an unmatched `)` and a `{` that does
 *   not open a valid interval are literal; a repetition operator at the
 *   start of an expression is ignored, with GNU's warning (as GNU's dfa
 *   matcher does; its regex fallback reads a leading interval literally).
 * - Both: bracket expressions with `[:class:]`, back-references `\1`–`\9`,
 *   `\< \> \b \B \w \W \s \S`, `` \` `` and `\'`.
 *
 * Errors are values with GNU's messages ("Unmatched ( or \\("). JS matching is
 * leftmost-first, not POSIX leftmost-longest: `ab|abcd` matches "ab" of
 * "abcd" where grep -o prints "abcd".
 */

export type Translation =
  | { readonly ok: true; readonly source: string; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string };

const CLASSES: Readonly<Record<string, string>> = {
  alpha: "\\p{Alphabetic}",
  digit: "0-9",
  alnum: "\\p{Alphabetic}0-9",
  upper: "\\p{Lu}",
  lower: "\\p{Ll}",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  print: "\\x20-\\x7e\\u{a0}-\\u{10ffff}",
  graph: "\\x21-\\x7e\\u{a1}-\\u{10ffff}",
  cntrl: "\\x00-\\x1f\\x7f",
  xdigit: "0-9A-Fa-f",
};

const RE_DUP_MAX = 32767;
/** Characters that must be escaped to be literal in a JS pattern with the `u` flag. */
const JS_SYNTAX = /[\\^$.*+?()[\]{}|/]/;
const escapeJs = (c: string): string => (JS_SYNTAX.test(c) ? `\\${c}` : c);

/** A JS pattern for the fixed string `s` (grep -F). */
export const escapeFixed = (s: string): string => Array.from(s, escapeJs).join("");

interface State {
  readonly pat: string;
  readonly ere: boolean;
  i: number;
  readonly out: string[];
  /** Index in `out` where the last quantifiable atom starts, or -1 when there is none. */
  atom: number;
  /** Index in `out` of an anchor emitted last (`^`, `\\<`…), or -1. ERE may repeat it. */
  anchor: number;
  /** Whether the last thing emitted was a quantifier (a second one needs a group). */
  quantified: boolean;
  /**
   * GNU dfa's `laststart`: an atom is expected here (pattern start, after a
   * group opens or `|`; anchors leave it as it was).
   */
  lastStart: boolean;
  /** Output indices of open groups. */
  readonly open: number[];
  closedGroups: number;
  readonly warnings: string[];
}

type Fail = { readonly message: string };

/** Translates a BRE (`ere` false) or ERE pattern to JS RegExp source for the `u` flag. */
export function translate(pat: string, ere: boolean): Translation {
  const st: State = {
    pat,
    ere,
    i: 0,
    out: [],
    atom: -1,
    anchor: -1,
    quantified: false,
    lastStart: true,
    open: [],
    closedGroups: 0,
    warnings: [],
  };
  while (st.i < pat.length) {
    const failure = step(st);
    if (failure) return { ok: false, message: failure.message };
  }
  if (st.open.length > 0) return { ok: false, message: "Unmatched ( or \\(" };
  return { ok: true, source: st.out.join(""), warnings: st.warnings };
}

/** In a BRE, whether `^` here is an anchor: at the pattern's start, after `\\(` or `\\|`. */
function atBreAnchorStart(st: State): boolean {
  const last = st.out[st.out.length - 1];
  return last === undefined || last === "(" || last === "|";
}

function emitAtom(st: State, text: string): void {
  st.atom = st.out.length;
  st.anchor = -1;
  st.out.push(text);
  st.quantified = false;
  st.lastStart = false;
}

/** An anchor or word boundary: not an atom, and `lastStart` unchanged. */
function emitAnchor(st: State, text: string): void {
  st.atom = -1;
  st.anchor = st.out.length;
  st.out.push(text);
  st.quantified = false;
}

/** `(` or `|`: an atom is expected next. */
function emitStart(st: State, text: string): void {
  st.atom = -1;
  st.anchor = -1;
  st.out.push(text);
  st.quantified = false;
  st.lastStart = true;
}

/** Handles the construct at `st.i`. */
function step(st: State): Fail | undefined {
  const c = st.pat[st.i]!;
  if (c === "\\") return stepEscape(st);
  if (c === "[") return stepBracket(st);
  if (c === ".") {
    st.i++;
    emitAtom(st, "[^\\n]");
    return undefined;
  }
  if (c === "*") return stepQuantifier(st, "*", 1);
  if (c === "^" && (st.ere || atBreAnchorStart(st))) {
    st.i++;
    emitAnchor(st, "^");
    return undefined;
  }
  if (c === "$" && (st.ere || atExpressionEnd(st, st.i + 1))) {
    st.i++;
    emitAnchor(st, "$");
    return undefined;
  }
  if (st.ere) {
    const handled = stepEreOperator(st, c);
    if (handled !== "literal") return handled;
  }
  st.i++;
  emitAtom(st, escapeJs(c));
  return undefined;
}

/** In a BRE, whether `j` is at the end of an expression (end, `\)` or `\|`). */
function atExpressionEnd(st: State, j: number): boolean {
  return j === st.pat.length || st.pat.startsWith("\\)", j) || st.pat.startsWith("\\|", j);
}

/** ERE operators; "literal" when `c` is an ordinary character here. */
function stepEreOperator(st: State, c: string): Fail | undefined | "literal" {
  switch (c) {
    case "(":
      st.i++;
      return openGroup(st);
    case ")":
      if (st.open.length === 0) return "literal";
      st.i++;
      return closeGroup(st);
    case "|":
      st.i++;
      emitStart(st, "|");
      return undefined;
    case "+":
    case "?":
      return stepQuantifier(st, c, 1);
    case "{":
      return stepInterval(st, 1);
    default:
      return "literal";
  }
}

function openGroup(st: State): undefined {
  st.open.push(st.out.length);
  emitStart(st, "(");
  return undefined;
}

function closeGroup(st: State): Fail | undefined {
  const start = st.open.pop();
  if (start === undefined) return { message: "Unmatched ) or \\)" };
  st.out.push(")");
  st.closedGroups++;
  st.atom = start;
  st.anchor = -1;
  st.quantified = false;
  st.lastStart = false;
  return undefined;
}

/**
 * A repetition operator `q` spelled with `len` characters at `st.i`.
 * BRE: literal where no atom precedes (expression start, after an anchor).
 * ERE: at an expression's start GNU warns; it then repeats a preceding
 * anchor, or nothing (the operator is ignored). A quantifier after another
 * quantifier, or on an anchor, gets a group first.
 */
function stepQuantifier(st: State, q: string, len: number): Fail | undefined {
  const spelled = st.pat.slice(st.i, st.i + len);
  st.i += len;
  if (!st.ere && (st.lastStart || st.anchor !== -1)) {
    emitAtom(st, escapeFixed(spelled.replace(/^\\/, "")));
    return undefined;
  }
  if (st.lastStart) st.warnings.push(`${spelled[spelled.length - 1]} at start of expression`);
  if (st.atom === -1) {
    if (st.anchor === -1) return undefined;
    st.atom = st.anchor;
    st.anchor = -1;
    st.quantified = true;
  }
  if (st.quantified) {
    st.out.splice(st.atom, 0, "(?:");
    st.out.push(")");
  }
  st.out.push(q);
  st.quantified = true;
  return undefined;
}

/**
 * An interval `{m,n}` (ERE) or `\{m,n\}` (BRE) whose opening is `len`
 * characters at `st.i`. An ERE `{` that does not start a valid interval is literal.
 */
function stepInterval(st: State, len: number): Fail | undefined {
  const close = st.ere ? "}" : "\\}";
  const bodyStart = st.i + len;
  const end = st.pat.indexOf(close, bodyStart);
  const body = end === -1 ? undefined : st.pat.slice(bodyStart, end);
  const m = body === undefined ? null : /^([0-9]*)(,([0-9]*))?$/.exec(body);
  if (!m || (m[1] === "" && m[2] === undefined)) {
    if (st.ere) {
      st.i++;
      emitAtom(st, "\\{");
      return undefined;
    }
    return { message: end === -1 ? "Unmatched \\{" : "Invalid content of \\{\\}" };
  }
  const min = m[1] === "" ? 0 : Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === "" ? undefined : Number(m[3]);
  if (max !== undefined && max < min) return { message: "Invalid content of \\{\\}" };
  if (min > RE_DUP_MAX || (max ?? 0) > RE_DUP_MAX) return { message: "Regular expression too big" };
  const q = `{${min}${m[2] === undefined ? "" : `,${max ?? ""}`}}`;
  const spelledLen = end! + close.length - st.i;
  if (!st.ere && (st.lastStart || st.anchor !== -1)) {
    emitAtom(st, escapeFixed(st.pat.slice(st.i, st.i + spelledLen).replaceAll("\\", "")));
    st.i += spelledLen;
    return undefined;
  }
  if (st.lastStart) {
    st.warnings.push("{...} at start of expression");
    st.lastStart = false;
  }
  st.i += spelledLen - 1;
  return stepQuantifier(st, q, 1);
}

/** A backslash sequence at `st.i`. */
function stepEscape(st: State): Fail | undefined {
  const c = st.pat[st.i + 1];
  if (c === undefined) return { message: "Trailing backslash" };
  if (!st.ere) {
    const bre = stepBreOperator(st, c);
    if (bre !== "literal") return bre;
  }
  if (c >= "1" && c <= "9") {
    if (Number(c) > st.closedGroups) return { message: "Invalid back reference" };
    st.i += 2;
    emitAtom(st, `\\${c}`);
    return undefined;
  }
  const special = ESCAPES[c];
  st.i += 2;
  if (special !== undefined) {
    if (special.atom) emitAtom(st, special.js);
    else emitAnchor(st, special.js);
  } else emitAtom(st, escapeJs(c));
  return undefined;
}

const ESCAPES: Readonly<Record<string, { js: string; atom: boolean }>> = {
  "<": { js: "\\b(?=\\w)", atom: false },
  ">": { js: "\\b(?<=\\w)", atom: false },
  b: { js: "\\b", atom: false },
  B: { js: "\\B", atom: false },
  "`": { js: "^", atom: false },
  "'": { js: "$", atom: false },
  w: { js: "[\\p{L}\\p{N}_]", atom: true },
  W: { js: "[^\\p{L}\\p{N}_]", atom: true },
  s: { js: "\\s", atom: true },
  S: { js: "\\S", atom: true },
};

/** BRE operators spelled with a backslash; "literal" when `\c` is not one. */
function stepBreOperator(st: State, c: string): Fail | undefined | "literal" {
  switch (c) {
    case "(":
      st.i += 2;
      return openGroup(st);
    case ")":
      st.i += 2;
      return closeGroup(st);
    case "|":
      st.i += 2;
      emitStart(st, "|");
      return undefined;
    case "+":
    case "?":
      return stepQuantifier(st, c, 2);
    case "{":
      return stepInterval(st, 2);
    default:
      return "literal";
  }
}

/** A bracket expression `[…]` at `st.i`. */
function stepBracket(st: State): Fail | undefined {
  const { pat } = st;
  let j = st.i + 1;
  let negate = false;
  if (pat[j] === "^") {
    negate = true;
    j++;
  }
  const items: string[] = [];
  let first = true;
  for (;;) {
    const c = pat[j];
    if (c === undefined) return { message: "Unmatched [, [^, [:, [., or [=" };
    if (c === "]" && !first) break;
    first = false;
    const item = bracketItem(pat, j);
    if ("message" in item) return item;
    items.push(item.js);
    j = item.next;
  }
  const body = pat.slice(st.i + 1, j);
  if (/^:.*:$/.test(body))
    return { message: `character class syntax is [[:space:]], not [${body}]` };
  st.i = j + 1;
  emitAtom(st, `[${negate ? "^" : ""}${items.join("")}]`);
  return undefined;
}

/** One element of a bracket expression at `pat[j]`: a class, a range or a character. */
function bracketItem(pat: string, j: number): { js: string; next: number } | Fail {
  if (pat[j] === "[" && (pat[j + 1] === ":" || pat[j + 1] === "=" || pat[j + 1] === ".")) {
    const kind = pat[j + 1]!;
    const end = pat.indexOf(`${kind}]`, j + 2);
    if (end === -1) return { message: "Unmatched [, [^, [:, [., or [=" };
    const name = pat.slice(j + 2, end);
    if (kind === ":") {
      const cls = CLASSES[name];
      if (cls === undefined) return { message: "Invalid character class name" };
      return { js: cls, next: end + 2 };
    }
    return { js: escapeClassChar(name), next: end + 2 };
  }
  const c = pat[j]!;
  const hi = pat[j + 2];
  if (pat[j + 1] === "-" && hi !== undefined && hi !== "]") {
    if (hi.codePointAt(0)! < c.codePointAt(0)!) return { message: "Invalid range end" };
    return { js: `${escapeClassChar(c)}-${escapeClassChar(hi)}`, next: j + 3 };
  }
  return { js: escapeClassChar(c), next: j + 1 };
}

const escapeClassChar = (c: string): string => (/[\\\][^-]/.test(c) ? `\\${c}` : c);
