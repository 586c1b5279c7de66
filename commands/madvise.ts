/** madvise PID ADDR LENGTH ADVICE: gives the kernel advice about a range (MADV_*). */
import { MADV_BY_NAME } from "../src/kernel/constants.js";
import { type Command, ok } from "../src/shell/types.js";
import { failed, hex, machineOf, usage } from "./lib/args/operands.js";
import { rangeArgs } from "./lib/args/range.js";

const ADVICE = MADV_BY_NAME;

export const madvise: Command = {
  name: "madvise",
  summary: "give advice about a range (dontfork, wipeonfork, dontneed, …)",
  prints: "nothing on success",
  usage: [`madvise PID ADDR|MAPPING[+OFFSET] LENGTH ${Object.keys(ADVICE).join("|")}`],
  run(ctx, argv) {
    const m = machineOf(ctx);
    if (argv.length !== 4) return usage(`madvise: usage: madvise PID ADDR LENGTH ADVICE`);
    const a = rangeArgs("madvise", m, argv.slice(0, 3));
    if (!a.ok) return usage(a.message);
    const advice = ADVICE[argv[3]!.toLowerCase().replace(/^madv_/, "")];
    if (advice === undefined)
      return usage(
        `madvise: invalid advice: '${argv[3]}' (one of: ${Object.keys(ADVICE).join(", ")})`,
      );
    const r = m.madvise(a.value.pid, a.value.addr, a.value.length, advice);
    return r.ok ? ok() : failed("madvise", hex(a.value.addr), r);
  },
};
