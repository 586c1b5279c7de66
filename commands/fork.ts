/** fork PID: the process forks; prints the child's PID and sets $!. */
import { type Command, ok, out } from "../src/shell/types.js";
import { failed, livePidArg, machineOf, setLastPid, usage } from "./lib/args/operands.js";

export const fork: Command = {
  name: "fork",
  summary: "the process forks: the child gets a copy-on-write copy of its memory",
  prints: "the child's PID",
  usage: ["fork PID"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const task = livePidArg("fork", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const r = m.fork(task.value.pid);
    if (!r.ok) return failed("fork", String(task.value.pid), r);
    setLastPid(ctx.session, r.value);
    return ok(out(`${r.value}\n`));
  },
};
