/**
 * save [-fv] FILE: writes the whole machine to FILE on the host, as an
 * image that `load FILE` (or `cowsh --load FILE`) restores: processes,
 * mappings, page tables, frames, files and page cache, the clock, pending
 * timed actions, the kernel log. The machine goes on unchanged.
 *
 * FILE is a host path, relative to the directory cowsh was started in; it
 * is the only file written. An existing FILE is refused unless -f is given
 * (then it is replaced: a symlink there is removed, never followed).
 */

import { encodeImage } from "../src/image/machine-image.js";
import { NSEC_PER_SEC } from "../src/kernel/constants.js";
import type { Machine } from "../src/kernel/machine.js";
import { getopt, hasOption } from "../src/shell/getopt.js";
import { hostStrerror } from "../src/shell/session.js";
import { type Command, err, fail, ok, out } from "../src/shell/types.js";
import { machineOf, usage } from "./lib/args/operands.js";
import { plural } from "./lib/explain/prose.js";
import { hostPath, makeFile } from "./lib/export/host-files.js";

const USAGE = ["save [-fv] FILE"];

export const save: Command = {
  name: "save",
  summary: "save the whole machine to a host file (load FILE brings it back)",
  prints: "nothing on success (with -v, a line about the saved machine)",
  usage: [
    ...USAGE,
    "",
    "FILE is a host file (the real machine's, relative to where cowsh started).",
    "-f replaces an existing FILE; -v says what was saved. The image holds",
    "every process, mapping, page table, frame and file, the clock and the",
    "actions still to run; `load FILE` or `cowsh --load FILE` restores it.",
  ],
  run(ctx, argv) {
    const parsed = getopt(
      {
        name: "save",
        options: [
          { key: "f", short: "f", long: "force" },
          { key: "v", short: "v", long: "verbose" },
        ],
      },
      argv,
    );
    if (!parsed.ok) return usage(parsed.message);
    const [file, extra] = parsed.operands;
    if (file === undefined || extra !== undefined) return usage(`save: usage: ${USAGE[0]}`);
    const host = ctx.session.host;
    if (host === undefined) return fail(1, err(`save: ${hostStrerror("ENOSYS")}`));
    const m = machineOf(ctx);
    const target = { abs: host.resolve(file), shown: file };
    const st = host.stat(target.abs, false);
    if (!st.ok && st.errno !== "ENOENT")
      return fail(1, err(`save: ${hostPath(file)}: ${hostStrerror(st.errno)}`));
    if (st.ok && (st.value === "dir" || !hasOption(parsed.options, "f")))
      return fail(
        1,
        err(`save: ${hostPath(file)}: ${hostStrerror(st.value === "dir" ? "EISDIR" : "EEXIST")}`),
      );
    const bytes = encodeImage(m);
    const r = makeFile(host, target, 0o644, bytes.length, [{ offset: 0, bytes }]);
    if (!r.ok) return fail(1, err(`save: ${hostPath(file)}: ${hostStrerror(r.errno)}`));
    return hasOption(parsed.options, "v") ? ok(out(`${file}: ${describeMachine(m)}\n`)) : ok();
  },
};

/** One line about a machine: its processes, frames in use and clock (save -v, load -v). */
export function describeMachine(m: Machine): string {
  const { phys } = m;
  const used = phys.nrFrames - phys.firstUsable - phys.nrFree;
  const seconds = (m.now / NSEC_PER_SEC).toFixed(2);
  return `${plural(m.tasks.size, "process", "processes")}, ${plural(used, "frame")} in use, ${seconds} s since boot`;
}
