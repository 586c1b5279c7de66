/**
 * The second half of bundling (scripts/bundle.mjs): makes the batch path
 * (the entry, dist/bin/cowsh.js, and the chunks it loads before the first
 * script runs: `result` and the large `core`) CommonJS, and compiles `core`
 * through V8's code cache.
 *
 * Why: a `node` started on a CommonJS file never starts Node's ES module
 * loader (which alone costs 20–30 ms of a 60–100 ms start, for fs/promises,
 * readline, the resolver…), and a chunk compiled through `vm.Script` with
 * `cachedData` skips parsing it and compiling the functions the last run
 * compiled (the core is ~800 KB). Together they take batch start-up from
 * ~1.6× `node -e` to ~1.2× (docs/PERFORMANCE.md, "Start-up").
 *
 * How: rolldown writes ES modules; this rewrites the batch path's
 * `import`/`export` statements line for line (so the source maps still
 * hold), renames its chunks `.cjs`, and points the other chunks' imports
 * at the new names. A `package.json` of type commonjs in dist/bin makes
 * cowsh.js CommonJS; one of type module in dist/bin/chunks keeps the
 * front ends' chunks (Ink, yargs…) ES modules, imported with `import()`.
 * The entry's `import()` of the core becomes `loadCached` (LOADER, put at
 * the end of the entry): it
 * compiles the chunk with the code cache beside it (`.v8cache`), registers
 * it in `require.cache` (so that the ES chunks importing it share the same
 * instance), and writes the cache at exit when it was missing or V8
 * rejected it (another Node, other flags). The build runs the binary once
 * to write it. `COWSH_CODE_CACHE=0` compiles without it.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** The code cache loader, put at the top of the entry (it runs as CommonJS). */
const LOADER = `
/** Loads a CommonJS chunk of the batch path through V8's code cache (scripts/batch-cjs.mjs). */
function loadCached(relative) {
  const path = require("node:path");
  const filename = path.join(__dirname, relative);
  const known = require.cache[filename];
  if (known !== undefined) return known.exports;
  const fs = require("node:fs");
  const vm = require("node:vm");
  const { Module, createRequire } = require("node:module");
  const cacheFile = filename.replace(/\\.cjs$/, ".v8cache");
  const useCache = process.env.COWSH_CODE_CACHE !== "0";
  let cachedData;
  if (useCache) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {}
  }
  const source = fs.readFileSync(filename, "utf8");
  const wrapper = "(function (exports, require, module, __filename, __dirname) {" + source + "\\n})";
  const script = new vm.Script(wrapper, { filename, cachedData });
  const chunk = new Module(filename, module);
  chunk.filename = filename;
  chunk.paths = module.paths;
  require.cache[filename] = chunk;
  script.runInThisContext()(chunk.exports, createRequire(filename), chunk, filename, path.dirname(filename));
  chunk.loaded = true;
  if (useCache && (cachedData === undefined || script.cachedDataRejected)) {
    // At exit, so that the functions this run compiled are in it too.
    process.once("exit", () => {
      try {
        const temporary = cacheFile + "." + process.pid + ".tmp";
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, cacheFile);
      } catch {}
    });
  }
  return chunk.exports;
}
`;

/** `{ a as b, c }` (an import's or export's braces) as pairs [imported, local]. */
function specifiers(braces) {
  return braces
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const [from, to] = s.split(/\s+as\s+/);
      return [from, to ?? from];
    });
}

/**
 * One ES module's text as CommonJS, line for line. `renamed` maps a
 * relative specifier (as the module writes it) to the one to use instead;
 * `cached` lists the specifiers its `import()`s must load with loadCached.
 */
