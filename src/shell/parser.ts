/**
 * The parser of cowsh's shell language: recursive descent over the lexer's
 * tokens, producing the tree in ast.ts (see there for the grammar).
 *
 * `parse` is total: it returns a value for every input and never throws. It
 * runs in time linear in the input (command substitutions are parsed once,
 * where they occur; backquotes once more per level of nesting, and nesting is
 * capped at MAX_NESTING). Errors use bash's wording (syntax-error.ts).
 */
import type {
  AndOr,
  AndOrOp,
  Assignment,
  List,
  Pipeline,
  Redirect,
  RedirectOp,
  SimpleCommand,
  Word,
} from "./ast.js";
import { type LexHooks, type LexState, nextToken, type Token } from "./lexer.js";
import { eofMatching, lineOf, nearToken, type ParseError, UNEXPECTED_EOF } from "./syntax-error.js";

export type ParseResult =
  | { readonly ok: true; readonly list: List }
  /**
   * `partial` holds the complete commands that ended with a newline before the
   * line holding the error: bash has already run those when it meets the
   * error, so a script runner may run them, then report `error`.
   */
  | { readonly ok: false; readonly error: ParseError; readonly partial: List };

/** How deeply `$(…)` and backquotes may nest before parsing fails. */
export const MAX_NESTING = 64;

interface Parser {
  readonly st: LexState;
  readonly hooks: LexHooks;
  /** The lookahead token. */
  tok: Token;
  /** True while parsing the list of a `$(…)`: `)` ends it, EOF is an unclosed `$(`. */
  readonly inSubst: boolean;
  readonly lineAt: (pos: number) => number;
}

const REDIRECT_OPS: ReadonlySet<string> = new Set(["<", ">", ">>", "<&", ">&", "&>", "&>>"]);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

const isError = (x: object): x is ParseError => "message" in x;

/** Parses a whole source (a line, or a script of many lines). */
export function parse(src: string): ParseResult {
  const st: LexState = {
    src,
    i: 0,
    errorAt: (pos, message, incomplete) => ({
      message,
      pos,
      line: lineOf(src, pos),
      incomplete,
    }),
  };
  const lineAt = lineCounter(src, 1);
  const items: AndOr[] = [];
  const complete = { count: 0 };
  const failure = parseTopLevel(st, lineAt, 0, items, complete);
  if (failure === undefined) return { ok: true, list: { items } };
  return { ok: false, error: failure, partial: { items: items.slice(0, complete.count) } };
}

/** Parses `st` to its end into `items`; `complete.count` tracks the items ended by a newline. */
function parseTopLevel(
  st: LexState,
  lineAt: (pos: number) => number,
  depth: number,
  items: AndOr[],
  complete: { count: number },
): ParseError | undefined {
  const hooks = makeHooks(st, lineAt, depth);
  const first = nextToken(st, hooks);
  if (first.kind === "error") return first.error;
  const p: Parser = { st, hooks, tok: first, inSubst: false, lineAt };
  return parseList(p, items, complete);
}

/** The lexer's hooks for a parser at nesting `depth`. */
function makeHooks(outer: LexState, lineAt: (pos: number) => number, depth: number): LexHooks {
  const tooDeep = (pos: number): ParseError =>
    outer.errorAt(pos, "syntax error: command substitutions nested too deeply", false);
  return {
    parseSubst(st) {
      if (depth + 1 > MAX_NESTING) return tooDeep(st.i);
      const hooks = makeHooks(st, lineAt, depth + 1);
      const first = nextToken(st, hooks);
      if (first.kind === "error") return first.error;
      const p: Parser = { st, hooks, tok: first, inSubst: true, lineAt };
      const items: AndOr[] = [];
      const failure = parseList(p, items, { count: 0 });
      // parseList stops only at `)` here; that token is already consumed by the lexer.
      return failure ?? { items };
    },
    parseBackquoted(inner, pos) {
      if (depth + 1 > MAX_NESTING) return tooDeep(pos);
      const st: LexState = {
        src: inner,
        i: 0,
        errorAt: (p, message) => outer.errorAt(pos + p, message, false),
      };
      const items: AndOr[] = [];
      const failure = parseTopLevel(st, lineCounter(inner, lineAt(pos)), depth + 1, items, {
        count: 0,
      });
      return failure ?? { items };
    },
  };
}

