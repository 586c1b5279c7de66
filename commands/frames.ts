/**
 * frames [--all]: physical memory as a grid of cells by owner (kernel, free,
 * anonymous, file page cache, shmem) with map counts, then the totals beside
 * the /proc/meminfo lines they make.
 */
import { type GetoptSpec, getopt, hasOption, lastValue } from "../src/shell/getopt.js";
import { type Command, ok } from "../src/shell/types.js";
import {
  collectFrames,
  FRAMES_COMPOUND_LEGEND,
  FRAMES_KSM_LEGEND,
  FRAMES_LEGEND,
  framesText,
} from "../src/views/frames.js";
import { machineOf, usage } from "./lib/args/operands.js";
import { widthArg } from "./lib/args/width.js";

const SPEC: GetoptSpec = {
  name: "frames",
  options: [
    { key: "all", short: "a", long: "all" },
    { key: "width", short: "w", long: "width", arg: "required" },
  ],
};

export const frames: Command = {
  name: "frames",
  summary: "picture physical memory by owner, with map counts",
  prints: "a picture of physical memory, one cell per frame, and totals",
  usage: [
    "frames [--all] [--width COLUMNS]",
    "",
    "Without --all, the frames the allocator has handed out so far; with it,",
    "every frame of RAM. A cell stands for 1, 2, 4… frames (the heading says);",
    "a cell for several shows the owner of more than half of them, else ~.",
    ...FRAMES_LEGEND.map((line) => `  ${line}`),
    "Compound pages (THPs, hugetlb pages: 512 frames, order 9) show as such,",
    "a cell holding a head showing the head; the totals count the hugetlb",
    "pool apart (Hugetlb) and list the compound pages beside AnonHugePages",
    "and HugePages_*:",
    ...FRAMES_COMPOUND_LEGEND.slice(1).map((line) => `  ${line}`),
    "and KSM's stable pages (the frames ksmd merged equal pages into):",
    `  ${FRAMES_KSM_LEGEND}`,
  ],
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return usage(parsed.message);
    if (parsed.operands.length > 0)
      return usage(`frames: too many arguments: '${parsed.operands[0]}'`);
    const columns = widthArg("frames", lastValue(parsed.options, "width"));
    if (typeof columns === "string") return usage(columns);
    const view = collectFrames(machineOf(ctx), hasOption(parsed.options, "all"));
    return ok({ kind: "view", text: framesText(view, columns), view });
  },
};
