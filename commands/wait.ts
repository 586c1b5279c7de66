/**
 * wait PID: the parent reaps its child, as wait(2). A child that will exit
 * by itself later is waited for (the clock moves on to its exit). The exit
 * status becomes $?, as bash's wait returns it (128 + signal for a kill).
 */
import { type Command, err, fail } from "../src/shell/types.js";
import { failed, machineOf, pidArg, usage } from "./lib/args.js";

/** bash's $? for a wait status. */
export const shellStatus = (status: number): number =>
  (status & 0x7f) === 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

export const wait: Command = {
  name: "wait",
  summary: "the parent reaps an exited child; $? is its exit status",
  usage: ["wait PID"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const task = pidArg("wait", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const r = m.wait(task.value.pid);
    if (!r.ok) {
      if (r.errno === "EAGAIN")
        return fail(1, err(`wait: pid ${task.value.pid} is sleeping and will not exit by itself`));
      return failed("wait", String(task.value.pid), r);
    }
    return { status: shellStatus(r.value.status), blocks: [] };
  },
};
