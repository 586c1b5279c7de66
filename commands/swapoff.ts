/**
 * swapoff FILE... | -a: swaps the areas off (util-linux swapoff): every
 * swapped page comes back into memory, without a fault (try_to_unuse).
 */
import { strerror } from "../src/kernel/result.js";
import { type Command, err, fail, ok } from "../src/shell/types.js";
import { machineOf } from "./lib/args/operands.js";
import { absPath } from "./lib/files/machine-files.js";

export const swapoff: Command = {
  name: "swapoff",
  summary: "swap areas off: every swapped-out page comes back into memory",
  usage: ["swapoff FILE...", "swapoff -a"],
  prints: "nothing; an error line for each FILE that is not a swap area in use",
  run(ctx, argv) {
    const m = machineOf(ctx);
    const paths = argv[0] === "-a" && argv.length === 1 ? m.swapPaths() : argv;
    if (paths.length === 0 && argv[0] !== "-a")
      return fail(16, err("swapoff: bad usage\nTry 'swapoff --help' for more information."));
    const errors: string[] = [];
    for (const path of paths) {
      const r = m.swapoff(absPath(path, ctx.session));
      if (!r.ok) errors.push(`swapoff: ${path}: swapoff failed: ${strerror(r.errno)}`);
    }
    return errors.length === 0 ? ok() : fail(4, err(errors.join("\n")));
  },
};
