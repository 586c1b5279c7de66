/**
 * mkswap FILE: sets up a swap area in a file of the simulated file system,
 * as util-linux's mkswap: the header goes into page 0 (src/kernel/swapon.ts),
 * the file keeps its size. Warnings as util-linux 2.38 prints them on
 * stderr (insecure permissions, holes, an old signature wiped); a file
 * smaller than 40 KiB or a swap area in use is refused.
 */
import { PAGE_SIZE } from "../src/kernel/constants.js";
import { MIN_SWAP_PAGES } from "../src/kernel/swapon.js";
import { getopt } from "../src/shell/getopt.js";
import { type Block, type Command, err, fail, ok, out } from "../src/shell/types.js";
import { errnoMessage, machineOf } from "./lib/args/operands.js";
import { absPath } from "./lib/files/machine-files.js";
import { sizeToHumanString } from "./lib/swap/human-size.js";

const SPEC = { name: "mkswap", options: [] };

export const mkswap: Command = {
  name: "mkswap",
  summary: "set up a swap area in a file (its header in page 0)",
  usage: ["mkswap FILE"],
  prints: "the area's size and its UUID, as util-linux's mkswap",
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return fail(1, err(parsed.message));
    const [path, blocks, extra] = parsed.operands;
    if (path === undefined)
      return fail(
        1,
        err("mkswap: error: Nowhere to set up swap on?\nTry 'mkswap --help' for more information."),
      );
    if (blocks !== undefined && extra === undefined)
      return fail(
        1,
        err(
          "mkswap: a block count is not modelled: the area is the whole file (make it that size with fallocate)",
        ),
      );
    if (extra !== undefined)
      return fail(
        1,
        err(
          "mkswap: only one device argument is supported\nTry 'mkswap --help' for more information.",
        ),
      );
    const m = machineOf(ctx);
    const abs = absPath(path, ctx.session);
    const inode = m.vfs.lookup(abs);
    if (!inode.ok) return fail(1, err(errnoMessage("mkswap", `cannot open ${path}`, inode)));
    if (inode.value.type === "dir")
      return fail(1, err(`mkswap: cannot open ${path}: Is a directory`));
    const pages = Math.floor(inode.value.size / PAGE_SIZE);
    if (pages < MIN_SWAP_PAGES)
      return fail(
        1,
        err(
          `mkswap: error: swap area needs to be at least ${(MIN_SWAP_PAGES * PAGE_SIZE) / 1024} KiB`,
        ),
      );
    const warnings: Block[] = [];
    const mode = inode.value.mode & 0o7777;
    if ((mode & 0o7077) !== 0)
      warnings.push(
        err(`mkswap: ${path}: insecure permissions ${octal(mode)}, fix with: chmod 0600 ${path}`),
      );
    const { allocated } = inode.value;
    if (allocated !== undefined && allocated < inode.value.size)
      warnings.push(
        err(
          `\nmkswap: ${path} contains holes or other unsupported extents.\n        This swap file can be rejected by kernel on swap activation!\n        Use --verbose for more details.\n\n`,
        ),
      );
    const r = m.mkswap(abs);
    if (!r.ok) {
      if (r.errno === "ETXTBSY")
        return fail(1, ...warnings, err("mkswap: unable to erase bootbits sectors"));
      return fail(1, ...warnings, err(errnoMessage("mkswap", `cannot open ${path}`, r)));
    }
    if (r.value.wiped) warnings.push(err(`mkswap: ${path}: warning: wiping old swap signature.`));
    const bytes = (r.value.pages - 1) * PAGE_SIZE;
    return ok(
      ...warnings,
      out(
        `Setting up swapspace version 1, size = ${sizeToHumanString(bytes, true)} (${bytes} bytes)\nno label, UUID=${r.value.uuid}\n`,
      ),
    );
  },
};

/** %04o. */
export const octal = (mode: number): string => mode.toString(8).padStart(4, "0");
