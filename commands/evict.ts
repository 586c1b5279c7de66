/**
 * evict FILE...: drops a file's clean, unmapped pages from the page cache
 * (posix_fadvise POSIX_FADV_DONTNEED), so the next access is a major fault.
 */
import { getopt, hasOption } from "../src/shell/getopt.js";
import { type Block, type Command, err, fail, out } from "../src/shell/types.js";
import { errnoMessage, machineOf, usage } from "./lib/args.js";
import { absPath } from "./lib/files.js";

export const evict: Command = {
  name: "evict",
  summary: "drop a file's clean, unmapped pages from the page cache",
  usage: ["evict [-v] FILE..."],
  run(ctx, argv) {
    const parsed = getopt(
      { name: "evict", options: [{ key: "v", short: "v", long: "verbose" }] },
      argv,
    );
    if (!parsed.ok) return usage(parsed.message);
    const m = machineOf(ctx);
    const blocks: Block[] = [];
    let status = 0;
    // Every operand is checked first, so a failure changes nothing.
    for (const path of parsed.operands) {
      const found = m.vfs.lookup(absPath(path));
      if (!found.ok) return fail(1, err(errnoMessage("evict", path, found)));
    }
    for (const path of parsed.operands) {
      const r = m.evict(absPath(path));
      if (!r.ok) {
        blocks.push(err(errnoMessage("evict", path, r)));
        status = 1;
      } else if (hasOption(parsed.options, "v"))
        blocks.push(out(`${path}: ${r.value} pages evicted\n`));
    }
    return { status, blocks };
  },
};
