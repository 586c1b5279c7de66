/**
 * Pictures (vmmap, frames, …) in colour. A `view` block carries a structure
 * whose `kind` names its renderer here; without a renderer, or when the
 * renderer fails, the block's plain text is shown, exactly as batch mode
 * prints it.
 */
import { renderToString, Text } from "ink";
import type { ReactNode } from "react";
import { ChangesPicture } from "./changes-view.js";
import { FramesPicture } from "./frames-view.js";
import { VmmapPicture } from "./vmmap-view.js";

export interface ViewProps {
  /** The block's `view`, as the command built it (a renderer checks its shape). */
  readonly view: unknown;
  /** The block's plain rendering, for a renderer that falls back. */
  readonly text: string;
  /** The terminal's width, for a renderer that lays itself out (80 when unknown). */
  readonly columns?: number;
  /** Whether colours are drawn; a picture made of colours shows `text` without them. */
  readonly color?: boolean;
}

/** Draws a view with Ink components (<Box>, <Text color=…>). */
export type ViewComponent = (props: ViewProps) => ReactNode;

/** Renderers by `view.kind`. */
export type ViewRegistry = ReadonlyMap<string, ViewComponent>;

export const NO_VIEWS: ViewRegistry = new Map();

/**
 * cowsh's own pictures: `vmmap`, `frames`, and `changes` (what `cat` of a
 * /proc file it showed before highlights). The interactive front end passes
 * these as its `views`.
 */
export const COWSH_VIEWS: ViewRegistry = new Map<string, ViewComponent>([
  ["vmmap", VmmapPicture],
  ["frames", FramesPicture],
  ["changes", ChangesPicture],
]);

/** The `kind` of a view structure, if it has a string one. */
export function viewKind(view: unknown): string | undefined {
  if (typeof view !== "object" || view === null || !("kind" in view)) return undefined;
  return typeof view.kind === "string" ? view.kind : undefined;
}

/** The renderer for `view`, or undefined for the plain-text fallback. */
function findView(registry: ViewRegistry, view: unknown): ViewComponent | undefined {
  const kind = viewKind(view);
  return kind === undefined ? undefined : registry.get(kind);
}

/**
 * A view block as terminal text `columns` wide: its renderer's drawing, else
 * `text`. A renderer that throws falls back to `text`: a broken picture must
 * not take the shell down. Ink never wraps a line the plain text holds
 * whole: such a line wraps as the terminal wraps the plain text.
 */
export function renderView(
  registry: ViewRegistry,
  view: unknown,
  text: string,
  columns: number,
): string {
  const Renderer = findView(registry, view);
  if (!Renderer) return text;
  try {
    const color = renderToString(<Text color="red">x</Text>) !== "x";
    const widest = Math.max(0, ...text.split("\n").map((line) => line.length));
    return renderToString(<Renderer view={view} text={text} columns={columns} color={color} />, {
      columns: Math.max(columns, widest),
    });
  } catch {
    return text;
  }
}
