/**
 * The lexer of cowsh's shell language: turns source text into tokens, one at a
 * time, on demand from the parser.
 *
 * Words are lexed into parts (literal text, `$NAME`, `$(…)`), with quotes
 * removed and recorded. Command substitutions are parsed where they occur, by
 * the `parseSubst` hook the parser passes in, so a word's `subst` part already
 * holds a parsed `List`.
 *
 * Total and linear: every function returns a value (an `error` token on bad
 * input), never throws, and looks at each character a bounded number of times.
 * Any string is accepted, including NUL and other binary bytes.
 */
import type { List, ParamOp, RedirectOp, Word, WordPart } from "./ast.js";
import { decodeEscapes } from "./escapes.js";
import { eofMatching, nearToken, type ParseError } from "./syntax-error.js";

/** Control operators, plus redirection operators not preceded by a descriptor number. */
export type Operator = ";" | ";;" | "&" | "&&" | "|" | "||" | "|&" | "(" | ")" | RedirectOp;

export type Token =
  | { readonly kind: "word"; readonly word: Word }
  /** `fd` is set when digits were typed right before a redirection operator (`2>`). */
  | { readonly kind: "op"; readonly op: Operator; readonly fd?: number; readonly pos: number }
  | { readonly kind: "newline"; readonly pos: number }
  | { readonly kind: "eof"; readonly pos: number }
  | { readonly kind: "error"; readonly error: ParseError };

/** Mutable cursor over one source string. */
export interface LexState {
  readonly src: string;
  /** Index of the next character to read. */
  i: number;
  /** Maps an offset in `src` to an error (adds the line number, shifts nested sources). */
  readonly errorAt: (pos: number, message: string, incomplete: boolean) => ParseError;
  /** `${NAME OP WORD}`s open around the cursor (lexBraced): bounded, so deep nesting fails instead of overflowing the stack. */
  braces?: number;
}

/** How deeply `${NAME OP WORD}`s may nest before the lexer reports a syntax error. */
const MAX_BRACE_NESTING = 200;

/** What the lexer needs from the parser: parse a list up to `)` (after `$(`) or a whole nested source (backticks). */
export interface LexHooks {
  /** Called with `st.i` just past `$(`; on success leaves `st.i` just past the matching `)`. */
  parseSubst(st: LexState): List | ParseError;
  /** Parses `inner` (the unescaped text between backticks, found at `pos`) as a whole list. */
  parseBackquoted(inner: string, pos: number): List | ParseError;
}

const isBlank = (c: string | undefined): boolean => c === " " || c === "\t";

/** Character classes by code unit (ASCII only): 1 ends an unquoted word, 2 starts a quote or expansion. */
const CLASS = new Uint8Array(128);
for (const c of " \t\n;&|<>()") CLASS[c.charCodeAt(0)] = 1;
for (const c of "\\'\"$`") CLASS[c.charCodeAt(0)] = 2;

/** Whether the code unit at `src[i]` ends an unquoted word (a metacharacter). */
const isMeta = (src: string, i: number): boolean => CLASS[src.charCodeAt(i)] === 1;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
/** Special parameters reachable as `$c`. */
const SPECIALS = "?!$#@*-0123456789";

/** Operators by longest match first. */
const OPERATORS: readonly Operator[] = [
  "<<<",
  "<<-",
  "&>>",
  ";;",
  "&&",
  "||",
  "|&",
  ">>",
  "<<",
  ">&",
  "<&",
  "&>",
  ";",
  "&",
  "|",
  "<",
  ">",
  "(",
  ")",
];

/** Collects the parts of one word, merging adjacent literal text of the same quotedness. */
interface WordBuilder {
  readonly parts: WordPart[];
  text: string;
  quoted: boolean;
}

function addLit(b: WordBuilder, text: string, quoted: boolean): void {
  if (text === "") return;
  if (b.text !== "" && b.quoted !== quoted) flush(b);
  b.text += text;
  b.quoted = quoted;
}

