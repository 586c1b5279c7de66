/**
 * `npm run bench`: cowsh against the real kernel of this machine, side by
 * side, in one run, printed as one table of ratios (cowsh time / kernel
 * time; see table.ts). Progress goes to stderr, the table to stdout.
 *
 *   node --expose-gc dist/test/bench/run.js [--runs N] [--scale-runs N] [--quick] [--json FILE]
 *                                             [--only startup,swap,thp,ksm]
 *
 * What each row measures, and how the C program measures the same thing,
 * is documented in docs/PERFORMANCE.md and kernel-bench.c.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir } from "node:os";
import { join } from "node:path";
import stripAnsi from "strip-ansi";
import {
  bootForKsm,
  bootForMicro,
  bootForSwap,
  bootForThp,
  type CowshKsmRun,
  type CowshMicroRun,
  type CowshSwapRun,
  type CowshThpRun,
  cowshKsmRun,
  cowshMicroRun,
  cowshSwapRun,
  cowshThpRun,
} from "./cowsh-micro.js";
import {
  runCowshExperiment,
  runKernelExperiment,
  scriptMode,
  writeScaledDemo,
} from "./experiment.js";
import {
  compileKernelBench,
  type KernelKsmRun,
  type KernelMicroRun,
  type KernelScale,
  type KernelSwapRun,
  type KernelThpRun,
  kernelKsm,
  kernelMicro,
  kernelScale,
  kernelSwap,
  kernelThp,
} from "./kernel.js";
import { benchModule, cowshCommand, cowshMain } from "./paths.js";
import { onPty, timeToExit, timeToOutput } from "./startup.js";
import { summarize } from "./stats.js";
import { evaluate, fmt, type Row, renderTable } from "./table.js";
import type { MemoryResult, ScaleResult } from "./worker.js";

const GiB_PAGES = (1024 * 1024 * 1024) / 4096;
/** Pages written in each COW and reuse pass (128 MiB): long enough to time, short enough to repeat. */
const SLICE_PAGES = 32 * 1024;
const SCALE_CHILDREN = 1000;
const SCALE_PAGES = (256 * 1024 * 1024) / 4096;
/** Pages paged out and swapped back in per swap run (128 MiB). */
const SWAP_PAGES = 32 * 1024;
/** The kernel's bookkeeping per resident page that the VmPTE growth does not show: sizeof(struct page). */
const STRUCT_PAGE_BYTES = 64;

const ONLY_GROUPS = ["startup", "swap", "thp", "ksm"] as const;
type OnlyGroup = (typeof ONLY_GROUPS)[number];

interface Options {
  runs: number;
  scaleRuns: number;
  json: string | null;
  /**
   * Only these groups of rows, in this order (`--only startup,swap,thp,ksm`);
   * empty: every row.
   */
  only: OnlyGroup[];
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = {
    runs: 5,
    scaleRuns: 3,
    json: null,
    only: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") {
      o.runs = 3;
      o.scaleRuns = 1;
    } else if (a === "--runs") o.runs = Number(argv[++i]);
    else if (a === "--scale-runs") o.scaleRuns = Number(argv[++i]);
    else if (a === "--json") o.json = argv[++i] ?? null;
    else if (a === "--only") {
      for (const group of (argv[++i] ?? "").split(",")) {
        if (!ONLY_GROUPS.includes(group as OnlyGroup))
          throw new Error(`bench: --only takes ${ONLY_GROUPS.join(", ")}, not ${group}`);
        o.only.push(group as OnlyGroup);
      }
    } else throw new Error(`bench: unknown option ${a}`);
  }
  if (!(o.runs >= 1 && o.scaleRuns >= 1))
    throw new Error("bench: --runs and --scale-runs must be at least 1");
  return o;
}

const progress = (text: string): void => {
  process.stderr.write(`bench: ${text}\n`);
};

/** `node --expose-gc worker.js ARGS…` in a fresh process; its JSON. */
function worker<T>(args: readonly string[]): T {
  const out = execFileSync(process.execPath, ["--expose-gc", benchModule("worker.js"), ...args], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out) as T;
}

const perPage = (ns: number, pages: number): number => ns / pages;
const ms = (ns: number): number => ns / 1e6;

