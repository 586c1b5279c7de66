/**
 * Word expansion, in bash's order: parameter expansion (`$X`, `${X:-w}` and
 * kin), arithmetic expansion, command substitution, field splitting,
 * pathname expansion and quote removal, for the parts the lexer produced.
 *
 * - `$NAME`, `${NAME}` and the specials come from `env.getVar`; unset is empty.
 * - `$(list)` runs through `env.substitute`; trailing newlines are removed.
 * - Unquoted results are split into fields on blanks and newlines (IFS is
 *   always its default, space-tab-newline); quoted ones never are.
 *   `"$@"` gives one field per positional parameter.
 * - A field with an unquoted `*`, `?` or `[` is a pattern: `env.glob`
 *   replaces it with the matching paths, sorted; with none it stays as typed.
 *   No tilde expansion: `~` stays as typed.
 *
 * Failures are values (`message` in bash's words, to print as `cowsh: MESSAGE`).
 */
import { evalArith } from "./arith.js";
import type { List, Word, WordPart } from "./ast.js";
import { escapePattern, hasGlob, patternSource, unescapePattern } from "./pattern.js";

export interface ExpandEnv {
  /** The value of a variable or special parameter ("?", "!", "$", "1"…), or undefined when unset. */
  getVar(name: string): string | undefined;
  /** Sets a variable (`${X:=w}`, `$((X = 1))`). Absent: those fail. */
  setVar?(name: string, value: string): void;
  /** Runs `list` as a command substitution and returns its stdout as written. */
  substitute(list: List): string;
  /** The positional parameters, for `"$@"`. Absent: `$@` is `getVar("@")`. */
  params?(): readonly string[];
  /** The paths matching a pathname pattern, sorted; empty when none. Absent: no pathname expansion. */
  glob?(pattern: string): string[];
}

export type Expanded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

const IFS_WHITESPACE = /[ \t\n]+/;
const isIfs = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n";

/**
 * Accumulates fields. `open` is true when the current field exists (even if
 * empty, from `""`); `pattern` is the field with its quoted characters escaped.
 */
interface Fields {
  readonly done: { text: string; pattern: string }[];
  current: string;
  pattern: string;
  open: boolean;
}

function endField(f: Fields): void {
  if (f.open) f.done.push({ text: f.current, pattern: f.pattern });
  f.current = "";
  f.pattern = "";
  f.open = false;
}

function append(f: Fields, text: string, quoted: boolean): void {
  f.current += text;
  f.pattern += quoted ? escapePattern(text) : text;
  f.open = true;
}

/** Adds an unquoted expansion result: split on blanks/newlines, delimiting fields at its edges. */
function appendSplit(f: Fields, value: string): void {
  if (value === "") return;
  const pieces = value.split(IFS_WHITESPACE).filter((s) => s !== "");
  if (isIfs(value[0])) endField(f);
  pieces.forEach((piece, i) => {
    if (i > 0) endField(f);
    append(f, piece, false);
  });
  if (isIfs(value[value.length - 1])) endField(f);
}

const ok = <T>(value: T): Expanded<T> => ({ ok: true, value });

/** The text a part stands for (an unset variable stands for ""). */
function partValue(part: WordPart, env: ExpandEnv): Expanded<string> {
  switch (part.kind) {
    case "lit":
      return ok(part.text);
    case "var":
      return ok(env.getVar(part.name) ?? "");
    case "subst":
      return ok(env.substitute(part.list).replace(/\n+$/, ""));
    case "arith":
      return arithValue(part.expr, env);
    case "param":
      return paramValue(part, env);
    case "bad":
      return { ok: false, message: `${part.text}: bad substitution` };
  }
}

/** `$((expr))`: the expression expanded, then evaluated. */
export function arithValue(expr: Word, env: ExpandEnv): Expanded<string> {
  const text = expandString(expr, env);
  if (!text.ok) return text;
  const r = evalArith(text.value, {
    get: (name) => env.getVar(name),
    set: (name, value) => env.setVar?.(name, value),
  });
  return r.ok ? ok(String(r.value)) : r;
}

type ParamPart = Extract<WordPart, { kind: "param" }>;

const emptyWord: Word = { parts: [], raw: "", pos: 0 };

/** `${NAME OP ARG}`. */
function paramValue(part: ParamPart, env: ExpandEnv): Expanded<string> {
  const value = env.getVar(part.name);
  const arg = part.arg ?? emptyWord;
  const unset = value === undefined;
  const nullOrUnset = value === undefined || value === "";
  switch (part.op) {
    case "len":
      if (part.name === "@" || part.name === "*") return ok(String(env.params?.().length ?? 0));
      return ok(String([...(value ?? "")].length));
    case ":-":
    case "-":
      return (part.op === ":-" ? nullOrUnset : unset) ? expandString(arg, env) : ok(value ?? "");
    case ":=":
    case "=": {
      if (!(part.op === ":=" ? nullOrUnset : unset)) return ok(value ?? "");
      const v = expandString(arg, env);
      if (!v.ok) return v;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(part.name) || env.setVar === undefined)
        return { ok: false, message: `$${part.name}: cannot assign in this way` };
      env.setVar(part.name, v.value);
      return v;
    }
    case ":+":
    case "+":
      return (part.op === ":+" ? nullOrUnset : unset) ? ok("") : expandString(arg, env);
    case ":?":
    case "?": {
      if (!(part.op === ":?" ? nullOrUnset : unset)) return ok(value ?? "");
      const v = expandString(arg, env);
      if (!v.ok) return v;
      return {
        ok: false,
        message: `${part.name}: ${v.value === "" ? "parameter null or not set" : v.value}`,
      };
    }
    case "#":
    case "##":
    case "%":
    case "%%": {
      const pattern = expandPattern(arg, env);
      if (!pattern.ok) return pattern;
      return ok(removeAffix(value ?? "", pattern.value, part.op));
    }
    case "/":
    case "//":
    case "/#":
    case "/%": {
      const pattern = expandPattern(arg, env);
      if (!pattern.ok) return pattern;
      const rep = part.rep === undefined ? ok("") : expandString(part.rep, env);
      if (!rep.ok) return rep;
      return ok(replace(value ?? "", pattern.value, rep.value, part.op));
    }
    case ":":
      return substring(value ?? "", arg, env);
  }
}

