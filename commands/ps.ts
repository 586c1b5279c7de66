/**
 * ps [--tree]: every process with its memory: RSS (resident), PSS
 * (proportional) and USS (private) in kB, as smaps_rollup gives them;
 * zombies as <defunct>. With --tree (or --forest), children are listed
 * under their parent, their command indented as `ps --forest` does.
 */
import { newTableMemo, pssKb, rollupStats, type TableMemo } from "../fs/proc/task-mmu.js";
import type { Machine } from "../src/kernel/machine.js";
import type { Task } from "../src/kernel/task.js";
import { type GetoptSpec, getopt, hasOption } from "../src/shell/getopt.js";
import { type Command, ok, out } from "../src/shell/types.js";
import { machineOf, usage } from "./lib/args/operands.js";

const SPEC: GetoptSpec = {
  name: "ps",
  options: [
    { key: "tree", long: "tree" },
    { key: "tree", long: "forest" },
    { key: "tree", short: "H" },
  ],
};

const HEADER = `${"PID".padStart(7)} ${"PPID".padStart(7)} S ${"RSS".padStart(8)} ${"PSS".padStart(8)} ${"USS".padStart(8)} COMMAND`;

/**
 * One row; `indent` goes before the command (the tree's branches). `memo`
 * shares the counting of PTE tables that several processes share (a fork's
 * children), so ps stays fast with a thousand of them.
 */
function row(m: Machine, task: Task, indent: string, memo: TableMemo): string {
  let rss = "-";
  let pss = "-";
  let uss = "-";
  if (task.mm !== null) {
    const s = rollupStats(m.phys, task.mm, memo);
    rss = String(s.resident * 4);
    pss = String(pssKb(s.pss));
    uss = String((s.privateClean + s.privateDirty) * 4);
  }
  const cmd = task.isZombie ? `[${task.comm}] <defunct>` : task.argv.join(" ");
  return `${String(task.pid).padStart(7)} ${String(task.ppid).padStart(7)} ${task.state} ${rss.padStart(8)} ${pss.padStart(8)} ${uss.padStart(8)} ${indent}${cmd}`;
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

export const ps: Command = {
  name: "ps",
  summary: "list processes with RSS, PSS and USS (--tree: as a tree)",
  usage: ["ps [--tree]"],
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return usage(parsed.message);
    if (parsed.operands.length > 0) return usage(`ps: unexpected argument '${parsed.operands[0]}'`);
    const m = machineOf(ctx);
    const rows = [HEADER];
    const memo = newTableMemo(m.phys);
    if (hasOption(parsed.options, "tree")) {
      for (const { task, depth } of treeOrder(m.tasks.values()))
        rows.push(row(m, task, branch(depth), memo));
    } else {
      for (const task of [...m.tasks.values()].sort((a, b) => a.pid - b.pid))
        rows.push(row(m, task, "", memo));
    }
    return ok(out(`${rows.join("\n")}\n`));
  },
};
