/**
 * A file cat showed before, with what changed since in colour: the words
 * that differ in yellow, new lines in green, and a dim line saying how much
 * changed. The file's own text is unchanged (the block's plain text is it).
 */
import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { ChangesView, LineChange } from "../views/changes.js";
import type { ViewProps } from "./views.js";

function isChangesView(view: unknown): view is ChangesView {
  return (
    typeof view === "object" &&
    view !== null &&
    (view as { kind?: unknown }).kind === "changes" &&
    Array.isArray((view as { lines?: unknown }).lines)
  );
}

function Line({ line }: { line: LineChange }): ReactNode {
  if (line.kind === "new") return <Text color="green">{line.text}</Text>;
  if (line.kind !== "changed") return <Text>{line.text}</Text>;
  return (
    <Text>
      {line.spans.map((span, i) =>
        span.changed ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: spans are positional
          <Text key={i} color="yellow" bold>
            {span.text}
          </Text>
        ) : (
          span.text
        ),
      )}
    </Text>
  );
}

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export function ChangesPicture({ view, text, color }: ViewProps): ReactNode {
  if (!isChangesView(view) || color === false) return <Text>{text}</Text>;
  const shown = view.lines.filter((l) => l.kind !== "gone");
  const tally = (kind: LineChange["kind"]) => view.lines.filter((l) => l.kind === kind).length;
  const parts = (["changed", "new", "gone"] as const)
    .filter((kind) => tally(kind) > 0)
    .map((kind) => `${count(tally(kind), "line")} ${kind}`);
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
        <Line key={i} line={line} />
      ))}
      <Text dimColor>{`(since cat last showed ${view.path}: ${parts.join(", ")})`}</Text>
    </Box>
  );
}
