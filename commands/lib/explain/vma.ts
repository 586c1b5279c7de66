/**
 * How a whole VMA's smaps lines arise (`explain PID MAPPING`): its pages
 * grouped by (map count, dirty, kind), then each figure as the sum it is,
 * Pss in the kernel's fixed point. The figures are checked against the
 * smaps walk itself (gatherStats), so the explanation cannot drift from
 * what /proc prints. Swap entries are counted too (Swap, SwapPss: each
 * entry's share of its slot), and whether the swap cache still holds their
 * page, which decides between a minor and a major fault at the next touch.
 */
import { emptyStats, gatherStats, type MemSizeStats, pssKb } from "../../../fs/proc/task-mmu.js";
import { PAGE_SIZE, VM_LOCKED, VM_PFNMAP } from "../../../src/kernel/constants.js";
import { anonHugePagesOf } from "../../../src/kernel/huge-memory.js";
import { isVmHugetlb } from "../../../src/kernel/hugetlb.js";
import type { Machine } from "../../../src/kernel/machine.js";
import type { Mm } from "../../../src/kernel/mm.js";
import {
  pteDirty,
  pteIsSwap,
  ptePfn,
  ptePresent,
  swpEntry,
} from "../../../src/kernel/page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  KIND_SHMEM,
  PG_DIRTY,
  PG_REFERENCED,
  ZERO_PFN,
} from "../../../src/kernel/phys.js";
import type { Task } from "../../../src/kernel/task.js";
import type { Vma } from "../../../src/kernel/vma.js";
import { vmaLabel } from "../../../src/views/vma-label.js";
import { pssShare } from "./facts.js";
import { thpEligibleLines } from "./huge.js";
import { plural, wrap } from "./prose.js";

/** Pages that count the same way: one map count, clean or dirty, one kind of frame. */
interface Group {
  readonly mapcount: number;
  readonly dirty: boolean;
  readonly kind: number;
  pages: number;
}

/** A walk of the VMA's PTEs, as smaps_pte_entry sees them. */
interface Walk {
  readonly groups: Group[];
  present: number;
  zero: number;
  special: number;
  referenced: number;
  /** Swap entries, by the number of entries naming their slot (SwapPss's divisor). */
  readonly swapByCount: Map<number, number>;
  /** Swap entries whose page the swap cache still holds. */
  swapCached: number;
}

function walkVma(m: Machine, mm: Mm, vma: Vma): Walk {
  const byKey = new Map<string, Group>();
  const walk: Walk = {
    groups: [],
    present: 0,
    zero: 0,
    special: 0,
    referenced: 0,
    swapByCount: new Map(),
    swapCached: 0,
  };
  const { flags } = m.phys;
  const first = vma.start / PAGE_SIZE;
  const last = vma.end / PAGE_SIZE;
  mm.pt.walk(first, last, {
    pteEntry(pte, i, span) {
      if (pteIsSwap(pte)) {
        const entry = swpEntry(pte);
        const count = Math.max(1, m.swap.entries(entry));
        walk.swapByCount.set(count, (walk.swapByCount.get(count) ?? 0) + 1);
        if (m.swap.cachedPage(entry) >= 0) walk.swapCached++;
        return;
      }
      if (!ptePresent(pte)) return;
      const pfn = ptePfn(pte);
      if (vma.flags & VM_PFNMAP) walk.special++;
      else if (pfn === ZERO_PFN) walk.zero++;
      else {
        walk.present++;
        const f = flags[pfn]!;
        if (span.isYoung(i) || f & PG_REFERENCED) walk.referenced++;
        const g = {
          mapcount: Math.max(1, m.phys.mapcountOf(pfn)),
          dirty: pteDirty(pte) || (f & PG_DIRTY) !== 0,
          kind: f & KIND_MASK,
        };
        const k = `${g.mapcount}/${g.dirty}/${g.kind}`;
        const found = byKey.get(k);
        if (found) found.pages++;
        else {
          const group = { ...g, pages: 1 };
          byKey.set(k, group);
          walk.groups.push(group);
        }
      }
    },
  });
  walk.groups.sort(
    (a, b) => b.mapcount - a.mapcount || Number(b.dirty) - Number(a.dirty) || a.kind - b.kind,
  );
  return walk;
}

