/**
 * The vmmap picture in colour: the same layout as the plain text
 * (src/views/vmmap.ts), laid out for the terminal's width, each
 * cell coloured by its state; a shared cell shows its map count.
 */
import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { foldedText } from "../views/cells.js";
import {
  layoutVmmap,
  PAGE_ABSENT,
  PAGE_CHARS,
  PAGE_MIXED,
  PAGE_PFNMAP,
  PAGE_PRIVATE_CLEAN,
  PAGE_PRIVATE_DIRTY,
  PAGE_SHARED_CLEAN,
  PAGE_SHARED_DIRTY,
  PAGE_STATE_NAMES,
  PAGE_ZERO,
  type VmmapView,
} from "../views/vmmap.js";
import { type CellPainter, CellRow, type CellStyle, countGlyph, Paint } from "./cells-view.js";
import type { ViewProps } from "./views.js";

/** The look of each page state; shared cells show their map count instead of the letter. */
const paintPage: CellPainter = (state, count) => {
  const char = PAGE_CHARS[state]!;
  switch (state) {
    case PAGE_ABSENT:
      return { char: "·", dimColor: true };
    case PAGE_ZERO:
      return { char, color: "blue" };
    case PAGE_PFNMAP:
      return { char, color: "gray" };
    case PAGE_PRIVATE_CLEAN:
      return { char, color: "black", backgroundColor: "green" };
    case PAGE_PRIVATE_DIRTY:
      return { char, color: "black", backgroundColor: "yellow" };
    case PAGE_SHARED_CLEAN:
      return { char: countGlyph(count), color: "black", backgroundColor: "cyan" };
    case PAGE_SHARED_DIRTY:
      return { char: countGlyph(count), color: "white", backgroundColor: "magenta" };
    default:
      return { char: PAGE_CHARS[PAGE_MIXED]!, color: "white", backgroundColor: "gray" };
  }
};

const LEGEND_ORDER = [
  PAGE_ABSENT,
  PAGE_ZERO,
  PAGE_PRIVATE_CLEAN,
  PAGE_PRIVATE_DIRTY,
  PAGE_SHARED_CLEAN,
  PAGE_SHARED_DIRTY,
  PAGE_PFNMAP,
  PAGE_MIXED,
];

/** A legend entry: a sample cell and its name. */
function Sample({ style, name }: { style: CellStyle; name: string }): ReactNode {
  return (
    <Text>
      <Paint style={style}>{style.char}</Paint> {name}
      {"  "}
    </Text>
  );
}

function isVmmapView(view: unknown): view is VmmapView {
  return (
    typeof view === "object" &&
    view !== null &&
    (view as { kind?: unknown }).kind === "vmmap" &&
    Array.isArray((view as { rows?: unknown }).rows)
  );
}

export function VmmapPicture({ view, text, columns = 80, color }: ViewProps): ReactNode {
  if (!isVmmapView(view) || color === false) return <Text>{text}</Text>;
  const pictures = layoutVmmap(view, columns);
  return (
    <Box flexDirection="column">
      <Text>{`pid ${view.pid} (${view.comm})`}</Text>
      {pictures.map((picture, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: one entry per VMA, in address order
        <Box key={i} flexDirection="column">
          {picture.header.map((line) => (
            <Text key={line} bold={line === picture.header[0]}>
              {line}
            </Text>
          ))}
          {picture.lines.flatMap((line) => [
            <CellRow key={line.prefix} line={line} paint={paintPage} />,
            ...(line.same > 0
              ? [
                  <Text key={`${line.prefix}*`} dimColor>
                    {foldedText(line)}
                  </Text>,
                ]
              : []),
          ])}
        </Box>
      ))}
      <Text> </Text>
      <Box flexWrap="wrap">
        {LEGEND_ORDER.map((state) => (
          <Sample key={state} style={paintPage(state, 2)} name={PAGE_STATE_NAMES[state]!} />
        ))}
      </Box>
      <Text dimColor>shared cells show their map count (2 to 9, + for 10 or more)</Text>
    </Box>
  );
}
