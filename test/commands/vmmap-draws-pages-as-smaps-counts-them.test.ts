import { describe, expect, test } from "vitest";
import { smapsBlock } from "../../fs/proc/task-mmu.js";
import { groupCells, tallyRuns } from "../../src/views/cells.js";
import {
  PAGE_CHARS,
  PAGE_MIXED,
  PAGE_PRIVATE_CLEAN,
  PAGE_PRIVATE_DIRTY,
  PAGE_SHARED_CLEAN,
  PAGE_SHARED_DIRTY,
  PAGE_STATES,
  type VmmapView,
  vmaRuns,
} from "../../src/views/vmmap.js";
import { boot, forked, kbFields, longest, pidOf, sh } from "./pictures-helpers.js";

describe("vmmap PID", () => {
  const s = forked();
  const r = sh(s, "vmmap $P");

  test("is a view block whose plain text is what batch mode prints", () => {
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.blocks).toHaveLength(1);
    const block = r.blocks[0]!;
    expect(block.kind).toBe("view");
    if (block.kind === "view") expect((block.view as VmmapView).kind).toBe("vmmap");
    expect(r.stdout.startsWith(`pid ${pidOf(s, "P")} (sh)\n`)).toBe(true);
  });

  test("draws the buffer at 64 pages a cell: the copied MiB private dirty, the rest shared by 2", () => {
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => l.includes("[anon:buf]"));
    expect(lines[at]).toBe(
      "7ffff6c00000-7ffff7c00000 rw-p [anon:buf]  (4096 pages, 1 cell = 64 pages)",
    );
    expect(lines[at + 1]).toBe(`  ${"P".repeat(4)}${"S".repeat(60)}`);
    expect(lines[at + 2]).toBe(`      ${"2".repeat(60)}`);
  });

  test("draws the shared anonymous mapping private dirty: only the parent maps it", () => {
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => l.includes("[anon_shmem:shm]"));
    expect(lines[at]).toContain("(256 pages, 1 cell = 4 pages)");
    expect(lines[at + 1]).toBe(`  ${"P".repeat(64)}`);
  });

  test("fits 80 columns and uses only its alphabet, with a legend", () => {
    expect(longest(r.stdout)).toBeLessThanOrEqual(80);
    // Cell rows sit under a header; map-count rows hold only digits and "+".
    const cells = r.stdout
      .split("\n")
      .filter((l) => /^ {2}\S/.test(l) && !l.startsWith("  (") && !/^[\s2-9+]+$/.test(l));
    for (const line of cells) expect(line.slice(2)).toMatch(/^[.0xpPsS~]+$/);
    expect(r.stdout).toContain(
      "p private clean   P private dirty   s shared clean   S shared dirty",
    );
  });

  test("--width widens the picture", () => {
    const wide = sh(s, "vmmap $P --width 200").stdout;
    expect(longest(wide)).toBeLessThanOrEqual(200);
    expect(wide).toContain("(4096 pages, 1 cell = 32 pages)");
  });
});

describe("vmmap's page states are smaps's", () => {
  const s = forked();
  sh(s, "read $C shm");
  test.each(["P", "C"] as const)("every mapping of %s", (who) => {
    const m = s.machine;
    const mm = m.tasks.get(pidOf(s, who))!.mm!;
    for (const vma of mm.vmas) {
      const tally = tallyRuns(vmaRuns(m.phys, mm, vma), PAGE_STATES);
      const smaps = kbFields(smapsBlock(m.phys, mm, vma, false));
      const label = `${vma.start.toString(16)}`;
      expect(tally[PAGE_PRIVATE_CLEAN]! * 4, label).toBe(smaps.get("Private_Clean"));
      expect(tally[PAGE_PRIVATE_DIRTY]! * 4, label).toBe(smaps.get("Private_Dirty"));
      expect(tally[PAGE_SHARED_CLEAN]! * 4, label).toBe(smaps.get("Shared_Clean"));
      expect(tally[PAGE_SHARED_DIRTY]! * 4, label).toBe(smaps.get("Shared_Dirty"));
    }
  });

  test("a page read in untouched memory is the zero page", () => {
    const z = boot();
    const out = sh(
      z,
      "P=$(spawn /bin/sh); B=$(mmap $P 64K --name z); read $P $B 16K; vmmap $P z",
    ).stdout;
    expect(out).toContain(`7ffff7dc2000 ${"0".repeat(4)}${".".repeat(12)}`);
  });

  test("after the child's exec the buffer is the parent's alone", () => {
    const e = forked();
    sh(e, "exec $C /bin/sleep 10");
    const out = sh(e, "vmmap $P buf").stdout;
    expect(out).toContain(`7ffff6c00000 ${"P".repeat(64)}\n*            (31 more rows the same)\n`);
  });
});

describe("vmmap PID MAPPING", () => {
  const s = forked();
  const out = sh(s, "vmmap $P buf").stdout;
  const lines = out.split("\n");

  test("draws one mapping on rows that start with their address, folding repeats", () => {
    expect(lines[1]).toBe(
      "7ffff6c00000-7ffff7c00000 rw-p [anon:buf]  (4096 pages, 1 cell = 2 pages)",
    );
    expect(lines[2]).toBe(`7ffff6c00000 ${"P".repeat(64)}`);
    expect(lines[3]).toBe(`7ffff6c80000 ${"P".repeat(64)}`);
    expect(lines[4]).toBe(`7ffff6d00000 ${"S".repeat(64)}`);
    expect(lines[5]).toBe(`             ${"2".repeat(64)}`);
    expect(lines[6]).toBe("*            (29 more rows the same)");
    expect(longest(out)).toBeLessThanOrEqual(80);
  });

  test("a small mapping gets one cell per page", () => {
    expect(sh(s, "vmmap $P [stack]").stdout).toContain("(33 pages)\n7ffffffde000 ");
  });

  test("rejects what it cannot draw", () => {
    expect(sh(s, "vmmap 999").stderr).toBe("vmmap: (999) - No such process\n");
    expect(sh(s, "vmmap $P nosuch").stderr).toContain("nosuch: no such mapping");
    expect(sh(s, "vmmap $P 0x1000").stderr).toBe("vmmap: 0x1000: no mapping in process 3\n");
    expect(sh(s, "vmmap $P --width 5").stderr).toContain("invalid width");
  });

  test("help documents the alphabet and the group rule", () => {
    const help = sh(s, "help vmmap").stdout;
    expect(help).toContain(". not present   0 zero page");
    expect(help).toContain("more than half of them");
  });
});

describe("cells for several pages", () => {
  const runs = [PAGE_PRIVATE_DIRTY, 0, 3, PAGE_SHARED_DIRTY, 2, 1, PAGE_SHARED_DIRTY, 5, 4];
  test("take the state of more than half of their pages, else mixed", () => {
    const cells = groupCells(runs, 8, 4, PAGE_MIXED, PAGE_STATES);
    expect([...cells.states].map((st) => PAGE_CHARS[st])).toEqual(["P", "S"]);
    const even = groupCells(
      [PAGE_PRIVATE_DIRTY, 0, 2, PAGE_SHARED_CLEAN, 3, 2],
      4,
      4,
      PAGE_MIXED,
      PAGE_STATES,
    );
    expect(PAGE_CHARS[even.states[0]!]).toBe("~");
  });

  test("show the highest map count of their pages in that state", () => {
    const cells = groupCells(runs, 8, 4, PAGE_MIXED, PAGE_STATES);
    expect([...cells.counts]).toEqual([0, 5]);
  });
});