/**
 * The per-page rows: kernel-bench micro against cowshMicroRun, interleaved
 * run by run (kernel, cowsh, kernel, cowsh…) so that both sides of a pair
 * see the same state of this noisy machine; one warm-up pair is discarded.
 */
function microRows(binary: string, runs: number): { rows: Row[]; kernel: KernelMicroRun[] } {
  progress(
    `per-page rows: ${runs + 1} runs each over 1 GiB, interleaved (the first pair is a warm-up)`,
  );
  const kernel: KernelMicroRun[] = [];
  const cowsh: CowshMicroRun[] = [];
  const machine = bootForMicro(GiB_PAGES, SLICE_PAGES);
  for (let i = 0; i <= runs; i++) {
    const k = kernelMicro(binary, 1, GiB_PAGES, SLICE_PAGES)[0]!;
    const c = cowshMicroRun(machine, GiB_PAGES, SLICE_PAGES);
    if (i === 0) continue;
    kernel.push(k);
    cowsh.push(c);
  }
  const row = (
    name: string,
    unit: string,
    field: "first_touch" | "smaps" | "rollup" | "fork" | "cow" | "reuse" | "exit",
    pages: number,
    target: number,
  ): Row => ({
    name,
    unit,
    cowsh: cowsh.map((r) => perPage(r[field], pages)),
    kernel: kernel.map((r) => perPage(r[field], pages)),
    target: { kind: "ratio", max: target },
  });
  return {
    kernel,
    rows: [
      row("fork of a 1 GiB resident process", "ns/page", "fork", GiB_PAGES, 1),
      row("COW write fault after fork", "ns/fault", "cow", SLICE_PAGES, 0.1),
      row("write fault after the sibling's exec (reuse)", "ns/fault", "reuse", SLICE_PAGES, 0.1),
      row("first-touch write fault", "ns/fault", "first_touch", GiB_PAGES, 0.1),
      row("read /proc/PID/smaps (1 GiB)", "ns/page", "smaps", GiB_PAGES, 1),
      row("read /proc/PID/smaps_rollup (1 GiB)", "ns/page", "rollup", GiB_PAGES, 1),
      row("exit of a 1 GiB process (teardown)", "ns/page", "exit", GiB_PAGES, 1),
    ],
  };
}

/**
 * The swap rows: MADV_PAGEOUT per page and the swap-in fault per page (the
 * page still in the swap cache, a minor fault on both sides), kernel-bench
 * swap on a swap file of its own against cowshSwapRun, interleaved run by
 * run; one warm-up pair is discarded. The kernel side needs root (swapon):
 * without it the rows say so.
 */
function swapRows(binary: string, runs: number): Row[] {
  const pageout: Row = {
    name: "MADV_PAGEOUT of written anonymous pages",
    unit: "ns/page",
    cowsh: [],
    kernel: [],
    target: { kind: "ratio", max: 0.2 },
  };
  const swapin: Row = {
    name: "swap-in read fault (page in the swap cache)",
    unit: "ns/fault",
    cowsh: [],
    kernel: [],
    target: { kind: "ratio", max: 0.2 },
  };
  if (process.getuid?.() !== 0) {
    const missing = "the kernel side needs root (swapon): not measured";
    progress(`swap rows: ${missing}`);
    return [
      { ...pageout, missing },
      { ...swapin, missing },
    ];
  }
  progress(
    `swap rows: ${runs + 1} runs each over 128 MiB, interleaved, the kernel's on a swap file of its own`,
  );
  const kernel: KernelSwapRun[] = [];
  const cowsh: CowshSwapRun[] = [];
  const machine = bootForSwap(SWAP_PAGES);
  for (let i = 0; i <= runs; i++) {
    const k = kernelSwap(binary, SWAP_PAGES);
    const c = cowshSwapRun(machine, SWAP_PAGES);
    if (k.minflt < SWAP_PAGES || c.minflt !== SWAP_PAGES)
      progress(`  run ${i}: minor faults kernel ${k.minflt}, cowsh ${c.minflt} (of ${SWAP_PAGES})`);
    if (i === 0) continue;
    kernel.push(k);
    cowsh.push(c);
  }
  return [
    {
      ...pageout,
      cowsh: cowsh.map((r) => perPage(r.pageout, SWAP_PAGES)),
      kernel: kernel.map((r) => perPage(r.pageout, SWAP_PAGES)),
    },
    {
      ...swapin,
      cowsh: cowsh.map((r) => perPage(r.swapin, SWAP_PAGES)),
      kernel: kernel.map((r) => perPage(r.swapin, SWAP_PAGES)),
    },
  ];
}

