/** fsync FILE...: writes a file's dirty pages back; they become clean (and shared mappings write-protected). */
import { getopt, hasOption } from "../src/shell/getopt.js";
import { type Block, type Command, err, fail, out } from "../src/shell/types.js";
import { errnoMessage, machineOf, usage } from "./lib/args.js";
import { absPath } from "./lib/files.js";

export const fsync: Command = {
  name: "fsync",
  summary: "write a file's dirty pages back to disk",
  usage: ["fsync [-v] FILE..."],
  run(ctx, argv) {
    const parsed = getopt(
      { name: "fsync", options: [{ key: "v", short: "v", long: "verbose" }] },
      argv,
    );
    if (!parsed.ok) return usage(parsed.message);
    const m = machineOf(ctx);
    const blocks: Block[] = [];
    let status = 0;
    // Every operand is checked first, so a failure changes nothing.
    for (const path of parsed.operands) {
      const found = m.vfs.lookup(absPath(path));
      if (!found.ok) return fail(1, err(errnoMessage("fsync", path, found)));
    }
    for (const path of parsed.operands) {
      const r = m.fsync(absPath(path));
      if (!r.ok) {
        blocks.push(err(errnoMessage("fsync", path, r)));
        status = 1;
      } else if (hasOption(parsed.options, "v"))
        blocks.push(out(`${path}: ${r.value} pages written back\n`));
    }
    return { status, blocks };
  },
};
