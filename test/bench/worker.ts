/**
 * Measurements that need a process of their own, because they read the
 * host process's memory: `node --expose-gc worker.js MODE ARGS…` prints
 * one JSON object. run.ts starts a fresh worker for every run.
 *
 *   memory PAGES            host bytes per simulated resident page
 *   scale CHILDREN PAGES    the 1,000-children scenario: time and memory
 *   micro PAGES SLICE [N]   N cowshMicroRuns (1 by default), for profiling
 *                           with --cpu-prof; prints the last one
 *   thp PAGES [N]           N cowshThpRuns (1 by default), the same way
 *   ksm PAGES [N]           N cowshKsmRuns (1 by default), the same way
 */
import { setTimeout as sleep } from "node:timers/promises";
import { getHeapSpaceStatistics } from "node:v8";
import { readWhole } from "../../commands/lib/files/machine-files.js";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
import {
  bootForKsm,
  bootForMicro,
  bootForThp,
  cowshKsmRun,
  cowshMicroRun,
  cowshThpRun,
  mapAnon,
  must,
  touch,
} from "./cowsh-micro.js";
import { nowNs } from "./stats.js";

const MiB = 1024 * 1024;
/** Bytes of the frame arrays per fresh frame: mapcount (2), flags (2), content (4); its lru stamp stays implicit (phys.ts). */
const FRAME_BYTES = 8;

/** Bytes of host memory V8's young generation (new space) holds now: a bounded buffer, not per-page state. */
function youngGeneration(): number {
  let bytes = 0;
  for (const s of getHeapSpaceStatistics())
    if (s.space_name === "new_space" || s.space_name === "new_large_object_space")
      bytes += s.physical_space_size;
  return bytes;
}

/**
 * Collects garbage until RSS stops moving: V8 frees ArrayBuffer memory on a
 * background thread, so one gc() is not enough (needs --expose-gc).
 */
async function settle(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("bench worker: run node with --expose-gc");
  let last = process.memoryUsage();
  for (let i = 0; i < 40; i++) {
    gc();
    await sleep(20);
    const now = process.memoryUsage();
    if (Math.abs(now.rss - last.rss) < 16 * 1024) return now;
    last = now;
  }
  return last;
}

export interface MemoryResult {
  readonly pages: number;
  /** RSS growth while the second process wrote its `pages` pages, in bytes. */
  readonly rss: number;
  /**
   * The part of `rss` that is V8's young generation growing: the fault path's
   * short-lived garbage (boxed addresses) makes the scavenger enlarge new space
   * (up to 16 MiB, whatever the page count), and whether its pages were
   * touched before the measurement ends is chance. Not per-page state.
   */
  readonly young: number;
  /** The part of it that is accounted for: frame-array bytes of the new frames, ArrayBuffers (PTE tables, young bitmaps), V8 heap. */
  readonly frames: number;
  readonly arrayBuffers: number;
  readonly heapUsed: number;
  /** RSS growth from then forking that process (PTE-table sharing should keep it near zero). */
  readonly forkRss: number;
}

/**
 * Host memory per simulated resident page. Two processes of one machine
 * each map and write `pages` pages; the second one is measured, so that
 * compiled code and the collector's own growth, paid for by the first, are
 * not counted. What is counted: the frame arrays' pages that the new
 * frames touch, the PTE tables and young bitmaps, the heap objects behind
 * them, and whatever else RSS shows.
 */
async function memory(pages: number): Promise<MemoryResult> {
  const m = Machine.boot({ memBytes: 2 * pages * PAGE_SIZE + 512 * MiB });
  const warm = must(m.spawn("/bin/sh", ["sh"]), "spawn");
  touch(m, warm, mapAnon(m, warm, pages), pages, 1);
  const p = must(m.spawn("/bin/sh", ["sh"]), "spawn");
  const buf = mapAnon(m, p, pages);
  const before = await settle();
  const young0 = youngGeneration();
  const frames0 = m.phys.highWater;
  touch(m, p, buf, pages, 1);
  const after = await settle();
  const young = youngGeneration() - young0;
  must(m.fork(p), "fork");
  const forked = await settle();
  return {
    pages,
    rss: after.rss - before.rss,
    young,
    frames: (m.phys.highWater - frames0) * FRAME_BYTES,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
    heapUsed: after.heapUsed - before.heapUsed,
    forkRss: forked.rss - after.rss,
  };
}

