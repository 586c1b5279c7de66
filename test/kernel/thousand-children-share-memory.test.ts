/**
 * The zygote scenario of issue 5 at a smaller size, so that its code paths
 * stay covered (not timed): a parent with a 16 MiB buffer forks 1,000
 * children, each writes 1% of the buffer (40 pages, a different slice for
 * each child of a hundred), then every process's smaps_rollup is read.
 *
 * The figures must be the kernel's: each child's own pages are exactly its
 * 1%; the Pss of all processes adds up to what the invariant checker counts
 * PTE by PTE; memory grows by the pages copied, not by processes × buffer;
 * and the PTE tables the children did not write stay shared with the parent.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import type { PteTable } from "../../src/kernel/page-table.js";
import { createSession, runSource, type ShellSession } from "../../src/shell/runtime.js";

const CHILDREN = 1000;
const BUFFER_PAGES = 4096; // 16 MiB
const SLICE_PAGES = 40; // 1% of the buffer, rounded down to whole pages
const SLICE = SLICE_PAGES * PAGE_SIZE;

/** Runs `source`; its stdout. Fails on anything written to stderr. */
function sh(session: ShellSession, source: string): string {
  let stdout = "";
  let stderr = "";
  runSource(session, source, (b) => {
    if (b.kind === "err") stderr += b.text;
    else stdout += b.text;
  });
  expect(stderr).toBe("");
  return stdout;
}

/** A field of a smaps_rollup, in kB. */
function field(rollup: string, name: string): number {
  const m = new RegExp(`^${name}: +(\\d+) kB$`, "m").exec(rollup);
  if (m === null) throw new Error(`no ${name} in:\n${rollup}`);
  return Number(m[1]);
}

describe("a 16 MiB parent forks 1,000 children, each writing 1% of the buffer", () => {
  // Checked after the setup rather than after each of its 2,000 commands.
  const session = createSession(Machine.boot());
  const m = session.machine;
  const children: number[] = [];
  let parent = 0;
  let usedBeforeForks = 0;
  let usedAfterForks = 0;
  let usedAfterWrites = 0;
  const used = () => m.phys.nrFrames - m.phys.firstUsable - m.phys.nrFree;

  beforeAll(() => {
    parent = Number(sh(session, "P=$(spawn /bin/sh); echo $P"));
    sh(session, "mmap $P 16M --name buf >/dev/null; write $P buf");
    usedBeforeForks = used();
    for (let i = 0; i < CHILDREN; i++) children.push(Number(sh(session, "fork $P")));
    usedAfterForks = used();
    children.forEach((pid, i) => {
      sh(session, `write ${pid} buf+${(i % 100) * SLICE} ${SLICE}`);
    });
    usedAfterWrites = used();
  });

  test("fork copies no page; each write copies exactly its 1%", () => {
    expect(usedAfterForks).toBe(usedBeforeForks);
    expect(usedAfterWrites - usedAfterForks).toBe(CHILDREN * SLICE_PAGES);
    // In all: the buffer once, plus 1,000 × 1%, plus what the machine had before.
    expect(usedAfterWrites).toBe(usedBeforeForks + CHILDREN * SLICE_PAGES);
    expect(usedBeforeForks).toBeGreaterThanOrEqual(BUFFER_PAGES);
  });

  test("each child's smaps_rollup: Private_Dirty is its 1%, the rest is shared", () => {
    const kb = SLICE / 1024;
    for (const pid of children) {
      const rollup = sh(session, `cat /proc/${pid}/smaps_rollup`);
      expect(field(rollup, "Private_Dirty")).toBe(kb);
      expect(field(rollup, "Private_Clean")).toBe(0);
      expect(field(rollup, "Rss")).toBe(field(rollup, "Shared_Dirty") + kb);
    }
    const buf = sh(session, `smaps ${children[0]} buf`);
    expect(field(buf, "Private_Dirty")).toBe(kb);
    expect(field(buf, "Rss")).toBe(16384);
  });

  test("the Pss of every process adds up to the checker's PTE-by-PTE sum", () => {
    const report = assertInvariants(m);
    const pids = [...m.tasks.keys()];
    let sum = 0;
    for (const pid of pids) sum += field(sh(session, `cat /proc/${pid}/smaps_rollup`), "Pss");
    // smaps_rollup truncates each process's fixed-point sum to whole kB once.
    const exactKb = report.pssFixed / 2 ** 22;
    expect(sum).toBeLessThanOrEqual(exactKb);
    expect(exactKb - sum).toBeLessThan(pids.length);
    // Every used frame is mapped: anonymous memory is not cached anywhere.
    expect(report.mappedFrames).toBeGreaterThanOrEqual(BUFFER_PAGES + CHILDREN * SLICE_PAGES);
  });

  test("the buffer's page tables a child did not write are still the parent's", () => {
    const tablesOf = (pid: number): Map<number, PteTable> => {
      const found = new Map<number, PteTable>();
      m.tasks.get(pid)!.mm!.pt.forEachTable((key, table) => found.set(key, table));
      return found;
    };
    const parentSlots = tablesOf(parent);
    const buffer = m.tasks.get(parent)!.mm!.vmas.find((v) => v.anonName === "buf")!;
    const first = Math.floor(buffer.start / PAGE_SIZE / 512);
    const last = Math.floor((buffer.end - 1) / PAGE_SIZE / 512);
    const tables = new Set<PteTable>();
    for (const pid of children) {
      const slots = tablesOf(pid);
      let copied = 0;
      for (let key = first; key <= last; key++)
        if (slots.get(key) !== parentSlots.get(key)) copied++;
      // A 1% slice lies in one 2 MiB region, or two.
      expect(copied).toBeGreaterThanOrEqual(1);
      expect(copied).toBeLessThanOrEqual(2);
      for (const table of slots.values()) tables.add(table);
    }
    // Host memory follows the pages copied: far fewer tables than 1,000 full copies.
    expect(tables.size).toBeLessThan((CHILDREN * parentSlots.size) / 2);
  });

  test("ps and vmmap work with 1,000 processes", () => {
    const ps = sh(session, "ps")
      .split("\n")
      .filter((l) => l !== "");
    expect(ps).toHaveLength(1 + m.tasks.size);
    expect(ps[0]).toMatch(/^ +PID +PPID S +RSS +PSS +USS COMMAND$/);
    expect(ps.filter((l) => new RegExp(`^ +\\d+ +${parent} S `).test(l))).toHaveLength(CHILDREN);
    const tree = sh(session, "ps --tree").split("\n");
    expect(tree.length).toBeGreaterThan(CHILDREN);
    const vmmap = sh(session, `vmmap ${children[0]} buf`);
    expect(vmmap).toContain("[anon:buf]  (4096 pages");
    expect(vmmap).toMatch(/^7ffff[0-9a-f]+ [SP]+$/m);
    expect(vmmap).toContain("+ for 10 or more");
  });
});
