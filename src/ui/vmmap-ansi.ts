/**
 * The vmmap picture in colour: the same layout as the plain text
 * (src/views/vmmap.ts), laid out for the terminal's width, each cell
 * coloured by its state; a shared cell shows its map count. Drawn as text
 * with SGR colours, for the Ink app and the web page alike.
 */
import { foldedText } from "../views/cells.js";
import {
  hasHugeStates,
  hasKsmStates,
  hasSwapStates,
  layoutVmmap,
  PAGE_ABSENT,
  PAGE_CHARS,
  PAGE_HUGE_ZERO,
  PAGE_HUGETLB,
  PAGE_HUGETLB_SHARED,
  PAGE_KSM,
  PAGE_LAZYFREE,
  PAGE_MIXED,
  PAGE_PFNMAP,
  PAGE_PRIVATE_CLEAN,
  PAGE_PRIVATE_DIRTY,
  PAGE_SHARED_CLEAN,
  PAGE_SHARED_DIRTY,
  PAGE_STATE_NAMES,
  PAGE_SWAPCACHED,
  PAGE_SWAPPED,
  PAGE_THP,
  PAGE_THP_SHARED,
  PAGE_ZERO,
  type VmmapView,
} from "../views/vmmap.js";
import { type CellPainter, cellRowAnsi, countGlyph, legendAnsi } from "./cells-ansi.js";
import { styled } from "./sgr.js";

/** The look of each page state; shared cells show their map count instead of the letter. */
export const paintPage: CellPainter = (state, count) => {
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
    case PAGE_SWAPPED:
      return { char, color: "red" };
    case PAGE_SWAPCACHED:
      return { char, color: "yellow" };
    case PAGE_LAZYFREE:
      return { char, color: "black", backgroundColor: "white" };
    case PAGE_THP:
      return { char, color: "black", backgroundColor: "yellow", bold: true };
    case PAGE_THP_SHARED:
      return { char: countGlyph(count), color: "white", backgroundColor: "red", bold: true };
    case PAGE_HUGE_ZERO:
      return { char, color: "blue", bold: true };
    case PAGE_HUGETLB:
      return { char, color: "black", backgroundColor: "green", bold: true };
    case PAGE_KSM:
      return {
        char: count >= 2 ? countGlyph(count) : char,
        color: "white",
        backgroundColor: "blue",
      };
    case PAGE_HUGETLB_SHARED:
      return { char: countGlyph(count), color: "black", backgroundColor: "green", bold: true };
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

export function isVmmapView(view: unknown): view is VmmapView {
  return (
    typeof view === "object" &&
    view !== null &&
    (view as { kind?: unknown }).kind === "vmmap" &&
    Array.isArray((view as { rows?: unknown }).rows)
  );
}

/** The picture, `columns` wide, as lines of text with SGR colours. */
export function vmmapAnsi(view: VmmapView, columns: number): string[] {
  const out = [`pid ${view.pid} (${view.comm})`];
  for (const picture of layoutVmmap(view, columns)) {
    picture.header.forEach((line, i) => {
      out.push(i === 0 ? styled({ bold: true }, line) : line);
    });
    for (const line of picture.lines) {
      out.push(cellRowAnsi(line, paintPage));
      if (line.same > 0) out.push(styled({ dimColor: true }, foldedText(line)));
    }
  }
  out.push("");
  const order = [
    ...LEGEND_ORDER,
    ...(hasSwapStates(view) ? [PAGE_SWAPPED, PAGE_SWAPCACHED, PAGE_LAZYFREE] : []),
    ...(hasHugeStates(view)
      ? [PAGE_THP, PAGE_THP_SHARED, PAGE_HUGE_ZERO, PAGE_HUGETLB, PAGE_HUGETLB_SHARED]
      : []),
    ...(hasKsmStates(view) ? [PAGE_KSM] : []),
  ];
  const samples = order.map((state) => ({
    style: paintPage(state, 2),
    name: PAGE_STATE_NAMES[state]!,
  }));
  out.push(...legendAnsi(samples, columns));
  out.push(
    styled({ dimColor: true }, "shared cells show their map count (2 to 9, + for 10 or more)"),
  );
  if (hasHugeStates(view))
    out.push(styled({ dimColor: true }, "a huge page (2 MiB, 512 pages) is one item, one cell"));
  return out;
}
