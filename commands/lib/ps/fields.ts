/**
 * ps's output fields as procps-ng names, heads, sizes and aligns them
 * (ps/output.c's format_array): `ps -o pid,rss,cmd`, `ps aux`, `ps -ef`.
 * Every process belongs to root and has no terminal; cowsh does not account
 * CPU time, so %CPU and TIME are zero.
 */
import { totalramPages } from "../../../fs/proc/meminfo.js";
import { rollupStats, type TableMemo } from "../../../fs/proc/task-mmu.js";
import type { Machine } from "../../../src/kernel/machine.js";
import type { Task } from "../../../src/kernel/task.js";
import { threadCount } from "../../../src/kernel/thread.js";

/** What a field reads from a process. */
export interface PsRow {
  readonly m: Machine;
  readonly task: Task;
  readonly memo: TableMemo;
}

export interface PsField {
  readonly head: string;
  readonly width: number;
  readonly align: "left" | "right";
  /** Cut to `width` when not the last column (args, comm). */
  readonly cut?: boolean;
  readonly value: (r: PsRow) => string;
}

const rssKb = (r: PsRow): number =>
  r.task.mm === null ? 0 : rollupStats(r.m.phys, r.task.mm, r.memo).resident * 4;
const vszKb = (r: PsRow): number => (r.task.mm === null ? 0 : r.task.mm.totalVm() * 4);
const args = (r: PsRow): string =>
  r.task.isZombie ? `[${r.task.comm}] <defunct>` : r.task.argv.join(" ");
const comm = (r: PsRow): string => (r.task.isZombie ? `${r.task.comm} <defunct>` : r.task.comm);
const pmem = (r: PsRow): string => ((rssKb(r) / 4 / totalramPages(r.m.phys)) * 100).toFixed(1);

/** The wall-clock time a process started, UTC, as [hours, minutes, seconds]. */
function started(r: PsRow): [string, string, string] {
  const d = new Date((r.m.bootTime + Math.floor(r.task.startTime / 1e9)) * 1000);
  const two = (n: number): string => String(n).padStart(2, "0");
  return [two(d.getUTCHours()), two(d.getUTCMinutes()), two(d.getUTCSeconds())];
}

const left = (head: string, width: number, value: PsField["value"], cut = false): PsField => ({
  head,
  width,
  align: "left",
  cut,
  value,
});
const right = (head: string, width: number, value: PsField["value"]): PsField => ({
  head,
  width,
  align: "right",
  value,
});

/** A thread's row shows its group's PID; LWP, SPID and TID its own. */
const PID = right("PID", 5, (r) => String(r.task.tgid));
const LWP = right("LWP", 5, (r) => String(r.task.pid));
const SPID = right("SPID", 5, (r) => String(r.task.pid));
const NLWP = right("NLWP", 4, (r) => String(threadCount(r.m.tasks, r.task)));
/** STAT: the state, and `l` for a multi-threaded process (procps's pr_stat). */
const stat = (r: PsRow): string => r.task.state + (threadCount(r.m.tasks, r.task) > 1 ? "l" : "");
const ARGS = left("COMMAND", 27, args, true);
const CMD = left("CMD", 27, args, true);
const USER = left("USER", 8, () => "root");

