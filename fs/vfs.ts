/**
 * The file namespace the shell sees: /proc (generated from the machine) on
 * top of the simulated root filesystem. Resolving a path gives a node to
 * list or read; nothing here changes the machine.
 */
import type { Machine } from "../src/kernel/machine.js";
import { failure, type Result, success } from "../src/kernel/result.js";
import type { Task } from "../src/kernel/task.js";
import { groupTasks } from "../src/kernel/thread.js";
import type { Inode } from "../src/kernel/vfs.js";
import { PID_FILES, type ProcFile, SYSTEM_FILES, TASK_FILES } from "./proc/index.js";
import { procFormat } from "./proc/kernel-formats.js";
import { SYSCTL_DIRS, sysctlFile } from "./proc/sysctl.js";
import { SYSFS, sysfsAttr, sysfsEntries, sysfsFile, sysfsMode } from "./sys/index.js";

export type Node =
  | { readonly kind: "dir"; readonly path: string; entries(): string[] }
  | {
      readonly kind: "file";
      readonly path: string;
      readonly file: ProcFile;
      /** Permission bits, where the name alone does not give them (sysfs). */
      readonly mode?: number;
    }
  | { readonly kind: "inode"; readonly path: string; readonly inode: Inode };

/** Normalises an absolute path: no empty, "." or ".." components. */
export function normalize(path: string): string {
  const parts: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return `/${parts.join("/")}`;
}

/**
 * `path` as the shell means it, absolute and normalised: a relative path is
 * taken from the working directory `cwd` (absolute). The one place a typed
 * path meets the shell's working directory; every command goes through it.
 */
export const absolute = (path: string, cwd = "/"): string =>
  normalize(path.startsWith("/") ? path : `${cwd}/${path}`);

/** Resolves `path` (absolute, or relative to the working directory `cwd`) to a node. */
export function resolve(m: Machine, path: string, cwd = "/"): Result<Node> {
  const abs = absolute(path, cwd);
  if (abs === "/proc" || abs.startsWith("/proc/")) return resolveProc(m, abs);
  if (abs === "/sys" || abs.startsWith("/sys/")) return resolveSysfs(m, abs);
  const inode = m.vfs.lookup(abs);
  if (!inode.ok) return inode;
  if (inode.value.type === "dir") {
    const dir = inode.value;
    const entries = () => {
      const names = [...dir.entries!.keys()];
      if (abs === "/") for (const fs of ["proc", "sys"]) if (!names.includes(fs)) names.push(fs);
      return names.sort();
    };
    return success({ kind: "dir", path: abs, entries });
  }
  return success({ kind: "inode", path: abs, inode: inode.value });
}

/**
 * /proc's symlinks to the caller's own directory. A command cowsh runs is
 * run by the login shell (PID 2), so "self" is PID 2; once the login shell
 * is gone, commands run as init and "self" is PID 1 (Machine.shellPid), as
 * on Linux it is always the reading process. Every simulated process has
 * one thread, so "thread-self" (on Linux PID/task/TID, the thread's view of
 * the same files) is that PID too.
 */
export const PROC_SELF_LINKS: ReadonlySet<string> = new Set(["self", "thread-self"]);

/** The target of /proc/NAME if NAME is one of PROC_SELF_LINKS: the reader's PID. */
export function procSelfTarget(m: Machine, name: string): string | undefined {
  return PROC_SELF_LINKS.has(name) ? String(m.shellPid) : undefined;
}