function flush(b: WordBuilder): void {
  if (b.text !== "") b.parts.push({ kind: "lit", text: b.text, quoted: b.quoted });
  b.text = "";
}

function addPart(b: WordBuilder, part: WordPart): void {
  flush(b);
  b.parts.push(part);
}

/** Skips blanks, `\<newline>` continuations and a `#` comment (up to, not including, its newline). */
function skipBlanks(st: LexState): void {
  const { src } = st;
  for (;;) {
    const c = src[st.i];
    if (isBlank(c)) st.i++;
    else if (c === "\\" && src[st.i + 1] === "\n") st.i += 2;
    else if (c === "#") {
      const nl = src.indexOf("\n", st.i);
      st.i = nl === -1 ? src.length : nl;
    } else return;
  }
}

/** Returns the next token and advances past it. */
export function nextToken(st: LexState, hooks: LexHooks): Token {
  skipBlanks(st);
  const pos = st.i;
  const c = st.src[pos];
  if (c === undefined) return { kind: "eof", pos };
  if (c === "\n") {
    st.i++;
    return { kind: "newline", pos };
  }
  const op = matchOperator(st.src, pos);
  if (op !== undefined) {
    st.i += op.length;
    return { kind: "op", op, pos };
  }
  return lexWord(st, hooks);
}

function matchOperator(src: string, pos: number): Operator | undefined {
  if (!isMeta(src, pos)) return undefined;
  return OPERATORS.find((op) => src.startsWith(op, pos));
}

/** Lexes one word starting at `st.i` (not a metacharacter). Digits right before `<`/`>` become a descriptor. */
function lexWord(st: LexState, hooks: LexHooks): Token {
  const { src } = st;
  const start = st.i;
  const b: WordBuilder = { parts: [], text: "", quoted: false };
  for (;;) {
    const c = src[st.i];
    if (c === undefined || isMeta(src, st.i)) break;
    const failure = lexWordChar(st, hooks, b, c);
    if (failure !== undefined) return { kind: "error", error: failure };
  }
  const raw = src.slice(start, st.i);
  const after = src[st.i];
  if ((after === "<" || after === ">") && /^[0-9]{1,9}$/.test(raw)) {
    const op = matchOperator(src, st.i);
    if (op !== undefined && op !== "&>" && op !== "&>>") {
      st.i += op.length;
      return { kind: "op", op, fd: Number(raw), pos: start };
    }
  }
  flush(b);
  return { kind: "word", word: { parts: b.parts, raw, pos: start } };
}

/** Consumes the construct starting with `c` at `st.i` into `b`. Returns an error, or undefined. */
function lexWordChar(
  st: LexState,
  hooks: LexHooks,
  b: WordBuilder,
  c: string,
): ParseError | undefined {
  const { src } = st;
  switch (c) {
    case "\\":
      return lexBackslash(st, b);
    case "'":
      return lexSingleQuoted(st, b);
    case '"':
      st.i++;
      return lexDoubleQuoted(st, hooks, b);
    case "$":
      return lexDollar(st, hooks, b, false);
    case "`":
      return lexBackquote(st, hooks, b, false);
    default: {
      let j = st.i + 1;
      while (j < src.length && !CLASS[src.charCodeAt(j)]) j++;
      addLit(b, src.slice(st.i, j), false);
      st.i = j;
      return undefined;
    }
  }
}

/** `\c` outside quotes: `c` literally; `\<newline>` vanishes; a final `\` is itself. */
function lexBackslash(st: LexState, b: WordBuilder): undefined {
  const next = st.src[st.i + 1];
  if (next === undefined) {
    addLit(b, "\\", false);
    st.i++;
  } else {
    if (next !== "\n") addLit(b, next, true);
    st.i += 2;
  }
  return undefined;
}

function lexSingleQuoted(st: LexState, b: WordBuilder): ParseError | undefined {
  const close = st.src.indexOf("'", st.i + 1);
  if (close === -1) return st.errorAt(st.i, eofMatching("'"), true);
  addLit(b, st.src.slice(st.i + 1, close), true);
  // An empty '' still makes the word non-empty: record a quoted empty literal.
  if (close === st.i + 1) addPart(b, { kind: "lit", text: "", quoted: true });
  st.i = close + 1;
  return undefined;
}