/**
 * A function from offset to line number, starting at `firstLine`. Calls with
 * non-decreasing offsets cost O(distance) in total; a smaller offset restarts.
 */
function lineCounter(src: string, firstLine: number): (pos: number) => number {
  let line = firstLine;
  // The next newline not yet counted (-1: none left), so each character is scanned once.
  let next = src.indexOf("\n");
  let counted = 0;
  return (pos) => {
    if (pos < counted) {
      line = firstLine;
      next = src.indexOf("\n");
    }
    while (next !== -1 && next < pos) {
      line++;
      next = src.indexOf("\n", next + 1);
    }
    counted = pos;
    return line;
  };
}

function advance(p: Parser): ParseError | undefined {
  p.tok = nextToken(p.st, p.hooks);
  return p.tok.kind === "error" ? p.tok.error : undefined;
}

function skipNewlines(p: Parser): ParseError | undefined {
  while (p.tok.kind === "newline") {
    const failure = advance(p);
    if (failure) return failure;
  }
  return undefined;
}

/** The error for the lookahead token where it is not allowed. */
function unexpected(p: Parser, eofAsNewline = false): ParseError {
  const t = p.tok;
  switch (t.kind) {
    case "error":
      return t.error;
    case "eof":
      if (p.inSubst) return p.st.errorAt(t.pos, eofMatching(")"), true);
      if (eofAsNewline) return p.st.errorAt(t.pos, nearToken("newline"), false);
      return p.st.errorAt(t.pos, UNEXPECTED_EOF, true);
    case "newline":
      return p.st.errorAt(t.pos, nearToken("newline"), false);
    case "op":
      return p.st.errorAt(t.pos, nearToken(t.op), false);
    case "word":
      return p.st.errorAt(t.word.pos, nearToken(t.word.raw), false);
  }
}

const isOp = (t: Token, op: string): boolean => t.kind === "op" && t.op === op;

/**
 * list := (newline* and_or (";" | "&" | newline))* — up to EOF, or up to `)` in
 * a command substitution. Items go into `items` as they complete.
 */
function parseList(p: Parser, items: AndOr[], complete: { count: number }): ParseError | undefined {
  for (;;) {
    while (p.tok.kind === "newline") {
      if (!p.inSubst) complete.count = items.length;
      const failure = advance(p);
      if (failure) return failure;
    }
    if (p.tok.kind === "eof") return p.inSubst ? unexpected(p) : undefined;
    if (p.inSubst && isOp(p.tok, ")")) return undefined;
    const item = parseAndOr(p);
    if (isError(item)) return item;
    let background = false;
    if (isOp(p.tok, ";") || isOp(p.tok, "&")) {
      background = isOp(p.tok, "&");
      const failure = advance(p);
      if (failure) return failure;
    } else if (!endsItem(p)) {
      return unexpected(p);
    }
    items.push({ ...item, background });
  }
}

/** True when the lookahead ends a list item without a `;` or `&`. */
function endsItem(p: Parser): boolean {
  const t = p.tok;
  return t.kind === "newline" || (p.inSubst ? isOp(t, ")") : t.kind === "eof");
}

/** and_or := pipeline (("&&" | "||") newline* pipeline)* */
function parseAndOr(p: Parser): AndOr | ParseError {
  const pos = tokenPos(p.tok);
  const first = parsePipeline(p);
  if (isError(first)) return first;
  const rest: { op: AndOrOp; pipeline: Pipeline }[] = [];
  while (isOp(p.tok, "&&") || isOp(p.tok, "||")) {
    const op: AndOrOp = isOp(p.tok, "&&") ? "&&" : "||";
    const failure = advance(p) ?? skipNewlines(p);
    if (failure) return failure;
    const pipeline = parsePipeline(p);
    if (isError(pipeline)) return pipeline;
    rest.push({ op, pipeline });
  }
  return { first, rest, background: false, line: p.lineAt(pos), pos };
}

