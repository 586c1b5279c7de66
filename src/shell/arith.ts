/**
 * Shell arithmetic, as bash evaluates `$(( ))` and `(( ))`: signed 64-bit
 * integers that wrap, C's operators and precedence, assignments to shell
 * variables, and bash's literals: decimal, `0x` hex, leading-zero octal
 * and `BASE#DIGITS`. Values are BigInt so that addresses and masks
 * (`$((A & ~0xfff))`) are exact across all 64 bits.
 *
 * The expression arrives already expanded ($VAR and $(…) replaced); bare
 * names are read as variables whose values are themselves expressions.
 * Failures are values, worded as bash words them.
 */

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

export type ArithResult =
  | { readonly ok: true; readonly value: bigint }
  | { readonly ok: false; readonly message: string };

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Thrown inside the evaluator only, caught at its entry and turned into a value. */
class ArithError {
  constructor(readonly message: string) {}
}

type Tok =
  | { readonly kind: "num"; readonly value: bigint; readonly text: string }
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "op"; readonly op: string };

const OPS = [
  "<<=",
  ">>=",
  "**",
  "++",
  "--",
  "<<",
  ">>",
  "<=",
  ">=",
  "==",
  "!=",
  "&&",
  "||",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "^=",
  "|=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "<",
  ">",
  "&",
  "^",
  "|",
  "!",
  "~",
  "?",
  ":",
  "=",
  "(",
  ")",
  ",",
];

/** The value of an integer literal in bash's notations, or null. */
export function parseInteger(text: string): bigint | null {
  let m = /^0[xX]([0-9a-fA-F]+)$/.exec(text);
  if (m) return wrap(BigInt(`0x${m[1]}`));
  if (/^0[0-7]+$/.test(text)) return wrap(BigInt(`0o${text.slice(1)}`));
  if (/^[0-9]+$/.test(text)) return wrap(BigInt(text));
  m = /^([0-9]+)#([0-9a-zA-Z@_]+)$/.exec(text);
  if (m) {
    const base = Number(m[1]);
    if (base < 2 || base > 64) return null;
    let v = 0n;
    for (const c of m[2]!) {
      const d = digitValue(c, base);
      if (d === null || d >= base) return null;
      v = v * BigInt(base) + BigInt(d);
    }
    return wrap(v);
  }
  return null;
}

function digitValue(c: string, base: number): number | null {
  if (c >= "0" && c <= "9") return c.charCodeAt(0) - 48;
  if (c >= "a" && c <= "z") return c.charCodeAt(0) - 97 + 10;
  if (c >= "A" && c <= "Z") return c.charCodeAt(0) - 65 + (base <= 36 ? 10 : 36);
  if (c === "@") return 62;
  if (c === "_") return 63;
  return null;
}

function tokenize(expr: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9a-zA-Z@_#]*/.exec(expr.slice(i))!;
      const value = parseInteger(m[0]);
      if (value === null)
        throw new ArithError(`${m[0]}: value too great for base (error token is "${m[0]}")`);
      toks.push({ kind: "num", value, text: m[0] });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expr.slice(i))!;
      toks.push({ kind: "name", name: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => expr.startsWith(o, i));
    if (op === undefined) {
      throw new ArithError(
        `syntax error: invalid arithmetic operator (error token is "${expr.slice(i)}")`,
      );
    }
    toks.push({ kind: "op", op });
    i += op.length;
  }
  return toks;
}

/** Binary operators by precedence level, loosest first (C's table, as bash's expr.c). */
const LEVELS: readonly (readonly string[])[] = [
  ["||"],
  ["&&"],
  ["|"],
  ["^"],
  ["&"],
  ["==", "!="],
  ["<", ">", "<=", ">="],
  ["<<", ">>"],
  ["+", "-"],
  ["*", "/", "%"],
];

const ASSIGN_OPS = new Set(["=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|="]);

/** A recursive-descent evaluator; `skip` > 0 parses without side effects (the untaken side of `&&`, `?:`). */
class Evaluator {
  private i = 0;
  private skip = 0;
  /** Unary operators and parentheses open around the current token (capped: no stack overflow). */
  private nest = 0;
  constructor(
    private readonly toks: readonly Tok[],
    private readonly vars: ArithVars,
    private readonly expr: string,
    private readonly depth: number,
  ) {}

  run(): bigint {
    if (this.toks.length === 0) return 0n;
    const v = this.comma();
    if (this.i < this.toks.length) this.fail("syntax error in expression");
    return v;
  }

  private fail(what: string): never {
    const rest = this.rest();
    throw new ArithError(`${this.expr.trim()}: ${what} (error token is "${rest}")`);
  }

  private rest(): string {
    return this.toks
      .slice(this.i)
      .map((t) => (t.kind === "num" ? t.text : t.kind === "name" ? t.name : t.op))
      .join(" ");
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t?.kind === "op" && t.op === op;
  }

  private comma(): bigint {
    let v = this.assign();
    while (this.isOp(",")) {
      this.i++;
      v = this.assign();
    }
    return v;
  }

  private assign(): bigint {
    const t = this.peek();
    const next = this.toks[this.i + 1];
    if (t?.kind === "name" && next?.kind === "op" && ASSIGN_OPS.has(next.op)) {
      this.i += 2;
      const rhs = this.assign();
      const v =
        next.op === "=" ? rhs : this.binary(next.op.slice(0, -1), this.varValue(t.name), rhs);
      this.store(t.name, v);
      return v;
    }
    return this.ternary();
  }

