/**
 * The bundled binary (dist/bin/cowsh.js, package.json "bin"): what it loads
 * before it can paint the early prompt is small (the core chunk, kernel and
 * all, is compiled only after), Ink and React are imported only by the
 * interactive app's chunk (which ui/main.js loads after dropping CI from
 * the environment), and the batch path imports neither them nor yargs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BIN, ROOT } from "./tmux-pane.js";

const DIR = join(ROOT, "dist/bin");
const CHUNKS = join(DIR, "chunks");

/**
 * What `file` imports statically: `import … from "x"` in an ES module,
 * a top-level `const … = require("x")` in the batch path's CommonJS.
 */
function specifiersOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(/^import\s[^;]*?from\s*"([^"]+)";?$/gm),
    ...text.matchAll(/^(?:"use strict";)?const\s[^;]*?=\s*require\("([^"]+)"\);$/gm),
  ].map((m) => m[1]!);
}

/** The relative modules `file` imports statically, as paths. */
function staticImports(file: string): string[] {
  const dir = join(file, "..");
  return specifiersOf(file)
    .filter((s) => s.startsWith("."))
    .map((s) => join(dir, s));
}

/** `file` and everything it imports statically, transitively. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const dep of staticImports(file)) closure(dep, seen);
  return seen;
}

const packagesOf = (file: string): string[] => specifiersOf(file).filter((s) => !s.startsWith("."));

describe.skipIf(!existsSync(BIN) && !process.env.CI)("the bundled binary", () => {
  test("loads under 30 KB of its own code before main() runs", () => {
    const bytes = [...closure(BIN)].reduce((sum, f) => sum + statSync(f).size, 0);
    expect(bytes).toBeLessThan(30_000);
  });

  test("only the app's chunk imports Ink or React; no chunk of the batch path imports yargs", () => {
    const chunks = readdirSync(CHUNKS).filter((f) => /\.c?js$/.test(f));
    const importers = (pkg: RegExp) =>
      chunks.filter((c) => packagesOf(join(CHUNKS, c)).some((p) => pkg.test(p)));
    expect(
      importers(/^(?:ink|react)(?:\/|$)/).map((c) => c.replace(/-[\w-]{8}\.c?js$/, "")),
    ).toEqual(["app"]);
    expect(importers(/^yargs$/).map((c) => c.replace(/-[\w-]{8}\.c?js$/, ""))).toEqual([
      "cli-options",
    ]);
    const core = chunks.find((c) => c.startsWith("core-"))!;
    expect(packagesOf(join(CHUNKS, core)).filter((p) => !p.startsWith("node:"))).toEqual([]);
  });
});
