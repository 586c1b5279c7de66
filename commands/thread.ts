/**
 * thread PID: the process (or its thread PID) calls pthread_create with
 * default attributes: a new thread with its own TID in the same thread
 * group, sharing the memory, on an 8 MiB stack glibc maps with a guard page
 * below it (or takes from its cache). Prints the TID and sets $!.
 * thread --exit TID: the thread returns from its start routine and is
 * joined: it goes, and its stack stays mapped in glibc's stack cache.
 */
import { type Command, ok, out } from "../src/shell/types.js";
import { failed, livePidArg, machineOf, setLastPid, usage } from "./lib/args/operands.js";

const USAGE = "thread: usage: thread PID | thread --exit TID";

export const thread: Command = {
  name: "thread",
  summary: "the process makes a thread, as pthread_create (--exit TID: it returns and is joined)",
  prints: "the new thread's TID (nothing with --exit)",
  usage: ["thread PID", "thread --exit TID"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const exiting = argv[0] === "--exit" || argv[0] === "-x";
    const operands = exiting ? argv.slice(1) : argv;
    if (operands.length !== 1) return usage(USAGE);
    const task = livePidArg("thread", m, operands[0]);
    if (!task.ok) return usage(task.message);
    if (exiting) {
      const r = m.exitThread(task.value.pid);
      return r.ok ? ok() : failed("thread", String(task.value.pid), r);
    }
    const r = m.createThread(task.value.pid);
    if (!r.ok) return failed("thread", String(task.value.pid), r);
    setLastPid(ctx.session, r.value);
    return ok(out(`${r.value}\n`));
  },
};