/** Pages of a 2 MiB huge page (HPAGE_PMD_NR). */
const PMD_PAGES = 512;

/** cowsh's THP runs before the measured ones, for the compiler (see thpRows). */
const THP_WARM_RUNS = 4;

/**
 * The THP rows: kernel-bench thp against cowshThpRun over a 1 GiB buffer
 * on a 2 MiB boundary with MADV_HUGEPAGE, interleaved run by run; one
 * warm-up pair is discarded, after THP_WARM_RUNS runs of cowsh alone.
 * Both per 2 MiB huge page: the first touch (one huge fault and 511 stores
 * into it) and fork (timed as the fork row times it). Every run's AnonHugePages must be the whole buffer on both
 * sides, or the rows say what was mapped instead of a figure.
 */
function thpRows(binary: string, runs: number): Row[] {
  const touchRow: Row = {
    name: "THP first touch per 2 MiB",
    unit: "ns/2 MiB",
    cowsh: [],
    kernel: [],
    target: { kind: "ratio", max: 0.5 },
  };
  const forkRow: Row = {
    name: "fork of a 1 GiB THP-backed process",
    unit: "ns/2 MiB",
    cowsh: [],
    kernel: [],
    target: { kind: "ratio", max: 0.5 },
  };
  progress(
    `THP rows: ${runs + 1} runs each over 1 GiB (MADV_HUGEPAGE, 2 MiB aligned), interleaved (the first pair is a warm-up)`,
  );
  const kernel: KernelThpRun[] = [];
  const cowsh: CowshThpRun[] = [];
  const machine = bootForThp(GiB_PAGES);
  // V8 compiles the huge-PMD fork path (the walk, hugePmdEntry,
  // copyHugePmdFolio, copyPteRange) with TurboFan only during its third or
  // fourth fork of 512 PMDs; before that one fork costs 4-20 µs per 2 MiB
  // instead of ~1. The warm-up pair alone leaves the measured runs on the
  // way up, so cowsh's side first runs THP_WARM_RUNS more times, as the
  // scale row first forks 20 children: the row compares steady costs.
  for (let i = 0; i < THP_WARM_RUNS; i++) cowshThpRun(machine, GiB_PAGES);
  const wholeKb = (GiB_PAGES * 4096) / 1024;
  let missing: string | undefined;
  for (let i = 0; i <= runs && missing === undefined; i++) {
    const k = kernelThp(binary, GiB_PAGES);
    if ("unavailable" in k) {
      missing = `THP unavailable on this kernel (${k.unavailable})`;
      break;
    }
    const c = cowshThpRun(machine, GiB_PAGES);
    if (k.anon_huge_kb !== wholeKb || c.anon_huge_kb !== wholeKb)
      missing = `run ${i}: AnonHugePages kernel ${k.anon_huge_kb} kB, cowsh ${c.anon_huge_kb} kB of ${wholeKb}: not all huge`;
    if (i === 0) continue;
    kernel.push(k);
    cowsh.push(c);
  }
  if (missing !== undefined) {
    progress(`THP rows: ${missing}`);
    return [
      { ...touchRow, missing },
      { ...forkRow, missing },
    ];
  }
  const per2M = (ns: number): number => ns / (GiB_PAGES / PMD_PAGES);
  return [
    {
      ...touchRow,
      cowsh: cowsh.map((r) => per2M(r.first_touch)),
      kernel: kernel.map((r) => per2M(r.first_touch)),
    },
    {
      ...forkRow,
      cowsh: cowsh.map((r) => per2M(r.fork)),
      kernel: kernel.map((r) => per2M(r.fork)),
    },
  ];
}

/** Identical pages KSM scans per run (256 MiB): two full scans of them are timed. */
const KSM_PAGES = 64 * 1024;

/**
 * The KSM row: ksmd's time per page scanned over the first two full scans
 * of KSM_PAGES identical MADV_MERGEABLE pages (checksums, then merging),
 * kernel-bench ksm (ksmd's CPU time, ksm-kernel.sh setting and restoring
 * ksmd's tunables under the truth lock) against cowshKsmRun (the time in
 * Machine.advance), interleaved run by run; one warm-up pair is discarded.
 * The kernel side needs root and KSM: without them the row says so. Both
 * sides must end with the same counters, or the row says what differed.
 */
