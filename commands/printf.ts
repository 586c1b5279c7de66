/**
 * printf [-v VAR] FORMAT [ARG...]: formatted output as bash's printf: %s %b %c %d %i
 * %u %o %x %X %e %f %g %%, flags, width and precision (`*` too); the
 * format is reused until the arguments are used up.
 */
import { parseInteger } from "../src/shell/arith.js";
import { decodeEscapes } from "../src/shell/escapes.js";
import { builtinGetopt } from "../src/shell/getopt.js";
import { type Block, type Command, err, out } from "../src/shell/types.js";

/**
 * A conversion: flags, width, precision, length modifiers (which bash
 * skips), and the conversion character, absent at the end of the format
 * or before a character that is not a letter.
 */
const SPEC = /%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?(?:[hjlLtz]*)([a-zA-Z%]?)/g;

/** An integer argument as printf reads it: bash's notations, or 'c for a character code. */
function intArg(text: string, bad: string[]): bigint {
  if (text === "") return 0n;
  if (text.startsWith("'") || text.startsWith('"')) return BigInt(text.codePointAt(1) ?? 0);
  const t = text.trim();
  const neg = t.startsWith("-");
  const v = parseInteger(t.replace(/^[+-]/, ""));
  if (v === null) {
    bad.push(`cowsh: printf: ${text}: invalid number`);
    return 0n;
  }
  return neg ? -v : v;
}

function pad(text: string, flags: string, width: number | undefined, numeric: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (flags.includes("-")) return text.padEnd(width);
  if (numeric && flags.includes("0")) {
    const sign = /^[+ -]/.test(text) ? text[0]! : "";
    return sign + text.slice(sign.length).padStart(width - sign.length, "0");
  }
  return text.padStart(width);
}

function formatOne(
  conv: string,
  flags: string,
  precision: number | undefined,
  arg: string,
  bad: string[],
): string {
  switch (conv) {
    case "s":
      return precision === undefined ? arg : arg.slice(0, precision);
    case "b":
      return decodeEscapes(arg, "echo").text;
    case "c":
      return arg.slice(0, 1);
    case "d":
    case "i": {
      const v = intArg(arg, bad);
      const s = (v < 0n ? -v : v).toString().padStart(precision ?? 0, "0");
      return (v < 0n ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "") + s;
    }
    case "u":
    case "o":
    case "x":
    case "X": {
      const v = BigInt.asUintN(64, intArg(arg, bad));
      const base = conv === "o" ? 8 : conv === "u" ? 10 : 16;
      let s = v.toString(base).padStart(precision ?? 0, "0");
      if (conv === "X") s = s.toUpperCase();
      if (flags.includes("#") && v !== 0n)
        s = (conv === "o" ? "0" : conv === "x" ? "0x" : conv === "X" ? "0X" : "") + s;
      return s;
    }
    case "e":
    case "f":
    case "g": {
      const n = arg === "" ? 0 : Number(arg);
      if (Number.isNaN(n)) bad.push(`cowsh: printf: ${arg}: invalid number`);
      const v = Number.isNaN(n) ? 0 : n;
      const p = precision ?? 6;
      const s =
        conv === "f"
          ? v.toFixed(p)
          : conv === "e"
            ? v.toExponential(p).replace(/e([+-])(\d)$/, "e$10$2")
            : String(Number(v.toPrecision(p || 1)));
      return (v >= 0 && flags.includes("+") ? "+" : "") + s;
    }
  }
  return "";
}

const USAGE = "printf: usage: printf [-v var] format [arguments]";

/**
 * printf's options as bash reads them (builtinGetopt): `-v VAR` (or
 * `-vVAR`); any other option is invalid, so a format starting with `-`
 * needs `--`, as in bash.
 */
function printfOptions(
  argv: readonly string[],
):
  | { ok: true; variable: string | undefined; rest: readonly string[] }
  | { ok: false; blocks: Block[] } {
  const parsed = builtinGetopt(argv, "v", "v");
  if (!parsed.ok)
    return { ok: false, blocks: [err(`cowsh: printf: ${parsed.message}`), err(USAGE)] };
  const bad = parsed.options.find((o) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.value ?? ""));
  if (bad !== undefined)
    return { ok: false, blocks: [err(`cowsh: printf: \`${bad.value}': not a valid identifier`)] };
  return { ok: true, variable: parsed.options.at(-1)?.value, rest: parsed.operands };
}

export const printf: Command = {
  name: "printf",
  summary: "print ARGs under the control of FORMAT (%s %d %x %b …, \\n escapes)",
  prints: "FORMAT with the arguments in it (no newline unless FORMAT has one)",
  usage: ["printf [-v VAR] FORMAT [ARG...]"],
  run(ctx, argv) {
    const opts = printfOptions(argv);
    if (!opts.ok) return { status: 2, blocks: opts.blocks };
    const format = opts.rest[0];
    if (format === undefined) return { status: 2, blocks: [err(USAGE)] };
    const args = opts.rest.slice(1);
    const bad: string[] = [];
    let text = "";
    let used = 0;
    let problem: string | undefined;
    do {
      let consumed = 0;
      const next = (): string => {
        consumed++;
        return args[used + consumed - 1] ?? "";
      };
      // What the format gives up to its end, or up to a bad conversion,
      // where bash stops (keeping what came before it).
      let body = "";
      let last = 0;
      for (const m of format.matchAll(SPEC)) {
        const [whole, flags = "", w, p, conv = ""] = m;
        body += format.slice(last, m.index);
        last = m.index + whole.length;
        if (conv === "%") {
          body += "%";
          continue;
        }
        const width =
          w === "*" ? Number(intArg(next(), bad)) : w === undefined ? undefined : Number(w);
        const precision =
          p === "*" ? Number(intArg(next(), bad)) : p === undefined ? undefined : Number(p || "0");
        if (conv === "") problem = `\`${whole}': missing format character`;
        else if (!"sbcdiuoxXefg".includes(conv)) problem = `\`${conv}': invalid format character`;
        if (problem !== undefined) break;
        const numeric = !"sbc".includes(conv);
        body += pad(formatOne(conv, flags, precision, next(), bad), flags, width, numeric);
      }
      if (problem === undefined) body += format.slice(last);
      const decoded = decodeEscapes(body, "echo");
      text += decoded.text;
      if (decoded.stop || problem !== undefined) break;
      used += consumed;
      if (consumed === 0) break;
    } while (used < args.length);
    if (problem !== undefined) bad.push(`cowsh: printf: ${problem}`);
    if (opts.variable !== undefined) ctx.session.vars.set(opts.variable, text);
    const blocks: Block[] = text === "" || opts.variable !== undefined ? [] : [out(text)];
    for (const b of bad) blocks.push(err(b));
    return { status: bad.length > 0 ? 1 : 0, blocks };
  },
};
