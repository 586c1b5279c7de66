/**
 * What the text tools (grep, head, tail, wc, sort, diff) share: reading their
 * inputs, errno texts, GNU's ways of quoting a name in a message, byte counts.
 *
 * Text is a JS string; its "bytes" are its UTF-8 encoding (so `wc -c` and
 * `head -c` agree with a real system for text). Messages follow the C.UTF-8
 * locale, the default of the reference machine: `quote()` uses ‘curly’ quotes.
 */
import type { ReadFileResult } from "./session.js";
import { type Block, type CommandContext, type CommandResult, err, out } from "./types.js";

export { strerror } from "../kernel/result.js";

/** One input of a text tool, read whole. */
export type Input =
  | {
      readonly ok: true;
      readonly text: string;
      /** False for stdin (a pipe); true for files. Decides wc's column width. */
      readonly regular: boolean;
      readonly size: number;
      readonly mtimeMs: number;
    }
  | { readonly ok: false; readonly errno: string };

/**
 * Reads operand `name`: `-` is the piped stdin (empty when nothing is piped:
 * there is no terminal to read from), anything else goes to `session.readFile`.
 */
export function readInput(ctx: CommandContext, name: string): Input {
  if (name === "-") {
    const text = ctx.stdin ?? "";
    return { ok: true, text, regular: false, size: utf8Length(text), mtimeMs: 0 };
  }
  const r: ReadFileResult = ctx.session.readFile?.(name) ?? { ok: false, errno: "ENOSYS" };
  if (!r.ok) return r;
  return {
    ok: true,
    text: r.text,
    regular: true,
    size: r.size ?? utf8Length(r.text),
    mtimeMs: r.mtimeMs ?? 0,
  };
}

/** gnulib's quote() in a UTF-8 locale: ‘name’. */
export const quote = (s: string): string => `‘${s}’`;

/** gnulib's shell-escape-always style (quoteaf): 'name', with ' written as '\''. */
export const quoteAlways = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/** gnulib's shell-escape style (quotef): the name alone when the shell would not need quotes. */
export const quoteIfNeeded = (s: string): string =>
  /^[A-Za-z0-9_./@%+,:=^-]+$/.test(s) && !s.startsWith("~") ? s : quoteAlways(s);

/** Number of bytes of `s` in UTF-8 (a lone surrogate counts 3, as WTF-8). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** Bytes of the character starting at `s[i]`, and its length in code units. */
function charAt(s: string, i: number): { bytes: number; units: number } {
  const c = s.charCodeAt(i);
  if (c < 0x80) return { bytes: 1, units: 1 };
  if (c < 0x800) return { bytes: 2, units: 1 };
  if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
    return { bytes: 4, units: 2 };
  }
  return { bytes: 3, units: 1 };
}

/**
 * The index in `s` after its first `n` bytes. A character that would be cut
 * in two is left out (a JS string cannot hold half a character).
 */
export function byteOffset(s: string, n: number): number {
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    const ch = charAt(s, i);
    if (bytes + ch.bytes > n) break;
    bytes += ch.bytes;
    i += ch.units;
  }
  return i;
}

/** Number of characters (code points) of `s`. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i += charAt(s, i).units) n++;
  return n;
}

/** Splits text into lines, each keeping its "\n"; a last line without one is kept as is. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

const MULTIPLIERS: Readonly<Record<string, number>> = {
  b: 512,
  k: 1024,
  K: 1024,
  m: 1024 ** 2,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
  P: 1024 ** 5,
  E: 1024 ** 6,
  Z: 1024 ** 7,
  Y: 1024 ** 8,
  R: 1024 ** 9,
  Q: 1024 ** 10,
};

/**
 * A count (leading blanks and `+` allowed, as strtoumax) with coreutils' optional suffix (as xstrtoumax with "bkKmMGTPEZYRQ0"):
 * `b` 512, `K`/`KiB` 1024, `KB` 1000, likewise M, G, T… Too large saturates
 * to Number.MAX_SAFE_INTEGER (coreutils saturates too). Undefined when invalid.
 */
export function parseCount(s: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*\+?([0-9]+)([bkKmMGTPEZYRQ]?)(B|iB)?$/.exec(s);
  if (!m) return undefined;
  const [, digits, suffix, unit] = m;
  if (suffix === "" && unit !== undefined) return undefined;
  if (suffix === "b" && unit !== undefined) return undefined;
  const base = Number(digits);
  let mult = suffix === "" ? 1 : MULTIPLIERS[suffix!]!;
  if (unit === "B") mult = 1000 ** Math.round(Math.log(mult) / Math.log(1024));
  return Math.min(base * mult, Number.MAX_SAFE_INTEGER);
}

/** Collects a command's output in order, merging consecutive stdout writes into one block. */
export interface Sink {
  out(text: string): void;
  err(text: string): void;
  /** The result: the blocks written so far, with `status`. */
  result(status: number): CommandResult;
}

export function createSink(): Sink {
  const blocks: Block[] = [];
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) blocks.push(out(pending.join("")));
    pending = [];
  };
  return {
    out(text) {
      if (text !== "") pending.push(text);
    },
    err(text) {
      flush();
      blocks.push(err(text));
    },
    result(status) {
      flush();
      return { status, blocks: [...blocks] };
    },
  };
}

/** Splits text into lines without their "\n"; a final "\n" does not start another line. */
export function textLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** head's and tail's `==> NAME <==` header, with the blank line that separates it from earlier output. */
export const fileHeader = (name: string, first: boolean): string =>
  `${first ? "" : "\n"}==> ${name === "-" ? "standard input" : name} <==\n`;
