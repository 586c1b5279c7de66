/** truncate -s SIZE FILE...: creates or resizes files, as GNU truncate (sizes 4K = 4096, 4M…). */
import { getopt, lastValue } from "../src/shell/getopt.js";
import { type Command, err, fail, ok } from "../src/shell/types.js";
import { errnoMessage, machineOf, parseSize, usage } from "./lib/args/operands.js";
import { checkWritable, isProcPath } from "./lib/files/machine-files.js";

export const truncate: Command = {
  name: "truncate",
  summary: "create a file or set its size",
  prints: "nothing on success",
  usage: ["truncate -s SIZE FILE..."],
  run(ctx, argv) {
    const spec = {
      name: "truncate",
      options: [{ key: "s", short: "s", long: "size", arg: "required" as const }],
    };
    const parsed = getopt(spec, argv);
    if (!parsed.ok) return usage(parsed.message);
    const text = lastValue(parsed.options, "s");
    if (text === undefined)
      return usage(
        "truncate: you must specify either '--size' or '--reference'\nTry 'truncate --help' for more information.",
      );
    const size = parseSize(text);
    if (size === null) return usage(`truncate: Invalid number: ‘${text}’`);
    if (parsed.operands.length === 0)
      return usage("truncate: missing file operand\nTry 'truncate --help' for more information.");
    const m = machineOf(ctx);
    // Every operand is checked before any file changes, so a failure changes nothing.
    const paths: string[] = [];
    for (const path of parsed.operands) {
      const r = checkWritable(m, path, ctx.session.cwd);
      if (!r.ok)
        return fail(1, err(errnoMessage("truncate", `cannot open '${path}' for writing`, r)));
      paths.push(r.value);
    }
    // Truncating an existing /proc file succeeds and does nothing, as on Linux.
    for (const path of paths.filter((p) => !isProcPath(p))) {
      const r = m.truncate(path, size);
      if (!r.ok && r.errno === "ETXTBSY")
        return fail(
          1,
          err(errnoMessage("truncate", `failed to truncate '${path}' at ${size} bytes`, r)),
        );
      if (!r.ok)
        return fail(1, err(errnoMessage("truncate", `cannot open '${path}' for writing`, r)));
    }
    return ok();
  },
};
