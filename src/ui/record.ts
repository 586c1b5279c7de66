/**
 * Recording a terminal session as an asciicast v2 file
 * (https://docs.asciinema.org/manual/asciicast/v2/): a header line of JSON,
 * then one `[seconds, "o", text]` line per write to the terminal. The
 * recorder wraps the stream's `write`, so it sees exactly what the terminal
 * sees (Ink's redraws of the live region included) without Ink knowing.
 * Given `toSvg` (svg-term's renderer), the file is instead written once, at
 * the end, as an animated SVG a README or a slide can embed.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { castEvent, castHeader } from "./cast.js";

export { type CastHeader, castEvent, castHeader } from "./cast.js";

export interface RecordOptions {
  /** The real clock in milliseconds (default `performance.now`). */
  readonly now?: () => number;
  /** The wall clock in milliseconds (default `Date.now`), for the header's timestamp. */
  readonly wallClock?: () => number;
  readonly title?: string;
  /** The environment the header reports (default the process's TERM, and cowsh as SHELL). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Write the file as this renders the whole cast (an animated SVG), when recording stops. */
  readonly toSvg?: (cast: string) => string;
}

/** Whether `path` asks for an animated SVG rather than an asciicast. */
export const wantsSvg = (path: string): boolean => path.toLowerCase().endsWith(".svg");

export interface Recorder {
  /** Puts the stream's `write` back and closes the file. Idempotent. */
  stop(): void;
}

type Writable = Pick<NodeJS.WriteStream, "write"> & { columns?: number; rows?: number };

/**
 * Starts recording what is written to `stream` into the file at `path`
 * (created or truncated); each event is appended as it happens, so a
 * session that ends abruptly still leaves a playable file. The cast's clock
 * starts at the first write, so a recording opens on its first frame
 * rather than on the time start-up took.
 */
export function recordCast(stream: Writable, path: string, options: RecordOptions = {}): Recorder {
  const now = options.now ?? (() => performance.now());
  const fd = openSync(path, "w");
  const toSvg = options.toSvg;
  const cast: string[] = [];
  const put = (line: string) => {
    if (toSvg === undefined) writeSync(fd, line);
    else cast.push(line);
  };
  const header = castHeader(
    stream.columns || 80,
    stream.rows || 24,
    (options.wallClock ?? Date.now)(),
    options.env ?? process.env,
    options.title,
  );
  put(`${JSON.stringify(header)}\n`);
  let start: number | undefined;
  const elapsed = () => {
    start ??= now();
    return (now() - start) / 1000;
  };
  const decoder = new StringDecoder("utf8");
  const original = stream.write;
  let open = true;
  const record = (chunk: unknown, encoding: unknown) => {
    if (!open) return;
    const text =
      typeof chunk === "string"
        ? encoding === undefined || encoding === "utf8" || encoding === "utf-8"
          ? chunk
          : Buffer.from(chunk, encoding as BufferEncoding).toString("utf8")
        : decoder.write(Buffer.from(chunk as Uint8Array));
    if (text !== "") put(`${castEvent(elapsed(), text)}\n`);
  };
  stream.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
    record(chunk, typeof rest[0] === "string" ? rest[0] : undefined);
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof stream.write;
  return {
    stop() {
      if (!open) return;
      open = false;
      stream.write = original;
      const rest = decoder.end();
      if (rest !== "") put(`${castEvent(elapsed(), rest)}\n`);
      try {
        if (toSvg !== undefined) writeSync(fd, toSvg(cast.join("")));
      } finally {
        closeSync(fd);
      }
    },
  };
}
