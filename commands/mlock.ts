/** mlock PID ADDR [LENGTH] [-v]: locks a range in memory, faulting every page in. */
import { getopt, hasOption } from "../src/shell/getopt.js";
import { type Command, ok, out } from "../src/shell/types.js";
import { faultSummary } from "./lib/access/fault-summary.js";
import { failed, hex, machineOf, usage } from "./lib/args/operands.js";
import { rangeArgs } from "./lib/args/range.js";

export const mlock: Command = {
  name: "mlock",
  summary: "lock a range into memory (populating it); -v prints the faults",
  prints: "nothing on success (with -v, the faults it took)",
  usage: ["mlock PID ADDR|MAPPING[+OFFSET] [LENGTH] [-v]"],
  run(ctx, argv) {
    const parsed = getopt(
      { name: "mlock", options: [{ key: "v", short: "v", long: "verbose" }] },
      argv,
    );
    if (!parsed.ok) return usage(parsed.message);
    const m = machineOf(ctx);
    const a = rangeArgs("mlock", m, parsed.operands);
    if (!a.ok) return usage(a.message);
    const r = m.mlock(a.value.pid, a.value.addr, a.value.length);
    if (!r.ok) return failed("mlock", hex(a.value.addr), r);
    return hasOption(parsed.options, "v") ? ok(out(`${faultSummary(r.value)}\n`)) : ok();
  },
};
