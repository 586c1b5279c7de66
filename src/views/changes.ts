/**
 * What changed in a file since it was last shown: its lines matched against
 * the earlier text (GNU diff's matching), a replaced line paired with the
 * old line it replaces when both start with the same label (`Rss:`), and
 * the differing words of such a pair marked.
 *
 * Plain marking (`cat --changes`): a changed line ends with `  <- was OLD`
 * (the old words that differ), a new line with `  <- new`, and a line that
 * is gone shows as `<- gone: OLD LINE` where it was.
 */
import { diffLines } from "../shell/line-diff.js";

/** A piece of a changed line: text, and whether it differs from the old line. */
export interface Span {
  readonly text: string;
  readonly changed: boolean;
}

export type LineChange =
  | { readonly kind: "same"; readonly text: string }
  | { readonly kind: "new"; readonly text: string }
  | {
      readonly kind: "changed";
      readonly text: string;
      /** The old words that differ, space-separated. */
      readonly was: string;
      readonly spans: readonly Span[];
    }
  /** An old line with no counterpart now (not part of the new text). */
  | { readonly kind: "gone"; readonly text: string };

/** The structure a `changes` view block carries. */
export interface ChangesView {
  readonly kind: "changes";
  readonly path: string;
  readonly lines: readonly LineChange[];
}

/** Lines of a text that ends in a newline (or not), without the newline. */
const splitText = (text: string): string[] =>
  text === "" ? [] : (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");

const label = (line: string): string => /^\S*/.exec(line)![0];

/** Words and the spaces between them, in order. */
const pieces = (line: string): string[] => line.split(/(\s+)/).filter((p) => p !== "");

/** Pairs an old and a new line with the same label: the words of the new one that differ. */
function pair(old: string, now: string): LineChange {
  const a = pieces(old).filter((p) => p.trim() !== "");
  const b = pieces(now);
  const words = b.filter((p) => p.trim() !== "");
  if (a.length !== words.length)
    return { kind: "changed", text: now, was: old.trim(), spans: [{ text: now, changed: true }] };
  const spans: Span[] = [];
  const was: string[] = [];
  let w = 0;
  for (const p of b) {
    if (p.trim() === "") {
      spans.push({ text: p, changed: false });
      continue;
    }
    const changed = p !== a[w];
    if (changed) was.push(a[w]!);
    spans.push({ text: p, changed });
    w++;
  }
  return { kind: "changed", text: now, was: was.join(" "), spans };
}

/** The new text's lines, each marked same, new or changed, with the gone old lines in place. */
export function compareText(before: string, after: string): LineChange[] {
  const a = splitText(before);
  const b = splitText(after);
  const out: LineChange[] = [];
  let i1 = 0;
  const hunk = (deleted: readonly string[], inserted: readonly string[]): void => {
    const n = Math.min(deleted.length, inserted.length);
    const gone: string[] = [];
    for (let j = 0; j < inserted.length; j++) {
      const old = j < n ? deleted[j]! : undefined;
      if (old !== undefined && label(old) === label(inserted[j]!) && label(old) !== "")
        out.push(pair(old, inserted[j]!));
      else {
        if (old !== undefined) gone.push(old);
        out.push({ kind: "new", text: inserted[j]! });
      }
    }
    gone.push(...deleted.slice(n));
    for (const text of gone) out.push({ kind: "gone", text });
  };
  for (const c of diffLines(a, b)) {
    while (i1 < c.line1) out.push({ kind: "same", text: b[i1++]! });
    hunk(a.slice(c.line0, c.line0 + c.deleted), b.slice(c.line1, c.line1 + c.inserted));
    i1 = c.line1 + c.inserted;
  }
  while (i1 < b.length) out.push({ kind: "same", text: b[i1++]! });
  return out;
}

/** Whether anything differs. */
export const anyChange = (lines: readonly LineChange[]): boolean =>
  lines.some((l) => l.kind !== "same");

/** The plain marking of `cat --changes` (see the file comment); ends in a newline. */
export function markedText(lines: readonly LineChange[]): string {
  const out = lines.map((l) => {
    if (l.kind === "same") return l.text;
    if (l.kind === "new") return `${l.text}  <- new`;
    if (l.kind === "gone") return `<- gone: ${l.text}`;
    return `${l.text}  <- was ${l.was}`;
  });
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
