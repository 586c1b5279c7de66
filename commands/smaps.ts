/** smaps PID [TARGET]: the smaps block of the VMA holding TARGET (all of /proc/PID/smaps without one). */
import { showSmaps, smapsBlock } from "../fs/proc/task-mmu.js";
import { type Command, err, fail, ok, out } from "../src/shell/types.js";
import { hex, livePidArg, machineOf, targetArg, usage } from "./lib/args/operands.js";

export const smaps: Command = {
  name: "smaps",
  summary: "show the smaps block of one mapping (or all of them)",
  prints: "the smaps block of the mapping (every block without one)",
  usage: ["smaps PID [ADDR|MAPPING[+OFFSET]]"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const task = livePidArg("smaps", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const { mm } = task.value;
    if (argv[1] === undefined)
      return ok(out(showSmaps(m.phys, mm, m.config.softDirty, m.swap, m.config.protectionKeys, m)));
    const target = targetArg("smaps", task.value, argv[1]);
    if (!target.ok) return usage(target.message);
    const vma = target.value.vma;
    if (vma === undefined)
      return fail(
        1,
        err(`smaps: ${hex(target.value.addr)}: no mapping in process ${task.value.pid}`),
      );
    return ok(
      out(smapsBlock(m.phys, mm, vma, m.config.softDirty, m.swap, m.config.protectionKeys, m)),
    );
  },
};
