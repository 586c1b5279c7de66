/**
 * The real kernel's side: compiles kernel-bench.c with `cc -O2` once per
 * run of the benchmark and parses the JSON each mode prints.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

/** One run of `kernel-bench micro`: nanoseconds per phase (field meanings in kernel-bench.c). */
export interface KernelMicroRun {
  readonly first_touch: number;
  readonly smaps: number;
  readonly rollup: number;
  readonly fork: number;
  readonly cow: number;
  readonly reuse: number;
  readonly exit: number;
  readonly munmap: number;
  readonly smaps_bytes: number;
  readonly rollup_bytes: number;
  /** VmPTE growth from mapping and touching the buffer, in kB. */
  readonly pte_kb: number;
}

export interface KernelScale {
  readonly children: number;
  readonly pages: number;
  readonly written_per_child: number;
  readonly total: number;
  readonly fork: number;
  readonly write: number;
  readonly read: number;
  readonly rollup_bytes: number;
  readonly mem_available_drop_kb: number;
  readonly mem_free_drop_kb: number;
}

/** Compiles kernel-bench.c into a fresh temporary directory; returns the binary's path. */
export function compileKernelBench(): string {
  const dir = mkdtempSync(join(tmpdir(), "cowsh-bench-"));
  const binary = join(dir, "kernel-bench");
  const source = join(repoRoot(), "test", "bench", "kernel-bench.c");
  execFileSync("cc", ["-O2", "-Wall", "-o", binary, source], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  return binary;
}

function runJson<T>(binary: string, args: readonly string[]): T {
  const out = execFileSync(binary, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as T;
}

/** `runs` runs of the micro benchmarks over a buffer of `pages` pages, faults over `slice` pages. */
export function kernelMicro(
  binary: string,
  runs: number,
  pages: number,
  slice: number,
): KernelMicroRun[] {
  return runJson<{ runs: KernelMicroRun[] }>(binary, [
    "micro",
    String(runs),
    String(pages),
    String(slice),
  ]).runs;
}

/** The scale scenario: `children` forks of a `pages`-page parent. */
export function kernelScale(binary: string, children: number, pages: number): KernelScale {
  return runJson<KernelScale>(binary, ["scale", String(children), String(pages)]);
}

/** One run of `kernel-bench swap`: nanoseconds for MADV_PAGEOUT and for the swap-in reads. */
export interface KernelSwapRun {
  readonly pageout: number;
  readonly swapin: number;
  readonly swapped_kb: number;
  readonly minflt: number;
  readonly majflt: number;
}

/** The lock every run that changes the machine's swap takes (test/truth/README.md). */
export const TRUTH_LOCK = "/tmp/cowsh-truth.lock";

/**
 * One `kernel-bench swap 1 PAGES` on a swap file of its own, set up and
 * removed by swap-kernel.sh, under the truth lock. Needs root.
 */
export function kernelSwap(binary: string, pages: number): KernelSwapRun {
  const script = join(repoRoot(), "test", "bench", "swap-kernel.sh");
  const mib = String(Math.ceil((pages * 4096) / (1024 * 1024)) + 32);
  return runJson<{ runs: KernelSwapRun[] }>("flock", [
    TRUTH_LOCK,
    "sh",
    script,
    binary,
    "1",
    String(pages),
    mib,
  ]).runs[0]!;
}

/** One run of `kernel-bench thp`: nanoseconds for the first touch and the fork, and AnonHugePages after the touch. */
export interface KernelThpRun {
  readonly first_touch: number;
  readonly fork: number;
  readonly anon_huge_kb: number;
}

/** `kernel-bench thp 1 PAGES`: one run, or why THP could not be measured (transparent_hugepage/enabled is `never`). */
export function kernelThp(binary: string, pages: number): KernelThpRun | { unavailable: string } {
  const out = runJson<{ runs?: KernelThpRun[]; unavailable?: string }>(binary, [
    "thp",
    "1",
    String(pages),
  ]);
  if (out.unavailable !== undefined || out.runs === undefined)
    return { unavailable: out.unavailable ?? "no runs" };
  return out.runs[0]!;
}

/** `kernel-bench ksm PAGES`: ksmd's CPU and wall time over two full scans, and the counters (field meanings in kernel-bench.c). */
export interface KernelKsmRun {
  readonly pages: number;
  readonly cpu: number;
  readonly wall: number;
  readonly full_scans: number;
  readonly pages_scanned: number;
  readonly pages_shared: number;
  readonly pages_sharing: number;
}

/**
 * One `kernel-bench ksm PAGES` with ksmd started and its tunables set by
 * ksm-kernel.sh, which restores them afterwards, under the truth lock. Needs
 * root; without KSM the script says why instead of a run.
 */
export function kernelKsm(binary: string, pages: number): KernelKsmRun | { unavailable: string } {
  const script = join(repoRoot(), "test", "bench", "ksm-kernel.sh");
  const out = runJson<KernelKsmRun | { unavailable: string }>("flock", [
    TRUTH_LOCK,
    "sh",
    script,
    binary,
    String(pages),
  ]);
  return out;
}
