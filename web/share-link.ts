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
}

const PREFIX = "#s=";
const VERSION = 1;

/** The fragment (starting with "#") for `session`. */
export function encodeSession(session: SharedSession): string {
  return PREFIX + compressToEncodedURIComponent(JSON.stringify({ v: VERSION, l: session.lines }));
}

/** The session a fragment holds; undefined when it holds none or is damaged. */
export function decodeSession(hash: string): SharedSession | undefined {
  if (!hash.startsWith(PREFIX)) return undefined;
  const json = decompressFromEncodedURIComponent(hash.slice(PREFIX.length));
  if (json === null || json === "") return undefined;
  try {
    const data: unknown = JSON.parse(json);
    if (typeof data !== "object" || data === null) return undefined;
    const { v, l } = data as { v?: unknown; l?: unknown };
    if (v !== VERSION || !Array.isArray(l) || !l.every((x) => typeof x === "string"))
      return undefined;
    return { lines: l };
  } catch {
    return undefined;
  }
}