function ksmRows(binary: string, runs: number): Row[] {
  const row: Row = {
    name: "KSM scan per page (two full scans, merging)",
    unit: "ns/page",
    cowsh: [],
    kernel: [],
    target: { kind: "ratio", max: 0.5 },
  };
  if (process.getuid?.() !== 0) {
    const missing = "the kernel side needs root (/sys/kernel/mm/ksm/run): not measured";
    progress(`KSM row: ${missing}`);
    return [{ ...row, missing }];
  }
  progress(
    `KSM row: ${runs + 1} runs each over ${KSM_PAGES} identical pages, interleaved, the kernel's under the truth lock`,
  );
  const kernel: KernelKsmRun[] = [];
  const cowsh: CowshKsmRun[] = [];
  const machine = bootForKsm(KSM_PAGES);
  let missing: string | undefined;
  for (let i = 0; i <= runs && missing === undefined; i++) {
    const k = kernelKsm(binary, KSM_PAGES);
    if ("unavailable" in k) {
      missing = `KSM unavailable on this kernel (${k.unavailable})`;
      break;
    }
    const c = cowshKsmRun(machine, KSM_PAGES);
    const counters = (r: KernelKsmRun | CowshKsmRun): string =>
      `${r.full_scans} scans, ${r.pages_scanned} scanned, ${r.pages_shared} shared, ${r.pages_sharing} sharing`;
    if (counters(k) !== counters(c))
      missing = `run ${i}: kernel ${counters(k)}; cowsh ${counters(c)}`;
    if (i === 0) continue;
    kernel.push(k);
    cowsh.push(c);
  }
  if (missing !== undefined) {
    progress(`KSM row: ${missing}`);
    return [{ ...row, missing }];
  }
  return [
    {
      ...row,
      cowsh: cowsh.map((r) => perPage(r.cpu, r.pages_scanned)),
      kernel: kernel.map((r) => perPage(r.cpu, r.pages_scanned)),
    },
  ];
}

/** Host bytes per simulated resident page (RSS less V8's young generation), against VmPTE growth + sizeof(struct page). */
function memoryRow(kernel: readonly KernelMicroRun[], runs: number): Row {
  progress(`host memory per page: ${runs} fresh cowsh processes`);
  const cowsh: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = worker<MemoryResult>(["memory", String(GiB_PAGES)]);
    const per = (bytes: number): string => (bytes / r.pages).toFixed(1);
    progress(
      `  RSS ${per(r.rss)} B/page, of which V8's young generation ${per(r.young)} (not per page); ` +
        `accounted: frame arrays ${per(r.frames)}, ArrayBuffers ${per(r.arrayBuffers)}, ` +
        `V8 heap ${per(r.heapUsed)}; fork then adds ${per(r.forkRss)} B/page`,
    );
    cowsh.push((r.rss - r.young) / r.pages);
  }
  const kernelBytes = kernel
    .slice(0, runs)
    .map((r) => (r.pte_kb * 1024) / GiB_PAGES + STRUCT_PAGE_BYTES);
  return {
    name: "host bytes per resident page",
    unit: "bytes",
    cowsh,
    kernel: kernelBytes,
    target: { kind: "value", max: 16, label: "≤ 16 B" },
  };
}

function experimentRow(binary: string, dir: string, runs: number): Row {
  const script = writeScaledDemo(dir);
  const mode = scriptMode(script);
  if (mode === "stdin")
    progress(
      "warning: this cowsh build rejects `cowsh FILE` (Unknown argument); the script goes to its stdin",
    );
  progress(
    `experiment at 1 GiB: ${runs + 1} runs each of cowsh ${script} and kernel-bench experiment`,
  );
  const cowsh: number[] = [];
  const kernel: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const c = runCowshExperiment(script, mode);
    const k = runKernelExperiment(binary);
    if (i === 0) continue; // warm-up: page cache, the VM's first touch of host memory
    cowsh.push(ms(c.ns));
    kernel.push(ms(k.ns));
  }
  const name = `acceptance experiment at 1 GiB (batch${mode === "stdin" ? ", script on stdin" : ""})`;
  return { name, unit: "ms", cowsh, kernel, target: { kind: "ratio", max: 1 } };
}