  private ternary(): bigint {
    const cond = this.level(0);
    if (!this.isOp("?")) return cond;
    this.i++;
    if (cond === 0n) this.skip++;
    const a = this.comma();
    if (cond === 0n) this.skip--;
    if (!this.isOp(":")) this.fail("`:' expected for conditional expression");
    this.i++;
    if (cond !== 0n) this.skip++;
    const b = this.ternary();
    if (cond !== 0n) this.skip--;
    return cond !== 0n ? a : b;
  }

  private level(n: number): bigint {
    if (n === LEVELS.length) return this.power();
    let v = this.level(n + 1);
    for (;;) {
      const t = this.peek();
      if (t?.kind !== "op" || !LEVELS[n]!.includes(t.op)) return v;
      this.i++;
      if (t.op === "&&" || t.op === "||") {
        const shortCircuit = t.op === "&&" ? v === 0n : v !== 0n;
        if (shortCircuit) this.skip++;
        const rhs = this.level(n + 1);
        if (shortCircuit) this.skip--;
        v = shortCircuit ? (t.op === "||" ? 1n : 0n) : rhs !== 0n ? 1n : 0n;
        continue;
      }
      v = this.binary(t.op, v, this.level(n + 1));
    }
  }

  private power(): bigint {
    const base = this.unary();
    if (!this.isOp("**")) return base;
    this.i++;
    const exp = this.power();
    if (exp < 0n) this.fail("exponent less than 0");
    return wrap(base ** exp);
  }

  private unary(): bigint {
    if (++this.nest > 200) this.fail("expression nested too deeply");
    try {
      return this.unaryInner();
    } finally {
      this.nest--;
    }
  }

  private unaryInner(): bigint {
    const t = this.peek();
    if (t?.kind === "op") {
      if (t.op === "++" || t.op === "--") {
        this.i++;
        const name = this.peek();
        if (name?.kind !== "name") this.fail("syntax error: operand expected");
        this.i++;
        const v = wrap(this.varValue(name.name) + (t.op === "++" ? 1n : -1n));
        this.store(name.name, v);
        return v;
      }
      const unaryOps: Record<string, (v: bigint) => bigint> = {
        "-": (v) => wrap(-v),
        "+": (v) => v,
        "!": (v) => (v === 0n ? 1n : 0n),
        "~": (v) => wrap(~v),
      };
      const f = unaryOps[t.op];
      if (f !== undefined) {
        this.i++;
        return f(this.unary());
      }
    }
    return this.postfix();
  }

  private postfix(): bigint {
    const t = this.peek();
    if (t?.kind === "name") {
      this.i++;
      const after = this.peek();
      if (after?.kind === "op" && (after.op === "++" || after.op === "--")) {
        this.i++;
        const v = this.varValue(t.name);
        this.store(t.name, wrap(v + (after.op === "++" ? 1n : -1n)));
        return v;
      }
      return this.varValue(t.name);
    }
    return this.primary();
  }

  private primary(): bigint {
    const t = this.peek();
    if (t === undefined) this.fail("syntax error: operand expected");
    if (t.kind === "num") {
      this.i++;
      return t.value;
    }
    if (t.kind === "op" && t.op === "(") {
      this.i++;
      const v = this.comma();
      if (!this.isOp(")")) this.fail("missing `)'");
      this.i++;
      return v;
    }
    return this.fail("syntax error: operand expected");
  }

  private binary(op: string, a: bigint, b: bigint): bigint {
    switch (op) {
      case "+":
        return wrap(a + b);
      case "-":
        return wrap(a - b);
      case "*":
        return wrap(a * b);
      case "/":
      case "%":
        if (b === 0n) {
          if (this.skip > 0) return 0n;
          this.i--;
          return this.fail("division by 0");
        }
        return wrap(op === "/" ? a / b : a % b);
      case "<<":
        return wrap(a << (b & 63n));
      case ">>":
        return wrap(a >> (b & 63n));
      case "&":
        return wrap(a & b);
      case "|":
        return wrap(a | b);
      case "^":
        return wrap(a ^ b);
      case "<":
        return a < b ? 1n : 0n;
      case ">":
        return a > b ? 1n : 0n;
      case "<=":
        return a <= b ? 1n : 0n;
      case ">=":
        return a >= b ? 1n : 0n;
      case "==":
        return a === b ? 1n : 0n;
      case "!=":
        return a !== b ? 1n : 0n;
    }
    throw new Error(`arith: no operator ${op}`);
  }

  /** A variable's value: unset or empty is 0; otherwise its text evaluated as an expression. */
  private varValue(name: string): bigint {
    const text = this.vars.get(name)?.trim() ?? "";
    if (text === "") return 0n;
    const direct = parseInteger(text);
    if (direct !== null) return direct;
    if (this.depth > 32) throw new ArithError(`${name}: expression recursion level exceeded`);
    const r = new Evaluator(tokenize(text), this.vars, text, this.depth + 1);
    return r.run();
  }

  private store(name: string, v: bigint): void {
    if (this.skip === 0) this.vars.set(name, String(v));
  }
}

/** Evaluates an expanded arithmetic expression. */
export function evalArith(expr: string, vars: ArithVars): ArithResult {
  try {
    return { ok: true, value: new Evaluator(tokenize(expr), vars, expr, 0).run() };
  } catch (e) {
    if (e instanceof ArithError) return { ok: false, message: e.message };
    throw e;
  }
}
