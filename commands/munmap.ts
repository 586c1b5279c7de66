/**
 * munmap PID ADDR [LENGTH]: the process unmaps a range (splitting VMAs at
 * its edges); without LENGTH, the rest of the mapping ADDR is in (all of it
 * when ADDR is a mapping's name).
 */
import { type Command, ok } from "../src/shell/types.js";
import { failed, hex, machineOf, usage } from "./lib/args/operands.js";
import { rangeArgs } from "./lib/args/range.js";

export const munmap: Command = {
  name: "munmap",
  summary: "unmap a range of a process's memory",
  prints: "nothing on success",
  usage: ["munmap PID ADDR|MAPPING[+OFFSET] [LENGTH]   (no LENGTH: to the end of the mapping)"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    if (argv.length < 2 || argv.length > 3)
      return usage("munmap: usage: munmap PID ADDR|MAPPING [LENGTH]");
    const a = rangeArgs("munmap", m, argv);
    if (!a.ok) return usage(a.message);
    const r = m.munmap(a.value.pid, a.value.addr, a.value.length);
    return r.ok ? ok() : failed("munmap", hex(a.value.addr), r);
  },
};
