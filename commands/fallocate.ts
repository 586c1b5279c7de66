/**
 * fallocate -l LENGTH FILE: allocates the file's blocks from its start (no
 * holes there), creating it and growing it to LENGTH, as util-linux's
 * fallocate without -o, -n or -p. A file made by truncate has holes; this
 * is how a swap file is made without them.
 */
import { getopt, lastValue } from "../src/shell/getopt.js";
import { type Command, err, fail, ok } from "../src/shell/types.js";
import { errnoMessage, machineOf, parseSize } from "./lib/args/operands.js";
import { absPath, isProcPath } from "./lib/files/machine-files.js";

const SPEC = {
  name: "fallocate",
  options: [{ key: "l", short: "l", long: "length", arg: "required" as const }],
};

export const fallocate: Command = {
  name: "fallocate",
  summary: "allocate a file's blocks (no holes), creating or growing it",
  usage: ["fallocate -l LENGTH FILE"],
  prints: "nothing on success",
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return fail(1, err(parsed.message));
    const text = lastValue(parsed.options, "l");
    if (text === undefined) return fail(1, err("fallocate: no length argument specified"));
    const length = parseSize(text);
    if (length === null) return fail(1, err(`fallocate: invalid length value specified`));
    if (length === 0) return fail(1, err("fallocate: invalid length value specified"));
    const [path, extra] = parsed.operands;
    if (path === undefined)
      return fail(
        1,
        err("fallocate: no filename specified\nTry 'fallocate --help' for more information."),
      );
    if (extra !== undefined)
      return fail(
        1,
        err(
          `fallocate: unexpected number of arguments\nTry 'fallocate --help' for more information.`,
        ),
      );
    const m = machineOf(ctx);
    const abs = absPath(path, ctx.session);
    if (isProcPath(abs)) return fail(1, err(`fallocate: cannot open ${path}: Permission denied`));
    const r = m.fallocate(abs, length);
    if (r.ok) return ok();
    if (r.errno === "ENOENT" || r.errno === "ENOTDIR" || r.errno === "EISDIR")
      return fail(1, err(errnoMessage("fallocate", `cannot open ${path}`, r)));
    return fail(1, err(errnoMessage("fallocate", "fallocate failed", r)));
  },
};
