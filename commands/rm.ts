/** rm FILE...: unlinks files; a mapped file lives on, shown as "(deleted)" in maps. */
import { resolve } from "../fs/vfs.js";
import { failure } from "../src/kernel/result.js";
import { type Command, err, fail, ok } from "../src/shell/types.js";
import { errnoMessage, machineOf } from "./lib/args/operands.js";
import { absPath, isProcPath } from "./lib/files/machine-files.js";

export const rm: Command = {
  name: "rm",
  summary: 'remove files (a mapped file lives on as "(deleted)")',
  usage: ["rm FILE..."],
  run(ctx, argv) {
    const m = machineOf(ctx);
    if (argv.length === 0)
      return fail(1, err("rm: missing operand\nTry 'rm --help' for more information."));
    // Every operand is checked first, so a failure removes nothing.
    for (const path of argv) {
      const abs = absPath(path);
      const found = isProcPath(abs)
        ? resolve(m, abs).ok
          ? failure("EPERM")
          : failure("ENOENT")
        : m.vfs.lookup(abs, true);
      if (!found.ok) return fail(1, err(errnoMessage("rm", `cannot remove '${path}'`, found)));
      if (found.value.type === "dir")
        return fail(1, err(`rm: cannot remove '${path}': Is a directory`));
    }
    for (const path of argv) {
      const r = m.unlink(absPath(path));
      if (!r.ok) return fail(1, err(errnoMessage("rm", `cannot remove '${path}'`, r)));
    }
    return ok();
  },
};
