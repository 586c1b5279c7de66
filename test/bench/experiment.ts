/**
 * The acceptance experiment (demo/fork-exec.cowsh) scaled from a 16 MiB to
 * a 1 GiB buffer, run whole process against whole process: the real
 * `cowsh` binary on the scaled script against `kernel-bench experiment`.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cowshMain, repoRoot } from "./paths.js";
import { nowNs } from "./stats.js";

/** 16 MiB becomes 1 GiB: every size in the demo grows by this factor. */
export const EXPERIMENT_SCALE = 64;

const SIZE = /\b(\d+)([KMG])\b/g;
const UNITS = ["K", "M", "G", "T"];
/** `expect FILE MAPPING FIELD = N`: the number a figure is checked against. */
const EXPECTED = /^(\s*expect\s.*=\s*)(\d+)\s*$/;

/** `n` with unit `unit` times `factor`, in the largest unit that keeps it whole. */
function scaleSize(n: number, unit: string, factor: number): string {
  let value = n * factor;
  let u = UNITS.indexOf(unit);
  while (value % 1024 === 0 && u < UNITS.length - 1) {
    value /= 1024;
    u++;
  }
  return `${value}${UNITS[u]}`;
}

/**
 * The demo script with every size on a command line (not in comments)
 * multiplied by `factor`: `mmap $P 16M` becomes `mmap $P 1G`, `buf+2M 1M`
 * becomes `buf+128M 64M`. The figures `expect` lines check (kB and page
 * counts, which all grow with the sizes) are multiplied too, so the scaled
 * run still checks itself: a wrong figure prints to stderr and the
 * benchmark stops. Throws if the demo no longer maps a 16M buffer, so that
 * a changed demo cannot silently change what is measured.
 */
export function scaleScript(source: string, factor: number): string {
  if (!/^mmap .* 16M\b/m.test(source))
    throw new Error("bench: the demo no longer maps a 16M buffer");
  const scaleLine = (line: string): string => {
    if (line.trimStart().startsWith("#")) return line;
    const scaled = line.replace(SIZE, (_, n: string, u: string) => scaleSize(Number(n), u, factor));
    return scaled.replace(EXPECTED, (_, head: string, n: string) => `${head}${Number(n) * factor}`);
  };
  return source.split("\n").map(scaleLine).join("\n");
}

/** Writes the scaled demo into `dir`; returns its path. */
export function writeScaledDemo(dir: string): string {
  const demo = readFileSync(join(repoRoot(), "demo", "fork-exec.cowsh"), "utf8");
  const path = join(dir, "fork-exec-1g.cowsh");
  writeFileSync(path, scaleScript(demo, EXPERIMENT_SCALE));
  return path;
}

/** Runs a command to its end (stdin from `input`, if given); returns the wall time in nanoseconds. Throws if it fails. */
export function timeWholeProcess(
  command: string,
  args: readonly string[],
  input?: string,
): { ns: number; stdout: string } {
  const t0 = nowNs();
  const r = spawnSync(command, args, {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    ...(input === undefined ? {} : { input }),
  });
  const ns = nowNs() - t0;
  if (r.status !== 0 || r.stderr !== "") {
    throw new Error(
      `bench: ${command} ${args.join(" ")} failed (${r.status}): ${r.stderr || r.error}`,
    );
  }
  return { ns, stdout: r.stdout };
}

/** How the cowsh binary is given the script: as its FILE argument, or on stdin if it refuses FILE. */
export type ScriptMode = "file" | "stdin";

/**
 * Picks how to run the script: `cowsh FILE`, as the issue asks, unless this
 * build of the binary rejects a FILE argument (then the same script goes to
 * its stdin, which is batch mode too, and the caller reports that).
 */
export function scriptMode(script: string): ScriptMode {
  try {
    timeWholeProcess(process.execPath, [cowshMain(), script]);
    return "file";
  } catch (e) {
    if (!String(e).includes("Unknown argument")) throw e;
    return "stdin";
  }
}

/** One run of the scaled experiment by the real cowsh binary. */
export function runCowshExperiment(
  script: string,
  mode: ScriptMode,
): { ns: number; stdout: string } {
  return mode === "file"
    ? timeWholeProcess(process.execPath, [cowshMain(), script])
    : timeWholeProcess(process.execPath, [cowshMain()], readFileSync(script, "utf8"));
}

/** One run of the same experiment on the real kernel. */
export const runKernelExperiment = (binary: string) => timeWholeProcess(binary, ["experiment"]);
