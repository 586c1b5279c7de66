/**
 * vmmap and frames with huge pages: a PMD-mapped THP is one item of the
 * vmmap picture (not 512 cells), a hugetlb page one per 2 MiB, and frames
 * shows compound pages, head and tails, with the hugetlb pool apart.
 */
import stripAnsi from "strip-ansi";
import { describe, expect, test } from "vitest";
import { smapsBlock } from "../../fs/proc/task-mmu.js";
import { framesAnsi } from "../../src/ui/frames-ansi.js";
import { paintPage, vmmapAnsi } from "../../src/ui/vmmap-ansi.js";
import { tallyRuns } from "../../src/views/cells.js";
import type { FramesView } from "../../src/views/frames.js";
import {
  itemAddr,
  PAGE_CHARS,
  PAGE_HUGETLB_SHARED,
  PAGE_KSM,
  PAGE_SHARED_CLEAN,
  PAGE_SHARED_DIRTY,
  PAGE_STATES,
  PAGE_THP,
  PAGE_THP_SHARED,
  rowItems,
  type VmmapView,
  vmaItems,
} from "../../src/views/vmmap.js";
import { boot, kbFields, longest, pidOf, sh } from "./pictures-helpers.js";

/** A process P with a 4 MiB buffer at a 2 MiB boundary, written whole with THP always: two THPs. */
function thpSession() {
  const s = boot({ thp: "always" });
  const r = sh(s, "P=$(spawn /bin/sh)\nmmap $P 4M --name buf\nwrite $P buf 4M");
  if (r.stderr !== "") throw new Error(r.stderr);
  return s;
}

const lineAfter = (text: string, start: string): string => {
  const lines = text.split("\n");
  return lines[lines.findIndex((l) => l.startsWith(start)) + 1] ?? "";
};

