/** rm FILE...: unlinks files; a mapped file lives on, shown as "(deleted)" in maps. */
import { type Block, type Command, err } from "../src/shell/types.js";
import { errnoMessage, machineOf } from "./lib/args.js";

export const rm: Command = {
  name: "rm",
  summary: 'remove files (a mapped file lives on as "(deleted)")',
  usage: ["rm FILE..."],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const blocks: Block[] = [];
    let status = 0;
    for (const path of argv) {
      const r = m.unlink(path);
      if (!r.ok) {
        blocks.push(err(errnoMessage("rm", `cannot remove '${path}'`, r)));
        status = 1;
      }
    }
    return { status, blocks };
  },
};
