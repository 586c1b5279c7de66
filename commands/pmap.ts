/**
 * pmap [-x | -X | -XX | -d] [-q] [-p] PID...: the memory map of processes,
 * as procps-ng's pmap prints it, from the simulated /proc (the real pmap
 * cannot be pointed at another /proc). Reads /proc/PID/stat and cmdline,
 * then maps (plain, -d) or smaps (-x, -X, -XX), exactly as pmap does.
 * A PID that does not exist is skipped and the exit status is 42.
 */
import { getopt, hasOption } from "../src/shell/getopt.js";
import { type Block, type Command, err, fail, ok, out } from "../src/shell/types.js";
import { machineOf } from "./lib/args/operands.js";
import { readWhole } from "./lib/files/machine-files.js";
import {
  formatPmap,
  newExtendedState,
  PmapFormatError,
  type PmapMode,
  pmapCommand,
  readsSmaps,
} from "./lib/pmap/format.js";

const HELP = `
Usage:
 pmap [options] PID [PID ...]

Options:
 -x, --extended              show details
 -X                          show even more details
            WARNING: format changes according to /proc/PID/smaps
 -XX                         show everything the kernel provides
 -d, --device                show the device format
 -q, --quiet                 do not display header and footer
 -p, --show-path             show path in the mapping

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see pmap(1).
`;

const SPEC = {
  name: "pmap",
  options: [
    { key: "x", short: "x", long: "extended" },
    { key: "X", short: "X" },
    { key: "d", short: "d", long: "device" },
    { key: "q", short: "q", long: "quiet" },
    { key: "p", short: "p", long: "show-path" },
    { key: "r", short: "r" },
    { key: "h", short: "h", long: "help" },
    { key: "V", short: "V", long: "version" },
  ],
};

const usageError = (first?: string) =>
  fail(1, ...(first === undefined ? [] : [err(first)]), { kind: "err", text: HELP });

/** A PID operand as pmap takes it: `/proc/PID` or PID (strtoul base 0); null to skip, "bad" for usage. */
function pidOperand(arg: string): number | null | "bad" {
  let walk = arg;
  if (walk.startsWith("/proc/")) {
    walk = walk.slice(6);
    if (!/^[0-9]/.test(walk)) return null;
  }
  if (!/^[0-9]/.test(walk)) return "bad";
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(walk);
  if (m === null) return "bad";
  const digits = m[1]!;
  const pid = /^0x/i.test(digits)
    ? Number.parseInt(digits, 16)
    : digits.startsWith("0")
      ? Number.parseInt(digits, 8)
      : Number(digits);
  return pid < 1 || pid > 0x7fffffff ? "bad" : pid;
}

export const pmap: Command = {
  name: "pmap",
  summary: "report the memory map of processes, as procps-ng's pmap does",
  prints: "the process's mappings in pmap's layout, and a total",
  usage: ["pmap [-x | -X | -XX | -d] [-q] [-p] PID..."],
  ownHelp: true,
  run(ctx, argv) {
    if (argv.length === 0) return usageError();
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return usageError(parsed.message.split("\n")[0]);
    const opts = parsed.options;
    if (hasOption(opts, "h")) return ok(out(HELP));
    if (hasOption(opts, "V")) return ok(out("pmap from procps-ng 4.0.2\n"));
    const blocks: Block[] = [];
    if (hasOption(opts, "r")) blocks.push(err("pmap: option -r is ignored as SunOS compatibility"));
    const xCount = opts.filter((o) => o.key === "X").length;
    const x = hasOption(opts, "x");
    const d = hasOption(opts, "d");
    if (Number(x) + Number(d) + Number(xCount > 0) > 1)
      return fail(
        1,
        ...blocks,
        err("pmap: options -c, -C, -d, -n, -N, -x, -X are mutually exclusive"),
      );
    if (parsed.operands.length === 0) return fail(1, ...blocks, err("pmap: argument missing"));
    const pids: number[] = [];
    for (const arg of parsed.operands) {
      const pid = pidOperand(arg);
      if (pid === "bad") return usageError();
      if (pid !== null) pids.push(pid);
    }
    const mode: PmapMode = x
      ? "extended"
      : d
        ? "device"
        : xCount === 1
          ? "X"
          : xCount > 1
            ? "XX"
            : "maps";
    const options = { mode, quiet: hasOption(opts, "q"), showPath: hasOption(opts, "p") };
    const m = machineOf(ctx);
    const state = newExtendedState();
    let status = 0;
    let found = 0;
    for (const pid of pids) {
      if (!m.tasks.has(pid)) continue;
      found++;
      const stat = readWhole(m, `/proc/${pid}/stat`);
      const cmdline = readWhole(m, `/proc/${pid}/cmdline`);
      if (!stat.ok) continue;
      const s = stat.value.text;
      const comm = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
      const fields = s.slice(s.lastIndexOf(")") + 2).split(" ");
      const command = pmapCommand(cmdline.ok ? cmdline.value.text : "", comm, fields[0] ?? "");
      const map = readWhole(m, `/proc/${pid}/${readsSmaps(mode) ? "smaps" : "maps"}`);
      if (!map.ok) {
        blocks.push(out(`${pid}:   ${command}\n`));
        status |= 1;
        continue;
      }
      const process = {
        tgid: pid,
        command,
        startStack: BigInt(fields[25] ?? "0"),
        text: map.value.text,
      };
      try {
        blocks.push(out(formatPmap(process, options, state)));
      } catch (e) {
        if (!(e instanceof PmapFormatError)) throw e;
        return fail(1, ...blocks, err(`pmap: ${e.message}`));
      }
    }
    if (found < pids.length) status |= 42;
    return { status, blocks };
  },
};
