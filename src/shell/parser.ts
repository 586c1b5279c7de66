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
  Command,
  Compound,
  CompoundCommand,
  CondToken,
  FunctionDef,
  HereDoc,
  List,
  Pipeline,
  Redirect,
  RedirectOp,
  Word,
} from "./ast.js";
import {
  type LexHooks,
  type LexState,
  lexQuotedText,
  nextToken,
  scanArith,
  type Token,
} from "./lexer.js";
import { eofMatching, lineOf, nearToken, type ParseError, UNEXPECTED_EOF } from "./syntax-error.js";

export type ParseResult =
  | { readonly ok: true; readonly list: List }
  /**
   * `partial` holds the complete commands that ended with a newline before the
   * line holding the error: bash has already run those when it meets the
   * error, so a script runner may run them, then report `error`.
   * `resume` is the offset just past the newline that ended them: where a
   * reader given more input (`error.incomplete`) would parse again.
   */
  | {
      readonly ok: false;
      readonly error: ParseError;
      readonly partial: List;
      readonly resume: number;
    };

export interface ParseOptions {
  /** The line number of the source's first line (a stream parsed piece by piece). Default 1. */
  readonly firstLine?: number;
}

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
  /** Here-documents whose bodies start after the current line. */
  readonly heredocs: { doc: HereDoc; strip: boolean; pos: number }[];
  /** Compound commands open around the lookahead (capped at MAX_NESTING). */
  depth: number;
}

const REDIRECT_OPS: ReadonlySet<string> = new Set([
  "<",
  ">",
  ">>",
  "<&",
  ">&",
  "&>",
  "&>>",
  "<<",
  "<<-",
  "<<<",
]);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** The top-level items ended by a newline so far, and the offset just past that newline. */
interface Complete {
  count: number;
  resume: number;
}

const isError = (x: object): x is ParseError => "message" in x;

/** Parses a whole source (a line, or a script of many lines). */
export function parse(src: string, options: ParseOptions = {}): ParseResult {
  const firstLine = options.firstLine ?? 1;
  const st: LexState = {
    src,
    i: 0,
    errorAt: (pos, message, incomplete) => ({
      message,
      pos,
      line: lineOf(src, pos) + firstLine - 1,
      incomplete,
    }),
  };
  const lineAt = lineCounter(src, firstLine);
  const items: AndOr[] = [];
  const complete = { count: 0, resume: 0 };
  const failure = parseTopLevel(st, lineAt, 0, items, complete);
  if (failure === undefined) return { ok: true, list: { items } };
  return {
    ok: false,
    error: failure,
    partial: { items: items.slice(0, complete.count) },
    resume: complete.resume,
  };
}

/** Parses `st` to its end into `items`; `complete.count` tracks the items ended by a newline. */
function parseTopLevel(
  st: LexState,
  lineAt: (pos: number) => number,
  depth: number,
  items: AndOr[],
  complete: Complete,
): ParseError | undefined {
  const hooks = makeHooks(st, lineAt, depth);
  const first = nextToken(st, hooks);
  if (first.kind === "error") return first.error;
  const p: Parser = { st, hooks, tok: first, inSubst: false, lineAt, heredocs: [], depth: 0 };
  return parseList(p, items, complete, TOP);
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
      const p: Parser = { st, hooks, tok: first, inSubst: true, lineAt, heredocs: [], depth: 0 };
      const items: AndOr[] = [];
      const failure = parseList(p, items, undefined, SUBST);
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
        resume: 0,
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
  if (p.tok.kind === "error") return p.tok.error;
  if (p.heredocs.length > 0 && (p.tok.kind === "newline" || p.tok.kind === "eof"))
    return readHereDocs(p);
  return undefined;
}

/**
 * Reads the bodies of the here-documents started on the line that has just
 * ended (`st.i` is at the start of the next line), in order.
 */
