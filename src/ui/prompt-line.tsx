/**
 * The line being edited, cut into screen rows by `layoutLine` (so Ink never
 * word-wraps it) with the terminal's own cursor placed at the edit point.
 */
import { Box, Text, useCursor } from "ink";
import type { VisibleLine } from "./prompt.js";
import { promptLayout, shownPromptOf } from "./prompt-layout.js";

export { promptLayout } from "./prompt-layout.js";

export interface PromptLineProps {
  readonly prompt: string;
  readonly line: VisibleLine;
  /** A command is running: the typed-ahead text is shown dim, without a prompt. */
  readonly busy: boolean;
  readonly columns: number;
  /** The row of the Ink output (below the scrollback) where this line starts. */
  readonly row: number;
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
