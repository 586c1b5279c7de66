/** madvise PID ADDR LENGTH ADVICE: gives the kernel advice about a range (MADV_*). */
import {
  MADV_DODUMP,
  MADV_DOFORK,
  MADV_DONTDUMP,
  MADV_DONTFORK,
  MADV_DONTNEED,
  MADV_HUGEPAGE,
  MADV_KEEPONFORK,
  MADV_NOHUGEPAGE,
  MADV_NORMAL,
  MADV_RANDOM,
  MADV_SEQUENTIAL,
  MADV_WIPEONFORK,
} from "../src/kernel/constants.js";
import { type Command, ok } from "../src/shell/types.js";
import { failed, hex, machineOf, usage } from "./lib/args/operands.js";
import { rangeArgs } from "./lib/args/range.js";

const ADVICE: Readonly<Record<string, number>> = {
  normal: MADV_NORMAL,
  random: MADV_RANDOM,
  sequential: MADV_SEQUENTIAL,
  dontneed: MADV_DONTNEED,
  dontfork: MADV_DONTFORK,
  dofork: MADV_DOFORK,
  hugepage: MADV_HUGEPAGE,
  nohugepage: MADV_NOHUGEPAGE,
  dontdump: MADV_DONTDUMP,
  dodump: MADV_DODUMP,
  wipeonfork: MADV_WIPEONFORK,
  keeponfork: MADV_KEEPONFORK,
};

export const madvise: Command = {
  name: "madvise",
  summary: "give advice about a range (dontfork, wipeonfork, dontneed, …)",
  usage: [`madvise PID ADDR|MAPPING[+OFFSET] LENGTH ${Object.keys(ADVICE).join("|")}`],
  run(ctx, argv) {
    const m = machineOf(ctx);
    if (argv.length !== 4) return usage(`madvise: usage: madvise PID ADDR LENGTH ADVICE`);
    const a = rangeArgs("madvise", m, argv.slice(0, 3));
    if (!a.ok) return usage(a.message);
    const advice = ADVICE[argv[3]!.toLowerCase().replace(/^madv_/, "")];
    if (advice === undefined) return usage(`madvise: invalid advice: '${argv[3]}'`);
    const r = m.madvise(a.value.pid, a.value.addr, a.value.length, advice);
    return r.ok ? ok() : failed("madvise", hex(a.value.addr), r);
  },
};
