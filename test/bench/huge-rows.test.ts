/**
 * The THP (and KSM) rows of `npm run bench` measure what they say on both
 * sides: huge pages really used (AnonHugePages), the same work. Small
 * sizes: this checks the measurement, not its speed.
 */
import { readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bootForKsm, bootForThp, cowshKsmRun, cowshThpRun, procKb } from "./cowsh-micro.js";
import { compileKernelBench, kernelThp } from "./kernel.js";

const PAGES = 2048; // 8 MiB: four huge pages

describe("the THP rows", () => {
  it("cowsh's run faults the buffer in as huge pages and times touch and fork", () => {
    const m = bootForThp(PAGES);
    const runs = [cowshThpRun(m, PAGES), cowshThpRun(m, PAGES)];
    for (const r of runs) {
      expect(r.anon_huge_kb).toBe((PAGES * 4096) / 1024);
      expect(r.first_touch).toBeGreaterThan(0);
      expect(r.fork).toBeGreaterThan(0);
    }
    // Each run's process exits: no huge page is left mapped.
    expect(m.phys.anonPmdMapped).toBe(0);
  });

  it("procKb reads a kB field as kernel-bench.c's proc_kb does", () => {
    const text = "Rss:                4096 kB\nAnonHugePages:      2048 kB\n";
    expect(procKb(text, "AnonHugePages")).toBe(2048);
    expect(procKb(text, "Rss")).toBe(4096);
    expect(procKb(text, "Pss")).toBe(-1);
  });

  const binary = compileKernelBench();
  afterAll(() => rmSync(dirname(binary), { recursive: true, force: true }));
  const mode = (): string =>
    /\[(\w+)\]/.exec(readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8"))?.[1] ??
    "missing";

  it("the kernel's run maps huge pages too, or says why it cannot", () => {
    const before = mode();
    const r = kernelThp(binary, PAGES);
    if (before === "never" || mode() === "never") {
      // A truth capture may switch THP off meanwhile: then the row says so.
      if ("unavailable" in r) expect(r.unavailable).toMatch(/never/);
      return;
    }
    if ("unavailable" in r) throw new Error(r.unavailable);
    expect(r.anon_huge_kb).toBe((PAGES * 4096) / 1024);
    expect(r.first_touch).toBeGreaterThan(0);
    expect(r.fork).toBeGreaterThan(0);
  });
});

describe("the KSM row", () => {
  it("cowsh's run times two full scans that merge every page, as the kernel's counters show", () => {
    const pages = 1024;
    const m = bootForKsm(pages);
    for (let i = 0; i < 2; i++) {
      const r = cowshKsmRun(m, pages);
      // What kernel-bench ksm printed for 65,536 pages, scaled: 256 pages a KSM page (max_page_sharing).
      expect(r).toMatchObject({
        full_scans: 2,
        pages_scanned: 2 * pages,
        pages_shared: pages / 256,
        pages_sharing: pages - pages / 256,
      });
      expect(r.cpu).toBeGreaterThan(0);
      // ksmd dropped the exited run's pages: the next run starts from empty trees.
      expect(m.ksm.pagesShared + m.ksm.pagesSharing + m.ksm.pagesUnshared).toBe(0);
    }
  });
});
