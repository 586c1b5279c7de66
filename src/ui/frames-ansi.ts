/**
 * The frames picture in colour: the grid of src/views/frames.ts laid out
 * for the terminal's width, each cell coloured by its owner; a frame mapped
 * more than once shows its map count. The totals follow as text. Drawn as
 * text with SGR colours, for the Ink app and the web page alike.
 */
import { foldedText } from "../views/cells.js";
import {
  FRAME_ANON,
  FRAME_ANON_UNMAPPED,
  FRAME_CHARS,
  FRAME_FILE,
  FRAME_FILE_CACHED,
  FRAME_FREE,
  FRAME_HUGETLB_FREE,
  FRAME_HUGETLB_HEAD,
  FRAME_HUGETLB_TAIL,
  FRAME_KERNEL,
  FRAME_KSM,
  FRAME_MIXED,
  FRAME_SHMEM,
  FRAME_SHMEM_UNMAPPED,
  FRAME_STATE_NAMES,
  FRAME_SWAPCACHE,
  FRAME_THP_HEAD,
  FRAME_THP_TAIL,
  type FramesView,
  framesHeading,
  framesSummary,
  hasCompoundStates,
  hasKsmFrames,
  layoutFrames,
} from "../views/frames.js";
import { type CellPainter, cellRowAnsi, countGlyph, legendAnsi } from "./cells-ansi.js";
import { styled } from "./sgr.js";

/** The look of each owner; a frame mapped 2 or more times shows its map count. */
export const paintFrame: CellPainter = (state, count) => {
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
    case FRAME_SWAPCACHE:
      return { char, color: "red" };
    case FRAME_THP_HEAD:
      return { char, color: "black", backgroundColor: "yellow", bold: true };
    case FRAME_THP_TAIL:
      return { char, color: "black", backgroundColor: "yellow" };
    case FRAME_HUGETLB_HEAD:
      return { char, color: "black", backgroundColor: "green", bold: true };
    case FRAME_HUGETLB_TAIL:
      return { char, color: "black", backgroundColor: "green" };
    case FRAME_HUGETLB_FREE:
      return { char, color: "green" };
    case FRAME_KSM:
      return { char, color: "white", backgroundColor: "blue", bold: true };
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

export function isFramesView(view: unknown): view is FramesView {
  return (
    typeof view === "object" &&
    view !== null &&
    (view as { kind?: unknown }).kind === "frames" &&
    Array.isArray((view as { runs?: unknown }).runs)
  );
}

/** The picture, `columns` wide, as lines of text with SGR colours. */
export function framesAnsi(view: FramesView, columns: number): string[] {
  const { scale, lines } = layoutFrames(view, columns);
  const out = [...framesHeading(view, scale)];
  for (const line of lines) {
    out.push(cellRowAnsi(line, paintFrame));
    if (line.same > 0) out.push(styled({ dimColor: true }, foldedText(line)));
  }
  out.push("");
  const order = [
    ...LEGEND_ORDER,
    ...(view.totals.swapCached > 0 ? [FRAME_SWAPCACHE] : []),
    ...(hasCompoundStates(view)
      ? [FRAME_THP_HEAD, FRAME_THP_TAIL, FRAME_HUGETLB_HEAD, FRAME_HUGETLB_TAIL, FRAME_HUGETLB_FREE]
      : []),
    ...(hasKsmFrames(view) ? [FRAME_KSM] : []),
  ];
  const samples = order.map((state) => ({
    style: paintFrame(state, 0),
    name: FRAME_STATE_NAMES[state]!,
  }));
  out.push(...legendAnsi(samples, columns));
  out.push(styled({ dimColor: true }, "a digit: the frame's map count (2 to 9, + for 10 or more)"));
  out.push("", ...framesSummary(view));
  return out;
}