/** pipeline := simple (("|" | "|&") newline* simple)*; `a |& b` is `a 2>&1 | b`. */
function parsePipeline(p: Parser): Pipeline | ParseError {
  const pos = tokenPos(p.tok);
  const first = parseSimple(p);
  if (isError(first)) return first;
  const commands: SimpleCommand[] = [first];
  while (isOp(p.tok, "|") || isOp(p.tok, "|&")) {
    if (isOp(p.tok, "|&")) commands.push(withStderrToStdout(commands.pop()!, tokenPos(p.tok)));
    const failure = advance(p) ?? skipNewlines(p);
    if (failure) return failure;
    const next = parseSimple(p);
    if (isError(next)) return next;
    commands.push(next);
  }
  return { commands, pos };
}

function withStderrToStdout(cmd: SimpleCommand, pos: number): SimpleCommand {
  const one: Word = { parts: [{ kind: "lit", text: "1", quoted: false }], raw: "1", pos };
  const dup: Redirect = { op: ">&", fd: 2, target: one, pos };
  return { ...cmd, redirects: [...cmd.redirects, dup] };
}

/** simple := (assignment | redirect)* (word | redirect)*, not empty. */
function parseSimple(p: Parser): SimpleCommand | ParseError {
  const pos = tokenPos(p.tok);
  const assignments: Assignment[] = [];
  const words: Word[] = [];
  const redirects: Redirect[] = [];
  for (;;) {
    const t = p.tok;
    if (t.kind === "word") {
      const assignment = words.length === 0 ? asAssignment(t.word) : undefined;
      if (assignment) assignments.push(assignment);
      else words.push(t.word);
      const failure = advance(p);
      if (failure) return failure;
    } else if (t.kind === "op" && REDIRECT_OPS.has(t.op)) {
      const redirect = parseRedirect(p, t.op as RedirectOp, t.fd, t.pos);
      if (isError(redirect)) return redirect;
      redirects.push(redirect);
    } else if (t.kind === "op" && t.op === "<<") {
      return p.st.errorAt(t.pos, "syntax error: here-documents (<<) are not supported", false);
    } else break;
  }
  if (assignments.length + words.length + redirects.length === 0) return unexpected(p);
  return { kind: "simple", assignments, words, redirects, pos };
}

/** Parses a redirection whose operator is the lookahead token. */
function parseRedirect(
  p: Parser,
  op: RedirectOp,
  fd: number | undefined,
  pos: number,
): Redirect | ParseError {
  const failure = advance(p);
  if (failure) return failure;
  const t = p.tok;
  if (t.kind !== "word") return unexpected(p, true);
  const after = advance(p);
  if (after) return after;
  return { op, fd: fd ?? (op === "<" || op === "<&" ? 0 : 1), target: t.word, pos };
}

/** `NAME=value` as an assignment, or undefined. Only an unquoted `NAME=` qualifies. */
function asAssignment(word: Word): Assignment | undefined {
  const head = word.parts[0];
  if (head === undefined || head.kind !== "lit" || head.quoted) return undefined;
  const m = ASSIGNMENT.exec(head.text);
  if (!m) return undefined;
  const name = m[1]!;
  const restText = head.text.slice(name.length + 1);
  const parts =
    restText === "" ? word.parts.slice(1) : [{ ...head, text: restText }, ...word.parts.slice(1)];
  const skip = name.length + 1;
  return {
    name,
    value: { parts, raw: word.raw.slice(skip), pos: word.pos + skip },
    pos: word.pos,
  };
}

function tokenPos(t: Token): number {
  switch (t.kind) {
    case "word":
      return t.word.pos;
    case "error":
      return t.error.pos;
    default:
      return t.pos;
  }
}
