/**
 * wait PID: the parent reaps its child, as wait(2). A child that will exit
 * by itself later is waited for (the clock moves on to its exit). The exit
 * status becomes $?, as bash's wait returns it (128 + signal for a kill).
 */
import { success } from "../src/kernel/result.js";
import { exitTime } from "../src/kernel/sched.js";
import {
  type Command,
  type CommandContext,
  type CommandResult,
  drain,
  err,
  fail,
  passTime,
  type Steps,
} from "../src/shell/types.js";
import { failed, machineOf, pidArg, usage } from "./lib/args/operands.js";

/** bash's $? for a wait status. */
const shellStatus = (status: number): number =>
  (status & 0x7f) === 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

/**
 * Reaps each child in turn; one that has not exited yet is waited for: the
 * clock runs on to its exit in the steps the driver grants, then wait(2)
 * finds it a zombie.
 */
function* waitSteps(ctx: CommandContext, argv: readonly string[]): Steps<CommandResult> {
  const m = machineOf(ctx);
  if (argv.length === 0) return usage("wait: usage: wait PID...");
  const tasks = argv.map((arg) => pidArg("wait", m, arg));
  const bad = tasks.find((t) => !t.ok);
  if (bad !== undefined && !bad.ok) return usage(bad.message);
  // Every child is checked first: one that would never exit fails the whole command.
  for (const t of tasks) {
    if (t.ok && !m.canWait(t.value.pid)) {
      return fail(1, err(`wait: pid ${t.value.pid} is sleeping and will not exit by itself`));
    }
  }
  let status = 0;
  for (const t of tasks) {
    if (!t.ok) continue;
    const child = m.tasks.get(t.value.pid);
    const end = child === undefined || child.isZombie ? null : exitTime(child, m.now);
    if (end !== null) yield* passTime(end - m.now, (ns) => m.advance(ns));
    // A child of init (the login shell gone) is reaped by init as it exits:
    // its status is the one init collected.
    const r =
      child !== undefined && !m.tasks.has(child.pid)
        ? success({ pid: child.pid, status: child.exitStatus })
        : m.wait(t.value.pid);
    if (!r.ok) return failed("wait", String(t.value.pid), r);
    status = shellStatus(r.value.status);
  }
  return { status, blocks: [] };
}

export const wait: Command = {
  name: "wait",
  summary: "the parent reaps exited children; $? is the last one's exit status",
  prints: "nothing; $? is the child's exit status",
  usage: ["wait PID..."],
  steps: waitSteps,
  run: (ctx, argv) => drain(waitSteps(ctx, argv)),
};
