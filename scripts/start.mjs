/**
 * `npm start`: runs the built `cowsh` in this process, rebuilding first only
 * when a source file is newer than the build (so an edit is still picked
 * up, and an unchanged tree starts at once). On a terminal it also takes
 * back the lines npm printed before starting it (`> cowsh@0.1.0 start`),
 * which are npm's, not the shell's.
 *
 * Plain JavaScript: it has to run before anything is compiled.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUILT = join(ROOT, "dist", "bin", "cowsh.js");
/** What the binary is built from: the source trees and the build's own settings. */
const SOURCES = [
  "src",
  "fs",
  "commands",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "rolldown.config.mjs",
  "scripts/bundle.mjs",
  "scripts/batch-cjs.mjs",
];

/** Modification time of a file, or the newest of a directory's files; 0 when absent. */
function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let latest = st.mtimeMs; // a deleted file changes its directory
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

/** True when the build is missing or older than one of its sources. */
export function stale(root = ROOT, built = BUILT) {
  const builtAt = newest(built);
  return builtAt === 0 || SOURCES.some((s) => newest(join(root, s)) > builtAt);
}

/**
 * How many terminal rows npm's banner took: a blank line, `> NAME@VERSION
 * start`, `> SCRIPT ARGS`, and a blank line (see @npmcli/run-script);
 * 0 when npm printed none (`--silent`, or not run by `npm start`).
 */
export function bannerRows(env, args, columns) {
  if (env.npm_lifecycle_event !== "start" || env.npm_lifecycle_script === undefined) return 0;
  if (env.npm_config_loglevel === "silent") return 0;
  const id = `${env.npm_package_name}@${env.npm_package_version}`;
  const script = [env.npm_lifecycle_script.trim(), ...args].join(" ");
  const rows = (text) => Math.max(1, Math.ceil([...text].length / Math.max(1, columns)));
  return 1 + rows(`> ${id} start`) + rows(`> ${script}`) + 1;
}

function main() {
  if (stale()) {
    process.stderr.write("cowsh: the sources changed since the last build; building…\n");
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(npm, ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const args = process.argv.slice(2);
  const rows = process.stdout.isTTY ? bannerRows(process.env, args, process.stdout.columns) : 0;
  // Up to the banner's first row, then erase from there down.
  if (rows > 0) process.stdout.write(`\x1b[${rows}F\x1b[J`);
  return import(BUILT);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
