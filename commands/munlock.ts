/** munlock PID ADDR [LENGTH]: unlocks a range. */
import { type Command, ok } from "../src/shell/types.js";
import { failed, hex, machineOf, usage } from "./lib/args/operands.js";
import { rangeArgs } from "./lib/args/range.js";

export const munlock: Command = {
  name: "munlock",
  summary: "unlock a range of memory",
  prints: "nothing on success",
  usage: ["munlock PID ADDR|MAPPING[+OFFSET] [LENGTH]"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const a = rangeArgs("munlock", m, argv);
    if (!a.ok) return usage(a.message);
    const r = m.munlock(a.value.pid, a.value.addr, a.value.length);
    return r.ok ? ok() : failed("munlock", hex(a.value.addr), r);
  },
};
