/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and prints, for each function
 * named on the command line, the time spent under it and the functions
 * that time was spent in (self time), heaviest first:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/test/bench/worker.js micro 262144 32768 4
 *   node dist/test/bench/profile-summary.js /tmp/prof/*.cpuprofile fork doWpPage showSmaps
 *
 * With no function names it prints the whole profile's heaviest functions.
 * Options: --by-file groups self time by script instead of by function;
 * --startup keeps only the samples before the process first goes idle for
 * 100 ms (for a shell: the time to its first prompt).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const label = (n: ProfileNode): string =>
  `${n.callFrame.functionName || "(anonymous)"} ${basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

interface SummaryOptions {
  readonly byFile: boolean;
  readonly startup: boolean;
}

/** How many samples come before the first stretch of 100 ms spent idle (all of them if none). */
function samplesBeforeIdle(profile: Profile, byId: Map<number, ProfileNode>): number {
  let idleSince = -1;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const idle = byId.get(profile.samples[i]!)!.callFrame.functionName === "(idle)";
    if (!idle) {
      idleSince = -1;
      idleUs = 0;
      continue;
    }
    if (idleSince < 0) idleSince = i;
    idleUs += profile.timeDeltas[i] ?? 0;
    if (idleUs >= 100_000) return idleSince;
  }
  return profile.samples.length;
}

function summarizeProfile(
  profile: Profile,
  roots: readonly string[],
  options: SummaryOptions,
): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  const count = options.startup ? samplesBeforeIdle(profile, byId) : profile.samples.length;
  for (let i = 0; i < count; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  /** The nearest ancestor-or-self whose function is `root`, if any. */
  const under = (id: number, root: string): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)!.callFrame.functionName === root) return true;
    }
    return false;
  };
  const lines: string[] = [];
  for (const root of roots.length > 0 ? roots : [null]) {
    const totals = new Map<string, number>();
    let total = 0;
    for (const [id, us] of self) {
      if (root !== null && !under(id, root)) continue;
      const node = byId.get(id)!;
      const key = options.byFile ? fileOf(node.callFrame.url) : label(node);
      totals.set(key, (totals.get(key) ?? 0) + us);
      total += us;
    }
    lines.push(`${root ?? "whole profile"}: ${(total / 1000).toFixed(1)} ms`);
    const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 12);
    for (const [key, us] of top) {
      lines.push(
        `  ${((100 * us) / Math.max(total, 1)).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`,
      );
    }
  }
  return lines.join("\n");
}

/** A script's package (node_modules/NAME) or path below the repository's dist/, or "(native)". */
function fileOf(url: string): string {
  if (url === "") return "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg !== null) return `node_modules/${pkg[1]}`;
  const dist = url.indexOf("/dist/");
  return dist >= 0 ? url.slice(dist + 1) : url;
}

const args = process.argv.slice(2);
const options: SummaryOptions = {
  byFile: args.includes("--by-file"),
  startup: args.includes("--startup"),
};
const [file, ...roots] = args.filter((a) => !a.startsWith("--"));
if (file === undefined) {
  process.stderr.write(
    "usage: profile-summary.js [--by-file] [--startup] FILE.cpuprofile [FUNCTION…]\n",
  );
  process.exitCode = 2;
} else {
  process.stdout.write(
    `${summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as Profile, roots, options)}\n`,
  );
}
