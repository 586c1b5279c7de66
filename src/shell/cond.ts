/**
 * `[[ … ]]`: words are expanded without field splitting or globbing; the
 * right side of `==` and `!=` is a pattern (quoted parts literal), of `=~`
 * a regular expression; `-eq` and kin compare arithmetic expressions;
 * `&&`, `||`, `!` and parentheses combine, as in bash.
 */
import { evalArith } from "./arith.js";
import type { CondToken, Word } from "./ast.js";
import { type ExpandEnv, expandPattern, expandString } from "./expand.js";
import { matchPattern } from "./pattern.js";
import {
  BINARY,
  binaryTest,
  isUnaryOp,
  type TestFiles,
  type TestResult,
  unaryTest,
} from "./test-expr.js";

interface CondParser {
  readonly tokens: readonly CondToken[];
  i: number;
  readonly env: ExpandEnv;
  readonly files: TestFiles;
}

const yes = (value: boolean): TestResult => ({ ok: true, value });

/** The operator a token stands for: an op, or an unquoted word such as `==` or `-f`. */
function opOf(t: CondToken | undefined): string | undefined {
  if (t === undefined) return undefined;
  return t.kind === "op"
    ? t.op
    : t.word.parts.every((p) => p.kind === "lit" && !p.quoted)
      ? t.word.raw
      : undefined;
}

export function evalCond(
  tokens: readonly CondToken[],
  env: ExpandEnv,
  files?: TestFiles,
): TestResult {
  const p: CondParser = { tokens, i: 0, env, files: files ?? noFiles };
  const r = orCond(p);
  if (r.ok && p.i < tokens.length) {
    return {
      ok: false,
      message: `syntax error in conditional expression: unexpected token \`${opOf(tokens[p.i]) ?? "?"}'`,
    };
  }
  return r;
}

const noFiles: TestFiles = { kind: () => undefined, size: () => 0 };

function orCond(p: CondParser): TestResult {
  let left = andCond(p);
  while (left.ok && opOf(p.tokens[p.i]) === "||") {
    p.i++;
    const right = andCond(p);
    if (!right.ok) return right;
    left = yes(left.value || right.value);
  }
  return left;
}

function andCond(p: CondParser): TestResult {
  let left = notCond(p);
  while (left.ok && opOf(p.tokens[p.i]) === "&&") {
    p.i++;
    const right = notCond(p);
    if (!right.ok) return right;
    left = yes(left.value && right.value);
  }
  return left;
}

function notCond(p: CondParser): TestResult {
  if (opOf(p.tokens[p.i]) === "!") {
    p.i++;
    const r = notCond(p);
    return r.ok ? yes(!r.value) : r;
  }
  return primaryCond(p);
}

function wordAt(p: CondParser, i: number): Word | undefined {
  const t = p.tokens[i];
  return t?.kind === "word" ? t.word : undefined;
}

function primaryCond(p: CondParser): TestResult {
  const t = p.tokens[p.i];
  if (t === undefined)
    return { ok: false, message: "unexpected argument to conditional expression" };
  if (opOf(t) === "(") {
    p.i++;
    const r = orCond(p);
    if (opOf(p.tokens[p.i]) !== ")")
      return { ok: false, message: "syntax error in conditional expression" };
    p.i++;
    return r;
  }
  const op = opOf(p.tokens[p.i + 1]);
  const right = wordAt(p, p.i + 2);
  if (
    t.kind === "word" &&
    op !== undefined &&
    (BINARY.has(op) || op === "=~") &&
    right !== undefined
  ) {
    p.i += 3;
    return binaryCond(p, op, t.word, right);
  }
  const arg = wordAt(p, p.i + 1);
  if (t.kind === "word" && isUnaryOp(t.word.raw) && arg !== undefined) {
    p.i += 2;
    const v = expandString(arg, p.env);
    if (!v.ok) return v;
    return yes(unaryTest(t.word.raw, v.value, p.files, (name) => p.env.getVar(name) !== undefined));
  }
  if (t.kind !== "word")
    return {
      ok: false,
      message: `syntax error in conditional expression: unexpected token \`${opOf(t)}'`,
    };
  p.i++;
  const v = expandString(t.word, p.env);
  return v.ok ? yes(v.value !== "") : v;
}

function binaryCond(p: CondParser, op: string, leftWord: Word, rightWord: Word): TestResult {
  const left = expandString(leftWord, p.env);
  if (!left.ok) return left;
  if (op === "=~") {
    const re = expandString(rightWord, p.env);
    if (!re.ok) return re;
    try {
      const m = new RegExp(re.value).exec(left.value);
      return yes(m !== null);
    } catch {
      return { ok: false, message: `${re.value}: invalid regular expression` };
    }
  }
  if (op === "==" || op === "=" || op === "!=") {
    const pattern = expandPattern(rightWord, p.env);
    if (!pattern.ok) return pattern;
    return binaryTest(op, left.value, pattern.value, () => 0n, matchPattern);
  }
  const right = expandString(rightWord, p.env);
  if (!right.ok) return right;
  const vars = {
    get: (n: string) => p.env.getVar(n),
    set: (n: string, v: string) => p.env.setVar?.(n, v),
  };
  const toInt = (text: string): bigint | string => {
    const r = evalArith(text, vars);
    return r.ok ? r.value : r.message;
  };
  return binaryTest(op, left.value, right.value, toInt);
}
