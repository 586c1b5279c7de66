/**
 * The line being edited, cut into screen rows by `layoutLine` (so Ink never
 * word-wraps it) with the terminal's own cursor placed at the edit point.
 */
import { Box, Text, useCursor } from "ink";
import { type LineLayout, layoutLine } from "./format.js";
import type { VisibleLine } from "./prompt.js";

export interface PromptLineProps {
  readonly prompt: string;
  readonly line: VisibleLine;
  /** A command is running: the typed-ahead text is shown dim, without a prompt. */
  readonly busy: boolean;
  readonly columns: number;
  /** The row of the Ink output (below the scrollback) where this line starts. */
  readonly row: number;
}

/** The prompt shown before the line: none while a command runs, or when the line hides it. */
const shownPromptOf = (prompt: string, line: VisibleLine, busy: boolean): string =>
  busy || !line.prompt ? "" : prompt;

/** The rows and cursor of the prompt line as PromptLine draws them. */
export function promptLayout(
  props: Pick<PromptLineProps, "prompt" | "line" | "busy" | "columns">,
): LineLayout {
  const shown = shownPromptOf(props.prompt, props.line, props.busy);
  return layoutLine(shown, props.line.text, props.line.cursor, props.columns);
}

export function PromptLine({ prompt, line, busy, columns, row }: PromptLineProps) {
  const shownPrompt = shownPromptOf(prompt, line, busy);
  const layout = promptLayout({ prompt, line, busy, columns });
  useCursor().setCursorPosition({ x: layout.x, y: row + layout.y });
  const promptChars = [...shownPrompt].length;
  return (
    <Box flexDirection="column">
      {layout.rows.map((text, i) => {
        const key = `row${i}`;
        if (i > 0 || promptChars === 0) {
          return (
            <Text key={key} dimColor={busy}>
              {text === "" ? " " : text}
            </Text>
          );
        }
        const chars = [...text];
        return (
          <Text key={key}>
            <Text bold color="green">
              {chars.slice(0, promptChars).join("")}
            </Text>
            {chars.slice(promptChars).join("")}
          </Text>
        );
      })}
    </Box>
  );
}
