/**
 * vmmap PID [MAPPING]: a picture of a process's pages, one row of cells per
 * VMA, each cell coloured (or, in plain text, lettered) by how smaps counts
 * the page. With MAPPING, that one VMA over several rows, each starting with
 * its address.
 */
import { type GetoptSpec, getopt, lastValue } from "../src/shell/getopt.js";
import { type Command, err, fail, ok } from "../src/shell/types.js";
import {
  collectVmmap,
  VMMAP_HUGE_LEGEND,
  VMMAP_KSM_LEGEND,
  VMMAP_LEGEND,
  VMMAP_SWAP_LEGEND,
  vmmapText,
} from "../src/views/vmmap.js";
import { hex, livePidArg, machineOf, targetArg, usage } from "./lib/args/operands.js";
import { widthArg } from "./lib/args/width.js";

const SPEC: GetoptSpec = {
  name: "vmmap",
  options: [{ key: "width", short: "w", long: "width", arg: "required" }],
};

export const vmmap: Command = {
  name: "vmmap",
  summary: "picture a process's pages: private or shared, clean or dirty",
  prints: "a picture of the process's pages, one cell per page, and a legend",
  usage: [
    "vmmap PID [ADDR|MAPPING[+OFFSET]] [--width COLUMNS]",
    "",
    "Each mapping is a row of cells, one per page; a big mapping gets one cell",
    "per 2, 4, 8… pages, and says so (1 cell = 64 pages). A cell for several",
    "pages shows the state more than half of them are in, else ~ (mixed); a",
    "shared cell's map count is the highest among those pages. With a mapping,",
    "only that one is drawn, on up to 32 rows that start with their address.",
    "The plain text (batch mode, pipes) is 80 columns wide unless --width says:",
    ...VMMAP_LEGEND.map((line) => `  ${line}`),
    "and, when the picture has any (swapped or MADV_FREE'd pages):",
    `  ${VMMAP_SWAP_LEGEND}`,
    "and, when it has huge pages: a transparent huge page mapped by one PMD,",
    "or a 2 MiB hugetlb page, is one item (one cell), not 512; the heading",
    "then counts items (1024 pages as 513 items: 1 huge page and 512 pages).",
    ...VMMAP_HUGE_LEGEND.slice(1).map((line) => `  ${line}`),
    "and, when it has pages ksmd merged (madvise ... mergeable):",
    `  ${VMMAP_KSM_LEGEND}`,
  ],
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return usage(parsed.message);
    const columns = widthArg("vmmap", lastValue(parsed.options, "width"));
    if (typeof columns === "string") return usage(columns);
    const [pidText, targetText, extra] = parsed.operands;
    if (extra !== undefined) return usage(`vmmap: too many arguments: '${extra}'`);
    const m = machineOf(ctx);
    const task = livePidArg("vmmap", m, pidText);
    if (!task.ok) return usage(task.message);
    const { mm } = task.value;
    let vmas = mm.vmas;
    if (targetText !== undefined) {
      const target = targetArg("vmmap", task.value, targetText);
      if (!target.ok) return usage(target.message);
      const vma = target.value.vma;
      if (vma === undefined)
        return fail(
          1,
          err(`vmmap: ${hex(target.value.addr)}: no mapping in process ${task.value.pid}`),
        );
      vmas = [vma];
    }
    const view = collectVmmap(m.phys, mm, vmas, task.value, targetText !== undefined, m.swap);
    return ok({ kind: "view", text: vmmapText(view, columns), view });
  },
};
