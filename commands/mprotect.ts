/** mprotect PID ADDR LENGTH PROT: changes the protection of a range (splitting VMAs at its edges). */
import { type Command, ok } from "../src/shell/types.js";
import { failed, hex, machineOf, protArg, usage } from "./lib/args/operands.js";
import { rangeArgs } from "./lib/args/range.js";

export const mprotect: Command = {
  name: "mprotect",
  summary: "change the protection of a range of a process's memory",
  prints: "nothing on success",
  usage: ["mprotect PID ADDR|MAPPING[+OFFSET] LENGTH PROT"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    if (argv.length !== 4)
      return usage("mprotect: usage: mprotect PID ADDR LENGTH r|rw|rx|rwx|none");
    const a = rangeArgs("mprotect", m, argv.slice(0, 3));
    if (!a.ok) return usage(a.message);
    const prot = protArg("mprotect", argv[3]);
    if (!prot.ok) return usage(prot.message);
    const r = m.mprotect(a.value.pid, a.value.addr, a.value.length, prot.value);
    return r.ok ? ok() : failed("mprotect", hex(a.value.addr), r);
  },
};
