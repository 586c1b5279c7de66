/**
 * /proc/swaps (mm/swapfile.c, swap_show): a header, then one line per swap
 * area swapped on, in type order: the path padded to 40 columns, the type,
 * the size and the slots in use in kB, and the priority.
 */
import type { SwapArea, SwapState } from "../../src/kernel/swap.js";

export const SWAPS_HEADER = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

/** One area's line (`%*s%s\t%lu\t%s%lu\t%s%d`). */
export function swapsLine(area: SwapArea): string {
  const path = area.path.replace(
    /[ \t\n\\]/g,
    (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`,
  );
  const bytes = area.slots * 4;
  const inuse = area.inuse * 4;
  const pad = " ".repeat(path.length < 40 ? 40 - path.length : 1);
  const type = area.kind === "partition" ? "partition" : "file\t";
  return `${path}${pad}${type}\t${bytes}\t${bytes < 10_000_000 ? "\t" : ""}${inuse}\t${inuse < 10_000_000 ? "\t" : ""}${area.priority}\n`;
}

export function showSwaps(swap: SwapState): string {
  let out = SWAPS_HEADER;
  for (const a of swap.areas) if (a !== null) out += swapsLine(a);
  return out;
}