const KIND_NAMES: Readonly<Record<number, string>> = { 1: "anon", 2: "file", 3: "shmem" };

const field = (label: string, kb: number): string =>
  `${`${label}:`.padEnd(16)}${String(kb).padStart(8)} kB`;

/** The Pss term of a map count: `4096<<12` or `4096<<12/2`. */
const shareTerm = (mapcount: number): string =>
  mapcount < 2 ? "4096<<12" : `4096<<12/${mapcount}`;

/**
 * `Pss: 8704 kB = (3840 × 4096<<12/2 + 256 × 4096<<12) >> 22`, then the
 * sums in numbers, wrapped under the `=`.
 */
function pssLines(label: string, kb: number, groups: readonly Group[]): string[] {
  const head = `${field(label, kb)} = `;
  const pad = " ".repeat(head.length - 2);
  const byCount = new Map<number, number>();
  for (const g of groups) byCount.set(g.mapcount, (byCount.get(g.mapcount) ?? 0) + g.pages);
  if (byCount.size === 0) return [`${head}0: no page counts`];
  const terms = [...byCount].map(([mc, pages]) => `${pages} × ${shareTerm(mc)}`);
  const values = [...byCount].map(([mc, pages]) => pages * pssShare(mc));
  const sum = values.reduce((a, b) => a + b, 0);
  const lines = joinWrapped(head, pad, terms, " >> 22");
  if (values.length > 1) lines.push(...joinWrapped(`${pad}= `, pad, values.map(String), " >> 22"));
  lines.push(`${pad}= ${sum} >> 22 = ${Math.floor(sum / 2 ** 22)}`);
  return lines;
}

/** `(a + b + c) >> 22` split over lines of at most 80 columns. */
function joinWrapped(head: string, pad: string, terms: readonly string[], tail: string): string[] {
  const text = terms.length === 1 ? `${terms[0]}${tail}` : `(${terms.join(" + ")})${tail}`;
  const words = text.split(" + ");
  const lines: string[] = [];
  let line = head;
  words.forEach((word, i) => {
    const piece = i === 0 ? word : ` + ${word}`;
    if (i > 0 && line.length + piece.length > 80) {
      lines.push(line);
      line = `${pad}  + ${word}`;
    } else line += piece;
  });
  lines.push(line);
  return lines;
}

/** `= 3840 pages × 4 kB: map count 2 or more, dirty` for one of the four smaps classes. */
function classLine(label: string, groups: readonly Group[], what: string): string {
  const pages = groups.reduce((a, g) => a + g.pages, 0);
  const kb = pages * 4;
  return pages === 0
    ? field(label, 0)
    : `${field(label, kb)} = ${plural(pages, "page")} × 4 kB: ${what}`;
}

/** The table of groups. */
function groupTable(groups: readonly Group[]): string[] {
  const lines = ["  pages  map count  dirty  kind   counted as      Pss each (bytes << 12)"];
  for (const g of groups) {
    const cls = `${g.mapcount >= 2 ? "Shared" : "Private"}_${g.dirty ? "Dirty" : "Clean"}`;
    const share = pssShare(g.mapcount);
    lines.push(
      `${String(g.pages).padStart(7)}${String(g.mapcount).padStart(11)}  ${(g.dirty ? "yes" : "no").padEnd(5)}  ${(KIND_NAMES[g.kind] ?? "?").padEnd(5)}  ${cls.padEnd(14)}${String(share).padStart(10)} = ${shareTerm(g.mapcount).replace("/", " / ")}`,
    );
  }
  return lines;
}

