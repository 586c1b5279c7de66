/**
 * The `cowsh` binary as npm installs it (package.json "bin"): tsc's output
 * (dist/src/main.js and the modules it imports) bundled into a few files,
 * so that start-up compiles a few large modules instead of loading about
 * two hundred small ones. npm packages and Node's built-ins stay imports;
 * Ink and React, and yargs, are chunks loaded only by the paths that use
 * them. See docs/PERFORMANCE.md, "Start-up".
 */
import { defineConfig } from "rolldown";

export default defineConfig({
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
