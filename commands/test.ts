/**
 * test EXPR and [ EXPR ]: bash's conditions over strings, integers and the
 * simulated machine's files. Status 0 true, 1 false, 2 on misuse.
 */
import { evalTest, machineFiles } from "../src/shell/test-expr.js";
import { type Command, type CommandResult, err, fail } from "../src/shell/types.js";
import { machineOf } from "./lib/args/operands.js";

function runTest(
  name: string,
  ctx: Parameters<Command["run"]>[0],
  args: readonly string[],
): CommandResult {
  const r = evalTest(args, machineFiles(machineOf(ctx)), (v) => ctx.session.vars.has(v));
  if (!r.ok) return fail(2, err(`cowsh: ${name}: ${r.message}`));
  return { status: r.value ? 0 : 1, blocks: [] };
}

export const test: Command = {
  name: "test",
  summary: "check a condition: -n -z = != -eq -lt … on strings and numbers, -e -f -d on files",
  prints: "nothing; the status is 0 when the condition holds, 1 when not",
  usage: ["test EXPR", "[ EXPR ]"],
  run: (ctx, argv) => runTest("test", ctx, argv),
};

export const bracket: Command = {
  name: "[",
  summary: "check a condition, as test does; the last argument is ]",
  prints: "nothing; the status is 0 when the condition holds, 1 when not",
  usage: ["[ EXPR ]"],
  run(ctx, argv) {
    if (argv[argv.length - 1] !== "]") return fail(2, err("cowsh: [: missing `]'"));
    return runTest("[", ctx, argv.slice(0, -1));
  },
};
