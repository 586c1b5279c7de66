/**
 * pagemap PID ADDR [LENGTH]: decodes /proc/PID/pagemap for a range, one line
 * per page, like tools/mm/page-types: the PFN and the entry's bits, with the
 * frame's map count (/proc/kpagecount) and flags (/proc/kpageflags). A
 * swapped-out page (bit 62) adds `swapped=1 type=T offset=0xO`: its swap
 * area and slot.
 */

import { hexU64 } from "../fs/hex.js";
import { kpagecount, kpageflags, type U64 } from "../fs/proc/page.js";
import { pagemapEntries } from "../fs/proc/task-mmu.js";
import { PAGE_SIZE } from "../src/kernel/constants.js";
import { isZeroPfn } from "../src/kernel/huge-memory.js";
import type { PhysMem } from "../src/kernel/phys.js";
import { type Command, ok, out } from "../src/shell/types.js";
import { hex, livePidArg, machineOf, sizeArg, targetArg, usage } from "./lib/args/operands.js";

/** /proc/kpageflags of one frame as a hex number (the u64 that page-types prints). */
function flagsHex(phys: PhysMem, pfn: number): string {
  const flags: U64 = { lo: 0, hi: 0 };
  kpageflags(phys, pfn, flags);
  return hexU64(flags.hi, flags.lo);
}

/** /proc/kpagecount's entry for `pfn` (a compound page's frames read their folio's count). */
function countOf(phys: PhysMem, pfn: number): number {
  const count: U64 = { lo: 0, hi: 0 };
  kpagecount(phys, pfn, count);
  return count.lo;
}

/** At most this many pages are decoded at once (a 64 MiB range). */
const MAX_PAGES = 16384;

export const pagemap: Command = {
  name: "pagemap",
  summary: "decode /proc/PID/pagemap: the frame behind each page, its bits and flags",
  prints: "one line per page: address, frame number, flags",
  usage: ["pagemap PID ADDR|MAPPING[+OFFSET] [LENGTH]"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const task = livePidArg("pagemap", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const target = targetArg("pagemap", task.value, argv[1]);
    if (!target.ok) return usage(target.message);
    const length =
      argv[2] === undefined
        ? { ok: true as const, value: PAGE_SIZE }
        : sizeArg("pagemap", argv[2], "length");
    if (!length.ok) return usage(length.message);
    const first = Math.floor(target.value.addr / PAGE_SIZE);
    const count = Math.max(1, Math.ceil((target.value.addr + length.value) / PAGE_SIZE) - first);
    if (count > MAX_PAGES)
      return usage(`pagemap: ${count} pages is too many at once (at most ${MAX_PAGES})`);
    const bytes = pagemapEntries(m.phys, task.value.mm, first, count, m.config.softDirty, m);
    const view = new DataView(bytes.buffer);
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const lo = view.getUint32(i * 8, true);
      const hi = view.getUint32(i * 8 + 4, true);
      const present = hi >>> 31;
      const pfn = present ? lo + (hi & 0x7fffff) * 2 ** 32 : 0;
      const fields = [
        `present=${present}`,
        `exclusive=${(hi >>> 24) & 1}`,
        `file=${(hi >>> 29) & 1}`,
        `softdirty=${(hi >>> 23) & 1}`,
        `zero=${present && isZeroPfn(pfn) ? 1 : 0}`,
        `kpagecount=${present ? countOf(m.phys, pfn) : 0}`,
        `kpageflags=${present ? flagsHex(m.phys, pfn) : "0x0"}`,
        `pfn=${hex(pfn)}`,
      ];
      if ((hi >>> 30) & 1) {
        // A swap entry: swp_type in bits 0-4, swp_offset in bits 5-54.
        const frame = lo + (hi & 0x7fffff) * 2 ** 32;
        fields.push("swapped=1", `type=${frame % 32}`, `offset=${hex(Math.floor(frame / 32))}`);
      }
      lines.push(`${count > 1 ? `${hex((first + i) * PAGE_SIZE)} ` : ""}${fields.join(" ")}`);
    }
    return ok(out(`${lines.join("\n")}\n`));
  },
};