/** Lexes the inside of "…", with `st.i` just past the opening quote. */
function lexDoubleQuoted(st: LexState, hooks: LexHooks, b: WordBuilder): ParseError | undefined {
  const { src } = st;
  const open = st.i - 1;
  let empty = true;
  for (;;) {
    const c = src[st.i];
    if (c === undefined) return st.errorAt(open, eofMatching('"'), true);
    if (c === '"') break;
    empty = false;
    const failure = lexQuotedStep(st, hooks, b, '"\\$`');
    if (failure !== undefined) return failure;
  }
  st.i++;
  if (empty) addPart(b, { kind: "lit", text: "", quoted: true });
  return undefined;
}

/**
 * One step inside double-quote-like text at `st.i`: a backslash escape, a
 * `$` expansion, a backquoted command, or the run of literal characters up
 * to the next of `stops` (which holds `\`, `$` and the backquote).
 */
function lexQuotedStep(
  st: LexState,
  hooks: LexHooks,
  b: WordBuilder,
  stops: string,
): ParseError | undefined {
  const { src } = st;
  const c = src[st.i];
  if (c === "\\") {
    lexQuotedBackslash(st, b);
    return undefined;
  }
  if (c === "$") return lexDollar(st, hooks, b, true);
  if (c === "`") return lexBackquote(st, hooks, b, true);
  let j = st.i + 1;
  while (j < src.length && !stops.includes(src[j]!)) j++;
  addLit(b, src.slice(st.i, j), true);
  st.i = j;
  return undefined;
}

/** `\` inside "…": escapes only `$ \` " \` and newline; otherwise it is literal. */
function lexQuotedBackslash(st: LexState, b: WordBuilder): void {
  const next = st.src[st.i + 1];
  if (next !== undefined && '$`"\\'.includes(next)) {
    addLit(b, next, true);
    st.i += 2;
  } else if (next === "\n") {
    st.i += 2;
  } else {
    addLit(b, "\\", true);
    st.i++;
  }
}

/** Lexes what starts with `$` at `st.i`. */
function lexDollar(
  st: LexState,
  hooks: LexHooks,
  b: WordBuilder,
  quoted: boolean,
): ParseError | undefined {
  const { src } = st;
  const next = src[st.i + 1];
  if (next === "(") return lexSubst(st, hooks, b, quoted);
  if (next === "{") return lexBraced(st, hooks, b, quoted);
  if (!quoted && next === "'") return lexAnsiC(st, b);
  if (!quoted && next === '"') {
    st.i += 2;
    return lexDoubleQuoted(st, hooks, b);
  }
  if (next !== undefined && NAME_START.test(next)) {
    let j = st.i + 2;
    while (j < src.length && NAME_CHAR.test(src[j]!)) j++;
    addPart(b, { kind: "var", name: src.slice(st.i + 1, j), quoted });
    st.i = j;
    return undefined;
  }
  if (next !== undefined && SPECIALS.includes(next)) {
    addPart(b, { kind: "var", name: next, quoted });
    st.i += 2;
    return undefined;
  }
  addLit(b, "$", quoted);
  st.i++;
  return undefined;
}

function lexSubst(
  st: LexState,
  hooks: LexHooks,
  b: WordBuilder,
  quoted: boolean,
): ParseError | undefined {
  const pos = st.i;
  if (st.src[pos + 2] === "(") {
    st.i = pos + 3;
    const body = scanArith(st);
    if ("message" in body) return body;
    const expr = lexQuotedText(body.text, body.pos, hooks, st.errorAt);
    if ("message" in expr) return expr;
    addPart(b, { kind: "arith", expr, quoted });
    return undefined;
  }
  st.i = pos + 2;
  const list = hooks.parseSubst(st);
  if ("message" in list) return list;
  addPart(b, { kind: "subst", list, quoted });
  return undefined;
}