describe("vmmap with transparent huge pages", () => {
  test("draws each PMD-mapped THP as one cell, and says how many pages the items stand for", () => {
    const s = thpSession();
    const out = sh(s, "vmmap $P buf").stdout;
    expect(out).toContain(
      "7ffff7800000-7ffff7c00000 rw-p [anon:buf]\n  (1024 pages as 2 items: 2 huge pages of 2 MiB)\n7ffff7800000 HH\n",
    );
    expect(out).toContain("H THP mapped by one PMD, private   T THP, shared   Z huge zero page");
    expect(longest(out)).toBeLessThanOrEqual(80);
  });

  test("after fork and a write: the written 2 MiB split into 512 cells, one copied, the other still one shared THP", () => {
    const s = thpSession();
    sh(s, "C=$(fork $P)\nwrite $P buf 1");
    const out = sh(s, "vmmap $P buf").stdout;
    expect(out).toContain("(1024 pages as 513 items: 1 huge page of 2 MiB and 512 pages)");
    const lines = out.split("\n");
    expect(lines).toContain(`7ffff7800000 P${"S".repeat(63)}`);
    expect(lines).toContain("*            (6 more rows the same)");
    // the row of the second 2 MiB begins at its own address: one T, mapped by 2 PMDs
    const at = lines.indexOf("7ffff7a00000 T");
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe("             2");
  });

  test("items and their addresses: smaps' AnonHugePages is the H and T items × 2048 kB", () => {
    const s = thpSession();
    sh(s, "C=$(fork $P)\nwrite $C buf+2M 1");
    const m = s.machine;
    for (const who of ["P", "C"] as const) {
      const mm = m.tasks.get(pidOf(s, who))!.mm!;
      const vma = mm.vmas.find((v) => v.start === 0x7ffff7800000)!;
      const items = vmaItems(m.phys, mm, vma);
      const tally = tallyRuns(items.runs, PAGE_STATES);
      const smaps = kbFields(smapsBlock(m.phys, mm, vma, false, null, false, m));
      expect((tally[PAGE_THP]! + tally[PAGE_THP_SHARED]!) * 2048, who).toBe(
        smaps.get("AnonHugePages"),
      );
      const row = { label: "", start: vma.start, pages: 1024, ...items };
      expect(rowItems(row)).toBe(1024 - 511 * items.huge.length);
      expect(itemAddr(row, rowItems(row) - 1)).toBe(
        vma.end - (items.huge.at(-1) === rowItems(row) - 1 ? 0x200000 : 0x1000),
      );
    }
  });

  test("a read of untouched eligible memory shows the huge zero page, one Z", () => {
    const s = boot({ thp: "always" });
    sh(s, "P=$(spawn /bin/sh)\nmmap $P 4M --name buf\nread $P buf 1");
    const out = sh(s, "vmmap $P buf").stdout;
    expect(out).toContain("(1024 pages as 513 items: 1 huge page of 2 MiB and 512 pages)");
    expect(out).toContain(`\n7ffff7800000 Z${".".repeat(63)}\n`);
    // the next row starts 64 items on: the huge page and 63 pages after it
    expect(out).toContain(`\n7ffff7a3f000 ${".".repeat(64)}\n`);
  });

  test("without huge pages the picture and its legend are as before", () => {
    const s = boot();
    sh(s, "P=$(spawn /bin/sh)\nmmap $P 4M --name buf\nwrite $P buf 4M");
    const out = sh(s, "vmmap $P").stdout;
    expect(out).toContain("[anon:buf]  (1024 pages, 1 cell = 16 pages)\n");
    expect(out).not.toContain("huge");
  });

  test("in colour, huge cells have their own look and legend entries", () => {
    const s = thpSession();
    sh(s, "C=$(fork $P)\nwrite $P buf 1");
    const r = sh(s, "vmmap $P buf");
    const block = r.blocks[0]!;
    if (block.kind !== "view") throw new Error("not a view");
    const lines = vmmapAnsi(block.view as VmmapView, 80);
    const plain = lines.map((l) => stripAnsi(l));
    expect(plain.join("\n")).toContain("huge page (THP), shared");
    expect(plain.join("\n")).toContain("a huge page (2 MiB, 512 pages) is one item, one cell");
    // the shared THP cell shows its map count
    expect(plain).toContain("7ffff7a00000 2");
  });
});

test("every page state has its own character and its own look in colour", () => {
  expect(new Set(PAGE_CHARS).size).toBe(PAGE_STATES);
  const looks = new Set<string>();
  for (let state = 0; state < PAGE_STATES; state++) {
    const { char, ...style } = paintPage(state, 0);
    looks.add(`${char}:${JSON.stringify(style)}`);
  }
  expect(looks.size).toBe(PAGE_STATES);
  // cells that show a map count instead of a letter are told apart by their background
  const sharedBackgrounds = [
    PAGE_SHARED_CLEAN,
    PAGE_SHARED_DIRTY,
    PAGE_THP_SHARED,
    PAGE_HUGETLB_SHARED,
    PAGE_KSM,
  ].map((state) => paintPage(state, 2).backgroundColor);
  expect(new Set(sharedBackgrounds).size).toBe(sharedBackgrounds.length);
});

describe("vmmap with hugetlb pages", () => {
  function hugetlbSession() {
    const s = boot({ hugepages: 4 });
    const r = sh(s, "P=$(spawn /bin/sh)\nH=$(mmap $P 4M --hugetlb)\nwrite $P $H 2M");
    if (r.stderr !== "") throw new Error(r.stderr);
    return s;
  }

  test("one cell per 2 MiB page: G mapped once, . not faulted in", () => {
    const out = sh(hugetlbSession(), "vmmap $P $H").stdout;
    expect(out).toContain(
      "7ffff7800000-7ffff7c00000 rw-p /anon_hugepage (deleted)\n  (1024 pages as 2 items: 2 huge pages of 2 MiB)\n7ffff7800000 G.\n",
    );
    expect(out).toContain("G hugetlb page, private   U hugetlb page, shared");
  });

  test("after fork the page is shared by two entries: U with its map count", () => {
    const s = hugetlbSession();
    sh(s, "C=$(fork $P)");
    const out = sh(s, "vmmap $C $H").stdout;
    expect(lineAfter(out, "7ffff7800000 U.")).toBe("             2");
    // and smaps agrees: Shared_Hugetlb 2048 kB
    expect(kbFields(sh(s, "smaps $C $H").stdout).get("Shared_Hugetlb")).toBe(2048);
  });
});

