/**
 * cowsh's side of the per-page rows: the same sequence kernel-bench.c's
 * `micro` mode runs, through the kernel's system-call methods and the /proc
 * files as `cat` reads them.
 *
 * Every run uses the same long-lived machine, as a shell session does. A
 * machine booted per run would measure V8 rather than cowsh: TurboFan
 * embeds the machine's objects in the code it compiles, so once an old
 * machine is collected that code is thrown away ("deoptimization, reason:
 * weak objects") and the next run starts in the interpreter.
 */
import { readWhole } from "../../commands/lib/files/machine-files.js";
import type { AccessReport } from "../../src/kernel/access.js";
import {
  MADV_HUGEPAGE,
  MADV_MERGEABLE,
  MADV_NOHUGEPAGE,
  MADV_PAGEOUT,
  PAGE_SIZE,
} from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
import type { Result } from "../../src/kernel/result.js";
import { nowNs } from "./stats.js";

/** One run: nanoseconds per phase, named as kernel-bench.c names them. */
export interface CowshMicroRun {
  readonly first_touch: number;
  readonly smaps: number;
  readonly rollup: number;
  readonly fork: number;
  readonly cow: number;
  readonly reuse: number;
  /** exec of /bin/sleep by the child that still maps the whole buffer (no kernel counterpart row). */
  readonly exec: number;
  readonly exit: number;
  readonly munmap: number;
  readonly smaps_bytes: number;
}

export function must<T>(r: Result<T>, what: string): T {
  if (!r.ok) throw new Error(`bench: ${what} failed: ${r.errno}`);
  return r.value;
}

/** Times `f` in nanoseconds. */
function timed(f: () => void): number {
  const t0 = nowNs();
  f();
  return nowNs() - t0;
}

