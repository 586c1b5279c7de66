/**
 * The bundled binary (dist/bin/cowsh.js, which the `cowsh` command execs): what it loads
 * before it can paint the early prompt is small (the core chunk, kernel and
 * all, is compiled only after), Ink and React are imported only by the
 * interactive app's chunk (which ui/main.js loads after dropping CI from
 * the environment), and the batch path imports neither them nor yargs.
 * The prompt is painted by CommonJS alone (scripts/batch-cjs.mjs): Node's
 * ES module loader, 20–30 ms of a start, starts after it.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
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

  test.skipIf(spawnSync("script", ["--version"]).status !== 0)(
    "paints the prompt in a terminal before Node's ES module loader or the core is loaded",
    () => {
      // A probe (--require) that, at the first write of the prompt, records
      // the built-in modules and CommonJS files loaded so far, and exits.
      const dir = mkdtempSync(join(tmpdir(), "cowsh-prompt-"));
      try {
        const probe = join(dir, "probe.cjs");
        const out = join(dir, "trace.json");
        writeFileSync(
          probe,
          `const write = process.stdout.write;
process.stdout.write = function (chunk, ...rest) {
  if (String(chunk).includes("cowsh$ ")) {
    require("node:fs").writeFileSync(${JSON.stringify(out)},
      JSON.stringify({ builtins: process.moduleLoadList, files: Object.keys(require.cache) }));
    process.exit(0);
  }
  return write.call(this, chunk, ...rest);
};\n`,
        );
        const inner = `exec ${process.execPath} --require ${probe} ${BIN}`;
        const r = spawnSync("script", ["-q", "-e", "-c", inner, "/dev/null"], {
          encoding: "utf8",
          env: { ...process.env, HOME: dir },
          timeout: 30_000,
        });
        expect(r.status).toBe(0);
        const trace = JSON.parse(readFileSync(out, "utf8")) as {
          builtins: string[];
          files: string[];
        };
        expect(trace.builtins).not.toContain("NativeModule internal/modules/esm/module_job");
        expect(
          trace.files.slice(1).map((f) => f.slice(ROOT.length).replace(/-[\w-]{8}\./, ".")),
        ).toEqual(["dist/bin/cowsh.js", "dist/bin/chunks/result.cjs"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
