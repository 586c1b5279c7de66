/**
 * chmod MODE FILE...: sets files' permission bits, as GNU chmod with an
 * octal MODE (symbolic modes such as u+x are not modelled). swapon and
 * mkswap warn about a swap file others can read (anything but 0600).
 */
import { type Command, err, fail, ok } from "../src/shell/types.js";
import { errnoMessage, machineOf } from "./lib/args/operands.js";
import { absPath } from "./lib/files/machine-files.js";

export const chmod: Command = {
  name: "chmod",
  summary: "set files' permission bits (octal modes)",
  usage: ["chmod OCTAL-MODE FILE..."],
  prints: "nothing on success",
  run(ctx, argv) {
    const [modeText, ...files] = argv;
    if (modeText === undefined)
      return fail(1, err("chmod: missing operand\nTry 'chmod --help' for more information."));
    if (files.length === 0)
      return fail(
        1,
        err(`chmod: missing operand after ‘${modeText}’\nTry 'chmod --help' for more information.`),
      );
    if (!/^[0-7]{1,4}$/.test(modeText))
      return fail(
        1,
        err(`chmod: invalid mode: ‘${modeText}’\nTry 'chmod --help' for more information.`),
      );
    const mode = Number.parseInt(modeText, 8);
    const m = machineOf(ctx);
    const errors: string[] = [];
    for (const f of files) {
      const r = m.chmod(absPath(f, ctx.session), mode);
      if (!r.ok) errors.push(errnoMessage("chmod", `cannot access '${f}'`, r));
    }
    return errors.length === 0 ? ok() : fail(1, err(errors.join("\n")));
  },
};
