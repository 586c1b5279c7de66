/**
 * run PID 'ACTION; ACTION…': gives a process (or one of its threads, by
 * TID: `exit` then ends the whole group, `exec` ends the other threads
 * first) a sequence of actions it
 * performs in simulated time, from now on: `sleep N`, `exec PATH [ARG…]`,
 * `exit [STATUS]`, `write TARGET [LENGTH]`, `read TARGET [LENGTH]`.
 * While it sleeps its state is S; `sleep` in the shell lets the time pass.
 * Targets are resolved when `run` is typed.
 */
import type { Action } from "../src/kernel/task.js";
import { type Command, ok } from "../src/shell/types.js";
import {
  failed,
  livePidArg,
  machineOf,
  type Parsed,
  restOfMapping,
  sizeArg,
  targetArg,
  usage,
} from "./lib/args/operands.js";
import { absPath } from "./lib/files/machine-files.js";
import { parseDuration } from "./sleep.js";

export const run: Command = {
  name: "run",
  summary: "give a process actions to perform in simulated time (sleep, exec, exit, write, read)",
  prints: "nothing; the actions happen as simulated time passes",
  usage: [
    "run PID|TID 'sleep N; exec PATH [ARG...]; exit [STATUS]; write TARGET [LEN]; read TARGET [LEN]'",
  ],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const task = livePidArg("run", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const text = argv.slice(1).join(" ");
    if (text.trim() === "") return usage("run: usage: run PID 'ACTION; ACTION...'");
    const actions: Action[] = [];
    for (const step of text
      .split(/[;\n]/)
      .map((s) => s.trim())
      .filter((s) => s !== "")) {
      const [verb, ...args] = step.split(/\s+/) as [string, ...string[]];
      const action = parseAction(task.value, verb, args, ctx.session);
      if (!action.ok) return usage(action.message);
      if (actions.some((a) => a.kind === "exec" || a.kind === "exit")) {
        return usage(`run: '${step}' would never run: it follows an exec or exit`);
      }
      actions.push(action.value);
    }
    const r = m.run(task.value.pid, actions);
    return r.ok ? ok() : failed("run", String(task.value.pid), r);
  },
};

function parseAction(
  task: Parameters<typeof targetArg>[1],
  verb: string,
  args: string[],
  session: { readonly cwd?: string },
): Parsed<Action> {
  switch (verb) {
    case "sleep": {
      const ns = args.length === 1 ? parseDuration(args[0]!) : null;
      return ns === null
        ? { ok: false, message: `run: sleep: invalid time interval '${args.join(" ")}'` }
        : { ok: true, value: { kind: "sleep", ns } };
    }
    case "exec":
      if (args[0] === undefined) return { ok: false, message: "run: exec: missing PATH" };
      return {
        ok: true,
        value: {
          kind: "exec",
          // The process runs it later, from the directory it was given in.
          path: absPath(args[0], session),
          argv: [args[0].slice(args[0].lastIndexOf("/") + 1), ...args.slice(1)],
        },
      };
    case "exit": {
      const status = Number(args[0] ?? "0");
      return Number.isInteger(status)
        ? { ok: true, value: { kind: "exit", status: status & 0xff } }
        : { ok: false, message: `run: exit: ${args[0]}: numeric argument required` };
    }
    case "write":
    case "read": {
      const target = targetArg(`run: ${verb}`, task, args[0]);
      if (!target.ok) return target;
      const length =
        args[1] === undefined
          ? { ok: true as const, value: restOfMapping(target.value) }
          : sizeArg(`run: ${verb}`, args[1], "length");
      if (!length.ok) return length;
      return { ok: true, value: { kind: verb, addr: target.value.addr, length: length.value } };
    }
    default:
      return {
        ok: false,
        message: `run: ${verb}: unknown action (sleep, exec, exit, write, read)`,
      };
  }
}
