/**
 * exit PID [STATUS]: the process exits; it stays a zombie until its parent
 * waits. `exit` alone leaves cowsh, as it leaves bash.
 */
import { type Command, ok } from "../src/shell/types.js";
import { failed, livePidArg, machineOf, usage } from "./lib/args/operands.js";

export const exit: Command = {
  name: "exit",
  summary: "the process exits (a zombie until its parent waits for it)",
  usage: ["exit PID [STATUS]", "exit            (leave cowsh)"],
  run(ctx, argv) {
    if (argv.length === 0) {
      const status = Number(ctx.session.vars.get("?") ?? "0");
      return { status, blocks: [], effect: { kind: "exit", status } };
    }
    const m = machineOf(ctx);
    const task = livePidArg("exit", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const code = argv[1] === undefined ? 0 : Number(argv[1]);
    if (!Number.isInteger(code)) return usage(`exit: ${argv[1]}: numeric argument required`);
    const r = m.exit(task.value.pid, code & 0xff);
    return r.ok ? ok() : failed("exit", String(task.value.pid), r);
  },
};
