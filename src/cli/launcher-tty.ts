/**
 * The terminal as the `cowsh` launcher hands it over (dist/bin/cowsh.sh, which
 * scripts/launcher.mjs writes at build). For `cowsh` alone at a terminal the
 * launcher, a POSIX sh script, saves the terminal's settings (`stty -g`),
 * puts it in raw mode (exactly the mode Node's `setRawMode(true)` sets, see
 * RAW_MODE), paints the greeting and the first prompt (earlyScreen), and
 * execs Node with the saved settings in COWSH_LAUNCHER_TTY. Keys typed while
 * Node starts wait in the terminal's input queue, unechoed and unedited, as
 * they would for the app: Ctrl-C is a key, not a signal.
 *
 * Node's own exit (its ResetStdio, also on SIGINT and SIGTERM before any
 * listener) puts back the terminal settings it found when it started, that
 * is the launcher's raw mode. So the binary takes the terminal over:
 * standard input, output and error, where they are the controlling
 * terminal, are reopened through /dev/tty (another file, so ResetStdio
 * leaves them alone), `setRawMode` follows the launcher's mode instead of
 * libuv's (whose saved "original" would also be raw), and the saved
 * settings are put back with `stty` when the app leaves raw mode, at exit,
 * and on a fatal signal (which is then re-raised, so the status is the
 * signal's). Where they cannot be reopened (no /proc, no /dev/tty,
 * standard input a terminal other than the controlling one), descriptors
 * 0 to 2 are closed at exit once the settings are back, which ResetStdio
 * skips too.
 */
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";

// Loaded only when the launcher started the binary: the batch path loads neither.
const isatty = (fd: number): boolean => process.getBuiltinModule("node:tty").isatty(fd);

/** The environment variable carrying the launcher's saved settings (`stty -g`). */
export const LAUNCHER_VAR = "COWSH_LAUNCHER_TTY";

/**
 * libuv's raw mode (uv_tty_set_mode, UV_TTY_MODE_RAW) as `stty` operands:
 * no BRKINT, ICRNL, INPCK, ISTRIP, IXON; ONLCR kept (output is processed as
 * in cooked mode); CS8; no ECHO, ICANON, IEXTEN, ISIG; MIN 1, TIME 0.
 */
export const RAW_MODE = [
  "-brkint",
  "-icrnl",
  "-inpck",
  "-istrip",
  "-ixon",
  "onlcr",
  "cs8",
  "-echo",
  "-icanon",
  "-iexten",
  "-isig",
  "min",
  "1",
  "time",
  "0",
] as const;

/** Signals whose default action ends the process and that a terminal user or `kill` sends. */
const FATAL = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"] as const;

/** `stty` on the controlling terminal (standard input); false when it failed. */
function stty(args: readonly string[]): boolean {
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  const r = spawnSync("stty", args, { stdio: ["inherit", "ignore", "ignore"], timeout: 2000 });
  return r.status === 0;
}

/** The device number of the controlling terminal (/proc/self/stat's tty_nr), or undefined. */
function controllingTerminal(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const tty = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[4]);
    return tty > 0 ? tty : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reopens standard input, output and error through /dev/tty where they are
 * the controlling terminal; false (nothing changed) when that cannot be done.
 */
function reopenThroughDevTty(): boolean {
  const tty = controllingTerminal();
  if (tty === undefined || !isatty(0) || fstatSync(0).rdev !== tty) return false;
  let probe: number;
  try {
    probe = openSync("/dev/tty", "r+");
  } catch {
    return false;
  }
  for (const fd of [0, 1, 2]) {
    if (!isatty(fd) || fstatSync(fd).rdev !== tty) continue;
    closeSync(fd);
    // 0, 1 and 2 are all open (Node opens /dev/null for a missing one), so
    // the one just closed is the lowest free descriptor.
    const again = openSync("/dev/tty", "r+");
    if (again !== fd) throw new Error(`cowsh: reopening the terminal gave fd ${again}, not ${fd}`);
  }
  closeSync(probe);
  return true;
}

/**
 * When the launcher has painted the first screen (COWSH_LAUNCHER_TTY, no
 * arguments, standard input and output terminals), takes the terminal over
 * as described above and returns true; otherwise false, and the binary
 * paints for itself. The variable is removed from the environment either way.
 */
export function takeOverFromLauncher(
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
  stdin: () => NodeJS.ReadStream,
): boolean {
  const saved = env[LAUNCHER_VAR];
  if (saved === undefined) return false;
  delete env[LAUNCHER_VAR];
  if (argv.length > 0 || !isatty(0) || !isatty(1) || !/^[0-9a-f:]+$/i.test(saved)) return false;
  const reopened = reopenThroughDevTty();
  let raw = true; // the launcher left the terminal in raw mode
  const restore = (): void => {
    if (raw) stty([saved]);
    raw = false;
  };
  // Only now: the stream is made on the descriptor as reopened above.
  const tty = stdin() as NodeJS.ReadStream & { isRaw: boolean };
  tty.setRawMode = (mode: boolean) => {
    if (mode !== raw) {
      if (mode) stty(RAW_MODE);
      else restore();
      raw = mode;
    }
    tty.isRaw = mode;
    return tty;
  };
  process.on("exit", () => {
    restore();
    // Not reopened: ResetStdio would find the same files and put raw mode
    // back. Node's streams write through descriptors of their own (libuv
    // reopens a terminal), so closing these three is the end of them only.
    if (!reopened)
      for (const fd of [0, 1, 2])
        try {
          closeSync(fd);
        } catch {}
  });
  for (const signal of FATAL) {
    const onSignal = (): void => {
      restore();
      process.removeListener(signal, onSignal);
      // Delivered again once this listener is gone: to Ink's signal-exit
      // when it listens (it unmounts the app and re-raises), else fatal.
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
  return true;
}
