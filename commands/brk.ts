/**
 * brk PID +SIZE | -SIZE | ADDR: moves the program break. With a sign it
 * acts as sbrk and prints the old break (the start of the new memory);
 * with an address it acts as brk and prints the new break.
 */
import { type Command, err, fail, ok, out } from "../src/shell/types.js";
import { hex, livePidArg, machineOf, parseSize, usage } from "./lib/args/operands.js";

export const brk: Command = {
  name: "brk",
  summary: "move the program break (the end of the heap)",
  prints: "the new program break, in hex (the current one when no change is given)",
  usage: ["brk PID +SIZE|-SIZE|ADDR"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const task = livePidArg("brk", m, argv[0]);
    if (!task.ok) return usage(task.message);
    const arg = argv[1];
    if (arg === undefined) return ok(out(`${hex(task.value.mm.brk)}\n`));
    const sign = arg[0] === "+" ? 1 : arg[0] === "-" ? -1 : 0;
    const n = parseSize(sign === 0 ? arg : arg.slice(1));
    if (n === null) return usage(`brk: invalid size or address: '${arg}'`);
    const old = task.value.mm.brk;
    const want = sign === 0 ? n : old + sign * n;
    const r = m.brk(task.value.pid, want);
    if (!r.ok || r.value !== want) return fail(1, err(`brk: ${hex(want)}: Cannot allocate memory`));
    return ok(out(`${hex(sign === 0 ? r.value : old)}\n`));
  },
};