/** The end of a parameter name at `j` (a name, digits or one special character), or `j` if none. */
function nameEnd(src: string, j: number): number {
  const c = src[j];
  if (c === undefined) return j;
  if (NAME_START.test(c)) {
    let k = j + 1;
    while (k < src.length && NAME_CHAR.test(src[k]!)) k++;
    return k;
  }
  if (/[0-9]/.test(c)) {
    let k = j + 1;
    while (k < src.length && /[0-9]/.test(src[k]!)) k++;
    return k;
  }
  return "?!$#@*-".includes(c) ? j + 1 : j;
}

/** The operator of `${NAME…}` at `j` (just past the name) and its length, or undefined. */
function paramOp(src: string, j: number): { op: ParamOp; length: number } | undefined {
  const two = src.slice(j, j + 2);
  for (const op of [":-", ":=", ":+", ":?", "##", "%%", "//", "/#", "/%"] as const) {
    if (two === op) return { op, length: 2 };
  }
  const c = src[j];
  if (c !== undefined && "-=+?#%/:".includes(c)) return { op: c as ParamOp, length: 1 };
  return undefined;
}

/**
 * `${…}`: a parameter, `${#NAME}`, or `${NAME OP WORD}` with the operators of
 * ParamOp; anything else becomes a `bad` part (bash fails at expansion).
 */
function lexBraced(
  st: LexState,
  hooks: LexHooks,
  b: WordBuilder,
  quoted: boolean,
): ParseError | undefined {
  const { src } = st;
  const open = st.i;
  const j = open + 2;
  if (src[j] === "#" && src[j + 1] !== "}") {
    const end = nameEnd(src, j + 1);
    if (end > j + 1 && src[end] === "}") {
      addPart(b, { kind: "param", name: src.slice(j + 1, end), op: "len", quoted });
      st.i = end + 1;
      return undefined;
    }
  }
  const end = nameEnd(src, j);
  const name = src.slice(j, end);
  if (end > j && src[end] === "}") {
    addPart(b, { kind: "var", name, quoted });
    st.i = end + 1;
    return undefined;
  }
  const op = end > j ? paramOp(src, end) : undefined;
  if (op === undefined) {
    const close = src.indexOf("}", j);
    if (close === -1) return st.errorAt(open, eofMatching("}"), true);
    addPart(b, { kind: "bad", text: src.slice(open, close + 1) });
    st.i = close + 1;
    return undefined;
  }
  st.i = end + op.length;
  const depth = (st.braces ?? 0) + 1;
  if (depth > MAX_BRACE_NESTING)
    return st.errorAt(open, "syntax error: parameter expansions nested too deeply", false);
  st.braces = depth;
  const slash = op.op.startsWith("/");
  const arg = lexBraceWord(st, hooks, quoted, slash, open);
  let rep: Word | ParseError | undefined;
  if (!("message" in arg) && slash && src[st.i] === "/") {
    st.i++;
    rep = lexBraceWord(st, hooks, quoted, false, open);
  }
  st.braces = depth - 1;
  if ("message" in arg) return arg;
  if (rep !== undefined && "message" in rep) return rep;
  st.i++; // the closing brace
  addPart(b, {
    kind: "param",
    name,
    op: op.op,
    arg,
    ...(rep === undefined ? {} : { rep }),
    quoted,
  });
  return undefined;
}

