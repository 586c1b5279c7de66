/** rm [-f] FILE...: unlinks files; a mapped file lives on, shown as "(deleted)" in maps. */
import { resolve } from "../fs/vfs.js";
import { failure } from "../src/kernel/result.js";
import { type GetoptSpec, getopt, hasOption } from "../src/shell/getopt.js";
import { type Command, err, fail, ok } from "../src/shell/types.js";
import { errnoMessage, machineOf } from "./lib/args/operands.js";
import { absPath, isProcPath } from "./lib/files/machine-files.js";

/** GNU getopt: -f ignores missing files; -v (coreutils' verbose) is not modelled, so refused. */
const SPEC: GetoptSpec = { name: "rm", options: [{ key: "f", short: "f", long: "force" }] };

export const rm: Command = {
  name: "rm",
  summary: 'remove files (a mapped file lives on as "(deleted)")',
  prints: "nothing on success",
  usage: ["rm [-f] FILE..."],
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return fail(1, err(parsed.message));
    const force = hasOption(parsed.options, "f");
    const m = machineOf(ctx);
    if (parsed.operands.length === 0 && !force)
      return fail(1, err("rm: missing operand\nTry 'rm --help' for more information."));
    // -f: a file that is not there is no error (and is skipped).
    const paths = parsed.operands.filter(
      (p) => !force || isProcPath(absPath(p)) || m.vfs.lookup(absPath(p), true).ok,
    );
    // Every operand is checked first, so a failure removes nothing.
    for (const path of paths) {
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
    for (const path of paths) {
      const r = m.unlink(absPath(path));
      if (!r.ok) return fail(1, err(errnoMessage("rm", `cannot remove '${path}'`, r)));
    }
    return ok();
  },
};
