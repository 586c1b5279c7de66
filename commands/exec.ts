/** exec PID PATH [ARG...]: the process execs PATH; its old memory is torn down at once. */
import { type Command, ok } from "../src/shell/types.js";
import { failed, livePidArg, machineOf, usage } from "./lib/args/operands.js";

export const exec: Command = {
  name: "exec",
  summary: "the process execs a program: a new address space replaces the old one",
  prints: "nothing on success; the process runs the new program",
  usage: ["exec PID PATH [ARG...]"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const task = livePidArg("exec", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const path = argv[1];
    if (path === undefined) return usage("exec: usage: exec PID PATH [ARG...]");
    const args = [path.slice(path.lastIndexOf("/") + 1), ...argv.slice(2)];
    const r = m.exec(task.value.pid, path, args);
    if (!r.ok) {
      const f = failed("exec", path, r);
      return { ...f, status: r.errno === "ENOENT" ? 127 : 126 };
    }
    return ok();
  },
};
