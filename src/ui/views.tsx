/**
 * Pictures (vmmap, frames, …) in colour. A `view` block carries a structure
 * whose `kind` names its renderer here; without a renderer, or when the
 * renderer fails, the block's plain text is shown, exactly as batch mode
 * prints it.
 */
import { renderToString } from "ink";
import type { ReactNode } from "react";

export interface ViewProps {
  /** The block's `view`, as the command built it (a renderer checks its shape). */
  readonly view: unknown;
  /** The block's plain rendering, for a renderer that falls back. */
  readonly text: string;
}

/** Draws a view with Ink components (<Box>, <Text color=…>). */
export type ViewComponent = (props: ViewProps) => ReactNode;

/** Renderers by `view.kind`. */
export type ViewRegistry = ReadonlyMap<string, ViewComponent>;

export const NO_VIEWS: ViewRegistry = new Map();

/** The `kind` of a view structure, if it has a string one. */
export function viewKind(view: unknown): string | undefined {
  if (typeof view !== "object" || view === null || !("kind" in view)) return undefined;
  return typeof view.kind === "string" ? view.kind : undefined;
}

/** The renderer for `view`, or undefined for the plain-text fallback. */
export function findView(registry: ViewRegistry, view: unknown): ViewComponent | undefined {
  const kind = viewKind(view);
  return kind === undefined ? undefined : registry.get(kind);
}

/**
 * A view block as terminal text `columns` wide: its renderer's drawing, else
 * `text`. A renderer that throws falls back to `text`: a broken picture must
 * not take the shell down.
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
    return renderToString(<Renderer view={view} text={text} />, { columns });
  } catch {
    return text;
  }
}
