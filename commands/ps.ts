/**
 * ps: every process with its memory: RSS (resident), PSS (proportional) and
 * USS (private) in kB, as smaps_rollup gives them; zombies as <defunct>.
 */
import { pssKb, rollupStats } from "../fs/proc/task-mmu.js";
import { type Command, ok, out } from "../src/shell/types.js";
import { machineOf } from "./lib/args.js";

export const ps: Command = {
  name: "ps",
  summary: "list processes with RSS, PSS and USS",
  usage: ["ps"],
  run(ctx) {
    const m = machineOf(ctx);
    const rows = [
      `${"PID".padStart(7)} ${"PPID".padStart(7)} S ${"RSS".padStart(8)} ${"PSS".padStart(8)} ${"USS".padStart(8)} COMMAND`,
    ];
    for (const task of [...m.tasks.values()].sort((a, b) => a.pid - b.pid)) {
      let rss = "-";
      let pss = "-";
      let uss = "-";
      if (task.mm !== null) {
        const s = rollupStats(m.phys, task.mm);
        rss = String(s.resident * 4);
        pss = String(pssKb(s.pss));
        uss = String((s.privateClean + s.privateDirty) * 4);
      }
      const cmd = task.isZombie ? `[${task.comm}] <defunct>` : task.argv.join(" ");
      rows.push(
        `${String(task.pid).padStart(7)} ${String(task.ppid).padStart(7)} ${task.state} ${rss.padStart(8)} ${pss.padStart(8)} ${uss.padStart(8)} ${cmd}`,
      );
    }
    return ok(out(`${rows.join("\n")}\n`));
  },
};
