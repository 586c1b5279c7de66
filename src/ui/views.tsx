/**
 * Pictures (vmmap, frames, …) in colour in the Ink app. A `view` block
 * carries a structure whose `kind` names its renderer; the renderers are
 * `pictures.ts`'s, which the web page uses too, so both draw the same
 * text. Without a renderer, or when the renderer fails, the block's plain
 * text is shown, exactly as batch mode prints it.
 */
import { renderToString, Text } from "ink";
import { PICTURES, type PictureProps, type PictureRenderer, renderPicture } from "./pictures.js";

export { viewKind } from "./pictures.js";
export type ViewProps = PictureProps;
export type ViewComponent = PictureRenderer;

/** Renderers by `view.kind`. */
export type ViewRegistry = ReadonlyMap<string, PictureRenderer>;

export const NO_VIEWS: ViewRegistry = new Map();

/** cowsh's own pictures; the interactive front end passes these as its `views`. */
export const COWSH_VIEWS: ViewRegistry = PICTURES;

/**
 * A view block as terminal text `columns` wide, in colour when Ink (through
 * chalk's detection) draws colours, so the scrollback matches the live region.
 */
export function renderView(
  registry: ViewRegistry,
  view: unknown,
  text: string,
  columns: number,
): string {
  const color = renderToString(<Text color="red">x</Text>) !== "x";
  return renderPicture(registry, view, text, columns, color);
}
