/**
 * printf FORMAT [ARG...]: formatted output as bash's printf: %s %b %c %d %i
 * %u %o %x %X %e %f %g %%, flags, width and precision (`*` too); the
 * format is reused until the arguments are used up.
 */
import { parseInteger } from "../src/shell/arith.js";
import { decodeEscapes } from "../src/shell/escapes.js";
import { type Block, type Command, err, out } from "../src/shell/types.js";

const SPEC = /%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?([a-zA-Z%])/g;

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

export const printf: Command = {
  name: "printf",
  summary: "print ARGs under the control of FORMAT (%s %d %x %b …, \\n escapes)",
  prints: "FORMAT with the arguments in it (no newline unless FORMAT has one)",
  usage: ["printf FORMAT [ARG...]"],
  run(_ctx, argv) {
    const format = argv[0];
    if (format === undefined)
      return { status: 2, blocks: [err("printf: usage: printf [-v var] format [arguments]")] };
    const args = argv.slice(1);
    const bad: string[] = [];
    let text = "";
    let used = 0;
    do {
      let consumed = 0;
      let invalid: string | undefined;
      const next = (): string => {
        consumed++;
        return args[used + consumed - 1] ?? "";
      };
      const body = format.replace(
        SPEC,
        (_m, flags: string, w?: string, p?: string, conv?: string) => {
          if (conv === "%") return "%";
          const width =
            w === "*" ? Number(intArg(next(), bad)) : w === undefined ? undefined : Number(w);
          const precision =
            p === "*"
              ? Number(intArg(next(), bad))
              : p === undefined
                ? undefined
                : Number(p || "0");
          if (!"sbcdiuoxXefg".includes(conv!)) {
            invalid ??= conv!;
            return "";
          }
          const numeric = !"sbc".includes(conv!);
          return pad(formatOne(conv!, flags, precision, next(), bad), flags, width, numeric);
        },
      );
      if (invalid !== undefined)
        return {
          status: 1,
          blocks: [out(text), err(`cowsh: printf: \`${invalid}': invalid format character`)],
        };
      const decoded = decodeEscapes(body, "echo");
      text += decoded.text;
      if (decoded.stop) break;
      used += consumed;
      if (consumed === 0) break;
    } while (used < args.length);
    const blocks: Block[] = text === "" ? [] : [out(text)];
    for (const b of bad) blocks.push(err(b));
    return { status: bad.length > 0 ? 1 : 0, blocks };
  },
};
