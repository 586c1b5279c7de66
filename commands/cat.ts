/** cat [FILE...]: prints files, /proc files included; with no file, copies its input. */
import { type Block, type Command, err, out } from "../src/shell/types.js";
import { errnoMessage, machineOf } from "./lib/args.js";
import { readWhole } from "./lib/files.js";

export const cat: Command = {
  name: "cat",
  summary: "print files (/proc files are generated when read)",
  usage: ["cat [FILE...]"],
  run(ctx, argv) {
    const files = argv.filter((a) => a !== "--");
    if (files.length === 0) return { status: 0, blocks: ctx.stdin ? [out(ctx.stdin)] : [] };
    const m = machineOf(ctx);
    const blocks: Block[] = [];
    let status = 0;
    for (const path of files) {
      if (path === "-") {
        if (ctx.stdin) blocks.push(out(ctx.stdin));
        continue;
      }
      const r = readWhole(m, path);
      if (r.ok) {
        if (r.value.text !== "") blocks.push(out(r.value.text));
      } else {
        blocks.push(err(errnoMessage("cat", path, r)));
        status = 1;
      }
    }
    return { status, blocks };
  },
};
