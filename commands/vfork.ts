/**
 * vfork PID: the process vforks; prints the child's PID and sets $!. The
 * child borrows the parent's memory until it execs or exits; the parent
 * waits in state D until then.
 */
import { type Command, ok, out } from "../src/shell/types.js";
import { failed, livePidArg, machineOf, setLastPid, usage } from "./lib/args/operands.js";

export const vfork: Command = {
  name: "vfork",
  summary:
    "the process vforks: the child borrows its memory, the parent waits (D) until exec or exit",
  prints: "the child's PID",
  usage: ["vfork PID   (then: exec CHILD PATH, or exit CHILD; kill PARENT ends the wait too)"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const task = livePidArg("vfork", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const r = m.vfork(task.value.pid);
    if (!r.ok) return failed("vfork", String(task.value.pid), r);
    setLastPid(ctx.session, r.value);
    return ok(out(`${r.value}\n`));
  },
};
