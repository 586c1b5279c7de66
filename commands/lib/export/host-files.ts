/**
 * Writing exported files to the host, confined to the place the user named.
 *
 * - Every path written is the export root plus names checked here (no "/",
 *   no "." or ".."), so nothing lands outside the root.
 * - Files are created new (O_EXCL|O_NOFOLLOW): whatever was at the path is
 *   removed first (a symlink itself, never its target), so a planted link
 *   cannot redirect a write, nor a hard link let one reach another file.
 * - A non-empty root, or an existing file target, is refused unless forced.
 */
import type { HostChunk, HostFs, HostResult } from "../../../src/shell/session.js";
import type { ProcEntry } from "./proc-tree.js";

/** An export destination: the absolute host path, and the path as the user typed it (for messages). */
export interface Target {
  readonly abs: string;
  readonly shown: string;
}

/** A failed step: `shown: strerror`. */
export interface ExportError {
  readonly shown: string;
  readonly errno: string;
}

/**
 * How messages name a path on the real machine, so that it is never taken
 * for one of the simulated machine's: `host file F`, `host directory D`.
 */
export const hostPath = (shown: string, kind: "file" | "directory" = "file"): string =>
  `host ${kind} ${shown}`;

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** `target` plus the checked `names`. A name that could climb out is a bug, not an input. */
export function below(target: Target, names: readonly string[]): Target {
  for (const n of names)
    if (!SAFE_NAME.test(n)) throw new Error(`export: unsafe name '${n}' under ${target.abs}`);
  const tail = names.join("/");
  return tail === ""
    ? target
    : {
        abs: `${target.abs.replace(/\/$/, "")}/${tail}`,
        shown: `${target.shown.replace(/\/$/, "")}/${tail}`,
      };
}

/**
 * Makes `target` a directory to export into, as `mkdir -p` would: creates
 * it and any missing parent, or accepts an existing empty one, or a
 * non-empty one if `force`. A non-directory on the way is ENOTDIR.
 */
export function prepareRoot(host: HostFs, target: Target, force: boolean): ExportError | null {
  const parts = target.abs.split("/").filter((p) => p !== "");
  for (let i = 1; i <= parts.length; i++) {
    const path = `/${parts.slice(0, i).join("/")}`;
    const st = host.stat(path, true);
    if (st.ok && st.value !== "dir") return { shown: target.shown, errno: "ENOTDIR" };
    if (st.ok) continue;
    if (st.errno !== "ENOENT") return { shown: target.shown, errno: st.errno };
    const made = host.mkdir(path, 0o755);
    if (!made.ok) return { shown: target.shown, errno: made.errno };
  }
  const list = host.readdir(target.abs);
  if (!list.ok) return { shown: target.shown, errno: list.errno };
  if (list.value.length > 0 && !force) return { shown: target.shown, errno: "ENOTEMPTY" };
  return null;
}

/** Creates the directory `t`, replacing a non-directory there. */
function makeDir(host: HostFs, t: Target): HostResult<void> {
  const st = host.stat(t.abs, false);
  if (st.ok && st.value === "dir") return { ok: true, value: undefined };
  if (st.ok) {
    const gone = host.unlink(t.abs);
    if (!gone.ok) return gone;
  }
  return host.mkdir(t.abs, 0o755);
}

/** Creates the file `t` anew with `chunks`, removing a non-directory that was there. */
export function makeFile(
  host: HostFs,
  t: Target,
  mode: number,
  size: number,
  chunks: Iterable<HostChunk>,
): HostResult<void> {
  const st = host.stat(t.abs, false);
  if (st.ok) {
    if (st.value === "dir") return { ok: false, errno: "EISDIR" };
    const gone = host.unlink(t.abs);
    if (!gone.ok) return gone;
  }
  return host.createFile(t.abs, mode, size, chunks);
}

/** Writes `entries` under `root` (prepared); returns the failures, each step after one still tried. */
export function writeEntries(
  host: HostFs,
  root: Target,
  entries: readonly ProcEntry[],
): ExportError[] {
  const errors: ExportError[] = [];
  for (const e of entries) {
    const t = below(root, e.path);
    if (e.kind === "unreadable") continue; // Linux lists it but nobody can read it now: nothing to copy
    const r = e.kind === "dir" ? makeDir(host, t) : makeFile(host, t, e.mode, e.size, e.chunks);
    if (!r.ok) errors.push({ shown: t.shown, errno: r.errno });
  }
  return errors;
}

/**
 * After a forced export into a used directory: removes process directories
 * of an earlier export whose process is gone, so tools do not list them.
 * Only what an export writes is removed (a numeric directory's files with
 * /proc names, then the directory if that emptied it); anything else stays.
 */
export function removeStale(
  host: HostFs,
  root: Target,
  entries: readonly ProcEntry[],
  procNames: ReadonlySet<string>,
): void {
  const live = new Set(entries.filter((e) => e.kind === "dir").map((e) => e.path[0]));
  const list = host.readdir(root.abs);
  if (!list.ok) return;
  for (const name of list.value) {
    if (!/^[0-9]+$/.test(name) || live.has(name)) continue;
    const dir = below(root, [name]);
    const st = host.stat(dir.abs, false);
    if (!st.ok || st.value !== "dir") continue;
    const files = host.readdir(dir.abs);
    if (!files.ok) continue;
    for (const f of files.value) {
      if (!procNames.has(f)) continue;
      const t = below(dir, [f]);
      const fst = host.stat(t.abs, false);
      if (fst.ok && fst.value !== "dir") host.unlink(t.abs);
    }
    host.rmdir(dir.abs);
  }
}
