/**
 * explain PID ADDR|MAPPING+OFFSET: the story of one page (its PTE, frame,
 * map and ref counts, who maps it, how smaps counts it, what a write would
 * do next). explain PID MAPPING: how each smaps line of that VMA arises.
 */
import { type Command, err, fail, ok, out } from "../src/shell/types.js";
import { hex, livePidArg, machineOf, parseSize, targetArg, usage } from "./lib/args/operands.js";
import { explainPage } from "./lib/explain/page.js";
import { explainVma } from "./lib/explain/vma.js";

export const explain: Command = {
  name: "explain",
  summary: "explain a page (PTE, frame, smaps, next write) or a whole mapping",
  prints: "paragraphs of prose about the page or mapping",
  usage: [
    "explain PID ADDR|MAPPING+OFFSET   the story of the page there",
    "explain PID MAPPING               how each smaps line of the mapping arises",
    "",
    "A page mapped by a huge PMD (a THP, or the huge zero page after a read), a",
    "frame of a split THP, and a page of a hugetlb mapping (its 2 MiB entry, the",
    "pool, Private/Shared_Hugetlb, the 2 MiB copy or SIGBUS of the next write)",
    "are told as such; so is why an eligible page is small. A mapping's",
    "explanation ends with why THPeligible is 0 or 1 (THP mode, hg/nh, kind of",
    "memory, whether an aligned 2 MiB fits) and AnonHugePages.",
  ],
  run(ctx, argv) {
    if (argv.length > 2) return usage(`explain: too many arguments: '${argv[2]}'`);
    const m = machineOf(ctx);
    const task = livePidArg("explain", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const text = argv[1];
    const target = targetArg("explain", task.value, text);
    if (!target.ok) return usage(target.message);
    const { vma, addr } = target.value;
    if (vma === undefined)
      return fail(1, err(`explain: ${hex(addr)}: no mapping in process ${task.value.pid}`));
    const wholeMapping = text !== undefined && !text.includes("+") && parseSize(text) === null;
    return ok(
      out(wholeMapping ? explainVma(m, task.value, vma) : explainPage(m, task.value, vma, addr)),
    );
  },
};
