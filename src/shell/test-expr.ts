/**
 * The conditions of `test` / `[` and `[[ ]]`: bash's unary and binary
 * operators, with POSIX's rules for `test` by argument count. Files are
 * the simulated machine's, asked through `TestFiles`. Failures are values,
 * worded as bash words them (`integer expression expected`); the caller
 * prefixes the builtin's name.
 */
import { resolve } from "../../fs/vfs.js";

/** The simulated machine's files as `test` sees them. */
export function machineFiles(machine: Parameters<typeof resolve>[0], cwd = "/"): TestFiles {
  return {
    kind: (path) => {
      const node = resolve(machine, path, cwd);
      if (!node.ok) return undefined;
      return node.value.kind === "dir" ? "dir" : "file";
    },
    size: (path) => {
      const node = resolve(machine, path, cwd);
      if (!node.ok) return 0;
      const n = node.value;
      if (n.kind === "inode") return n.inode.size;
      return n.kind === "file" ? 1 : 0;
    },
  };
}

/** What a path names on the simulated machine, for `-e`, `-f`, `-d`, `-s`. */
export interface TestFiles {
  kind(path: string): "dir" | "file" | undefined;
  size(path: string): number;
}

export type TestResult =
  | { readonly ok: true; readonly value: boolean }
  | { readonly ok: false; readonly message: string };

const UNARY = new Set([
  "-n",
  "-z",
  "-e",
  "-a",
  "-f",
  "-d",
  "-s",
  "-r",
  "-w",
  "-x",
  "-L",
  "-h",
  "-p",
  "-S",
  "-b",
  "-c",
  "-t",
  "-v",
  "-o",
]);
export const BINARY = new Set([
  "=",
  "==",
  "!=",
  "<",
  ">",
  "-eq",
  "-ne",
  "-lt",
  "-le",
  "-gt",
  "-ge",
  "-nt",
  "-ot",
  "-ef",
]);
const INTEGER_OPS = new Set(["-eq", "-ne", "-lt", "-le", "-gt", "-ge"]);

const yes = (value: boolean): TestResult => ({ ok: true, value });

export function isUnaryOp(op: string): boolean {
  return UNARY.has(op) && op !== "-o" && op !== "-a";
}

/** A unary test. `-v NAME` asks `isSet`. */
export function unaryTest(
  op: string,
  arg: string,
  files: TestFiles,
  isSet: (name: string) => boolean,
): boolean {
  switch (op) {
    case "-n":
      return arg !== "";
    case "-z":
      return arg === "";
    case "-e":
    case "-a":
    case "-r":
    case "-w":
      return files.kind(arg) !== undefined;
    case "-f":
      return files.kind(arg) === "file";
    case "-d":
    case "-x":
      return op === "-d" ? files.kind(arg) === "dir" : files.kind(arg) !== undefined;
    case "-s":
      return files.kind(arg) !== undefined && files.size(arg) > 0;
    case "-v":
      return isSet(arg);
    default:
      return false;
  }
}

/** A binary test; integer operators take `toInt` (plain integers for test, arithmetic for [[ ]]). */
export function binaryTest(
  op: string,
  a: string,
  b: string,
  toInt: (text: string) => bigint | string,
  match: (pattern: string, text: string) => boolean = (p, t) => p === t,
): TestResult {
  if (INTEGER_OPS.has(op)) {
    const x = toInt(a);
    if (typeof x === "string") return { ok: false, message: x };
    const y = toInt(b);
    if (typeof y === "string") return { ok: false, message: y };
    const r = {
      "-eq": x === y,
      "-ne": x !== y,
      "-lt": x < y,
      "-le": x <= y,
      "-gt": x > y,
      "-ge": x >= y,
    }[op];
    return yes(r === true);
  }
  switch (op) {
    case "=":
    case "==":
      return yes(match(b, a));
    case "!=":
      return yes(!match(b, a));
    case "<":
      return yes(a < b);
    case ">":
      return yes(a > b);
    default:
      return yes(false);
  }
}

/** `test`'s integers: optional blanks and sign, decimal digits. */
export function testInteger(text: string): bigint | string {
  const t = text.trim();
  return /^[+-]?[0-9]+$/.test(t) ? BigInt(t) : `${text}: integer expression expected`;
}

/** `test ARGS` / `[ ARGS ]` (without the `]`). */
export function evalTest(
  args: readonly string[],
  files: TestFiles,
  isSet: (name: string) => boolean,
): TestResult {
  const n = args.length;
  if (n === 0) return yes(false);
  if (n === 1) return yes(args[0] !== "");
  if (n === 2 && args[0] === "!") return yes(args[1] === "");
  if (n === 2 && UNARY.has(args[0]!)) return yes(unaryTest(args[0]!, args[1]!, files, isSet));
  if (n === 2) return { ok: false, message: `${args[0]}: unary operator expected` };
  if (n === 3 && BINARY.has(args[1]!)) return binaryTest(args[1]!, args[0]!, args[2]!, testInteger);
  if (n === 3 && args[0] === "!") {
    const r = evalTest(args.slice(1), files, isSet);
    return r.ok ? yes(!r.value) : r;
  }
  const p = { args, i: 0, files, isSet };
  const r = orExpr(p);
  if (r.ok && p.i < n) return { ok: false, message: "too many arguments" };
  return r;
}

interface TestParser {
  readonly args: readonly string[];
  i: number;
  readonly files: TestFiles;
  readonly isSet: (name: string) => boolean;
}

function orExpr(p: TestParser): TestResult {
  let left = andExpr(p);
  while (left.ok && p.args[p.i] === "-o") {
    p.i++;
    const right = andExpr(p);
    if (!right.ok) return right;
    left = yes(left.value || right.value);
  }
  return left;
}

function andExpr(p: TestParser): TestResult {
  let left = notExpr(p);
  while (left.ok && p.args[p.i] === "-a") {
    p.i++;
    const right = notExpr(p);
    if (!right.ok) return right;
    left = yes(left.value && right.value);
  }
  return left;
}

function notExpr(p: TestParser): TestResult {
  if (p.args[p.i] === "!") {
    p.i++;
    const r = notExpr(p);
    return r.ok ? yes(!r.value) : r;
  }
  return primary(p);
}

function primary(p: TestParser): TestResult {
  const a = p.args[p.i];
  if (a === undefined) return { ok: false, message: "argument expected" };
  if (a === "(") {
    p.i++;
    const r = orExpr(p);
    if (p.args[p.i] !== ")") return { ok: false, message: "`)' expected" };
    p.i++;
    return r;
  }
  const op = p.args[p.i + 1];
  if (op !== undefined && BINARY.has(op) && p.args[p.i + 2] !== undefined) {
    p.i += 3;
    return binaryTest(op, a, p.args[p.i - 1]!, testInteger);
  }
  if (UNARY.has(a) && op !== undefined) {
    p.i += 2;
    return yes(unaryTest(a, op, p.files, p.isSet));
  }
  p.i++;
  return yes(a !== "");
}