/** The totals table: owner -> [frames, kB, the meminfo figure beside it]. */
function totals(text: string): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (const line of text.split("\n")) {
    const m = /^(anon|file|shmem|hugetlb|free|total|mapped) +(\d+) +(\d+) {3}.*?(\d+) kB$/.exec(
      line,
    );
    if (m !== null) rows.set(m[1]!, [Number(m[2]), Number(m[3]), Number(m[4])]);
  }
  return rows;
}

describe("frames with compound pages", () => {
  test("a free hugetlb pool: h cells, counted as Hugetlb, not as anonymous memory", () => {
    const s = boot({ hugepages: 2 });
    const out = sh(s, "frames").stdout;
    const t = totals(out);
    expect(t.get("hugetlb")).toEqual([1024, 4096, 4096]);
    const meminfo = kbFields(sh(s, "cat /proc/meminfo").stdout);
    expect(t.get("anon")![1]).toBe(meminfo.get("AnonPages"));
    expect(t.get("total")![1]).toBe(meminfo.get("MemTotal"));
    expect(t.get("free")![1]).toBe(meminfo.get("MemFree"));
    expect(out).not.toContain("mapped by no PTE");
    expect(out).toMatch(/\n[0-9a-f]{6} h{64}\n/);
    expect(out).toContain(
      "hugetlb pool: 2 pages (order 9, 512 frames each), 0 in use, 2 free,\n  0 reserved: HugePages_Total 2, HugePages_Free 2, HugePages_Rsvd 0\n",
    );
    expect(longest(out)).toBeLessThanOrEqual(80);
    expect(out).toContain("h hugetlb pool, free");
  });

  test("a hugetlb page in use: G at its head, g over its tails; the rest of the pool still h", () => {
    const s = boot({ hugepages: 2 });
    sh(s, "P=$(spawn /bin/sh)\nH=$(mmap $P 2M --hugetlb)\nwrite $P $H 4K");
    const out = sh(s, "frames --width 140").stdout;
    expect(out).toMatch(/ Gg{127}\n/);
    expect(out).toMatch(/ h{128}\n/);
    expect(out).toContain("1 in use, 1 free,\n  0 reserved");
  });

  test("THPs: T at each head (even when a cell holds 4 frames), t over the tails; AnonPages still counts them", () => {
    const s = thpSession();
    const r = sh(s, "frames");
    const out = r.stdout;
    const view = (r.blocks[0] as { view: FramesView }).view;
    expect(view.heads).toHaveLength(2);
    expect(out).toContain("1 cell = 2 frames");
    expect(out).toMatch(/\n009600 Tt{63}\n/);
    expect(out).toMatch(/\n009800 Tt{63}\n/);
    expect(out).toContain(
      "THPs: 2 (order 9, 512 frames each), 2 mapped by a PMD: AnonHugePages 4096 kB\n",
    );
    expect(longest(out)).toBeLessThanOrEqual(80);
    const meminfo = kbFields(sh(s, "cat /proc/meminfo").stdout);
    expect(totals(out).get("anon")![1]).toBe(meminfo.get("AnonPages"));
    const colour = framesAnsi(view, 80).map((l) => stripAnsi(l));
    expect(colour.join("\n")).toContain("THP head");
    expect(colour.join("\n")).toContain("hugetlb pool, free");
  });
});
