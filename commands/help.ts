/** help [COMMAND]: lists the commands, or shows one command's usage. */
import { BUILTINS } from "../src/shell/builtins.js";
import { type Command, err, fail, helpText, ok, out } from "../src/shell/types.js";

/** Makes `help` over a registry (passed in, since the registry includes help itself). */
export function makeHelp(registry: () => ReadonlyMap<string, Command>): Command {
  return {
    name: "help",
    summary: "list the commands, or show how to use one",
    prints: "the list of commands, or one command's summary, usage and output",
    usage: ["help [COMMAND]"],
    run(_ctx, argv) {
      const commands = registry();
      if (argv.length === 0) {
        const width = Math.max(...[...commands.keys()].map((n) => n.length));
        const lines = [...commands.values()].map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
        const shell = [...BUILTINS.values()]
          .filter((b) => !commands.has(b.name))
          .map((b) => `  ${b.name.padEnd(width)}  ${b.summary}`);
        return ok(
          out(
            `cowsh commands (help COMMAND for its usage):\n${lines.join("\n")}\n` +
              `\nthe shell's own builtins, and if for while until case function [[ (( )):\n${shell.join("\n")}\n`,
          ),
        );
      }
      const c = commands.get(argv[0]!) ?? BUILTINS.get(argv[0]!);
      if (c === undefined) return fail(1, err(`help: no help topics match '${argv[0]}'.`));
      return ok(out(helpText(c)));
    },
  };
}
