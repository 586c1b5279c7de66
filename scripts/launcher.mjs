/**
 * Writes the `cowsh` command (package.json "bin"): dist/bin/cowsh.sh, a POSIX
 * sh script. `cowsh` alone at a terminal paints the greeting and the first
 * prompt at once, before Node starts (Node alone takes 40–160 ms to run a
 * line of JavaScript here; sh and three `stty` a few ms), in the terminal's
 * raw mode, so that keys typed meanwhile wait unechoed for the app; then it
 * execs Node on the binary (dist/bin/cowsh.js), which takes the terminal
 * over (src/cli/launcher-tty.ts). Anything else (arguments, standard input
 * or output not a terminal) goes straight to Node.
 *
 * The text it paints is generated here from the binary's own code
 * (src/cli/greeting.ts, as tsc compiled it): one `case` branch per terminal
 * width where the word-wrapped greeting differs, so both paint the same
 * bytes at every width.
 */
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** A shell word that is `text` exactly (single quotes; a quote as '\''). */
const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;

/** The launcher's text, from the compiled modules under `dist` (dist/src/cli/…). */
export async function launcherText(dist) {
  const module = (name) => import(pathToFileURL(join(dist, "src", "cli", name)).href);
  const { earlyScreen, GREETING_WIDTH } = await module("greeting.js");
  const { LAUNCHER_VAR, RAW_MODE } = await module("launcher-tty.js");
  const wide = earlyScreen(GREETING_WIDTH);
  if (earlyScreen(0) !== wide) throw new Error("launcher: the default width must be wide");
  // Widths below GREETING_WIDTH, grouped by the text they paint.
  const byText = new Map();
  for (let width = 1; width < GREETING_WIDTH; width++) {
    const text = earlyScreen(width);
    if (text === wide) continue;
    byText.set(text, [...(byText.get(text) ?? []), width]);
  }
  const branches = [...byText].map(
    ([text, widths]) => `  ${widths.join("|")}) printf '%s' ${quote(text)} ;;`,
  );
  const signals = ["HUP", "INT", "QUIT", "TERM"];
  const shell = `# The cowsh command, written by scripts/launcher.mjs at build from
# src/cli/greeting.ts and src/cli/launcher-tty.ts: do not edit.
#
# Both a shell script and a Node script: sh runs the lines below (the
# first line is the no-op command ':'), Node reads them as a comment and
# runs the binary beside it, so \`node cowsh.sh ARGS\` works as cowsh does.
#
# cowsh alone at a terminal: saves the terminal's settings, puts it in raw
# mode (keys typed now wait, unechoed, for the app), paints the greeting
# and the first prompt as the binary would, then execs Node on the binary
# with the saved settings in ${LAUNCHER_VAR}. Anything else goes straight
# to Node.
unset ${LAUNCHER_VAR}
self=$0
if [ -L "$self" ]; then self=$(readlink -f -- "$self") || exit 127; fi
case $self in *[/]*) bin=\${self%/*}/cowsh.js ;; *) bin=./cowsh.js ;; esac
if [ $# -gt 0 ] || [ ! -t 0 ] || [ ! -t 1 ]; then exec node "$bin" "$@"; fi
saved=$(stty -g 2>/dev/null) || exec node "$bin"
# Until Node runs: a fatal signal puts the settings back and still kills.
${signals.map((s) => `trap 'stty "$saved"; trap - ${s}; kill -${s} $$' ${s}`).join("\n")}
trap 'stty "$saved"' EXIT
stty ${RAW_MODE.join(" ")} 2>/dev/null || exec node "$bin"
size=$(stty size 2>/dev/null)
case \${size#* } in
${branches.join("\n")}
  *) printf '%s' ${quote(wide)} ;;
esac
${LAUNCHER_VAR}=$saved exec node "$bin"
exit 127
`;
  if (shell.includes("*/"))
    throw new Error("launcher: the shell part would end the JavaScript comment");
  // For sh, Node's lines are the body of a here-document it never reaches,
  // ended by a line Node reads as a comment: \`sh -n\` accepts the file too.
  return `#!/bin/sh
':' /*
${shell}: <<'// end of the Node part'
*/
// Node: the binary beside this file, with the same arguments.
require("./cowsh.js");
// end of the Node part
`;
}

/**
 * Writes dist/bin/cowsh.sh (executable). Not dist/bin/cowsh: `node
 * dist/bin/cowsh` must find the binary, cowsh.js, and an extensionless
 * file there (an earlier build's launcher) would shadow it: removed.
 */
export async function writeLauncher(dist) {
  rmSync(join(dist, "bin", "cowsh"), { force: true });
  const file = join(dist, "bin", "cowsh.sh");
  writeFileSync(file, await launcherText(dist));
  chmodSync(file, 0o755);
  return file;
}
