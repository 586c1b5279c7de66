/**
 * Where the prompt line's characters and cursor fall on screen, for the Ink
 * app's PromptLine and the web page's terminal alike. Pure.
 */
import { type LineLayout, layoutLine } from "./format.js";
import type { VisibleLine } from "./prompt.js";

export interface PromptLayoutProps {
  readonly prompt: string;
  readonly line: VisibleLine;
  /** A command is running: the typed-ahead text is shown without a prompt. */
  readonly busy: boolean;
  readonly columns: number;
}

/** The prompt shown before the line: none while a command runs, or when the line hides it. */
export const shownPromptOf = (prompt: string, line: VisibleLine, busy: boolean): string =>
  busy || !line.prompt ? "" : prompt;

/** The rows and cursor of the prompt line as PromptLine draws them. */
export function promptLayout(props: PromptLayoutProps): LineLayout {
  const shown = shownPromptOf(props.prompt, props.line, props.busy);
  return layoutLine(shown, props.line.text, props.line.cursor, props.columns);
}
