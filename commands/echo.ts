/**
 * echo: write arguments to standard output, as bash's builtin echo does.
 *
 * Options are recognised only as leading arguments made solely of the letters
 * n, e and E (`-n`, `-e`, `-neE`, …): -n drops the trailing newline, -e
 * interprets backslash escapes (\n, \t, \c, \0NNN, \xHH, …), -E turns them
 * off again. Anything else, `--` and `--help` included, is printed as is.
 */
import { decodeEscapes } from "../src/shell/escapes.js";
import { type Command, ok, out } from "../src/shell/types.js";

export const echo: Command = {
  name: "echo",
  summary: "write arguments to standard output",
  prints: "its arguments, separated by spaces, and a newline (not with -n)",
  usage: ["echo [-neE] [ARG ...]"],
  ownHelp: true,
  run(_ctx, argv) {
    let newline = true;
    let escapes = false;
    let i = 0;
    for (; i < argv.length && /^-[neE]+$/.test(argv[i]!); i++) {
      for (const flag of argv[i]!.slice(1)) {
        if (flag === "n") newline = false;
        else escapes = flag === "e";
      }
    }
    let text = argv.slice(i).join(" ");
    if (escapes) {
      const decoded = decodeEscapes(text, "echo");
      if (decoded.stop) return decoded.text === "" ? ok() : ok(out(decoded.text));
      text = decoded.text;
    }
    if (newline) text += "\n";
    return text === "" ? ok() : ok(out(text));
  },
};
