/**
 * `npm run web:serve`: serves the built site (dist/web/, from `npm run
 * web`) on http://localhost:8080/ (PORT to change it; 0 picks a free port).
 * Static files only, with their content types; nothing outside dist/web is
 * served. Exports `serveWeb` for the browser tests.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".cast": "application/x-asciicast",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
};

/** Starts serving `root` on `port`; resolves with the server and its URL. */
export function serveWeb({
  root = fileURLToPath(new URL("../dist/web", import.meta.url)),
  port = 8080,
} = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    if (
      !(file === root || file.startsWith(root.endsWith(sep) ? root : root + sep)) ||
      !existsSync(file) ||
      !statSync(file).isFile()
    ) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-cache",
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, url: `http://localhost:${address.port}/` });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("../dist/web", import.meta.url));
  if (!existsSync(join(root, "index.html"))) {
    console.error("cowsh: dist/web/index.html is missing: run `npm run web` first");
    process.exit(1);
  }
  const { url } = await serveWeb({ root, port: Number(process.env.PORT ?? 8080) });
  console.log(`cowsh's web page: ${url}  (Ctrl-C stops)`);
}
