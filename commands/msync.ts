/** msync PID ADDR [LENGTH] [-v]: writes back the shared file pages of a range (MS_SYNC): dirty becomes clean. */
import { getopt, hasOption } from "../src/shell/getopt.js";
import { type Command, ok, out } from "../src/shell/types.js";
import { failed, hex, machineOf, usage } from "./lib/args/operands.js";
import { rangeArgs } from "./lib/args/range.js";

export const msync: Command = {
  name: "msync",
  summary: "write back a range's shared file pages (MS_SYNC)",
  prints: "nothing on success",
  usage: ["msync PID ADDR|MAPPING[+OFFSET] [LENGTH] [-v]"],
  run(ctx, argv) {
    const parsed = getopt(
      { name: "msync", options: [{ key: "v", short: "v", long: "verbose" }] },
      argv,
    );
    if (!parsed.ok) return usage(parsed.message);
    const m = machineOf(ctx);
    const a = rangeArgs("msync", m, parsed.operands);
    if (!a.ok) return usage(a.message);
    const r = m.msync(a.value.pid, a.value.addr, a.value.length);
    if (!r.ok) return failed("msync", hex(a.value.addr), r);
    return hasOption(parsed.options, "v") ? ok(out(`written back: ${r.value} pages\n`)) : ok();
  },
};
