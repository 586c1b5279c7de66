/**
 * `npm start`: runs the built `cowsh` command (the launcher, dist/bin/cowsh.sh,
 * as `npx cowsh` and a global install do), rebuilding first only when a
 * source file is newer than the build (so an edit is still picked up, and
 * an unchanged tree starts at once). On a terminal it also takes back the
 * lines npm printed before starting it (`> cowsh@0.1.0 start`), which are
 * npm's, not the shell's. It waits for the command as a shell waits for a
 * foreground job, and ends as it ended (status, or the same signal).
 *
 * Plain JavaScript: it has to run before anything is compiled.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUILT = join(ROOT, "dist", "bin", "cowsh.js");
/** The `cowsh` command (package.json "bin"), written by the build beside BUILT. */
const LAUNCHER = join(ROOT, "dist", "bin", "cowsh.sh");
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
  "scripts/launcher.mjs",
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
  runInForeground(LAUNCHER, args);
}

/**
 * Runs `file` on this terminal and ends as it ends. The terminal's own
 * signals (Ctrl-C, Ctrl-\ while it is in cooked mode) reach both processes:
 * this one ignores them, as a shell does while a job runs; SIGTERM and
 * SIGHUP sent to this one are passed on.
 */
function runInForeground(file, args) {
  const child = spawn(file, args, { stdio: "inherit" });
  const ignore = () => {};
  const pass = (signal) => child.kill(signal);
  for (const signal of ["SIGINT", "SIGQUIT"]) process.on(signal, ignore);
  for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, pass);
  child.on("error", (error) => {
    process.stderr.write(`cowsh: ${file}: ${error.message}\n`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    for (const name of ["SIGINT", "SIGQUIT", "SIGTERM", "SIGHUP"]) process.removeAllListeners(name);
    process.kill(process.pid, signal);
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main();
}
