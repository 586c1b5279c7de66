/**
 * Backslash escapes as bash decodes them in `echo -e` and in `$'…'` quoting.
 */

/**
 * Decodes backslash escapes as bash's `echo -e` ("echo") or `$'…'` ("ansi-c") do:
 * \a \b \e \E \f \n \r \t \v \\ \xHH \uHHHH \UHHHHHHHH, octal \0NNN (echo) or
 * \NNN (ansi-c), \c (echo: stop all output; ansi-c: control character),
 * and in ansi-c also \' \" \?. Unknown escapes stay as typed.
 * `stop` is true when echo's `\c` was met (the caller prints nothing more).
 */
export function decodeEscapes(
  s: string,
  mode: "echo" | "ansi-c",
): { readonly text: string; readonly stop: boolean } {
  let out = "";
  let i = 0;
  while (i < s.length) {
    const bs = s.indexOf("\\", i);
    if (bs === -1 || bs === s.length - 1) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, bs);
    const e = decodeOne(s, bs + 1, mode);
    if (e === "stop") return { text: out, stop: true };
    out += e.text;
    i = e.next;
  }
  return { text: out, stop: false };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
};

/** Decodes the escape whose letter is at `s[i]`. */
function decodeOne(
  s: string,
  i: number,
  mode: "echo" | "ansi-c",
): { text: string; next: number } | "stop" {
  const c = s[i]!;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { text: simple, next: i + 1 };
  if (mode === "ansi-c" && (c === "'" || c === '"' || c === "?")) return { text: c, next: i + 1 };
  if (c === "c") {
    if (mode === "echo") return "stop";
    const ctl = s[i + 1];
    if (ctl === undefined) return { text: "\\c", next: i + 1 };
    return { text: String.fromCharCode(ctl.toUpperCase().charCodeAt(0) & 0x1f), next: i + 2 };
  }
  if (c === "x") return decodeNumber(s, i + 1, /[0-9A-Fa-f]/, 2, 16, "\\x");
  if (c === "u") return decodeNumber(s, i + 1, /[0-9A-Fa-f]/, 4, 16, "\\u");
  if (c === "U") return decodeNumber(s, i + 1, /[0-9A-Fa-f]/, 8, 16, "\\U");
  if (mode === "echo" && c === "0") return decodeNumber(s, i + 1, /[0-7]/, 3, 8, "\0", true);
  if (mode === "ansi-c" && c >= "0" && c <= "7") return decodeNumber(s, i, /[0-7]/, 3, 8, "");
  return { text: `\\${c}`, next: i + 1 };
}

/** Reads up to `max` digits at `s[i]`; with none, yields `none` (or NUL when `zeroOk`). */
function decodeNumber(
  s: string,
  i: number,
  digit: RegExp,
  max: number,
  radix: number,
  none: string,
  zeroOk = false,
): { text: string; next: number } {
  let j = i;
  while (j < s.length && j - i < max && digit.test(s[j]!)) j++;
  if (j === i) return { text: zeroOk ? "\0" : none, next: i };
  const code = Number.parseInt(s.slice(i, j), radix);
  const text = code <= 0x10ffff ? String.fromCodePoint(radix === 8 ? code & 0xff : code) : "";
  return { text, next: j };
}
