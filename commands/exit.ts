/**
 * exit [N]: leaves cowsh with status N (default: the last command's), as
 * bash's exit does. A process of the machine exits with `_exit PID`.
 */
import { type Command, err, fail } from "../src/shell/types.js";

export const exit: Command = {
  name: "exit",
  summary: "leave cowsh with status N (a process exits with _exit PID)",
  prints: "nothing; cowsh ends with status N",
  usage: ["exit [N]"],
  run(ctx, argv) {
    if (argv.length > 1) return fail(1, err("cowsh: exit: too many arguments"));
    const arg = argv[0];
    if (arg !== undefined && !/^[+-]?[0-9]+$/.test(arg.trim())) {
      const status = 2;
      return {
        status,
        blocks: [err(`cowsh: exit: ${arg}: numeric argument required`)],
        effect: { kind: "exit", status },
      };
    }
    const status =
      (arg === undefined ? Number(ctx.session.vars.get("?") ?? "0") : Number(arg)) & 0xff;
    return { status, blocks: [], effect: { kind: "exit", status } };
  },
};
