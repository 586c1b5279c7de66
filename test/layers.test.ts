/**
 * The layers point one way: kernel <- fs <- commands <- shell <- ui/main.
 * A lower layer importing a higher one fails here, and the kernel stays
 * pure: no node: modules, no Date, no Math.random.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";

const ROOT = resolve(new URL("..", import.meta.url).pathname);

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The repo-relative targets of a file's imports (node: and packages as written). */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const specs = [
    ...text.matchAll(
      /(?:import|export)[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2])!);
  return specs.map((s) =>
    s.startsWith(".") ? relative(ROOT, resolve(join(ROOT, file), "..", s)) : s,
  );
}

/** Which layer a repo path belongs to; higher numbers are higher layers. */
function layer(path: string): number {
  if (path.startsWith("src/kernel/")) return 0;
  if (path.startsWith("fs/")) return 1;
  if (path.startsWith("commands/")) return 2;
  // The shell's pure helpers (types, getopt, text-tool I/O…) serve the commands; its runtime sits above them.
  if (path.startsWith("src/shell/"))
    return /src\/shell\/(runtime|complete|script-stream)\./.test(path) ? 3 : 2;
  if (path.startsWith("src/ui/")) return 4;
  return 5;
}

describe("layers", () => {
  const files = ["src", "fs", "commands"].flatMap(sources);

  test.each(files)("%s imports nothing above its layer", (file) => {
    for (const target of imports(file)) {
      if (!target.includes("/") && !target.startsWith(".")) continue; // packages
      if (
        target.startsWith("node:") ||
        target.startsWith("@") ||
        !/^(src|fs|commands)\//.test(target)
      )
        continue;
      expect(layer(target), `${file} imports ${target}`).toBeLessThanOrEqual(layer(file));
    }
  });

  test.each(sources("src/kernel"))("%s is pure", (file) => {
    const text = readFileSync(join(ROOT, file), "utf8");
    expect(imports(file).filter((t) => !t.startsWith("src/kernel/"))).toEqual([]);
    expect(text).not.toMatch(
      /\bnew Date\b|Date\.now|Math\.random|\bprocess\.(env|argv|exit|std|hrtime|memoryUsage|cwd|nextTick)|\bBuffer\b/,
    );
  });
});