function readHereDocs(p: Parser): ParseError | undefined {
  const { st } = p;
  for (const doc of p.heredocs.splice(0)) {
    const start = st.i;
    let body = "";
    let found = false;
    while (st.i < st.src.length) {
      const nl = st.src.indexOf("\n", st.i);
      const end = nl === -1 ? st.src.length : nl;
      let line = st.src.slice(st.i, end);
      if (doc.strip) line = line.replace(/^\t+/, "");
      st.i = nl === -1 ? st.src.length : nl + 1;
      if (line === doc.doc.delimiter) {
        found = true;
        break;
      }
      body += `${line}\n`;
    }
    if (!found) {
      const message = `warning: here-document at line ${p.lineAt(doc.pos)} delimited by end-of-file (wanted \`${doc.doc.delimiter}')`;
      return st.errorAt(start, message, true);
    }
    if (doc.doc.quoted) {
      doc.doc.body = { parts: [{ kind: "lit", text: body, quoted: true }], raw: body, pos: start };
    } else {
      const word = lexQuotedText(body, start, p.hooks, st.errorAt);
      if ("message" in word) return word;
      doc.doc.body = word;
    }
  }
  if (p.tok.kind === "eof") p.tok = { kind: "eof", pos: st.i };
  return undefined;
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

const lookahead = (p: Parser): Token => p.tok;

const isOp = (t: Token, op: string): boolean => t.kind === "op" && t.op === op;

/** The text of an unquoted one-part word (a reserved word where one may stand), or undefined. */
function bareWord(t: Token): string | undefined {
  if (t.kind !== "word") return undefined;
  const [only, ...more] = t.word.parts;
  if (only === undefined || more.length > 0 || only.kind !== "lit" || only.quoted) return undefined;
  return only.text === t.word.raw ? only.text : undefined;
}

/** What ends a list: EOF at the top, `)` in `$(…)` or `( … )`, `;;` in a case, or reserved words. */
interface Stop {
  readonly eof?: boolean;
  readonly rparen?: boolean;
  readonly dsemi?: boolean;
  readonly words?: readonly string[];
}

const TOP: Stop = { eof: true };
const SUBST: Stop = { rparen: true };

function atStop(p: Parser, stop: Stop): boolean {
  const t = p.tok;
  if (t.kind === "eof") return stop.eof === true;
  if (t.kind === "op")
    return (stop.rparen === true && t.op === ")") || (stop.dsemi === true && t.op === ";;");
  const word = bareWord(t);
  return word !== undefined && stop.words?.includes(word) === true;
}

/**
 * list := (newline* and_or (";" | "&" | newline))* — up to what `stop`
 * allows (EOF at the top level). Items go into `items` as they complete;
 * `complete` tracks the top level's items ended by a newline.
 */
function parseList(
  p: Parser,
  items: AndOr[],
  complete: Complete | undefined,
  stop: Stop,
): ParseError | undefined {
  for (;;) {
    while (p.tok.kind === "newline") {
      if (complete !== undefined) {
        complete.count = items.length;
        complete.resume = p.tok.pos + 1;
      }
      const failure = advance(p);
      if (failure) return failure;
    }
    if (atStop(p, stop)) return undefined;
    if (p.tok.kind === "eof") return unexpected(p);
    const item = parseAndOr(p);
    if (isError(item)) return item;
    let background = false;
    const after = lookahead(p); // parseAndOr moved it on: not the token narrowed above
    if (isOp(after, ";") || isOp(after, "&")) {
      background = isOp(after, "&");
      const failure = advance(p);
      if (failure) return failure;
    } else if (after.kind !== "newline" && !atStop(p, stop)) {
      return unexpected(p);
    }
    items.push({ ...item, background });
  }
}

/** A compound command's inner list, up to one of `words` (or `stop`); never empty unless `mayBeEmpty`. */
function parseBody(p: Parser, stop: Stop, mayBeEmpty = false): List | ParseError {
  const items: AndOr[] = [];
  const failure = parseList(p, items, undefined, stop);
  if (failure) return failure;
  if (items.length === 0 && !mayBeEmpty) return unexpected(p);
  return { items };
}

/** Consumes the reserved word `word`, or fails on what stands there instead. */
function expectWord(p: Parser, word: string): ParseError | undefined {
  if (bareWord(p.tok) !== word) return unexpected(p);
  return advance(p);
}

function expectOp(p: Parser, op: string): ParseError | undefined {
  if (!isOp(p.tok, op)) return unexpected(p);
  return advance(p);
}

/** and_or := pipeline (("&&" | "||") newline* pipeline)* */
function parseAndOr(p: Parser): AndOr | ParseError {
  const pos = tokenPos(p.tok);
  const line = p.lineAt(pos); // before the items inside, so that lineAt is asked in order
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
  return { first, rest, background: false, line, pos };
}

/** pipeline := ["!"] command (("|" | "|&") newline* command)*; `a |& b` is `a 2>&1 | b`. */
function parsePipeline(p: Parser): Pipeline | ParseError {
  const pos = tokenPos(p.tok);
  let negated = false;
  if (bareWord(p.tok) === "!") {
    negated = true;
    const failure = advance(p);
    if (failure) return failure;
  }
  const first = parseCommand(p);
  if (isError(first)) return first;
  const commands: Command[] = [first];
  while (isOp(p.tok, "|") || isOp(p.tok, "|&")) {
    if (isOp(p.tok, "|&")) commands.push(withStderrToStdout(commands.pop()!, tokenPos(p.tok)));
    const failure = advance(p) ?? skipNewlines(p);
    if (failure) return failure;
    const next = parseCommand(p);
    if (isError(next)) return next;
    commands.push(next);
  }
  return { commands, negated, pos };
}

function withStderrToStdout(cmd: Command, pos: number): Command {
  if (cmd.kind === "function") return cmd;
  const one: Word = { parts: [{ kind: "lit", text: "1", quoted: false }], raw: "1", pos };
  const dup: Redirect = { op: ">&", fd: 2, target: one, pos };
  return { ...cmd, redirects: [...cmd.redirects, dup] };
}

/** Reserved words that cannot start a command. */
const CLOSERS = new Set(["then", "elif", "else", "fi", "do", "done", "esac", "}", "]]"]);

/** command := compound redirect* | function definition | simple. */
function parseCommand(p: Parser): Command | ParseError {
  const t = p.tok;
  const pos = tokenPos(t);
  const word = bareWord(t);
  if (word !== undefined && CLOSERS.has(word)) return unexpected(p);
  if (word === "function") return parseFunction(p, pos);
  if (p.depth >= MAX_NESTING)
    return p.st.errorAt(pos, "syntax error: commands nested too deeply", false);
  p.depth++;
  const compound = parseCompound(p, word);
  p.depth--;
  if (compound === undefined) return parseSimple(p);
  if (isError(compound)) return compound;
  const redirects: Redirect[] = [];
  while (p.tok.kind === "op" && REDIRECT_OPS.has(p.tok.op)) {
    const r = parseRedirect(p, p.tok.op as RedirectOp, p.tok.fd, p.tok.pos);
    if (isError(r)) return r;
    redirects.push(r);
  }
  return { ...compound, redirects, pos } as Compound;
}

/** The compound command starting at the lookahead, or undefined when it starts none. */
function parseCompound(
  p: Parser,
  word: string | undefined,
): CompoundCommand | ParseError | undefined {
  switch (word) {
    case "if":
      return parseIf(p);
    case "while":
    case "until":
      return parseWhile(p, word === "until");
    case "for":
      return parseFor(p);
    case "case":
      return parseCase(p);
    case "{":
      return parseGroup(p);
    case "[[":
      return parseCond(p);
  }
  if (!isOp(p.tok, "(")) return undefined;
  if (atDoubleParen(p)) {
    const expr = arithBody(p);
    if (isError(expr)) return expr;
    return advance(p) ?? { kind: "arith", expr };
  }
  const failure = advance(p);
  if (failure) return failure;
  const body = parseBody(p, SUBST);
  if (isError(body)) return body;
  return expectOp(p, ")") ?? { kind: "group", subshell: true, body };
}

/** True when the lookahead `(` is the first of `((`. */
function atDoubleParen(p: Parser): boolean {
  return p.tok.kind === "op" && p.st.i === p.tok.pos + 1 && p.st.src[p.st.i] === "(";
}

/** With the lookahead at the first `(` of `((`: the expression up to `))`, lexed; the lookahead is then stale. */
function arithBody(p: Parser): Word | ParseError {
  p.st.i++;
  const body = scanArith(p.st);
  if ("message" in body) return body;
  return lexQuotedText(body.text, body.pos, p.hooks, p.st.errorAt);
}

function parseIf(p: Parser): CompoundCommand | ParseError {
  const clauses: { cond: List; body: List }[] = [];
  let elseBody: List | undefined;
  let keyword = "if";
  while (keyword === "if" || keyword === "elif") {
    const failure = advance(p);
    if (failure) return failure;
    const cond = parseBody(p, { words: ["then"] });
    if (isError(cond)) return cond;
    const then = expectWord(p, "then");
    if (then) return then;
    const body = parseBody(p, { words: ["elif", "else", "fi"] });
    if (isError(body)) return body;
    clauses.push({ cond, body });
    keyword = bareWord(p.tok) ?? "";
  }
  if (keyword === "else") {
    const failure = advance(p);
    if (failure) return failure;
    const body = parseBody(p, { words: ["fi"] });
    if (isError(body)) return body;
    elseBody = body;
  }
  return (
    expectWord(p, "fi") ?? { kind: "if", clauses, ...(elseBody === undefined ? {} : { elseBody }) }
  );
}

function parseWhile(p: Parser, until: boolean): CompoundCommand | ParseError {
  const failure = advance(p);
  if (failure) return failure;
  const cond = parseBody(p, { words: ["do"] });
  if (isError(cond)) return cond;
  const body = parseDoDone(p);
  if (isError(body)) return body;
  return { kind: "while", until, cond, body };
}

/** `do list done`. */
function parseDoDone(p: Parser): List | ParseError {
  const failure = expectWord(p, "do");
  if (failure) return failure;
  const body = parseBody(p, { words: ["done"] });
  if (isError(body)) return body;
  return expectWord(p, "done") ?? body;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parseFor(p: Parser): CompoundCommand | ParseError {
  const failure = advance(p);
  if (failure) return failure;
  if (isOp(p.tok, "(") && atDoubleParen(p)) return parseArithFor(p);
  const t = p.tok;
  if (t.kind !== "word" || !NAME.test(t.word.raw))
    return t.kind === "word"
      ? p.st.errorAt(t.word.pos, `\`${t.word.raw}': not a valid identifier`, false)
      : unexpected(p);
  const name = t.word.raw;
  let words: Word[] | undefined;
  const next = advance(p) ?? skipNewlines(p);
  if (next) return next;
  if (bareWord(p.tok) === "in") {
    words = [];
    let f = advance(p);
    while (f === undefined && p.tok.kind === "word") {
      words.push(p.tok.word);
      f = advance(p);
    }
    if (f) return f;
    if (!isOp(p.tok, ";") && p.tok.kind !== "newline") return unexpected(p);
    const after = advance(p);
    if (after) return after;
  } else if (isOp(p.tok, ";")) {
    const after = advance(p);
    if (after) return after;
  }
  const nl = skipNewlines(p);
  if (nl) return nl;
  const body = parseDoDone(p);
  if (isError(body)) return body;
  return { kind: "for", name, ...(words === undefined ? {} : { words }), body };
}

/** `for ((init; cond; step)) do list done`. */
function parseArithFor(p: Parser): CompoundCommand | ParseError {
  p.st.i++;
  const body = scanArith(p.st);
  if ("message" in body) return body;
  const pieces = body.text.split(";");
  if (pieces.length !== 3)
    return p.st.errorAt(body.pos, "syntax error: arithmetic expression required", false);
  const exprs: Word[] = [];
  let at = body.pos;
  for (const piece of pieces) {
    const w = lexQuotedText(piece, at, p.hooks, p.st.errorAt);
    if ("message" in w) return w;
    exprs.push(w);
    at += piece.length + 1;
  }
  const failure = advance(p);
  if (failure) return failure;
  if (isOp(p.tok, ";")) {
    const f = advance(p);
    if (f) return f;
  }
  const nl = skipNewlines(p);
  if (nl) return nl;
  const list = parseDoDone(p);
  if (isError(list)) return list;
  return { kind: "arith-for", init: exprs[0]!, cond: exprs[1]!, step: exprs[2]!, body: list };
}

function parseCase(p: Parser): CompoundCommand | ParseError {
  const failure = advance(p);
  if (failure) return failure;
  const t = p.tok;
  if (t.kind !== "word") return unexpected(p);
  const word = t.word;
  const f = advance(p) ?? skipNewlines(p) ?? expectWord(p, "in") ?? skipNewlines(p);
  if (f) return f;
  const items: { patterns: Word[]; body: List }[] = [];
  while (bareWord(p.tok) !== "esac") {
    if (isOp(p.tok, "(")) {
      const open = advance(p);
      if (open) return open;
    }
    const patterns: Word[] = [];
    for (;;) {
      const pt = p.tok;
      if (pt.kind !== "word") return unexpected(p);
      patterns.push(pt.word);
      const next = advance(p);
      if (next) return next;
      if (!isOp(p.tok, "|")) break;
      const bar = advance(p);
      if (bar) return bar;
    }
    const close = expectOp(p, ")");
    if (close) return close;
    const body = parseBody(p, { words: ["esac"], dsemi: true }, true);
    if (isError(body)) return body;
    items.push({ patterns, body });
    if (isOp(p.tok, ";;")) {
      const next = advance(p) ?? skipNewlines(p);
      if (next) return next;
    } else if (bareWord(p.tok) !== "esac") return unexpected(p);
  }
  return advance(p) ?? { kind: "case", word, items };
}

function parseGroup(p: Parser): CompoundCommand | ParseError {
  const failure = advance(p);
  if (failure) return failure;
  const body = parseBody(p, { words: ["}"] });
  if (isError(body)) return body;
  return expectWord(p, "}") ?? { kind: "group", subshell: false, body };
}

const COND_OPS = new Set(["&&", "||", "(", ")", "<", ">"]);

/** `[[ … ]]`: its words and operators, unexpanded, up to `]]`. */
function parseCond(p: Parser): CompoundCommand | ParseError {
  const tokens: CondToken[] = [];
  let failure = advance(p);
  while (failure === undefined) {
    const t = p.tok;
    if (bareWord(t) === "]]") break;
    if (t.kind === "word") tokens.push({ kind: "word", word: t.word });
    else if (t.kind === "op" && COND_OPS.has(t.op) && t.fd === undefined)
      tokens.push({ kind: "op", op: t.op });
    else if (t.kind !== "newline") return unexpected(p);
    failure = advance(p);
  }
  if (failure) return failure;
  if (tokens.length === 0) return unexpected(p);
  return advance(p) ?? { kind: "cond", tokens };
}

/** `function NAME [()] compound`. */
function parseFunction(p: Parser, pos: number): FunctionDef | ParseError {
  const failure = advance(p);
  if (failure) return failure;
  const t = p.tok;
  if (t.kind !== "word") return unexpected(p);
  const name = t.word.raw;
  const next = advance(p);
  if (next) return next;
  if (isOp(p.tok, "(")) {
    const f = advance(p) ?? expectOp(p, ")");
    if (f) return f;
  }
  return functionBody(p, name, pos);
}

/** The compound command that is a function's body (newlines may come first). */
function functionBody(p: Parser, name: string, pos: number): FunctionDef | ParseError {
  const nl = skipNewlines(p);
  if (nl) return nl;
  const body = parseCommand(p);
  if (isError(body)) return body;
  if (body.kind === "simple" || body.kind === "function")
    return p.st.errorAt(body.pos, nearToken(wordAt(p.st.src, body.pos)), false);
  return { kind: "function", name, body, pos };
}

/** The word of `src` at `pos`, for messages. */
function wordAt(src: string, pos: number): string {
  return /^\S*/.exec(src.slice(pos))![0];
}

/** simple := (assignment | redirect)* (word | redirect)*, not empty. `NAME ( )` starts a function. */
function parseSimple(p: Parser): Command | ParseError {
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
    } else if (
      isOp(t, "(") &&
      words.length === 1 &&
      assignments.length === 0 &&
      redirects.length === 0
    ) {
      const f = advance(p) ?? expectOp(p, ")");
      if (f) return f;
      return functionBody(p, words[0]!.raw, pos);
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
  const input = op === "<" || op === "<&" || op.startsWith("<<");
  const base = { op, fd: fd ?? (input ? 0 : 1), target: t.word, pos };
  let redirect: Redirect = base;
  if (op === "<<" || op === "<<-") {
    const heredoc: HereDoc = {
      delimiter: delimiterOf(t.word),
      quoted: t.word.parts.some((part) => part.kind === "lit" && part.quoted),
      body: undefined,
    };
    p.heredocs.push({ doc: heredoc, strip: op === "<<-", pos });
    redirect = { ...base, heredoc };
  }
  const after = advance(p);
  if (after) return after;
  return redirect;
}

/** A here-document's delimiter: the word after quote removal, `$` left as typed. */
function delimiterOf(word: Word): string {
  return word.parts
    .map((part) => (part.kind === "lit" ? part.text : part.kind === "var" ? `$${part.name}` : ""))
    .join("");
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
