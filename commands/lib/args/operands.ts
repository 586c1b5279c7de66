/**
 * Argument parsing shared by the commands that drive the machine: sizes,
 * PIDs, protections and targets ("0x7f…", "$BUF+1M", "buf", "[heap]",
 * "/tmp/data+8K"), with messages in the style of the tool being imitated.
 */

import { vmaName } from "../../../fs/proc/task-mmu.js";
import {
  PAGE_SIZE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  protFromRwx,
} from "../../../src/kernel/constants.js";
import type { Machine } from "../../../src/kernel/machine.js";
import { type Failure, type Result, STRERROR } from "../../../src/kernel/result.js";
import type { Task } from "../../../src/kernel/task.js";
import type { Vma } from "../../../src/kernel/vma.js";
import type { Session } from "../../../src/shell/session.js";
import { type CommandContext, type CommandResult, err, fail } from "../../../src/shell/types.js";

/** A parse result: the value, or the message to print (the command name already in it). */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

const good = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (message: string): Parsed<never> => ({ ok: false, message });

const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * A size or address in bytes: decimal or 0x-hex, with an optional binary
 * unit (4K, 16M, 1G, 2MiB). Null if it is not one, or not a safe integer.
 */
export function parseSize(text: string): number | null {
  const m = /^(0x[0-9a-f]+|[0-9]+(?:\.[0-9]+)?)([a-z]*)$/i.exec(text.trim());
  if (m === null) return null;
  const unit = UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return null;
  const n = m[1]!.toLowerCase().startsWith("0x") ? Number.parseInt(m[1]!, 16) : Number(m[1]);
  const bytes = n * unit;
  return Number.isSafeInteger(bytes) ? bytes : null;
}

export function sizeArg(cmd: string, text: string | undefined, what = "size"): Parsed<number> {
  if (text === undefined) return bad(`${cmd}: missing ${what}`);
  const n = parseSize(text);
  return n === null ? bad(`${cmd}: invalid ${what}: '${text}'`) : good(n);
}

/** The machine of a session; commands that need one are never run without it. */
export function machineOf(ctx: CommandContext): Machine {
  const m = ctx.session.machine;
  if (m === undefined) throw new Error("command needs a machine but the session has none");
  return m;
}

/** A PID operand naming an existing task (zombies included). */
export function pidArg(cmd: string, m: Machine, text: string | undefined): Parsed<Task> {
  if (text === undefined) return bad(`${cmd}: missing process id`);
  if (!/^[0-9]+$/.test(text)) return bad(`${cmd}: ${text}: arguments must be process IDs`);
  const task = m.tasks.get(Number(text));
  return task === undefined ? bad(`${cmd}: (${text}) - No such process`) : good(task);
}

/** A PID of a task that still has an address space. */
export function livePidArg(
  cmd: string,
  m: Machine,
  text: string | undefined,
): Parsed<Task & { mm: NonNullable<Task["mm"]> }> {
  const t = pidArg(cmd, m, text);
  if (!t.ok) return t;
  if (t.value.mm === null) return bad(`${cmd}: (${text}) - No such process (it is a zombie)`);
  return good(t.value as Task & { mm: NonNullable<Task["mm"]> });
}

/** PROT as `rw`, `r-x`, `rwx`, `none`, or `read|write` / `PROT_READ|PROT_WRITE`. */
export function protArg(cmd: string, text: string | undefined): Parsed<number> {
  if (text === undefined) return bad(`${cmd}: missing protection`);
  const t = text.toLowerCase();
  if (t === "none" || t === "---" || t === "prot_none") return good(0);
  if (/^[rwx-]{1,3}$/.test(t)) {
    return good(protFromRwx(t));
  }
  const names: Record<string, number> = { read: PROT_READ, write: PROT_WRITE, exec: PROT_EXEC };
  let prot = 0;
  for (const part of t.split(/[|,]/)) {
    const bit = names[part.replace(/^prot_/, "")];
    if (bit === undefined) return bad(`${cmd}: invalid protection: '${text}'`);
    prot |= bit;
  }
  return good(prot);
}

/** A place in a process's address space: its address and the VMA holding it. */
export interface Target {
  readonly addr: number;
  readonly vma: Vma | undefined;
}

/**
 * A target operand: BASE or BASE+OFFSET, where BASE is an address or the
 * name of a mapping as maps prints it ([heap], [stack], an anon name like
 * `buf` for [anon:buf], or a file path), or a mapped file's name without its
 * directory (`dash`) when no other mapped file has that name. A name means
 * the first VMA bearing it.
 */