/** Explains the smaps block of `vma` line by line. */
export function explainVma(m: Machine, task: Task & { mm: Mm }, vma: Vma): string {
  const { mm } = task;
  const walk = walkVma(m, mm, vma);
  const pages = (vma.end - vma.start) / PAGE_SIZE;
  const swapped = [...walk.swapByCount.values()].reduce((a, n) => a + n, 0);
  const absent = pages - walk.present - walk.zero - walk.special - swapped;
  const g = walk.groups;
  const pick = (pred: (x: Group) => boolean): Group[] => g.filter(pred);
  const dirty = pick((x) => x.dirty);
  const fixed = (groups: readonly Group[]): number =>
    groups.reduce((a, x) => a + x.pages * pssShare(x.mapcount), 0);
  const anon = pick((x) => x.kind === KIND_ANON).reduce((a, x) => a + x.pages, 0);
  const mss = emptyStats();
  gatherStats(m.phys, mm, vma, mss, undefined, m.swap);
  mss.anonHuge += anonHugePagesOf(m, mm, vma);
  const lines = [
    `pid ${task.pid} (${task.comm}): ${vmaLabel(mm, vma)}`,
    ...(isVmHugetlb(vma)
      ? wrap(
          `${plural(pages, "page")} (${pages * 4} kB) in ${plural(pages / 512, "huge page")} of 2 MiB: ${(mss.privateHugetlb + mss.sharedHugetlb) / 2048} mapped, by PMD-level entries that no PTE walk sees.`,
        )
      : [
          `${plural(pages, "page")} (${pages * 4} kB): ${walk.present} present and counted, ${absent} not present${
            walk.zero > 0 ? `, ${walk.zero} on the zero page` : ""
          }${walk.special > 0 ? `, ${walk.special} raw PFNs` : ""}${swapped > 0 ? `, ${swapped} swapped out` : ""}.`,
        ]),
  ];
  if (g.length > 0) lines.push("", ...groupTable(g));
  lines.push(
    "",
    `${field("Size", pages * 4)} = ${plural(pages, "page")} × 4 kB`,
    `${field("Rss", walk.present * 4)} = ${plural(walk.present, "present page")} × 4 kB`,
    ...pssLines("Pss", pssKb(fixed(g)), g),
    ...(dirty.length === g.length && g.length > 0
      ? [`${field("Pss_Dirty", pssKb(fixed(dirty)))} = the same sum: every counted page is dirty`]
      : pssLines("Pss_Dirty", pssKb(fixed(dirty)), dirty)),
    classLine(
      "Shared_Clean",
      pick((x) => x.mapcount >= 2 && !x.dirty),
      "map count 2 or more, clean",
    ),
    classLine(
      "Shared_Dirty",
      pick((x) => x.mapcount >= 2 && x.dirty),
      "map count 2 or more, dirty",
    ),
    classLine(
      "Private_Clean",
      pick((x) => x.mapcount < 2 && !x.dirty),
      "map count 1, clean",
    ),
    classLine(
      "Private_Dirty",
      pick((x) => x.mapcount < 2 && x.dirty),
      "map count 1, dirty",
    ),
    walk.referenced === 0
      ? field("Referenced", 0)
      : `${field("Referenced", walk.referenced * 4)} = ${plural(walk.referenced, "page")}: PTE young, or PG_referenced`,
    anon === 0
      ? `${field("Anonymous", 0)}${g.some((x) => x.kind === KIND_SHMEM) ? " (shmem is a file, not anonymous)" : ""}`
      : `${field("Anonymous", anon * 4)} = ${plural(anon, "page")} on anonymous frames`,
  );
  if (swapped > 0) lines.push(...swapLines(walk, swapped));
  if (vma.flags & VM_LOCKED)
    lines.push(`${field("Locked", pssKb(fixed(g)))} = the Pss of the mapping (it is mlocked)`);
  lines.push(
    "",
    ...wrap(
      "A page is Shared when 2 or more PTEs map its frame, in any process, and Private otherwise. It is Dirty when its PTE's dirty bit or its frame's PG_dirty is set. Pss gives each page 4096 << 12 divided by its map count (integer division), sums, and shifts the sum right by 22: 12 bits of fixed point, then 10 for kB.",
    ),
  );
  if (walk.zero + walk.special > 0)
    lines.push(
      ...wrap(
        `The ${plural(walk.zero + walk.special, "PTE")} on the zero page or raw PFNs count for nothing: vm_normal_page() returns NULL for them.`,
      ),
    );
  lines.push(...crossCheck(mss, walk, g, fixed));
  lines.push("", ...hugeLines(mss), ...thpEligibleLines(m, mm, vma));
  return `${lines.join("\n")}\n`;
}

