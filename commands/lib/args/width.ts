/** The width of plain pictures (vmmap, frames): 80 columns unless `--width` says. */

/** Width of the plain rendering when none is given (batch mode, pipes, golden files). */
const PLAIN_COLUMNS = 80;

/** A `--width` value (40 to 1000 columns), PLAIN_COLUMNS when absent, or the message for a bad one. */
export function widthArg(cmd: string, text: string | undefined): number | string {
  if (text === undefined) return PLAIN_COLUMNS;
  const n = Number(text);
  return Number.isInteger(n) && n >= 40 && n <= 1000
    ? n
    : `${cmd}: invalid width: '${text}' (40 to 1000 columns)`;
}
