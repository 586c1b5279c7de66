/**
 * The frames picture in colour: the grid of src/views/frames.ts
 * laid out for the terminal's width, each cell coloured by its owner; a
 * frame mapped more than once shows its map count. The totals follow as text.
 */
import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { foldedText } from "../views/cells.js";
import {
  FRAME_ANON,
  FRAME_ANON_UNMAPPED,
  FRAME_CHARS,
  FRAME_FILE,
  FRAME_FILE_CACHED,
  FRAME_FREE,
  FRAME_KERNEL,
  FRAME_MIXED,
  FRAME_SHMEM,
  FRAME_SHMEM_UNMAPPED,
  FRAME_STATE_NAMES,
  type FramesView,
  framesHeading,
  framesSummary,
  layoutFrames,
} from "../views/frames.js";
import { type CellPainter, CellRow, countGlyph, Paint } from "./cells-view.js";
import type { ViewProps } from "./views.js";

/** The look of each owner; a frame mapped 2 or more times shows its map count. */
const paintFrame: CellPainter = (state, count) => {
  const char = count >= 2 ? countGlyph(count) : FRAME_CHARS[state]!;
  switch (state) {
    case FRAME_KERNEL:
      return { char, color: "gray" };
    case FRAME_FREE:
      return { char: "·", dimColor: true };
    case FRAME_ANON:
      return { char, color: "black", backgroundColor: "yellow" };
    case FRAME_ANON_UNMAPPED:
      return { char, color: "yellow" };
    case FRAME_FILE:
      return { char, color: "white", backgroundColor: "blue" };
    case FRAME_FILE_CACHED:
      return { char, color: "blue" };
    case FRAME_SHMEM:
      return { char, color: "black", backgroundColor: "cyan" };
    case FRAME_SHMEM_UNMAPPED:
      return { char, color: "cyan" };
    default:
      return { char: FRAME_CHARS[FRAME_MIXED]!, color: "white", backgroundColor: "gray" };
  }
};

const LEGEND_ORDER = [
  FRAME_KERNEL,
  FRAME_FREE,
  FRAME_ANON,
  FRAME_FILE,
  FRAME_FILE_CACHED,
  FRAME_SHMEM,
  FRAME_SHMEM_UNMAPPED,
  FRAME_ANON_UNMAPPED,
  FRAME_MIXED,
];

function isFramesView(view: unknown): view is FramesView {
  return (
    typeof view === "object" &&
    view !== null &&
    (view as { kind?: unknown }).kind === "frames" &&
    Array.isArray((view as { runs?: unknown }).runs)
  );
}

export function FramesPicture({ view, text, columns = 80, color }: ViewProps): ReactNode {
  if (!isFramesView(view) || color === false) return <Text>{text}</Text>;
  const { scale, lines } = layoutFrames(view, columns);
  return (
    <Box flexDirection="column">
      {framesHeading(view, scale).map((line) => (
        <Text key={line}>{line}</Text>
      ))}
      {lines.flatMap((line) => [
        <CellRow key={line.prefix} line={line} paint={paintFrame} />,
        ...(line.same > 0
          ? [
              <Text key={`${line.prefix}*`} dimColor>
                {foldedText(line)}
              </Text>,
            ]
          : []),
      ])}
      <Text> </Text>
      <Box flexWrap="wrap">
        {LEGEND_ORDER.map((state) => {
          const style = paintFrame(state, 0);
          return (
            <Text key={state}>
              <Paint style={style}>{style.char}</Paint> {FRAME_STATE_NAMES[state]}
              {"  "}
            </Text>
          );
        })}
      </Box>
      <Text dimColor>a digit: the frame's map count (2 to 9, + for 10 or more)</Text>
      <Text> </Text>
      {framesSummary(view).map((line) => (
        <Text key={line}>{line}</Text>
      ))}
    </Box>
  );
}