/** A private anonymous mapping of `pages` pages in `pid`, MADV_NOHUGEPAGE as the C program does. */
export function mapAnon(m: Machine, pid: number, pages: number): number {
  const length = pages * PAGE_SIZE;
  const addr = must(
    m.mmap(pid, {
      addr: 0,
      length,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
    "mmap",
  );
  must(m.madvise(pid, addr, length, MADV_NOHUGEPAGE), "madvise");
  return addr;
}

/** Stores `word` into every page of [addr, addr + pages pages), as `write` does. */
export function touch(m: Machine, pid: number, addr: number, pages: number, word: number): void {
  const r = must(m.access(pid, addr, pages * PAGE_SIZE, true, word), "write");
  if (r.signal !== null || r.pages !== pages)
    throw new Error(`bench: write stopped: ${r.signal?.reason}`);
}

/** A machine with room for cowshMicroRun(pages, slice): the buffer, the COW copies, the exiting child's own buffer. */
export const bootForMicro = (pages: number, slice: number): Machine =>
  Machine.boot({ memBytes: (2 * pages + 4 * slice) * PAGE_SIZE + 512 * 1024 * 1024 });

/**
 * One run over a `pages`-page buffer, with `slice`-page COW and reuse
 * passes, by a new process of `m` that exits at the end (leaving `m` as it
 * found it, less the PIDs used).
 */
export function cowshMicroRun(m: Machine, pages: number, slice: number): CowshMicroRun {
  const bytes = pages * PAGE_SIZE;
  const p = must(m.spawn("/bin/sh", ["sh"]), "spawn");
  const buf = mapAnon(m, p, pages);
  const first_touch = timed(() => touch(m, p, buf, pages, 1));

  let smapsText = "";
  const smaps = timed(() => {
    smapsText = must(readWhole(m, `/proc/${p}/smaps`), "read smaps").text;
  });
  const rollup = timed(() => must(readWhole(m, `/proc/${p}/smaps_rollup`), "read smaps_rollup"));

  let child = 0;
  const fork = timed(() => {
    child = must(m.fork(p), "fork");
  });
  must(m.exit(child, 0), "exit");
  must(m.wait(child), "wait");

  child = must(m.fork(p), "fork");
  const cow = timed(() => touch(m, p, buf, slice, 2));
  const exec = timed(() => must(m.exec(child, "/bin/sleep", ["sleep", "1000"]), "exec"));
  const reuse = timed(() => touch(m, p, buf + slice * PAGE_SIZE, slice, 3));
  must(m.kill(child), "kill");
  must(m.wait(child), "wait");

  child = must(m.fork(p), "fork");
  must(m.munmap(child, buf, bytes), "munmap");
  const own = mapAnon(m, child, pages);
  touch(m, child, own, pages, 4);
  const exit = timed(() => {
    must(m.exit(child, 0), "exit");
    must(m.wait(child), "wait");
  });

  const munmap = timed(() => must(m.munmap(p, buf, bytes), "munmap"));
  must(m.exit(p, 0), "exit");
  must(m.wait(p), "wait");
  return {
    first_touch,
    smaps,
    rollup,
    fork,
    cow,
    reuse,
    exec,
    exit,
    munmap,
    smaps_bytes: smapsText.length,
  };
}

/** One swap run: nanoseconds for MADV_PAGEOUT of the buffer and for reading it back, as kernel-bench swap. */
export interface CowshSwapRun {
  readonly pageout: number;
  readonly swapin: number;
  readonly swapped_kb: number;
  readonly minflt: number;
  readonly majflt: number;
}

/** A machine with a swap file large enough for cowshSwapRun(pages), and RAM for the buffer. */
export const bootForSwap = (pages: number): Machine =>
  Machine.boot({
    memBytes: pages * PAGE_SIZE + 512 * 1024 * 1024,
    swapBytes: (pages + 256) * PAGE_SIZE,
  });

/**
 * One run, as kernel-bench swap: a new process writes a `pages`-page
 * buffer, pages it all out (MADV_PAGEOUT), reads one word of each page back
 * (swap-in faults from the swap cache), and exits.
 */
export function cowshSwapRun(m: Machine, pages: number): CowshSwapRun {
  const p = must(m.spawn("/bin/sh", ["sh"]), "spawn");
  const buf = mapAnon(m, p, pages);
  touch(m, p, buf, pages, 1);
  const pageout = timed(() => must(m.madvise(p, buf, pages * PAGE_SIZE, MADV_PAGEOUT), "pageout"));
  const swapped_kb = m.swap.usedPages() * 4;
  const reports: AccessReport[] = [];
  const swapin = timed(() => {
    reports.push(must(m.access(p, buf, pages * PAGE_SIZE, false, null), "read"));
  });
  const r = reports[0]!;
  if (r.pages !== pages) throw new Error("bench: swap-in read stopped");
  must(m.exit(p, 0), "exit");
  must(m.wait(p), "wait");
  return { pageout, swapin, swapped_kb, minflt: r.minflt, majflt: r.majflt };
}

/** One THP run: nanoseconds for the first touch of a 2 MiB-aligned MADV_HUGEPAGE buffer and for forking its process, as kernel-bench thp. */
export interface CowshThpRun {
  readonly first_touch: number;
  readonly fork: number;
  /** AnonHugePages of the process's smaps_rollup after the first touch, in kB. */
  readonly anon_huge_kb: number;
}

/** A machine for cowshThpRun(pages): the buffer in huge pages, and room to spare. */
export const bootForThp = (pages: number): Machine =>
  Machine.boot({ memBytes: pages * PAGE_SIZE + 512 * 1024 * 1024, thp: "madvise" });

/** A "Key:   N kB" value of a /proc file's text, in kB, or -1 (kernel-bench.c's proc_kb). */
export function procKb(text: string, key: string): number {
  const m = new RegExp(`^${key}:\\s*(\\d+) kB`, "m").exec(text);
  return m === null ? -1 : Number(m[1]);
}

/**
 * One run, as kernel-bench thp: a new process maps `pages` pages (a
 * multiple of 512; mmap puts a mapping whose length is a multiple of 2 MiB
 * on a 2 MiB boundary, as Linux's thp_get_unmapped_area does), advises
 * MADV_HUGEPAGE, writes every page (timed), reads AnonHugePages from its
 * smaps_rollup, is forked (timed; the child exits at once), and exits.
 */
export function cowshThpRun(m: Machine, pages: number): CowshThpRun {
  const length = pages * PAGE_SIZE;
  const p = must(m.spawn("/bin/sh", ["sh"]), "spawn");
  const buf = must(
    m.mmap(p, {
      addr: 0,
      length,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
    "mmap",
  );
  if (buf % (2 * 1024 * 1024) !== 0) throw new Error("bench: the THP buffer is not 2 MiB aligned");
  must(m.madvise(p, buf, length, MADV_HUGEPAGE), "madvise");
  const first_touch = timed(() => touch(m, p, buf, pages, 1));
  const rollup = must(readWhole(m, `/proc/${p}/smaps_rollup`), "read smaps_rollup").text;
  const anon_huge_kb = procKb(rollup, "AnonHugePages");
  let child = 0;
  const fork = timed(() => {
    child = must(m.fork(p), "fork");
  });
  must(m.exit(child, 0), "exit");
  must(m.wait(child), "wait");
  must(m.exit(p, 0), "exit");
  must(m.wait(p), "wait");
  return { first_touch, fork, anon_huge_kb };
}

/** One KSM run: the wall time of ksmd's batches over two full scans, and its counters, as kernel-bench ksm. */
export interface CowshKsmRun {
  readonly pages: number;
  /** ns spent in Machine.advance while ksmd made its two full scans (ksmd's batches; simulated sleeps cost nothing). */
  readonly cpu: number;
  readonly full_scans: number;
  readonly pages_scanned: number;
  readonly pages_shared: number;
  readonly pages_sharing: number;
}

/** A machine for cowshKsmRun(pages), ksmd set as ksm-kernel.sh sets the kernel's: running, one full scan a batch, 20 ms sleeps. */
export function bootForKsm(pages: number): Machine {
  const m = Machine.boot({ memBytes: pages * PAGE_SIZE + 512 * 1024 * 1024 });
  Object.assign(m.ksm.tun, { run: 1, pagesToScan: pages, sleepMillisecs: 20, smartScan: 1 });
  return m;
}

/**
 * One run, as kernel-bench ksm: a new process writes `pages` identical pages
 * (MADV_NOHUGEPAGE), advises MADV_MERGEABLE, and the machine's clock is
 * advanced by ksmd's sleep until full_scans has moved twice (the first scan
 * records checksums, the second merges); the time is that spent in
 * Machine.advance. Then the process exits and ksmd scans once more, so the
 * next run finds the trees empty, as ksm-kernel.sh waits for the kernel's.
 */
export function cowshKsmRun(m: Machine, pages: number): CowshKsmRun {
  const { ksm } = m;
  const p = must(m.spawn("/bin/sh", ["sh"]), "spawn");
  const buf = mapAnon(m, p, pages);
  touch(m, p, buf, pages, 1);
  const scans0 = ksm.fullScans;
  const scanned0 = ksm.pagesScanned;
  must(m.madvise(p, buf, pages * PAGE_SIZE, MADV_MERGEABLE), "madvise");
  const step = ksm.tun.sleepMillisecs * 1e6;
  let cpu = 0;
  for (let i = 0; ksm.fullScans < scans0 + 2; i++) {
    if (i > 1000) throw new Error("bench: ksmd did not finish two full scans");
    cpu += timed(() => m.advance(step));
  }
  const run: CowshKsmRun = {
    pages,
    cpu,
    full_scans: ksm.fullScans - scans0,
    pages_scanned: ksm.pagesScanned - scanned0,
    pages_shared: ksm.pagesShared,
    pages_sharing: ksm.pagesSharing,
  };
  must(m.exit(p, 0), "exit");
  must(m.wait(p), "wait");
  for (let i = 0; ksm.pagesShared + ksm.pagesSharing + ksm.pagesUnshared > 0; i++) {
    if (i > 1000) throw new Error("bench: ksmd kept the exited run's pages");
    m.advance(step);
  }
  return run;
}
