/**
 * The `cowsh` binary as npm installs it (package.json "bin"): tsc's output
 * (dist/src/main.js and the modules it imports) bundled into a few files,
 * so that start-up compiles a few large modules instead of loading about
 * two hundred small ones. npm packages and Node's built-ins stay imports;
 * Ink and React, and yargs, are chunks loaded only by the paths that use
 * them. scripts/batch-cjs.mjs then makes the batch path (the entry and the
 * core) CommonJS and compiles the core through V8's code cache. See
 * docs/PERFORMANCE.md, "Start-up".
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "rolldown";

/** svg-term's own copy of a package (it is written for React 16; cowsh's React is 19). */
const svgTermOwn = (name) =>
  fileURLToPath(new URL(`./node_modules/svg-term/node_modules/${name}`, import.meta.url));

const binary = defineConfig({
  input: { cowsh: "dist/src/main.js" },
  platform: "node",
  external: (id, importer) => importer !== undefined && !id.startsWith(".") && !id.startsWith("/"),
  output: {
    dir: "dist/bin",
    cleanDir: true,
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "chunks/[name]-[hash].js",
    sourcemap: true,
    // One chunk for what every run needs (kernel, fs, commands, the shell,
    // reading the command line); the front ends split at their dynamic
    // imports, so Ink is first imported by the chunk of ui/app.js, after
    // ui/main.js has dropped CI from the environment (see there).
    codeSplitting: {
      groups: [
        // kernel/result.js (strerror) apart: the entry needs it before it
        // paints the early prompt, and must not wait for the core to compile.
        { name: "result", test: /kernel\/result\.js$/, priority: 2 },
        {
          name: "core",
          test: /dist\/(?:src\/(?:kernel|shell)|fs|commands)\/|cli-args\.js$/,
          priority: 1,
        },
      ],
    },
  },
});

/**
 * svg-term (asciicast to animated SVG, for `--record FILE.svg`) with the
 * React it was written for, as one file beside the binary, loaded only when
 * an SVG is recorded: installed as is, two of its dependencies are hoisted
 * and would resolve cowsh's React 19, which it cannot render with.
 */
const svgTerm = defineConfig({
  input: { "svg-term": "node_modules/svg-term/lib/index.js" },
  platform: "node",
  resolve: { alias: { react: svgTermOwn("react"), "react-dom": svgTermOwn("react-dom") } },
  transform: { define: { "process.env.NODE_ENV": JSON.stringify("production") } },
  // load-asciicast is compiled ClojureScript, which calls eval: known, harmless here.
  onLog: (level, log, handler) => {
    if (log.code !== "EVAL") handler(level, log);
  },
  // CommonJS, as everything directly in dist/bin (see scripts/batch-cjs.mjs);
  // `import()` gives its exports as `default`, as the ES module did.
  output: { dir: "dist/bin", format: "cjs", entryFileNames: "[name].js", minify: true },
});

export default [binary, svgTerm];
