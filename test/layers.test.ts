/**
 * The layers point one way (docs/ARCHITECTURE.md, "What each folder owns"):
 *
 *   kernel <- fs <- contract <- commands <- shell <- ui <- main
 *
 * Every source file has a layer, from a folder rule or an explicit list; a
 * file no rule names fails here, so a new file is placed on purpose. A file
 * may import its own layer and those below (the UI not the commands: it
 * reaches them through the shell). `node:` modules are allowed only
 * where a layer says: none in the kernel and fs, computation only (zlib,
 * crypto) from the contract up, and the host (files, terminal, readline)
 * only in src/shell/host.ts, the UI and the binary. The kernel stays pure:
 * no Date, no Math.random, no process.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
/** What the web build (scripts/build-web.mjs) puts in place of src/shell/host.ts. */
const BROWSER_HOST = "web/browser-host.ts";

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The targets of a source text's imports: repo paths (.ts) for relative ones, else as written. */
function importsOf(file: string, text: string): string[] {
  const specs = [
    ...text.matchAll(
      /^\s*(?:import|export)\b[^;'"]*?\bfrom\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm,
    ),
  ].map((m) => (m[1] ?? m[2] ?? m[3])!);
  return specs.map((s) => {
    if (!s.startsWith(".")) return s;
    const path = relative(ROOT, resolve(join(ROOT, file), "..", s));
    if (!path.endsWith(".js")) return path;
    const tsx = path.replace(/\.js$/, ".tsx");
    return existsSync(join(ROOT, tsx)) ? tsx : path.replace(/\.js$/, ".ts");
  });
}

/** Node modules that only compute (no files, no terminal, no clock). */
const COMPUTE = ["node:crypto", "node:zlib"];
const ANY_NODE = "any";

interface Layer {
  readonly name: string;
  readonly rank: number;
  /** The node: modules its files may import. */
  readonly node: readonly string[] | typeof ANY_NODE;
  /** Lower layers it still may not import (it reaches them through another). */
  readonly not?: readonly string[];
}

const KERNEL: Layer = { name: "kernel", rank: 0, node: [] };
const FS: Layer = { name: "fs", rank: 1, node: [] };
/** What commands and front ends share: the shell's contract with commands, the views, the image format. */
const CONTRACT: Layer = { name: "contract", rank: 2, node: COMPUTE };
const COMMANDS: Layer = { name: "commands", rank: 3, node: COMPUTE };
const SHELL: Layer = { name: "shell", rank: 4, node: COMPUTE };
/** The shell's one door to the host's files: same rank as the shell, so no command can import it. */
const HOST: Layer = { name: "shell (host)", rank: 4, node: ANY_NODE };
/** The UI reaches the commands only through the shell, and draws what src/views describes. */
const UI: Layer = { name: "ui", rank: 5, node: ANY_NODE, not: ["commands"] };
const MAIN: Layer = { name: "main", rank: 6, node: ANY_NODE };
/** The web page (web/): a front end beside the binary, with no Node at all (it runs in a browser). */
const WEB: Layer = { name: "web", rank: 6, node: [] };

/** src/shell, file by file: its pure modules serve the commands, the rest runs them. */
const SHELL_FILES: Readonly<Record<string, Layer>> = {
  "types.ts": CONTRACT,
  "session.ts": CONTRACT,
  "getopt.ts": CONTRACT,
  "tool-io.ts": CONTRACT,
  "posix-regex.ts": CONTRACT,
  "line-diff.ts": CONTRACT,
  "escapes.ts": CONTRACT,
  "arith.ts": CONTRACT,
  "test-expr.ts": CONTRACT,
  "builtins.ts": CONTRACT,
  "history-expand.ts": CONTRACT,
  "ast.ts": SHELL,
  "syntax-error.ts": SHELL,
  "lexer.ts": SHELL,
  "parser.ts": SHELL,
  "expand.ts": SHELL,
  "pattern.ts": SHELL,
  "pathname.ts": SHELL,
  "cond.ts": SHELL,
  "script-stream.ts": SHELL,
  "runtime.ts": SHELL,
  "paced-run.ts": SHELL,
  "complete.ts": SHELL,
  "host.ts": HOST,
};

/** The layer of a repo path; throws for a file no rule names. */
function layerOf(path: string): Layer {
  const under = (dir: string): boolean => path.startsWith(dir);
  if (under("src/kernel/")) return KERNEL;
  if (under("fs/")) return FS;
  if (under("src/views/") || under("src/image/")) return CONTRACT;
  if (under("commands/")) return COMMANDS;
  if (under("src/shell/")) {
    const layer = SHELL_FILES[path.slice("src/shell/".length)];
    if (layer !== undefined) return layer;
  }
  if (under("src/ui/")) return UI;
  if (path === "src/main.ts" || under("src/cli/")) return MAIN;
  if (under("web/")) return WEB;
  throw new Error(`${path} has no layer: add it to test/layers.test.ts and docs/ARCHITECTURE.md`);
}

/** What is wrong with `file` importing `targets` (empty: nothing). */
function violations(file: string, targets: readonly string[]): string[] {
  const from = layerOf(file);
  const wrong: string[] = [];
  for (const target of targets) {
    if (target.startsWith("node:")) {
      if (from.node !== ANY_NODE && !from.node.includes(target))
        wrong.push(`${file} (${from.name}) imports ${target}`);
      continue;
    }
    if (!/^(src|fs|commands|web)\//.test(target)) continue; // packages, test helpers
    const to = layerOf(target);
    if (to.rank > from.rank || from.not?.includes(to.name))
      wrong.push(`${file} (${from.name}) imports ${target} (${to.name})`);
  }
  return wrong;
}

describe("layers", () => {
  const files = ["src", "fs", "commands", "web"].flatMap(sources);

  test.each(files)("%s has a layer and imports nothing above it", (file) => {
    expect(violations(file, importsOf(file, readFileSync(join(ROOT, file), "utf8")))).toEqual([]);
  });

  test("a command importing the host's files fails, directly or through node:fs", () => {
    const text =
      'import { nodeHost } from "../src/shell/host.js";\nimport { readFileSync } from "node:fs";\n';
    expect(violations("commands/sneaky.ts", importsOf("commands/sneaky.ts", text))).toEqual([
      "commands/sneaky.ts (commands) imports src/shell/host.ts (shell (host))",
      "commands/sneaky.ts (commands) imports node:fs",
    ]);
  });

  test("the shell runtime may not read host files itself, only through host.ts", () => {
    expect(violations("src/shell/runtime.ts", ["node:fs"])).toHaveLength(1);
    expect(violations("src/shell/runtime.ts", ["src/shell/host.ts", "node:zlib"])).toEqual([]);
  });

  test("a view may not use a command, nor the UI a command or the binary's own modules", () => {
    expect(violations("src/views/vmmap.ts", ["commands/lib/args/operands.ts"])).toHaveLength(1);
    expect(violations("src/ui/app.tsx", ["src/cli/quiz.ts"])).toHaveLength(1);
    expect(violations("src/ui/app.tsx", ["commands/lib/args/operands.ts"])).toHaveLength(1);
  });

  test("the web page reaches no Node module, through any import (host.ts stands replaced)", () => {
    const seen = new Set<string>();
    const wrong: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      // Type-only imports are erased: they never reach the bundle.
      const text = readFileSync(join(ROOT, file), "utf8").replace(
        /^\s*(?:import|export)\s+type\b[^;]*;/gm,
        "",
      );
      for (const target of importsOf(file, text)) {
        if (target.startsWith("node:")) wrong.push(`${file} imports ${target}`);
        else if (target === "src/shell/host.ts") visit(BROWSER_HOST);
        else if (/^(src|fs|commands|web)\//.test(target)) visit(target);
      }
    };
    visit("web/main.ts");
    expect(seen.size).toBeGreaterThan(100);
    expect(seen).toContain("src/ui/prompt.ts");
    expect(seen).toContain("src/ui/pictures.ts");
    expect(seen).not.toContain("src/shell/host.ts");
    expect(wrong).toEqual([]);
  });

  test("a web file importing the host or a Node module fails", () => {
    expect(violations("web/sneaky.ts", ["node:fs"])).toHaveLength(1);
    expect(violations("web/main.ts", ["src/ui/prompt.ts", "commands/history.ts"])).toEqual([]);
  });

  test("a file no rule names has no layer", () => {
    expect(() => layerOf("src/shell/new-module.ts")).toThrow(/has no layer/);
    expect(() => layerOf("src/somewhere/new.ts")).toThrow(/has no layer/);
  });

  test.each(sources("src/kernel"))("%s is pure", (file) => {
    const text = readFileSync(join(ROOT, file), "utf8");
    expect(importsOf(file, text).filter((t) => !t.startsWith("src/kernel/"))).toEqual([]);
    expect(text).not.toMatch(
      /\bnew Date\b|Date\.now|Math\.random|\bprocess\.(env|argv|exit|std|hrtime|memoryUsage|cwd|nextTick)|\bBuffer\b/,
    );
  });
});
