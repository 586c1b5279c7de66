/**
 * A session as a link: the lines typed since the machine booted, compressed
 * (lz-string, URI-safe) into the URL's fragment, so that opening the link
 * boots a fresh machine and runs them again, as playground links do. The
 * fragment never reaches a server.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from "lz-string";

/** What a link holds. */
export interface SharedSession {
  /** The lines, in the order they were run. */
  readonly lines: readonly string[];
  /** The machine's boot options (`--mem 64M`…), as a demo's directives give them; [] for the default. */
  readonly options: readonly string[];
}

const PREFIX = "#s=";
const VERSION = 1;

/** The fragment (starting with "#") for `session`. */
export function encodeSession(session: SharedSession): string {
  const data = {
    v: VERSION,
    l: session.lines,
    ...(session.options.length > 0 ? { o: session.options } : {}),
  };
  return PREFIX + compressToEncodedURIComponent(JSON.stringify(data));
}

/** The session a fragment holds; undefined when it holds none or is damaged. */
export function decodeSession(hash: string): SharedSession | undefined {
  if (!hash.startsWith(PREFIX)) return undefined;
  const json = decompressFromEncodedURIComponent(hash.slice(PREFIX.length));
  if (json === null || json === "") return undefined;
  try {
    const data: unknown = JSON.parse(json);
    if (typeof data !== "object" || data === null) return undefined;
    const { v, l, o = [] } = data as { v?: unknown; l?: unknown; o?: unknown };
    const strings = (x: unknown): x is string[] =>
      Array.isArray(x) && x.every((w) => typeof w === "string");
    if (v !== VERSION || !strings(l) || !strings(o)) return undefined;
    return { lines: l, options: o };
  } catch {
    return undefined;
  }
}