export function targetArg(
  cmd: string,
  task: Task & { mm: NonNullable<Task["mm"]> },
  text: string | undefined,
): Parsed<Target> {
  if (text === undefined) return bad(`${cmd}: missing address or mapping`);
  const plus = text.lastIndexOf("+");
  const base = plus > 0 ? text.slice(0, plus) : text;
  const offset = plus > 0 ? parseSize(text.slice(plus + 1)) : 0;
  if (offset === null) return bad(`${cmd}: invalid offset in '${text}'`);
  const addr = parseSize(base);
  if (addr !== null) return good({ addr: addr + offset, vma: task.mm.vmaAt(addr + offset) });
  const found = findMapping(task.mm, base);
  if (Array.isArray(found))
    return bad(
      found.length === 0
        ? `${cmd}: ${base}: no such mapping in process ${task.pid}`
        : `${cmd}: ${base}: ambiguous mapping name in process ${task.pid}: could be ${found.join(" or ")}`,
    );
  return good({ addr: found.start + offset, vma: task.mm.vmaAt(found.start + offset) });
}

/** A file mapping's path as maps shows it, without " (deleted)"; null for other mappings. */
function mappedPath(shown: string): string | null {
  return shown.startsWith("/") ? shown.replace(/ \(deleted\)$/, "") : null;
}

const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/**
 * The first VMA whose maps name is `name`, `[anon:name]`, `[anon_shmem:name]`
 * or `name (deleted)`; else the first whose file's base name is `name`, when
 * only one mapped path has it. Otherwise the paths `name` could mean (none,
 * or several).
 */
function findMapping(mm: NonNullable<Task["mm"]>, name: string): Vma | string[] {
  const wanted = new Set([name, `[anon:${name}]`, `[anon_shmem:${name}]`, `${name} (deleted)`]);
  const exact = mm.vmas.find((v) => {
    const shown = vmaName(mm, v);
    return shown !== null && wanted.has(shown);
  });
  if (exact !== undefined || name.includes("/")) return exact ?? [];
  const paths = new Map<string, Vma>();
  for (const v of mm.vmas) {
    const path = mappedPath(vmaName(mm, v) ?? "");
    if (path !== null && baseName(path) === name && !paths.has(path)) paths.set(path, v);
  }
  return paths.size === 1 ? [...paths.values()][0]! : [...paths.keys()].sort();
}

/**
 * Every name targetArg accepts for a mapping of `mm`, sorted: anon names
 * bare, [heap], [stack] and the like, file paths, and a file's base name
 * where no other mapped path shares it (for Tab completion).
 */
export function mappingNames(mm: NonNullable<Task["mm"]>): string[] {
  const names = new Set<string>();
  const byBase = new Map<string, Set<string>>();
  for (const v of mm.vmas) {
    const shown = vmaName(mm, v);
    if (shown === null) continue;
    const anon = /^\[anon(?:_shmem)?:(.*)\]$/.exec(shown);
    const path = mappedPath(shown);
    names.add(anon !== null ? anon[1]! : (path ?? shown));
    if (path === null) continue;
    const paths = byBase.get(baseName(path)) ?? new Set<string>();
    byBase.set(baseName(path), paths.add(path));
  }
  for (const [base, paths] of byBase) if (paths.size === 1) names.add(base);
  return [...names].sort();
}

/** The bytes from a target to the end of its VMA: the default length of read and write. */
export function restOfMapping(t: Target): number {
  return t.vma === undefined ? PAGE_SIZE : t.vma.end - t.addr;
}

/** `cmd: subject: strerror (detail)` for a failed system call. */
export function errnoMessage(cmd: string, subject: string, f: Failure): string {
  const detail = f.detail === undefined ? "" : ` (${f.detail})`;
  return `${cmd}: ${subject}: ${STRERROR[f.errno]}${detail}`;
}

/** A usage error result (status 2, like bash builtins). */
export const usage = (message: string): CommandResult => fail(2, err(message));
/** A failed system call result (status 1). */
export const failed = (cmd: string, subject: string, f: Failure): CommandResult =>
  fail(1, err(errnoMessage(cmd, subject, f)));

/** Hex address as the shell prints it. */
/** The commands take `hex` from here with the other argument helpers. */
export { hex } from "../../../fs/hex.js";

/** Sets `$!`, the last PID a command created. */
export function setLastPid(session: Session, pid: number): void {
  session.vars.set("!", String(pid));
}

export type { Result };
