/**
 * ps [--tree]: every process with its memory: RSS (resident), PSS
 * (proportional) and USS (private) in kB, as smaps_rollup gives them, and
 * SWAP (swapped out, smaps_rollup's Swap) while a swap area is on;
 * zombies as <defunct>. With --tree (or --forest), children are listed
 * under their parent, their command indented as `ps --forest` does.
 *
 * The options people type take procps-ng's layouts instead: `ps aux`,
 * `ps -ef`, `ps -e`, `ps -p PID`, `ps -o pid,rss,cmd` (lib/ps/fields.ts),
 * and `ps -L` / `ps -T`, a row per thread (LWP or SPID; NLWP in -f and u).
 * Without them a thread is not a row: its process is.
 */
import { newTableMemo, pssKb, rollupStats, type TableMemo } from "../fs/proc/task-mmu.js";
import type { Machine } from "../src/kernel/machine.js";
import type { Task } from "../src/kernel/task.js";
import { groupTasks } from "../src/kernel/thread.js";
import { type Command, err, fail, ok, out } from "../src/shell/types.js";
import { machineOf } from "./lib/args/operands.js";
import {
  DEFAULT_FORMAT,
  FIELDS,
  FULL_FORMAT,
  formatLine,
  type PsField,
  parseFormat,
  USER_FORMAT,
  withThreadColumns,
} from "./lib/ps/fields.js";

/** The header of cowsh's own layout; SWAP (kB swapped out, VmSwap) only while a swap area is on, as smem. */
const header = (withSwap: boolean): string =>
  `${"PID".padStart(7)} ${"PPID".padStart(7)} S ${"RSS".padStart(8)} ${"PSS".padStart(8)} ${"USS".padStart(8)} ${withSwap ? `${"SWAP".padStart(8)} ` : ""}COMMAND`;

/**
 * One row; `indent` goes before the command (the tree's branches). `memo`
 * shares the counting of PTE tables that several processes share (a fork's
 * children), so ps stays fast with a thousand of them.
 */
function row(m: Machine, task: Task, indent: string, memo: TableMemo, withSwap: boolean): string {
  let rss = "-";
  let pss = "-";
  let uss = "-";
  let swap = "-";
  if (task.mm !== null) {
    const s = rollupStats(m.phys, task.mm, memo, m.swap);
    rss = String(s.resident * 4);
    pss = String(pssKb(s.pss));
    uss = String((s.privateClean + s.privateDirty) * 4);
    swap = String(s.swap * 4);
  }
  const cmd = task.isZombie ? `[${task.comm}] <defunct>` : task.argv.join(" ");
  const swapCell = withSwap ? `${swap.padStart(8)} ` : "";
  return `${String(task.pid).padStart(7)} ${String(task.ppid).padStart(7)} ${task.state} ${rss.padStart(8)} ${pss.padStart(8)} ${uss.padStart(8)} ${swapCell}${indent}${cmd}`;
}

/**
 * The tasks depth first, children in PID order under their parent, each
 * with its depth. Roots are the tasks whose parent is not in the table.
 */
function treeOrder(tasks: Iterable<Task>): Array<{ task: Task; depth: number }> {
  const sorted = [...tasks].sort((a, b) => a.pid - b.pid);
  const pids = new Set(sorted.map((t) => t.pid));
  const children = new Map<number, Task[]>();
  for (const t of sorted) {
    if (!pids.has(t.ppid) || t.ppid === t.pid) continue;
    children.set(t.ppid, [...(children.get(t.ppid) ?? []), t]);
  }
  const order: Array<{ task: Task; depth: number }> = [];
  const visit = (task: Task, depth: number): void => {
    order.push({ task, depth });
    for (const child of children.get(task.pid) ?? []) visit(child, depth + 1);
  };
  for (const t of sorted) if (!pids.has(t.ppid) || t.ppid === t.pid) visit(t, 0);
  return order;
}

/** `ps --forest`'s branch before a command at `depth`: nothing, " \_ ", "     \_ "… */
const branch = (depth: number): string => (depth === 0 ? "" : `${"    ".repeat(depth - 1)} \\_ `);

/** What the command line asks for. `format` null: cowsh's own RSS/PSS/USS layout. */
interface PsRequest {
  tree: boolean;
  /** procps-style options were given (then the layout is procps's). */
  procps: boolean;
  full: boolean;
  bsdUser: boolean;
  bsd: boolean;
  format: PsField[] | null;
  pids: number[] | null;
  /** -L (LWP) or -T (SPID): one row per thread; null: one per process. */
  threads: "L" | "T" | null;
}

/** procps's usage error: the message, its usage lines, status 1. */
const psError = (message: string) =>
  fail(
    1,
    err(
      `error: ${message}\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n`,
    ),
  );

/** The PIDs of a `-p` list (commas or blanks between them), or null when one is not a number. */
function pidList(text: string): number[] | null {
  const parts = text.split(/[,\s]+/).filter((p) => p !== "");
  if (parts.length === 0 || !parts.every((p) => /^[0-9]+$/.test(p))) return null;
  return parts.map(Number);
}