/** Every field `-o` takes, by the names procps gives them. */
export const FIELDS: Readonly<Record<string, PsField>> = {
  pid: PID,
  ppid: right("PPID", 5, (r) => String(r.task.ppid)),
  pgid: right("PGID", 5, (r) => String(r.task.pgrp)),
  sid: right("SID", 5, (r) => String(r.task.session)),
  stat: left("STAT", 4, stat),
  s: left("S", 1, (r) => r.task.state),
  state: left("S", 1, (r) => r.task.state),
  vsz: right("VSZ", 6, (r) => String(vszKb(r))),
  vsize: right("VSZ", 6, (r) => String(vszKb(r))),
  rss: right("RSS", 5, (r) => String(rssKb(r))),
  rssize: right("RSS", 5, (r) => String(rssKb(r))),
  comm: left("COMMAND", 15, comm, true),
  ucmd: left("CMD", 15, comm, true),
  args: ARGS,
  command: ARGS,
  cmd: CMD,
  lwp: LWP,
  spid: SPID,
  tid: right("TID", 5, (r) => String(r.task.pid)),
  nlwp: NLWP,
  thcount: right("THCNT", 5, (r) => String(threadCount(r.m.tasks, r.task))),
  user: USER,
  euser: USER,
  uid: right("UID", 5, () => "0"),
  "%cpu": right("%CPU", 4, () => "0.0"),
  pcpu: right("%CPU", 4, () => "0.0"),
  "%mem": right("%MEM", 4, pmem),
  pmem: right("%MEM", 4, pmem),
  tty: left("TT", 8, () => "?"),
  tname: left("TTY", 8, () => "?"),
  time: right("TIME", 8, () => "00:00:00"),
  cputime: right("TIME", 8, () => "00:00:00"),
  bsdtime: right("TIME", 6, () => "0:00"),
  start_time: right("START", 5, (r) => started(r).slice(0, 2).join(":")),
  stime: left("STIME", 5, (r) => started(r).slice(0, 2).join(":")),
  start: right("STARTED", 8, (r) => started(r).join(":")),
};

const UID = left("UID", 8, () => "root");
const C = right("C", 2, () => "0");

/** `ps -ef`: procps's "-f" format. */
export const FULL_FORMAT: readonly PsField[] = [
  UID,
  PID,
  FIELDS.ppid!,
  C,
  FIELDS.stime!,
  FIELDS.tname!,
  FIELDS.time!,
  CMD,
];

/**
 * A format with the thread columns `ps -L` or `ps -T` adds, where procps's
 * generate_sysv_list and BSD lists put them (checked against procps-ng
 * 4.0.2): SPID right after PID; LWP after PPID where the format has it
 * (-f: `UID PID PPID LWP C NLWP`), else after PID; NLWP after C or %CPU.
 */
export function withThreadColumns(format: readonly PsField[], kind: "L" | "T"): PsField[] {
  const after = kind === "L" && format.includes(FIELDS.ppid!) ? FIELDS.ppid! : PID;
  const out: PsField[] = [];
  for (const f of format) {
    out.push(f);
    if (f === after) out.push(kind === "L" ? LWP : SPID);
    if (kind === "L" && f === C) out.push(NLWP);
    if (kind === "L" && f === FIELDS["%cpu"]) out.push(NLWP);
  }
  return out;
}

/** `ps aux`: procps's BSD "u" format. */
export const USER_FORMAT: readonly PsField[] = [
  USER,
  PID,
  FIELDS["%cpu"]!,
  FIELDS["%mem"]!,
  FIELDS.vsz!,
  FIELDS.rss!,
  FIELDS.tname!,
  FIELDS.stat!,
  FIELDS.start_time!,
  FIELDS.bsdtime!,
  ARGS,
];

/** `ps -p PID`: procps's default format. */
export const DEFAULT_FORMAT: readonly PsField[] = [
  PID,
  FIELDS.tname!,
  FIELDS.time!,
  left("CMD", 15, comm, true),
];

/**
 * The fields of one `-o` argument (commas or blanks between names, `name=Head`
 * renames the last one), or the name that is not a field.
 */
export function parseFormat(
  spec: string,
): { ok: true; fields: PsField[] } | { ok: false; name: string } {
  const eq = spec.indexOf("=");
  const names = (eq === -1 ? spec : spec.slice(0, eq)).split(/[,\s]+/).filter((n) => n !== "");
  const fields: PsField[] = [];
  for (const name of names) {
    const field = FIELDS[name];
    if (field === undefined) return { ok: false, name };
    fields.push(field);
  }
  const last = fields.at(-1);
  if (eq !== -1 && last !== undefined)
    fields[fields.length - 1] = { ...last, head: spec.slice(eq + 1) };
  return { ok: true, fields };
}

/** One line: columns joined by a blank, the last one neither padded (left) nor cut. */
export function formatLine(fields: readonly PsField[], cells: readonly string[]): string {
  return fields
    .map((f, i) => {
      const cell = cells[i]!;
      const last = i === fields.length - 1;
      if (f.align === "right") return cell.padStart(f.width);
      if (last) return cell;
      return (f.cut ? cell.slice(0, f.width) : cell).padEnd(f.width);
    })
    .join(" ");
}
