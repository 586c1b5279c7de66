/**
 * cowsh's pictures in colour, as terminal text: `vmmap`, `frames`, and
 * `changes` (what `cat` of a /proc file it showed before highlights). The
 * one renderer of view blocks to ANSI, shared by the Ink app (through
 * `views.tsx`) and the web page. Pure: no React, no host.
 */
import { changesAnsi, isChangesView } from "./changes-ansi.js";
import { framesAnsi, isFramesView } from "./frames-ansi.js";
import { isVmmapView, vmmapAnsi } from "./vmmap-ansi.js";

export interface PictureProps {
  /** The block's `view`, as the command built it (a renderer checks its shape). */
  readonly view: unknown;
  /** The block's plain rendering, for a renderer that falls back. */
  readonly text: string;
  /** The terminal's width (80 when unknown). */
  readonly columns?: number;
  /** Whether colours are drawn; a picture made of colours shows `text` without them. */
  readonly color?: boolean;
}

/** Draws a view as terminal text (lines joined by "\n", no final newline). */
export type PictureRenderer = (props: PictureProps) => string;

/** `render(view)` when the view has the expected shape and colours are on, else the plain text. */
const colourOr =
  <V>(is: (view: unknown) => view is V, render: (view: V, columns: number) => string[]) =>
  ({ view, text, columns = 80, color }: PictureProps): string =>
    is(view) && color !== false ? render(view, columns).join("\n") : text;

/** Renderers by `view.kind`. */
export const PICTURES: ReadonlyMap<string, PictureRenderer> = new Map<string, PictureRenderer>([
  ["vmmap", colourOr(isVmmapView, vmmapAnsi)],
  ["frames", colourOr(isFramesView, framesAnsi)],
  ["changes", colourOr(isChangesView, (view) => changesAnsi(view))],
]);

/** The `kind` of a view structure, if it has a string one. */
export function viewKind(view: unknown): string | undefined {
  if (typeof view !== "object" || view === null || !("kind" in view)) return undefined;
  return typeof view.kind === "string" ? view.kind : undefined;
}

/**
 * A view block as terminal text `columns` wide: its renderer's drawing in
 * `registry`, else `text`. A renderer that throws falls back to `text`: a
 * broken picture must not take the shell down.
 */
export function renderPicture(
  registry: ReadonlyMap<string, PictureRenderer>,
  view: unknown,
  text: string,
  columns: number,
  color: boolean,
): string {
  const kind = viewKind(view);
  const render = kind === undefined ? undefined : registry.get(kind);
  if (render === undefined) return text;
  try {
    return render({ view, text, columns, color });
  } catch {
    return text;
  }
}
