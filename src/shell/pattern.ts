/**
 * Shell patterns (`*`, `?`, `[…]`), as used by pathname expansion, `case`,
 * `[[ == ]]` and `${X#pattern}`. A pattern is held as text in which a
 * backslash makes the next character literal: expansion escapes every
 * quoted character that way, so `"*"` matches only a star.
 */

/** `text` with every pattern character made literal. */
export const escapePattern = (text: string): string => text.replace(/[\\*?[\]]/g, "\\$&");

/** True when `pattern` has an unescaped `*`, `?` or `[`. */
export function hasGlob(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "*" || c === "?" || c === "[") return true;
  }
  return false;
}

/** The text a pattern stands for when nothing matches it: its escapes removed. */
export const unescapePattern = (pattern: string): string => pattern.replace(/\\(.)/gs, "$1");

const CLASSES: Readonly<Record<string, string>> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
  word: "A-Za-z0-9_",
};

const reEscape = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");

/**
 * The source of a RegExp matching what `pattern` matches (not anchored).
 * With `path`, `*` and `?` do not match `/` (pathname expansion).
 */
export function patternSource(pattern: string, path = false): string {
  const any = path ? "[^/]" : "[\\s\\S]";
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) re += reEscape(pattern[++i]!);
    else if (c === "*") re += `${any}*`;
    else if (c === "?") re += any;
    else if (c === "[") {
      const bracket = bracketSource(pattern, i);
      if (bracket === undefined) re += "\\[";
      else {
        re += bracket.source;
        i = bracket.end;
      }
    } else re += reEscape(c);
  }
  return re;
}

/** A `[…]` expression starting at `start`, as a RegExp class and the index of its `]`; undefined if unclosed. */
function bracketSource(
  pattern: string,
  start: number,
): { source: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === "!" || pattern[i] === "^") {
    negate = true;
    i++;
  }
  let body = "";
  let first = true;
  for (; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "]" && !first) return { source: `[${negate ? "^" : ""}${body}]`, end: i };
    first = false;
    const cls = /^\[:([a-z]+):\]/.exec(pattern.slice(i));
    if (cls && CLASSES[cls[1]!] !== undefined) {
      body += CLASSES[cls[1]!];
      i += cls[0].length - 1;
    } else if (c === "\\" && i + 1 < pattern.length) body += reEscape(pattern[++i]!);
    else if (c === "-" && body !== "" && pattern[i + 1] !== "]") body += "-";
    else body += reEscape(c);
  }
  return undefined;
}

/** True when `text` as a whole matches `pattern`. */
export function matchPattern(pattern: string, text: string): boolean {
  return new RegExp(`^(?:${patternSource(pattern)})$`).test(text);
}
