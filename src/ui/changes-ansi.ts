/**
 * A file cat showed before, with what changed since in colour: the words
 * that differ in bold yellow, new lines in green, and a dim line saying how
 * much changed. The file's own text is unchanged (the block's plain text is
 * it). Drawn as text with SGR colours, for the Ink app and the web page.
 */
import type { ChangesView, LineChange } from "../views/changes.js";
import { styled } from "./sgr.js";

export function isChangesView(view: unknown): view is ChangesView {
  return (
    typeof view === "object" &&
    view !== null &&
    (view as { kind?: unknown }).kind === "changes" &&
    Array.isArray((view as { lines?: unknown }).lines)
  );
}

function lineAnsi(line: LineChange): string {
  if (line.kind === "new") return styled({ color: "green" }, line.text);
  if (line.kind !== "changed") return line.text;
  return line.spans
    .map((span) => (span.changed ? styled({ color: "yellow", bold: true }, span.text) : span.text))
    .join("");
}

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The file's lines, changes in colour, then the dim summary line. */
export function changesAnsi(view: ChangesView): string[] {
  const tally = (kind: LineChange["kind"]) => view.lines.filter((l) => l.kind === kind).length;
  const parts = (["changed", "new", "gone"] as const)
    .filter((kind) => tally(kind) > 0)
    .map((kind) => `${count(tally(kind), "line")} ${kind}`);
  return [
    ...view.lines.filter((l) => l.kind !== "gone").map(lineAnsi),
    styled({ dimColor: true }, `(since cat last showed ${view.path}: ${parts.join(", ")})`),
  ];
}