/** AnonHugePages and the hugetlb lines, when the mapping has any. */
function hugeLines(mss: MemSizeStats): string[] {
  const out: string[] = [];
  if (mss.anonHuge > 0) {
    const huge = mss.anonHuge / 512;
    out.push(
      `${field("AnonHugePages", mss.anonHuge * 4)} = ${plural(huge, "huge PMD")} × 2048 kB: each maps a THP whole (its pages are in Rss and Pss above too)`,
    );
  }
  if (mss.privateHugetlb + mss.sharedHugetlb > 0)
    out.push(
      `${field("Private_Hugetlb", mss.privateHugetlb)} = hugetlb pages mapped once, 2048 kB each`,
      `${field("Shared_Hugetlb", mss.sharedHugetlb)} = hugetlb pages mapped more than once`,
      ...wrap("Hugetlb pages are not in Rss or Pss: only these two lines count them."),
    );
  if (out.length > 0) out.push("");
  return out;
}

/** Swap and SwapPss as sums, and what the swapped pages' next touch costs. */
function swapLines(walk: Walk, swapped: number): string[] {
  const groups: Group[] = [...walk.swapByCount].map(([mapcount, pages]) => ({
    mapcount,
    dirty: false,
    kind: KIND_ANON,
    pages,
  }));
  const fixed = groups.reduce((a, x) => a + x.pages * pssShare(x.mapcount), 0);
  const onDevice = swapped - walk.swapCached;
  return [
    `${field("Swap", swapped * 4)} = ${plural(swapped, "swap entry", "swap entries")} × 4 kB`,
    ...pssLines("SwapPss", pssKb(fixed), groups),
    "",
    ...wrap(
      `SwapPss divides each swapped page by the number of swap entries naming its slot (the page tables of every process that shared it at fork). ${
        walk.swapCached > 0
          ? `The swap cache still holds ${plural(walk.swapCached, "of these pages", "of these pages")}: touching one is a minor fault that maps it again, no I/O. `
          : ""
      }${onDevice > 0 ? `${plural(onDevice, "page")} ${onDevice === 1 ? "is" : "are"} only on the swap device: touching one is a major fault that reads its slot.` : ""}`,
    ),
  ];
}

/** A loud note if these sums ever differ from the smaps walk's. */
function crossCheck(
  mss: MemSizeStats,
  walk: Walk,
  g: readonly Group[],
  fixed: (groups: readonly Group[]) => number,
): string[] {
  const sum = (pred: (x: Group) => boolean): number =>
    g.filter(pred).reduce((a, x) => a + x.pages, 0);
  const same =
    mss.resident === walk.present &&
    mss.pss === fixed(g) &&
    mss.sharedDirty === sum((x) => x.mapcount >= 2 && x.dirty) &&
    mss.sharedClean === sum((x) => x.mapcount >= 2 && !x.dirty) &&
    mss.privateDirty === sum((x) => x.mapcount < 2 && x.dirty) &&
    mss.privateClean === sum((x) => x.mapcount < 2 && !x.dirty) &&
    mss.referenced === walk.referenced &&
    mss.swap === [...walk.swapByCount.values()].reduce((a, n) => a + n, 0) &&
    mss.swapPss ===
      [...walk.swapByCount].reduce((a, [count, pages]) => a + pages * pssShare(count), 0);
  return same
    ? []
    : ["", "warning: these sums differ from what smaps prints; that is a bug in explain."];
}
