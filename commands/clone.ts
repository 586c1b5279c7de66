/**
 * clone PID [--vm] [--vfork] [--thread] [--sighand] [--fs] [--files]
 * [--parent] [--stack ADDR]: the process calls clone(2) with those flags
 * (src/kernel/clone.ts); prints the new task's PID (TID with --thread) and
 * sets $!. No flag is fork; --vm --vfork is vfork; --vm alone is a second
 * process on the same memory, both running.
 */
import { CLONE_FLAG_NAMES } from "../src/kernel/clone.js";
import { type Command, ok, out } from "../src/shell/types.js";
import {
  failed,
  livePidArg,
  machineOf,
  setLastPid,
  targetArg,
  usage,
} from "./lib/args/operands.js";

const USAGE =
  "clone: usage: clone PID [--vm] [--vfork] [--thread] [--sighand] [--fs] [--files] [--parent] [--stack ADDR]";

export const clone: Command = {
  name: "clone",
  summary:
    "the process calls clone(2): --vm shares its memory (both run), --vfork waits, --thread joins its group",
  prints: "the new task's PID (its TID with --thread)",
  usage: [
    "clone PID [--vm] [--vfork] [--thread] [--sighand] [--fs] [--files] [--parent] [--stack ADDR]",
    "  --vm       CLONE_VM: the child uses the caller's mm (no copy); faults are its own, pages the mm's",
    "  --vfork    CLONE_VFORK: the caller waits in D until the child execs or exits",
    "  --thread   CLONE_THREAD: a thread of the caller's group, with no glibc stack (needs --sighand)",
    "  --sighand  CLONE_SIGHAND: shared signal handlers (needs --vm)",
    "  --fs, --files  CLONE_FS, CLONE_FILES: accepted; nothing cowsh shows changes",
    "  --parent   CLONE_PARENT: the child's parent is the caller's parent",
    "  --stack ADDR  the child's stack pointer: its first push writes the page below ADDR",
  ],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const task = livePidArg("clone", m, argv[0]);
    if (!task.ok) return usage(task.message);
    let flags = 0;
    let stack: number | null = null;
    for (let i = 1; i < argv.length; i++) {
      const arg = argv[i]!;
      const bit = arg.startsWith("--") ? CLONE_FLAG_NAMES[arg.slice(2)] : undefined;
      if (bit !== undefined) flags |= bit;
      else if (arg === "--stack") {
        const t = targetArg("clone", task.value, argv[++i]);
        if (!t.ok) return usage(t.message);
        stack = t.value.addr;
      } else return usage(`clone: unknown option '${arg}'\n${USAGE}`);
    }
    const r = m.clone(task.value.pid, { flags, stack });
    if (!r.ok) return failed("clone", String(task.value.pid), r);
    setLastPid(ctx.session, r.value);
    return ok(out(`${r.value}\n`));
  },
};