async function startupRows(runs: number): Promise<Row[]> {
  progress(`start-up: ${runs + 1} runs each (the first is a warm-up)`);
  const env = {
    ...process.env,
    HOME: mkdtempSync(join(tmpdir(), "cowsh-bench-home-")),
    TERM: "xterm-256color",
  };
  const measure = async (
    command: string,
    args: readonly string[],
    until: RegExp,
  ): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const ns = await timeToOutput(command, args, until, env);
      if (i > 0) out.push(ms(ns));
    }
    return out;
  };
  const node = process.execPath;
  const rows: Row[] = [];
  // The `cowsh` command (package.json "bin"): the launcher paints the first
  // prompt before it execs Node on the binary.
  const [ptyCommand, ptyArgs] = onPty(cowshCommand());
  const [bashCommand, bashArgs] = onPty("bash --norc --noprofile -i");
  const prompt: Row = {
    name: "start-up to first prompt (pty, cowsh command) vs bash",
    unit: "ms",
    cowsh: [],
    kernel: [],
    target: { kind: "value", max: 100, label: "< 100 ms" },
  };
  // bash's prompt ends its output; cowsh's may have a status line below it.
  const bash = await measure(bashCommand, bashArgs, /[$#] $/);
  // Node's own start is the floor for any prompt Node writes: a node that
  // only writes the prompt (and stays, as a shell does), run by turns with
  // cowsh so that both see the same load. The launcher paints before it.
  const [bareCommand, bareArgs] = onPty(
    `${node} -e 'process.stdout.write("cowsh$ "); setTimeout(() => {}, 10000)'`,
  );
  const cowsh: number[] = [];
  const bare: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const b = await timeToOutput(bareCommand, bareArgs, /[$#] /, env);
      const c = await timeToOutput(ptyCommand, ptyArgs, /[$#] /, env);
      if (i === 0) continue;
      bare.push(ms(b));
      cowsh.push(ms(c));
    }
    rows.push(
      { ...prompt, cowsh, kernel: bash },
      {
        name: "start-up to first prompt (pty, cowsh command) vs a node script writing it",
        unit: "ms",
        cowsh,
        kernel: bare,
        target: { kind: "ratio", max: 1 },
      },
    );
  } catch (e) {
    const why = stripAnsi(e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ");
    rows.push({
      ...prompt,
      missing: `cowsh: ${why.slice(0, 100)} (bash: ${fmt(summarize(bash).median)} ms)`,
    });
  }
  rows.push(batchVsNode(node, runs, env), batchThroughLauncher(node, runs, env), {
    name: "batch start-up to first output vs bash -c",
    unit: "ms",
    cowsh: await measure(cowshCommand(), ["-c", "echo hi"], /hi/),
    kernel: await measure("bash", ["-c", "echo hi"], /hi/),
    target: null,
  });
  rmSync(env.HOME, { recursive: true, force: true });
  return rows;
}

/**
 * `cowsh -c 'echo hi'` against `node -e 'console.log(1)'`, start to exit,
 * run in pairs (node, cowsh, node, cowsh…; the first pair is a warm-up):
 * what start-up costs beyond Node's own, which every script that calls
 * cowsh pays each time.
 */
function batchVsNode(node: string, runs: number, env: NodeJS.ProcessEnv): Row {
  const cowsh: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const n = timeToExit(node, ["-e", "console.log(1)"], env);
    const c = timeToExit(cowshCommand(), ["-c", "echo hi"], env);
    if (i === 0) continue;
    bare.push(ms(n));
    cowsh.push(ms(c));
  }
  return {
    name: "batch start-up to exit (cowsh -c 'echo hi') vs node -e",
    unit: "ms",
    cowsh,
    kernel: bare,
    target: { kind: "ratio", max: 1.5 },
  };
}

/**
 * `cowsh -c 'echo hi'` through the `cowsh` command (the launcher, which
 * execs Node at once when given arguments) against `node dist/bin/cowsh.js
 * -c 'echo hi'`, paired as above: what the launcher costs a batch run.
 */
function batchThroughLauncher(node: string, runs: number, env: NodeJS.ProcessEnv): Row {
  const command: number[] = [];
  const binary: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const b = timeToExit(node, [cowshMain(), "-c", "echo hi"], env);
    const c = timeToExit(cowshCommand(), ["-c", "echo hi"], env);
    if (i === 0) continue;
    binary.push(ms(b));
    command.push(ms(c));
  }
  return {
    name: "batch start-up: cowsh command vs node on the binary",
    unit: "ms",
    cowsh: command,
    kernel: binary,
    target: { kind: "ratio", max: 1.05 },
  };
}

function scaleRows(binary: string, runs: number): Row[] {
  progress(
    `scale: ${SCALE_CHILDREN} children of a 256 MiB parent, ${runs} runs each (the kernel takes ~20 s a run)`,
  );
  const cowsh: ScaleResult[] = [];
  const kernel: KernelScale[] = [];
  for (let i = 0; i < runs; i++) {
    const c = worker<ScaleResult>(["scale", String(SCALE_CHILDREN), String(SCALE_PAGES)]);
    const k = kernelScale(binary, SCALE_CHILDREN, SCALE_PAGES);
    const kb = (bytes: number): string => `${Math.round(bytes / c.children / 1024)} KiB`;
    progress(
      `  cowsh: forks+writes ${fmt(ms(c.forkWrite))} ms, reads ${fmt(ms(c.read))} ms; per child RSS ${kb(c.rss)} ` +
        `(V8 heap ${kb(c.heapUsed)}, ArrayBuffers ${kb(c.arrayBuffers)}); ${c.children * c.writtenPerChild} pages copied`,
    );
    progress(
      `  kernel: forks ${fmt(ms(k.fork))} ms, writes after ${fmt(ms(k.write))} ms, reads ${fmt(ms(k.read))} ms; ` +
        `MemAvailable -${Math.round(k.mem_available_drop_kb / 1024)} MiB`,
    );
    cowsh.push(c);
    kernel.push(k);
  }
  return [
    {
      name: "scale: 1,000 forks + 1% writes + smaps_rollup",
      unit: "ms",
      cowsh: cowsh.map((r) => ms(r.total)),
      kernel: kernel.map((r) => ms(r.total)),
      target: { kind: "value", max: 2000, label: "< 2 s" },
    },
    {
      // Not proportional to processes x buffer: each child costs less than a
      // copy of the buffer's PTEs would (4 bytes x 65,536 pages = 256 KiB).
      name: "scale: memory growth per child",
      unit: "KiB",
      cowsh: cowsh.map((r) => r.rss / r.children / 1024),
      kernel: kernel.map((r) => r.mem_available_drop_kb / r.children),
      target: { kind: "value", max: (SCALE_PAGES * 4) / 1024, label: "< 256 KiB" },
    },
  ];
}

function machineLine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpu}, ${cpus().length} cores, Linux ${release()}, node ${process.version}`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), "cowsh-bench-"));
  const binary = compileKernelBench();
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  const rows: Row[] = [];
  for (const group of options.only) {
    if (group === "startup") rows.push(...(await startupRows(options.runs)));
    else if (group === "swap") rows.push(...swapRows(binary, options.runs));
    else if (group === "thp") rows.push(...thpRows(binary, options.runs));
    else if (group === "ksm") rows.push(...ksmRows(binary, options.runs));
  }
  if (options.only.length === 0) {
    const micro = microRows(binary, options.runs);
    rows.push(
      ...micro.rows,
      ...swapRows(binary, options.runs),
      ...thpRows(binary, options.runs),
      ...ksmRows(binary, options.runs),
      memoryRow(micro.kernel, Math.min(3, options.runs)),
      experimentRow(binary, dir, options.runs),
      ...(await startupRows(options.runs)),
      ...scaleRows(binary, options.scaleRuns),
    );
  }
  const results = rows.map(evaluate);
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write(
    `cowsh / kernel, ${new Date().toISOString().slice(0, 10)}, ${machineLine()}\n` +
      `median of ${options.runs} runs (scale: ${options.scaleRuns}), min and max of the paired ratios; ` +
      `${seconds} s; load average ${loadBefore.toFixed(2)} at the start\n\n` +
      `${renderTable(results)}\n`,
  );
  if (options.json !== null)
    writeFileSync(
      options.json,
      `${JSON.stringify({ machine: machineLine(), options, rows }, null, 2)}\n`,
    );
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(binary, ".."), { recursive: true, force: true });
  const missed = results.filter((r) => r.met === false).length;
  if (missed > 0) process.stdout.write(`\n${missed} target(s) not met.\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
