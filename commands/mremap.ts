/**
 * mremap PID ADDR OLDLEN NEWLEN [--maymove] [--fixed NEWADDR] [--dontunmap] [-v]:
 * the process resizes or moves a mapping (mremap(2)); prints the mapping's
 * address afterwards. The options are the MREMAP_* flags as the kernel
 * takes them: --fixed and --dontunmap need --maymove, --dontunmap keeps
 * the length (EINVAL otherwise). With -v a second line gives the faults
 * taken: a locked mapping's new part is faulted in (mm_populate).
 * NEWADDR may be written as ADDR does: an address, or a mapping's name
 * (a reservation to move into), with +OFFSET.
 */
import { MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE } from "../src/kernel/constants.js";
import { type GetoptSpec, getopt, hasOption, lastValue } from "../src/shell/getopt.js";
import { type Command, ok, out } from "../src/shell/types.js";
import { faultSummary } from "./lib/access/fault-summary.js";
import {
  failed,
  hex,
  livePidArg,
  machineOf,
  sizeArg,
  targetArg,
  usage,
} from "./lib/args/operands.js";

const SPEC: GetoptSpec = {
  name: "mremap",
  options: [
    { key: "maymove", long: "maymove" },
    { key: "fixed", long: "fixed", arg: "required" },
    { key: "dontunmap", long: "dontunmap" },
    { key: "v", short: "v", long: "verbose" },
  ],
};

const USAGE =
  "mremap: usage: mremap PID ADDR OLDLEN NEWLEN [--maymove] [--fixed NEWADDR] [--dontunmap] [-v]";

export const mremap: Command = {
  name: "mremap",
  summary: "resize or move a mapping (grow in place, shrink, move its pages); prints the address",
  prints: "the mapping's address afterwards, in hex (with -v, then the faults it took)",
  usage: [
    "mremap PID ADDR|MAPPING[+OFFSET] OLDLEN NEWLEN [--maymove] [--fixed ADDR|MAPPING[+OFFSET]]",
    "       [--dontunmap] [-v]",
  ],
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return usage(parsed.message);
    const { options, operands } = parsed;
    if (operands.length !== 4) return usage(USAGE);
    const m = machineOf(ctx);
    const task = livePidArg("mremap", m, operands[0]);
    if (!task.ok) return usage(task.message);
    const target = targetArg("mremap", task.value, operands[1]);
    if (!target.ok) return usage(target.message);
    const oldLen = sizeArg("mremap", operands[2], "old length");
    if (!oldLen.ok) return usage(oldLen.message);
    const newLen = sizeArg("mremap", operands[3], "new length");
    if (!newLen.ok) return usage(newLen.message);
    const fixedText = lastValue(options, "fixed");
    const fixed = fixedText === undefined ? null : targetArg("mremap", task.value, fixedText);
    if (fixed !== null && !fixed.ok) return usage(fixed.message);
    const newAddr = fixed === null ? 0 : fixed.value.addr;
    const flags =
      (hasOption(options, "maymove") ? MREMAP_MAYMOVE : 0) |
      (fixedText !== undefined ? MREMAP_FIXED : 0) |
      (hasOption(options, "dontunmap") ? MREMAP_DONTUNMAP : 0);
    const r = m.mremap(task.value.pid, {
      addr: target.value.addr,
      oldLen: oldLen.value,
      newLen: newLen.value,
      flags,
      newAddr,
    });
    if (!r.ok) return failed("mremap", hex(target.value.addr), r);
    const lines = [`${hex(r.value.addr)}\n`];
    if (hasOption(options, "v")) lines.push(`${faultSummary(r.value.faults)}\n`);
    return ok(out(lines.join("")));
  },
};
