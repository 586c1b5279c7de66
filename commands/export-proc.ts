/**
 * export-proc [-f] DIR, export-proc [-f] --smem FILE.tar: writes the
 * simulated /proc to the real machine, for real tools.
 *
 * DIR gets every file of /proc as it reads now (DIR/PID/smaps, DIR/meminfo,
 * …), so psutil with `psutil.PROCFS_PATH = DIR` sees cowsh's processes.
 * pagemap is written sparse: 256 GiB long, with data only over the VMAs and
 * holes elsewhere. A file Linux will not let anyone read (a zombie's
 * smaps_rollup, environ, pagemap) is left out. FILE.tar is the capture
 * busybox's smemcap makes, which `smem -S FILE.tar` reads.
 *
 * Paths are host paths (the real machine's), relative to the directory
 * cowsh was started in; messages call them `host directory DIR` and `host
 * file PATH`. DIR is created with its missing parents, as `mkdir -p` does.
 * A non-empty DIR or an existing FILE is refused unless -f is given.
 */
import { PID_FILES } from "../fs/proc/index.js";
import type { Machine } from "../src/kernel/machine.js";
import { getopt, hasOption, lastValue } from "../src/shell/getopt.js";
import { type HostFs, hostStrerror } from "../src/shell/session.js";
import { type Block, type Command, err, fail } from "../src/shell/types.js";
import { machineOf, usage } from "./lib/args/operands.js";
import {
  type ExportError,
  hostPath,
  makeFile,
  prepareRoot,
  removeStale,
  type Target,
  writeEntries,
} from "./lib/export/host-files.js";
import { procTree } from "./lib/export/proc-tree.js";
import { smemCapture } from "./lib/export/smem-capture.js";
import { tarArchive } from "./lib/export/tar.js";

const NAME = "export-proc";
const USAGE = ["export-proc [-f] DIR", "export-proc [-f] --smem FILE.tar"];

/** `export-proc: host directory DIR: why` for the directory named, `host file PATH: why` below it. */
const message = (e: ExportError, dir: string | undefined): Block =>
  err(
    `${NAME}: ${hostPath(e.shown, e.shown === dir ? "directory" : "file")}: ${hostStrerror(e.errno)}`,
  );

export const exportProc: Command = {
  name: NAME,
  summary: "write /proc to a host directory (psutil) or an smem capture tarball on the host",
  prints: "nothing on success; the files are written on the host",
  usage: [
    ...USAGE,
    "",
    "DIR and FILE.tar are host paths (the real machine's, relative to where",
    "cowsh started). DIR is created with its parents, as mkdir -p does; a",
    "non-empty DIR or an existing FILE.tar is refused unless -f is given.",
  ],
  run(ctx, argv) {
    const parsed = getopt(
      {
        name: NAME,
        options: [
          { key: "f", short: "f", long: "force" },
          { key: "smem", long: "smem", arg: "required" },
        ],
      },
      argv,
    );
    if (!parsed.ok) return usage(parsed.message);
    const tarPath = lastValue(parsed.options, "smem");
    const [dir, extra] = parsed.operands;
    if (extra !== undefined || (dir === undefined && tarPath === undefined))
      return usage(`${NAME}: usage: ${USAGE.join(" | ")}`);
    const host = ctx.session.host;
    if (host === undefined) return fail(1, err(`${NAME}: ${hostStrerror("ENOSYS")}`));
    const m = machineOf(ctx);
    const force = hasOption(parsed.options, "f");
    const errors: ExportError[] = [];
    if (dir !== undefined) errors.push(...exportDir(host, target(host, dir), force, m));
    if (tarPath !== undefined) {
      const e = exportTar(host, target(host, tarPath), force, m);
      if (e !== null) errors.push(e);
    }
    return { status: errors.length === 0 ? 0 : 1, blocks: errors.map((e) => message(e, dir)) };
  },
};

const target = (host: HostFs, typed: string): Target => ({
  abs: host.resolve(typed),
  shown: typed,
});

/** Every /proc file into directory `root`. */
function exportDir(host: HostFs, root: Target, force: boolean, m: Machine): ExportError[] {
  const refused = prepareRoot(host, root, force);
  if (refused !== null) return [refused];
  const entries = procTree(m);
  const errors = writeEntries(host, root, entries);
  if (force) removeStale(host, root, entries, new Set(PID_FILES.keys()));
  return errors;
}

/** The smemcap tarball into file `file`. */
function exportTar(host: HostFs, file: Target, force: boolean, m: Machine): ExportError | null {
  const st = host.stat(file.abs, false);
  if (st.ok && !force)
    return { shown: file.shown, errno: st.value === "dir" ? "EISDIR" : "EEXIST" };
  const bytes = tarArchive(smemCapture(m));
  const r = makeFile(host, file, 0o644, bytes.length, [{ offset: 0, bytes }]);
  return r.ok ? null : { shown: file.shown, errno: r.errno };
}