function resolveProc(m: Machine, abs: string): Result<Node> {
  const parts = abs.split("/").slice(2);
  if (parts.length === 0) {
    const entries = () => [
      // Processes only: a thread's /proc/TID is reachable but not listed (proc_pid_readdir).
      ...[...m.tasks.values()]
        .filter((t) => t.tgid === t.pid)
        .map((t) => t.pid)
        .sort((a, b) => a - b)
        .map(String),
      ...[...SYSTEM_FILES.keys(), ...PROC_SELF_LINKS.keys(), "sys"].sort(),
    ];
    return success({ kind: "dir", path: abs, entries });
  }
  const link = procSelfTarget(m, parts[0]!);
  if (link !== undefined) parts[0] = link;
  const [first, name, ...rest] = parts as [string, ...string[]];
  if (first === "sys") return resolveSys(m, abs, parts.slice(1));
  const system = SYSTEM_FILES.get(first);
  if (system !== undefined) {
    return parts.length === 1
      ? success({ kind: "file", path: abs, file: system(m) })
      : failure("ENOTDIR");
  }
  if (!/^[1-9][0-9]*$/.test(first)) return failure("ENOENT");
  const task = m.tasks.get(Number(first));
  if (task === undefined) return failure("ENOENT");
  if (name === undefined)
    return success({
      kind: "dir",
      path: abs,
      entries: () => [...pidFileNames(m, PID_FILES), "task"].sort(),
    });
  if (name === "task") return resolveTaskDir(m, abs, task, rest);
  const make = pidFile(m, PID_FILES, name);
  if (make === undefined) return failure("ENOENT");
  if (rest.length > 0) return failure("ENOTDIR");
  return success({ kind: "file", path: abs, file: make(m, task) });
}

/**
 * The files of a /proc/PID (or task/TID) directory the machine's kernel
 * version has (kernel-formats.ts: ksm_stat came in 6.1…): the one test of
 * which files exist, for listing and lookup alike.
 */
function pidFileNames<T>(m: Machine, files: ReadonlyMap<string, T>): string[] {
  const fmt = procFormat(m.config.kernelVersion);
  return [...files.keys()].filter((name) => fmt.hasPidFile(name));
}

/** The maker of /proc/PID/`name`, if this version has the file. */
const pidFile = <T>(m: Machine, files: ReadonlyMap<string, T>, name: string): T | undefined =>
  procFormat(m.config.kernelVersion).hasPidFile(name) ? files.get(name) : undefined;

/** /proc/PID/task: one directory per task of the thread group, TID/FILE in it. */
function resolveTaskDir(
  m: Machine,
  abs: string,
  task: Task,
  parts: readonly string[],
): Result<Node> {
  const [tid, name, ...rest] = parts;
  const group = () => groupTasks(m.tasks, task.tgid);
  if (tid === undefined)
    return success({ kind: "dir", path: abs, entries: () => group().map((t) => String(t.pid)) });
  const thread = /^[1-9][0-9]*$/.test(tid) ? m.tasks.get(Number(tid)) : undefined;
  if (thread === undefined || thread.tgid !== task.tgid) return failure("ENOENT");
  if (name === undefined)
    return success({ kind: "dir", path: abs, entries: () => pidFileNames(m, TASK_FILES).sort() });
  const make = pidFile(m, TASK_FILES, name);
  if (make === undefined) return failure("ENOENT");
  if (rest.length > 0) return failure("ENOTDIR");
  return success({ kind: "file", path: abs, file: make(m, thread) });
}

/** /proc/sys, its directories and their sysctl files. */
function resolveSys(m: Machine, abs: string, parts: readonly string[]): Result<Node> {
  const [dir, name, ...rest] = parts;
  if (dir === undefined)
    return success({ kind: "dir", path: abs, entries: () => [...SYSCTL_DIRS.keys()].sort() });
  const files = SYSCTL_DIRS.get(dir);
  if (files === undefined) return failure("ENOENT");
  if (name === undefined)
    return success({ kind: "dir", path: abs, entries: () => [...files.keys()].sort() });
  const sysctl = files.get(name);
  if (sysctl === undefined) return failure("ENOENT");
  if (rest.length > 0) return failure("ENOTDIR");
  return success({ kind: "file", path: abs, file: sysctlFile(m, sysctl) });
}

/** /sys: its directories (prefixes of the attribute paths) and attributes (fs/sys). */
function resolveSysfs(m: Machine, abs: string): Result<Node> {
  const rel = abs.slice("/sys/".length);
  const attr = sysfsAttr(m, rel);
  if (attr !== undefined)
    return success({ kind: "file", path: abs, file: sysfsFile(m, attr), mode: sysfsMode(attr) });
  for (const path of SYSFS.keys()) if (rel.startsWith(`${path}/`)) return failure("ENOTDIR");
  const names = sysfsEntries(rel, m);
  if (names === undefined) return failure("ENOENT");
  return success({ kind: "dir", path: abs, entries: () => names });
}
