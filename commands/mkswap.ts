/**
 * mkswap [-L LABEL] [-U UUID] FILE [BLOCKS]: sets up a swap area in a file
 * of the simulated file system, as util-linux's mkswap: the header goes
 * into page 0 (src/kernel/swapon.ts), the file keeps its size. BLOCKS (1
 * KiB blocks, 0 for the whole file) makes the area smaller than the file;
 * more than the file holds is refused. -U takes a UUID, "clear" (all
 * zeros) or "random"/"time" (generated); without it the UUID is generated
 * too, deterministically: from the inode and the simulated clock. -L is
 * cut to 15 characters ("Label was truncated."). Warnings as util-linux
 * 2.38 prints them on stderr (insecure permissions, holes, an old
 * signature wiped); an area under 40 KiB or a swap area in use is refused.
 */
import { PAGE_SIZE } from "../src/kernel/constants.js";
import { MIN_SWAP_PAGES, parseUuid, SWAP_LABEL_MAX } from "../src/kernel/swapon.js";
import { getopt, lastValue } from "../src/shell/getopt.js";
import { type Block, type Command, err, fail, ok, out } from "../src/shell/types.js";
import { errnoMessage, machineOf } from "./lib/args/operands.js";
import { absPath } from "./lib/files/machine-files.js";
import { sizeToHumanString } from "./lib/swap/human-size.js";

const SPEC = {
  name: "mkswap",
  options: [
    { key: "L", short: "L", long: "label", arg: "required" as const },
    { key: "U", short: "U", long: "uuid", arg: "required" as const },
  ],
};
const KIB_PER_PAGE = PAGE_SIZE / 1024;

export const mkswap: Command = {
  name: "mkswap",
  summary: "set up a swap area in a file (its header in page 0)",
  usage: ["mkswap [-L LABEL] [-U UUID|clear|random|time] FILE [BLOCKS]"],
  prints: "the area's size, its label and its UUID, as util-linux's mkswap",
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return fail(1, err(parsed.message));
    const [path, blocks, extra] = parsed.operands;
    if (extra !== undefined)
      return fail(
        1,
        err(
          "mkswap: only one device argument is supported\nTry 'mkswap --help' for more information.",
        ),
      );
    const uuidText = lastValue(parsed.options, "U");
    const uuid = uuidText === undefined ? null : uuidOption(uuidText);
    if (uuid === undefined) return fail(1, err("mkswap: error: parsing UUID failed"));
    if (path === undefined)
      return fail(
        1,
        err("mkswap: error: Nowhere to set up swap on?\nTry 'mkswap --help' for more information."),
      );
    let pages = 0;
    if (blocks !== undefined) {
      if (!/^\s*[0-9]+$/.test(blocks))
        return fail(1, err(`mkswap: invalid block count argument: '${blocks}'`));
      pages = Math.floor(Number(blocks) / KIB_PER_PAGE);
    }
    const m = machineOf(ctx);
    const abs = absPath(path, ctx.session);
    const inode = m.vfs.lookup(abs);
    if (!inode.ok) return fail(1, err(errnoMessage("mkswap", `cannot open ${path}`, inode)));
    if (inode.value.type === "dir")
      return fail(1, err(`mkswap: cannot open ${path}: Is a directory`));
    const filePages = Math.floor(inode.value.size / PAGE_SIZE);
    if (pages > filePages)
      return fail(
        1,
        err(
          `mkswap: error: size ${pages * KIB_PER_PAGE} KiB is larger than device size ${filePages * KIB_PER_PAGE} KiB`,
        ),
      );
    if ((pages === 0 ? filePages : pages) < MIN_SWAP_PAGES)
      return fail(
        1,
        err(`mkswap: error: swap area needs to be at least ${MIN_SWAP_PAGES * KIB_PER_PAGE} KiB`),
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
    const labelText = lastValue(parsed.options, "L");
    const label = (labelText ?? "").slice(0, SWAP_LABEL_MAX);
    const r = m.mkswap(abs, { pages, uuid, label });
    if (!r.ok) {
      if (r.errno === "ETXTBSY")
        return fail(1, ...warnings, err("mkswap: unable to erase bootbits sectors"));
      return fail(1, ...warnings, err(errnoMessage("mkswap", `cannot open ${path}`, r)));
    }
    if (r.value.wiped) warnings.push(err(`mkswap: ${path}: warning: wiping old swap signature.`));
    const bytes = (r.value.pages - 1) * PAGE_SIZE;
    const truncated =
      labelText !== undefined && labelText.length > SWAP_LABEL_MAX
        ? [err("mkswap: Label was truncated.")]
        : [];
    return ok(
      ...warnings,
      out(
        `Setting up swapspace version 1, size = ${sizeToHumanString(bytes, true)} (${bytes} bytes)\n`,
      ),
      ...truncated,
      out(`${label === "" ? "no label" : `LABEL=${label}`}, UUID=${r.value.uuid}\n`),
    );
  },
};

/**
 * -U's argument as util-linux takes it: "clear" is all zeros, "random" and
 * "time" generate one (null: the kernel side's deterministic one), else
 * uuid_parse's form; undefined when it does not parse.
 */
function uuidOption(text: string): string | null | undefined {
  if (text === "clear") return "00000000-0000-0000-0000-000000000000";
  if (text === "random" || text === "time") return null;
  return parseUuid(text) ?? undefined;
}

/** %04o. */
export const octal = (mode: number): string => mode.toString(8).padStart(4, "0");
