/**
 * Syntax errors of the shell language, worded as bash 5.2 words them.
 */

export interface ParseError {
  /** bash's text without the `cowsh: ` prefix, e.g. "syntax error near unexpected token `|'". */
  readonly message: string;
  /** UTF-16 offset into the parsed source where the problem was found. */
  readonly pos: number;
  /** 1-based line of `pos`. */
  readonly line: number;
  /**
   * True when more input could complete the command (an open quote, `$(`, or a
   * trailing `|`, `&&`, `||`): an interactive front end may ask for a
   * continuation line instead of reporting the error.
   */
  readonly incomplete: boolean;
}

/** bash's name for a token in "near unexpected token `…'". */
export const nearToken = (text: string): string => `syntax error near unexpected token \`${text}'`;

export const UNEXPECTED_EOF = "syntax error: unexpected end of file";

export const eofMatching = (close: string): string =>
  `unexpected EOF while looking for matching \`${close}'`;

/** 1-based line number of `pos` in `src`. O(pos): call it on errors, not per token. */
export function lineOf(src: string, pos: number): number {
  let line = 1;
  const end = Math.min(pos, src.length);
  for (let i = src.indexOf("\n"); i !== -1 && i < end; i = src.indexOf("\n", i + 1)) line++;
  return line;
}

/** The text of line `line` (1-based) of `src`, without its newline. */
function lineText(src: string, line: number): string {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const nl = src.indexOf("\n", start);
    if (nl === -1) return "";
    start = nl + 1;
  }
  const end = src.indexOf("\n", start);
  return src.slice(start, end === -1 ? src.length : end);
}

/**
 * The lines bash prints for a syntax error, without trailing newlines.
 *
 * - Interactive (`script` undefined): `cowsh: MESSAGE`.
 * - From a script or `-c` (`script` is its name, e.g. "demo.cowsh" or "cowsh: -c"):
 *   `NAME: line N: MESSAGE`, followed for "near unexpected token" errors by
 *   `NAME: line N: \`the offending line'`, as bash does. `firstLine` is the
 *   line number of `src`'s first line (a piece of a longer stream).
 */
export function formatParseError(
  error: ParseError,
  src: string,
  script?: string,
  firstLine = 1,
): string[] {
  if (script === undefined) return [`cowsh: ${error.message}`];
  const head = `${script}: line ${error.line}: `;
  const lines = [head + error.message];
  if (error.message.startsWith("syntax error near")) {
    lines.push(`${head}\`${lineText(src, error.line - firstLine + 1)}'`);
  }
  return lines;
}
