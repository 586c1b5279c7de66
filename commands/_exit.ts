/**
 * _exit PID [STATUS]: the system call a process makes to end itself
 * (_exit(2)); it stays a zombie until its parent waits. Leaving cowsh is
 * `exit`.
 */
import { type Command, ok } from "../src/shell/types.js";
import { failed, livePidArg, machineOf, usage } from "./lib/args/operands.js";

export const _exit: Command = {
  name: "_exit",
  summary: "the process exits, as _exit(2) (a zombie until its parent waits for it)",
  prints: "nothing; the process becomes a zombie with that status",
  usage: ["_exit PID [STATUS]"],
  run(ctx, argv) {
    if (argv.length === 0 || argv.length > 2) return usage("_exit: usage: _exit PID [STATUS]");
    const m = machineOf(ctx);
    const task = livePidArg("_exit", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const code = argv[1] === undefined ? 0 : Number(argv[1]);
    if (!Number.isInteger(code)) return usage(`_exit: ${argv[1]}: numeric argument required`);
    const r = m.exit(task.value.pid, code & 0xff);
    return r.ok ? ok() : failed("_exit", String(task.value.pid), r);
  },
};
