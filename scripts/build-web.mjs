/**
 * `npm run web`: the web page (web/) as a static site in dist/web/, built
 * with rolldown straight from the TypeScript sources: index.html, the
 * styles, the page's script and its lazily loaded chunks (asciinema's
 * player). The demos (demo/*.cowsh) are bundled as text. In the page's
 * bundle web/browser-host.ts takes the place of src/shell/host.ts, the
 * shell's only module that touches the host's files, and any other import
 * of a Node built-in fails the build. The size budget is in docs/WEB.md and
 * test/web/bundle-stays-in-budget.test.ts.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const at = (path) => `${ROOT}${path}`;
const HOST = at("src/shell/host.ts");
const BROWSER_HOST = at("web/browser-host.ts");
const DEMOS_ID = "\0cowsh-demos";

/** The demos, by file name, as the page lists them. */
function demos() {
  return readdirSync(at("demo"))
    .filter((name) => name.endsWith(".cowsh"))
    .sort()
    .map((name) => ({ name, text: readFileSync(at(`demo/${name}`), "utf8") }));
}

const pagePlugins = [
  {
    name: "cowsh-browser-host",
    async resolveId(source, importer, options) {
      if (source.startsWith("node:")) {
        throw new Error(`the page may not import ${source} (imported by ${importer})`);
      }
      if (!source.endsWith("/host.js")) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === HOST ? BROWSER_HOST : null;
    },
  },
  {
    name: "cowsh-demos",
    resolveId: (source) => (source === "virtual:cowsh-demos" ? DEMOS_ID : null),
    load: (id) => (id === DEMOS_ID ? `export default ${JSON.stringify(demos())};` : null),
  },
];

/** Builds the site into `outDir` (default dist/web); returns the files written. */
export async function buildWeb({ outDir = at("dist/web") } = {}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const out = await build({
    input: { cowsh: at("web/main.ts") },
    platform: "browser",
    plugins: pagePlugins,
    resolve: { extensionAlias: { ".js": [".ts", ".tsx", ".js"] } },
    transform: { define: { "process.env.NODE_ENV": JSON.stringify("production") } },
    output: {
      dir: outDir,
      format: "esm",
      entryFileNames: "[name].js",
      chunkFileNames: "chunks/[name]-[hash].js",
      minify: true,
      sourcemap: true,
    },
    write: true,
  });
  copyFileSync(at("web/index.html"), `${outDir}/index.html`);
  copyFileSync(at("web/style.css"), `${outDir}/style.css`);
  copyFileSync(at("node_modules/@xterm/xterm/css/xterm.css"), `${outDir}/xterm.css`);
  copyFileSync(
    at("node_modules/asciinema-player/dist/bundle/asciinema-player.css"),
    `${outDir}/asciinema-player.css`,
  );
  return out.output.map((o) => o.fileName);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await buildWeb();
  console.log(`dist/web: ${files.filter((f) => !f.endsWith(".map")).join(", ")}`);
}
