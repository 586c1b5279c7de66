/**
 * The history file (`~/.cowsh_history`, like `~/.bash_history`): one line per
 * entry, oldest first. It and the asciicast recorder (`record.ts`) are the
 * UI's only modules that touch the disk.
 */
import * as nodeFs from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { HISTORY_CAP, type HistoryStore } from "./history.js";

/** The file operations the store needs; tests inject failing ones. */
export interface HistoryFs {
  readFileSync(path: string, encoding: "utf8"): string;
  writeFileSync(path: string, data: string, options: { mode: number; flush: boolean }): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: boolean }): void;
}

/** `$COWSH_HISTORY` if set and non-empty, else `~/.cowsh_history`. */
export function defaultHistoryPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
): string {
  const fromEnv = env.COWSH_HISTORY;
  return fromEnv ? fromEnv : join(home, ".cowsh_history");
}

/**
 * A store backed by the file at `path`. `load` reads it (a missing file is
 * an empty history; only the last `cap` lines are kept). `save` writes a
 * temporary file beside it (mode 0600, flushed to disk), then renames it over
 * the old one, so a crash never leaves a truncated history.
 */
export function createFileHistoryStore(
  path: string,
  fs: HistoryFs = nodeFs,
  cap: number = HISTORY_CAP,
): HistoryStore {
  return {
    load: () => parseHistory(readIfExists(fs, path), cap),
    save: (lines) => writeAtomically(fs, path, formatHistory(lines.slice(-cap))),
  };
}

function readIfExists(fs: HistoryFs, path: string): string {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (e) {
    if (isErrno(e, "ENOENT")) return "";
    throw e;
  }
}

/** The lines of a history file, the last `cap` of them; a missing final newline is tolerated. */
export function parseHistory(text: string, cap: number = HISTORY_CAP): readonly string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.length > cap ? lines.slice(lines.length - cap) : lines;
}

function formatHistory(lines: readonly string[]): string {
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/**
 * Writes `data` to `path` through a temporary file and a rename; removes the
 * temporary file on failure. A missing directory (HOME pointing nowhere) is
 * said in the user's terms, not the temporary file's.
 */
function writeAtomically(fs: HistoryFs, path: string, data: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, data, { mode: 0o600, flush: true });
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if (isErrno(e, "ENOENT"))
      throw new Error(
        `${dirname(path)}: No such file or directory; history is kept for this session only`,
      );
    throw e;
  }
}

function isErrno(e: unknown, code: string): boolean {
  return typeof e === "object" && e !== null && "code" in e && e.code === code;
}
