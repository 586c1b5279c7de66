/**
 * The asciicast v2 format (https://docs.asciinema.org/manual/asciicast/v2/):
 * a header line of JSON, then one `[seconds, "o", text]` line per write to
 * the terminal. Written by `--record` (record.ts) and by the web page's
 * recorder. Pure.
 */

export interface CastHeader {
  readonly version: 2;
  readonly width: number;
  readonly height: number;
  /** Unix time of the start, in seconds. */
  readonly timestamp: number;
  readonly title?: string;
  readonly env: { readonly SHELL: string; readonly TERM: string };
}

/** The header for a terminal of `columns` × `rows`. */
export function castHeader(
  columns: number,
  rows: number,
  timestampMs: number,
  env: Readonly<Record<string, string | undefined>>,
  title?: string,
): CastHeader {
  return {
    version: 2,
    width: columns,
    height: rows,
    timestamp: Math.floor(timestampMs / 1000),
    ...(title === undefined ? {} : { title }),
    env: { SHELL: "cowsh", TERM: env.TERM ?? "xterm-256color" },
  };
}

/** One output event line: `[1.234567, "o", "text"]`. */
export function castEvent(seconds: number, text: string): string {
  return JSON.stringify([Math.round(seconds * 1e6) / 1e6, "o", text]);
}
