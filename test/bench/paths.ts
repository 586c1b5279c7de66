/** Where the benchmark finds the repository, the compiled cowsh binary and its own sources. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the nearest directory above this file holding package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("bench: package.json not found above the benchmark");
    dir = up;
  }
  return dir;
}

/** The binary Node runs (dist/bin/cowsh.js), which the `cowsh` command starts. */
export function cowshMain(): string {
  return join(repoRoot(), "dist", "bin", "cowsh.js");
}

/** The `cowsh` command as npm installs it (package.json "bin": the launcher, a sh script). */
export function cowshCommand(): string {
  const root = repoRoot();
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    bin: { cowsh: string };
  };
  return join(root, pkg.bin.cowsh);
}

/** This directory's compiled sibling, e.g. worker.js (dist/test/bench/). */
export const benchModule = (name: string): string =>
  join(dirname(fileURLToPath(import.meta.url)), name);