/** Reads ps's three syntaxes (UNIX `-ef`, BSD `aux`, GNU `--forest`) as procps does, or an error. */
function parseArgs(argv: readonly string[]): PsRequest | string {
  const req: PsRequest = {
    tree: false,
    procps: false,
    full: false,
    bsdUser: false,
    bsd: false,
    format: null,
    pids: null,
    threads: null,
  };
  const addPids = (text: string | undefined): string | null => {
    if (text === undefined) return "list of process IDs must follow -p";
    const pids = pidList(text);
    if (pids === null) return "process ID list syntax error";
    req.pids = [...(req.pids ?? []), ...pids];
    return null;
  };
  const addFormat = (text: string | undefined): string | null => {
    if (text === undefined) return "format specification must follow -o";
    const parsed = parseFormat(text);
    if (!parsed.ok) return `unknown user-defined format specifier "${parsed.name}"`;
    req.format = [...(req.format ?? []), ...parsed.fields];
    return null;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--tree" || arg === "--forest") {
      req.tree = true;
      continue;
    }
    if (arg.startsWith("--")) return "unknown gnu long option";
    if (/^[0-9]/.test(arg)) {
      const e = addPids(arg);
      if (e !== null) return e;
      req.procps = true;
      continue;
    }
    const unix = arg.startsWith("-");
    for (let j = unix ? 1 : 0; j < arg.length; j++) {
      const c = arg[j]!;
      if (c === "H" && unix) req.tree = true;
      else if ((c === "e" || c === "A") && unix) req.procps = true;
      else if ((c === "L" || c === "T") && unix) {
        req.threads = c;
        req.procps = true;
      } else if (c === "f" && unix) req.full = req.procps = true;
      else if (c === "f") req.tree = req.bsd = req.procps = true;
      else if (c === "a" || c === "x") req.bsd = req.procps = true;
      else if (c === "u" && !unix) req.bsdUser = req.bsd = req.procps = true;
      else if (c === "p" || c === "o") {
        const rest = arg.slice(j + 1);
        const value = rest !== "" ? rest : argv[++i];
        const e = c === "p" ? addPids(value) : addFormat(value);
        if (e !== null) return e;
        req.procps = true;
        break;
      } else return unix ? "unsupported SysV option" : "unsupported option (BSD syntax)";
    }
  }
  return req;
}

/** `ps ax`: procps's BSD default format. */
const BSD_FORMAT: readonly PsField[] = [
  FIELDS.pid!,
  FIELDS.tname!,
  FIELDS.stat!,
  FIELDS.bsdtime!,
  FIELDS.args!,
];

function layoutOf(req: PsRequest): readonly PsField[] {
  if (req.format !== null) return req.format;
  const format = req.bsdUser
    ? USER_FORMAT
    : req.full
      ? FULL_FORMAT
      : req.bsd
        ? BSD_FORMAT
        : DEFAULT_FORMAT;
  return req.threads === null ? format : withThreadColumns(format, req.threads);
}

/** Processes (thread group leaders), or with -L/-T every task, each group's after its leader. */
function listed(m: Machine, tasks: readonly Task[], threads: boolean): Task[] {
  const leaders = tasks.filter((t) => t.tgid === t.pid);
  return threads ? leaders.flatMap((t) => groupTasks(m.tasks, t.pid)) : leaders;
}

export const ps: Command = {
  name: "ps",
  summary:
    "list processes with RSS, PSS, USS and SWAP (--tree: as a tree; aux, -ef, -p, -o as procps)",
  prints: "a table of processes, one a line",
  usage: [
    "ps [--tree]",
    "ps aux | ps -ef | ps -e | ps [-p PID[,PID...]] [-o FIELD[,FIELD...]]",
    "ps -L | ps -T (one row per thread: LWP or SPID; -eLf, aux -L)",
  ],
  run(ctx, argv) {
    const req = parseArgs(argv);
    if (typeof req === "string") return psError(req);
    const m = machineOf(ctx);
    const memo = newTableMemo(m.phys, m.swap);
    const processes = listed(m, [...m.tasks.values()], false);
    const order = (
      req.tree
        ? treeOrder(processes)
        : processes.sort((a, b) => a.pid - b.pid).map((task) => ({ task, depth: 0 }))
    ).flatMap(({ task, depth }) =>
      listed(m, [task], req.threads !== null).map((t) => ({ task: t, depth })),
    );
    if (!req.procps) {
      const withSwap = m.swap.areas.length > 0;
      const rows = [
        header(withSwap),
        ...order.map(({ task, depth }) => row(m, task, branch(depth), memo, withSwap)),
      ];
      return ok(out(`${rows.join("\n")}\n`));
    }
    const fields = layoutOf(req);
    const wanted = req.pids === null ? null : new Set(req.pids);
    const shown = order.filter(({ task }) => wanted === null || wanted.has(task.tgid));
    // procps prints no header line when every heading is empty (`-o pid=`).
    const heads = fields.map((f) => f.head);
    const lines = heads.every((h) => h === "") ? [] : [formatLine(fields, heads)];
    for (const { task, depth } of shown) {
      const cells = fields.map((f) => {
        const value = f.value({ m, task, memo });
        return f.cut === true && f.width > 1 ? branch(depth) + value : value;
      });
      lines.push(formatLine(fields, cells));
    }
    return { status: shown.length === 0 ? 1 : 0, blocks: [out(`${lines.join("\n")}\n`)] };
  },
};