/** The word of a `${NAME OP WORD}` up to its `}` (or `/` when `slash`), leaving `st.i` there. */
function lexBraceWord(
  st: LexState,
  hooks: LexHooks,
  quoted: boolean,
  slash: boolean,
  open: number,
): Word | ParseError {
  const { src } = st;
  const start = st.i;
  const b: WordBuilder = { parts: [], text: "", quoted: false };
  for (;;) {
    const c = src[st.i];
    if (c === undefined) return st.errorAt(open, eofMatching("}"), true);
    if (c === "}" || (slash && c === "/")) break;
    let failure: ParseError | undefined;
    if (c === "\\") {
      if (quoted) lexQuotedBackslash(st, b);
      else lexBackslash(st, b);
    } else if (c === "'" && !quoted) failure = lexSingleQuoted(st, b);
    else if (c === '"') {
      st.i++;
      failure = lexDoubleQuoted(st, hooks, b);
    } else if (c === "$") failure = lexDollar(st, hooks, b, quoted);
    else if (c === "`") failure = lexBackquote(st, hooks, b, quoted);
    else {
      let k = st.i + 1;
      while (k < src.length && !"}/\\'\"$`".includes(src[k]!)) k++;
      addLit(b, src.slice(st.i, k), quoted);
      st.i = k;
    }
    if (failure !== undefined) return failure;
  }
  flush(b);
  return { parts: b.parts, raw: src.slice(start, st.i), pos: start };
}

/**
 * With `st.i` just past `((` (or `$((`): the text up to the matching `))`,
 * where it starts, and `st.i` past the `))`.
 */
export function scanArith(st: LexState): { text: string; pos: number } | ParseError {
  const { src } = st;
  let depth = 0;
  for (let j = st.i; j < src.length; j++) {
    const c = src[j];
    if (c === "(") depth++;
    else if (c === ")") {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (src[j + 1] !== ")") return st.errorAt(j, nearToken(")"), false);
      const text = src.slice(st.i, j);
      const pos = st.i;
      st.i = j + 2;
      return { text, pos };
    }
  }
  return st.errorAt(st.i - 2, eofMatching(")"), true);
}

/**
 * Lexes `text` (found at `pos`) as the inside of double quotes without the
 * quotes: `$…` and backquotes expand, `\` escapes only `$ \` " \\`. Used for
 * arithmetic and here-document bodies.
 */
export function lexQuotedText(
  text: string,
  pos: number,
  hooks: LexHooks,
  errorAt: LexState["errorAt"],
): Word | ParseError {
  const st: LexState = { src: text, i: 0, errorAt: (p, m, inc) => errorAt(pos + p, m, inc) };
  const b: WordBuilder = { parts: [], text: "", quoted: false };
  while (st.i < text.length) {
    const failure = lexQuotedStep(st, hooks, b, "\\$`");
    if (failure !== undefined) return failure;
  }
  flush(b);
  return { parts: b.parts, raw: text, pos };
}

/** `$'…'`: bash's ANSI-C quoting, with the escapes `echo -e` knows (plus `\'`, `\"`). */
function lexAnsiC(st: LexState, b: WordBuilder): ParseError | undefined {
  const { src } = st;
  let j = st.i + 2;
  while (j < src.length && src[j] !== "'") j += src[j] === "\\" ? 2 : 1;
  if (j >= src.length) return st.errorAt(st.i, eofMatching("'"), true);
  const body = src.slice(st.i + 2, j);
  addPart(b, { kind: "lit", text: decodeEscapes(body, "ansi-c").text, quoted: true });
  st.i = j + 1;
  return undefined;
}

/**
 * `` `…` ``: the text up to the next unescaped backquote, with `\$`, `` \` `` and
 * `\\` unescaped, parsed as a nested list.
 */
function lexBackquote(
  st: LexState,
  hooks: LexHooks,
  b: WordBuilder,
  quoted: boolean,
): ParseError | undefined {
  const { src } = st;
  const pos = st.i;
  let inner = "";
  let j = pos + 1;
  let runStart = j;
  for (;;) {
    const c = src[j];
    if (c === undefined) return st.errorAt(pos, eofMatching("`"), true);
    if (c === "`") break;
    if (c === "\\" && src[j + 1] !== undefined && "$`\\".includes(src[j + 1]!)) {
      inner += src.slice(runStart, j);
      runStart = j + 1;
      j += 2;
    } else j++;
  }
  inner += src.slice(runStart, j);
  st.i = j + 1;
  const list = hooks.parseBackquoted(inner, pos + 1);
  if ("message" in list) return list;
  addPart(b, { kind: "subst", list, quoted });
  return undefined;
}
