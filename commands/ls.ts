/** ls [PATH...]: lists directories (one name per line, as ls does into a pipe). */
import { resolve } from "../fs/vfs.js";
import { type Block, type Command, err, out } from "../src/shell/types.js";
import { errnoMessage, machineOf } from "./lib/args/operands.js";

export const ls: Command = {
  name: "ls",
  summary: "list a directory: /proc holds a directory per process",
  usage: ["ls [PATH...]"],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const paths = argv.length === 0 ? ["/"] : argv;
    const blocks: Block[] = [];
    let status = 0;
    paths.forEach((path, i) => {
      const node = resolve(m, path);
      if (!node.ok) {
        blocks.push(err(errnoMessage("ls", `cannot access '${path}'`, node)));
        status = 2;
        return;
      }
      const header =
        paths.length > 1 && node.value.kind === "dir" ? `${i > 0 ? "\n" : ""}${path}:\n` : "";
      const body =
        node.value.kind === "dir"
          ? node.value
              .entries()
              .map((e) => `${e}\n`)
              .join("")
          : `${path}\n`;
      blocks.push(out(header + body));
    });
    return { status, blocks };
  },
};
