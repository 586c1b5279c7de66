/** madvise PID ADDR [LENGTH] ADVICE [-v]: gives the kernel advice about a range (MADV_*). */
import { MADV_BY_NAME } from "../src/kernel/constants.js";
import { getopt, hasOption } from "../src/shell/getopt.js";
import { type Command, ok, out } from "../src/shell/types.js";
import { failed, hex, machineOf, usage } from "./lib/args/operands.js";
import { rangeArgs } from "./lib/args/range.js";

const ADVICE = MADV_BY_NAME;

export const madvise: Command = {
  name: "madvise",
  summary:
    "give advice about a range: dontneed, free (lazy free), pageout, cold, willneed, populate_read/_write, dontfork, …",
  prints:
    "nothing on success (with -v, the faults it took: populate_read and populate_write fault pages in)",
  usage: [`madvise PID ADDR|MAPPING[+OFFSET] [LENGTH] ${Object.keys(ADVICE).join("|")} [-v]`],
  run(ctx, argv) {
    const parsed = getopt(
      { name: "madvise", options: [{ key: "v", short: "v", long: "verbose" }] },
      argv,
    );
    if (!parsed.ok) return usage(parsed.message);
    const operands = parsed.operands;
    if (operands.length !== 3 && operands.length !== 4)
      return usage(`madvise: usage: madvise PID ADDR [LENGTH] ADVICE [-v]`);
    const m = machineOf(ctx);
    const name = operands[operands.length - 1]!;
    const a = rangeArgs("madvise", m, operands.slice(0, -1));
    if (!a.ok) return usage(a.message);
    const advice = ADVICE[name.toLowerCase().replace(/^madv_/, "")];
    if (advice === undefined)
      return usage(
        `madvise: invalid advice: '${name}' (one of: ${Object.keys(ADVICE).join(", ")})`,
      );
    const task = m.tasks.get(a.value.pid);
    const before = [task?.minflt ?? 0, task?.majflt ?? 0];
    const r = m.madvise(a.value.pid, a.value.addr, a.value.length, advice);
    if (!r.ok) return failed("madvise", hex(a.value.addr), r);
    if (!hasOption(parsed.options, "v")) return ok();
    const minflt = (task?.minflt ?? 0) - before[0]!;
    const majflt = (task?.majflt ?? 0) - before[1]!;
    return ok(out(`minflt=${minflt} majflt=${majflt}\n`));
  },
};