export function toCommonJs(code, { renamed, cached, file }) {
  const spec = (s) => renamed.get(s) ?? s;
  const lines = code.split("\n").map((line) => {
    let m = /^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";?$/.exec(line);
    if (m !== null) {
      const names = specifiers(m[1]).map(([a, b]) => (a === b ? a : `${a}: ${b}`));
      return `const { ${names.join(", ")} } = require(${JSON.stringify(spec(m[2]))});`;
    }
    m = /^import\s+\*\s+as\s+(\w+)\s+from\s*"([^"]+)";?$/.exec(line);
    if (m !== null) return `const ${m[1]} = require(${JSON.stringify(spec(m[2]))});`;
    m = /^import\s+(\w+)\s+from\s*"(node:[^"]+)";?$/.exec(line);
    if (m !== null) return `const ${m[1]} = require(${JSON.stringify(m[2])});`;
    m = /^export\s*\{([^}]*)\};?$/.exec(line);
    if (m !== null)
      return specifiers(m[1])
        .map(([a, b]) => `exports.${b} = ${a};`)
        .join(" ");
    if (/^(?:import|export)\b/.test(line))
      throw new Error(`${file}: cannot make CommonJS: ${line}`);
    return line
      .replace(/\bimport\.meta\.url\b/g, 'require("node:url").pathToFileURL(__filename).href')
      .replace(/\bimport\("([^"]+)"\)/g, (_whole, s) =>
        cached.has(s)
          ? `Promise.resolve().then(() => loadCached(${JSON.stringify(spec(s))}))`
          : `import(${JSON.stringify(spec(s))})`,
      );
  });
  if (/\bimport\.meta\b/.test(lines.join("\n"))) throw new Error(`${file}: import.meta left`);
  return lines.join("\n");
}

/** A chunk's relative specifier for `target`, both given as paths under `dir`. */
function relativeSpecifier(fromFile, target) {
  const from = dirname(fromFile);
  const to = dirname(target);
  if (from === to) return `./${basename(target)}`;
  if (from === ".") return `./${target}`;
  if (to === ".") return `../${basename(target)}`;
  throw new Error(`unexpected chunk layout: ${fromFile} -> ${target}`);
}

/**
 * Rewrites rolldown's output in `dir` (dist/bin). `output` is what
 * rolldown's `build` returned. The batch path is the entry named `entry`,
 * the chunks it imports statically, and the chunk named `cachedName` with
 * its static imports. Returns the batch path's file names, as written.
 */
export function makeBatchPathCommonJs(dir, output, { entry = "cowsh", cachedName = "core" } = {}) {
  const chunks = output.filter((o) => o.type === "chunk");
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const main = chunks.find((c) => c.isEntry && c.name === entry);
  const core = chunks.find((c) => !c.isEntry && c.name === cachedName);
  if (main === undefined || core === undefined) throw new Error("entry or core chunk not found");
  const batch = new Set();
  const add = (c) => {
    if (batch.has(c.fileName)) return;
    batch.add(c.fileName);
    for (const i of c.imports) if (byFile.has(i)) add(byFile.get(i));
  };
  add(main);
  add(core);
  // New names: chunks of the batch path end in .cjs; the entry keeps its name.
  const newName = new Map(
    [...batch].map((f) => [f, f === main.fileName ? f : f.replace(/\.js$/, ".cjs")]),
  );
  for (const c of chunks) {
    const path = join(dir, c.fileName);
    let code = readFileSync(path, "utf8");
    const renamed = new Map();
    for (const [old, now] of newName) {
      if (old === c.fileName) continue;
      renamed.set(relativeSpecifier(c.fileName, old), relativeSpecifier(c.fileName, now));
    }
    if (batch.has(c.fileName)) {
      const cached = new Set([relativeSpecifier(c.fileName, core.fileName)]);
      code = toCommonJs(code, { renamed, cached, file: c.fileName });
      const target = newName.get(c.fileName);
      if (target !== c.fileName) {
        code = code.replace(
          `//# sourceMappingURL=${basename(c.fileName)}.map`,
          `//# sourceMappingURL=${basename(target)}.map`,
        );
        renameSync(`${path}.map`, join(dir, `${target}.map`));
        renameSync(path, join(dir, target));
      }
      // "use strict" on the first line of code, the loader after the last:
      // the lines in between keep their numbers.
      code = code.replace(/^(#!.*\n)?/, (shebang) => `${shebang}"use strict";`);
      if (c === main) code += LOADER;
      writeFileSync(join(dir, target), code);
    } else {
      // An ES chunk: only its specifiers of renamed chunks change.
      for (const [old, now] of renamed) code = code.replaceAll(`"${old}"`, `"${now}"`);
      writeFileSync(path, code);
    }
  }
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
  writeFileSync(join(dir, "chunks", "package.json"), `${JSON.stringify({ type: "module" })}\n`);
  return [...newName.values()];
}
