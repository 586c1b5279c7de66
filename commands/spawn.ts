/**
 * spawn PATH [ARG...]: what typing a command name does in a shell: the login
 * shell forks and the child execs PATH. Prints the new PID; sets $!.
 */
import { type Command, ok, out } from "../src/shell/types.js";
import { failed, machineOf, setLastPid, usage } from "./lib/args/operands.js";

export const spawn: Command = {
  name: "spawn",
  summary: "start a program: the login shell forks, the child execs it",
  usage: ["spawn PATH [ARG...]"],
  run(ctx, argv) {
    const path = argv[0];
    if (path === undefined) return usage("spawn: usage: spawn PATH [ARG...]");
    const m = machineOf(ctx);
    const r = m.spawn(path, [path.slice(path.lastIndexOf("/") + 1), ...argv.slice(1)]);
    if (!r.ok) {
      const f = failed("spawn", path, r);
      return { ...f, status: r.errno === "ENOENT" ? 127 : 126 };
    }
    setLastPid(ctx.session, r.value);
    return ok(out(`${r.value}\n`));
  },
};