/** `${X#p}` `${X##p}` `${X%p}` `${X%%p}`: the shortest or longest matching prefix or suffix removed. */
function removeAffix(value: string, pattern: string, op: "#" | "##" | "%" | "%%"): string {
  const re = new RegExp(`^(?:${patternSource(pattern)})$`);
  const n = value.length;
  const lengths = op.length === 1 ? [...Array(n + 1).keys()] : [...Array(n + 1).keys()].reverse();
  for (const len of lengths) {
    if (op.startsWith("#") && re.test(value.slice(0, len))) return value.slice(len);
    if (op.startsWith("%") && re.test(value.slice(n - len))) return value.slice(0, n - len);
  }
  return value;
}

function replace(
  value: string,
  pattern: string,
  rep: string,
  op: "/" | "//" | "/#" | "/%",
): string {
  if (pattern === "") return value;
  const source = patternSource(pattern);
  const anchored = op === "/#" ? `^(?:${source})` : op === "/%" ? `(?:${source})$` : source;
  return value.replace(new RegExp(anchored, op === "//" ? "g" : ""), () => rep);
}

/** `${X:OFFSET}` and `${X:OFFSET:LENGTH}`, both arithmetic; a negative offset counts from the end. */
function substring(value: string, arg: Word, env: ExpandEnv): Expanded<string> {
  const text = expandString(arg, env);
  if (!text.ok) return text;
  const [offText = "", lenText] = splitOnce(text.value, ":");
  const vars = { get: (n: string) => env.getVar(n), set: () => {} };
  const off = evalArith(offText, vars);
  if (!off.ok) return off;
  const chars = [...value];
  let start = Number(off.value);
  if (start < 0) start = Math.max(0, chars.length + start);
  if (lenText === undefined) return ok(chars.slice(start).join(""));
  const len = evalArith(lenText, vars);
  if (!len.ok) return len;
  const count = Number(len.value);
  const end = count < 0 ? chars.length + count : start + count;
  if (end < start) return { ok: false, message: `${lenText}: substring expression < 0` };
  return ok(chars.slice(start, end).join(""));
}

function splitOnce(text: string, sep: string): [string, string?] {
  const i = text.indexOf(sep);
  return i === -1 ? [text] : [text.slice(0, i), text.slice(i + 1)];
}

/** Expands `word` into a pattern: quoted characters escaped, the rest active. */
export function expandPattern(word: Word, env: ExpandEnv): Expanded<string> {
  let pattern = "";
  for (const part of word.parts) {
    const v = partValue(part, env);
    if (!v.ok) return v;
    const quoted = part.kind === "bad" ? false : part.quoted;
    pattern += quoted ? escapePattern(v.value) : v.value;
  }
  return ok(pattern);
}

/** Expands `word` into fields (zero or more), as for a command's arguments. */
export function expandWord(word: Word, env: ExpandEnv): Expanded<string[]> {
  const f: Fields = { done: [], current: "", pattern: "", open: false };
  for (const part of word.parts) {
    if (part.kind === "var" && part.quoted && part.name === "@" && env.params) {
      const params = env.params();
      params.forEach((param, i) => {
        if (i > 0) endField(f);
        append(f, param, true);
      });
      continue;
    }
    const v = partValue(part, env);
    if (!v.ok) return v;
    if (part.kind === "bad") continue;
    if (part.kind === "lit") append(f, v.value, part.quoted);
    else if (part.quoted) append(f, v.value, true);
    else appendSplit(f, v.value);
  }
  endField(f);
  const fields: string[] = [];
  for (const field of f.done) {
    const matches = env.glob && hasGlob(field.pattern) ? env.glob(field.pattern) : [];
    if (matches.length > 0) fields.push(...matches);
    else fields.push(hasGlob(field.pattern) ? unescapePattern(field.pattern) : field.text);
  }
  return ok(fields);
}

/** Expands each word in order and concatenates their fields. Stops at the first failure. */
export function expandWords(words: readonly Word[], env: ExpandEnv): Expanded<string[]> {
  const all: string[] = [];
  for (const word of words) {
    const r = expandWord(word, env);
    if (!r.ok) return r;
    all.push(...r.value);
  }
  return ok(all);
}

/** Expands `word` to one string without field splitting, as for an assignment's value. */
export function expandString(word: Word, env: ExpandEnv): Expanded<string> {
  let text = "";
  for (const part of word.parts) {
    const v = partValue(part, env);
    if (!v.ok) return v;
    text += v.value;
  }
  return ok(text);
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
  return ok(only);
}