export interface ScaleResult {
  readonly children: number;
  readonly pages: number;
  readonly writtenPerChild: number;
  /** Nanoseconds: everything, the forks with their writes, and the smaps_rollup reads. */
  readonly total: number;
  readonly forkWrite: number;
  readonly read: number;
  readonly rollupBytes: number;
  /** Growth across the scenario, after garbage collection, in bytes: RSS, V8 heap, ArrayBuffers. */
  readonly rss: number;
  readonly heapUsed: number;
  readonly arrayBuffers: number;
}

/**
 * A `pages`-page parent forks `children` children; child i writes the
 * (i % 100)-th hundredth of the buffer; then every child's smaps_rollup is
 * read, as `cat` reads it. The same as kernel-bench.c's `scale`. A first
 * round of 20 children on the same machine warms the code up; they exit
 * before the measured round starts.
 */
async function scale(children: number, pages: number): Promise<ScaleResult> {
  const part = Math.floor(pages / 100);
  const m = Machine.boot({ memBytes: (pages + children * part) * PAGE_SIZE + 512 * MiB });
  const p = must(m.spawn("/bin/sh", ["sh"]), "spawn");
  const buf = mapAnon(m, p, pages);
  touch(m, p, buf, pages, 1);
  const forkAll = (n: number): number[] => {
    const pids: number[] = [];
    for (let i = 0; i < n; i++) {
      const child = must(m.fork(p), "fork");
      touch(m, child, buf + (i % 100) * part * PAGE_SIZE, part, 2);
      pids.push(child);
    }
    return pids;
  };
  const readAll = (pids: readonly number[]): number => {
    let bytes = 0;
    for (const pid of pids)
      bytes += must(readWhole(m, `/proc/${pid}/smaps_rollup`), "read").text.length;
    return bytes;
  };
  for (const pid of forkAll(20)) {
    readAll([pid]);
    must(m.kill(pid), "kill");
    must(m.wait(pid), "wait");
  }
  const before = await settle();
  const t0 = nowNs();
  const pids = forkAll(children);
  const t1 = nowNs();
  const rollupBytes = readAll(pids);
  const t2 = nowNs();
  const after = await settle();
  return {
    children,
    pages,
    writtenPerChild: part,
    total: t2 - t0,
    forkWrite: t1 - t0,
    read: t2 - t1,
    rollupBytes,
    rss: after.rss - before.rss,
    heapUsed: after.heapUsed - before.heapUsed,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
  };
}

async function main(argv: readonly string[]): Promise<unknown> {
  const [mode, a, b] = argv;
  if (mode === "memory") return memory(Number(a));
  if (mode === "scale") return scale(Number(a), Number(b));
  if (mode === "micro") {
    const m = bootForMicro(Number(a), Number(b));
    let run = cowshMicroRun(m, Number(a), Number(b));
    for (let i = 1; i < Number(argv[3] ?? 1); i++) run = cowshMicroRun(m, Number(a), Number(b));
    return run;
  }
  if (mode === "thp") {
    const m = bootForThp(Number(a));
    const runs = [];
    for (let i = 0; i < Number(b ?? 1); i++) runs.push(cowshThpRun(m, Number(a)));
    return runs;
  }
  if (mode === "ksm") {
    const m = bootForKsm(Number(a));
    const runs = [];
    for (let i = 0; i < Number(b ?? 1); i++) runs.push(cowshKsmRun(m, Number(a)));
    return runs;
  }
  throw new Error(
    "usage: worker.js memory PAGES | scale CHILDREN PAGES | micro PAGES SLICE [N] | thp PAGES [N] | ksm PAGES [N]",
  );
}

process.stdout.write(`${JSON.stringify(await main(process.argv.slice(2)))}\n`);
