/**
 * load [-v] FILE: replaces the machine with the one `save FILE` wrote.
 * The shell's variables stay; the machine is the saved one in every
 * respect (its boot options too), and goes on exactly as the saved one
 * would have. A file that is not an image, is damaged, or was made by a
 * newer cowsh is refused, and the current machine kept.
 */

import { readImageFile } from "../src/image/machine-image.js";
import { getopt, hasOption } from "../src/shell/getopt.js";
import { hostStrerror } from "../src/shell/session.js";
import { type Command, err, fail, ok, out } from "../src/shell/types.js";
import { usage } from "./lib/args/operands.js";
import { describeMachine } from "./save.js";
import { traceFollows } from "./trace.js";

const USAGE = ["load [-v] FILE"];

export const load: Command = {
  name: "load",
  summary: "replace the machine with one saved by save",
  prints: "nothing on success (with -v, a line about the loaded machine)",
  usage: [
    ...USAGE,
    "",
    "FILE is a host file (the real machine's, relative to where cowsh started).",
    "The shell's variables stay; everything else is the saved machine's,",
    "down to its boot options and the actions its processes have still to",
    "run. -v says what was loaded.",
  ],
  run(ctx, argv) {
    const parsed = getopt(
      { name: "load", options: [{ key: "v", short: "v", long: "verbose" }] },
      argv,
    );
    if (!parsed.ok) return usage(parsed.message);
    const [file, extra] = parsed.operands;
    if (file === undefined || extra !== undefined) return usage(`load: usage: ${USAGE[0]}`);
    const { host, replaceMachine } = ctx.session;
    if (host === undefined || replaceMachine === undefined)
      return fail(1, err(`load: ${hostStrerror("ENOSYS")}`));
    const r = readImageFile(host, file);
    if (!r.ok) return fail(1, err(`load: ${r.message}`));
    ctx.session.replaceMachine?.(r.machine);
    traceFollows(ctx.session, r.machine);
    return hasOption(parsed.options, "v")
      ? ok(out(`${file}: ${describeMachine(r.machine)}\n`))
      : ok();
  },
};
