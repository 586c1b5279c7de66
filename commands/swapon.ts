/**
 * swapon [-p PRIO] FILE... | -a | -s | --show[=COLUMNS] [--bytes]
 * [--noheadings] [--raw]: swaps files on, or shows the areas in use, as
 * util-linux's swapon (2.38, this machine's). Before swapon(2) it checks
 * what util-linux checks: the file opens, its permissions (a warning), no
 * holes, a swap signature in its header; the kernel then refuses a file
 * already in use (EBUSY) or shorter than its header's area (EINVAL), and
 * takes the area's size from the header, not the file. UUID and LABEL
 * come from the header mkswap wrote. -a reads /etc/fstab's swap lines; cowsh boots
 * with no /etc/fstab (a --swap file is swapped on at boot), so -a fails as
 * util-linux does without one, unless a script wrote one. LABEL=/UUID=
 * specs and -L/-U are never found: libmount looks for them among block
 * devices only, and cowsh's swap areas are files.
 */

import type { Machine } from "../src/kernel/machine.js";
import { STRERROR } from "../src/kernel/result.js";
import { swapHeaderOf } from "../src/kernel/swapon.js";
import { getopt, hasOption, lastValue, type ParsedOption } from "../src/shell/getopt.js";
import { type Block, type Command, err, fail, ok, out } from "../src/shell/types.js";
import { machineOf } from "./lib/args/operands.js";
import { absPath, readWhole } from "./lib/files/machine-files.js";
import {
  type Column,
  columnNamed,
  DEFAULT_COLUMNS,
  parseProcSwaps,
  showTable,
} from "./lib/swap/show.js";
import { octal } from "./mkswap.js";

const SPEC = {
  name: "swapon",
  options: [
    { key: "a", short: "a", long: "all" },
    { key: "e", short: "e", long: "ifexists" },
    { key: "L", short: "L", arg: "required" as const },
    { key: "U", short: "U", arg: "required" as const },
    { key: "p", short: "p", long: "priority", arg: "required" as const },
    { key: "s", short: "s", long: "summary" },
    { key: "show", long: "show", arg: "optional" as const },
    { key: "noheadings", long: "noheadings" },
    { key: "raw", long: "raw" },
    { key: "bytes", long: "bytes" },
  ],
};

/** util-linux's exit status when a swapon fails (status |= -1). */
const EX_FAILED = 255;

export const swapon: Command = {
  name: "swapon",
  summary: "swap files on (swapon(2)), or show the swap areas in use",
  usage: [
    "swapon [-p PRIO] FILE...",
    "swapon -a [-e]",
    "swapon -s",
    "swapon [--show[=NAME,TYPE,SIZE,USED,PRIO,UUID,LABEL]] [--bytes] [--noheadings] [--raw]",
  ],
  prints:
    "nothing when it swaps on; the table of areas in use (--show, or no arguments); /proc/swaps (-s)",
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return fail(1, err(parsed.message));
    const m = machineOf(ctx);
    const o = parsed.options;
    const prioText = lastValue(o, "p");
    let priority = -1;
    if (prioText !== undefined) {
      const p = parsePriority(prioText);
      if (typeof p === "string") return fail(1, err(`swapon: ${p}`));
      priority = p;
    }
    if (hasOption(o, "s")) {
      const swaps = readWhole(m, "/proc/swaps");
      const text = swaps.ok ? swaps.value.text : "";
      return ok(out(text.split("\n").length > 2 ? text : ""));
    }
    const files = parsed.operands;
    const tags = o.filter((x) => x.key === "L" || x.key === "U").map((x) => x.value ?? "");
    const all = hasOption(o, "a");
    if (hasOption(o, "show") || (!all && tags.length === 0 && files.length === 0))
      return show(m, o);
    if (hasOption(o, "e") && !all)
      return fail(1, err("swapon: bad usage\nTry 'swapon --help' for more information."));
    const blocks: Block[] = [];
    let status = 0;
    if (all) {
      const r = swaponAll(m, priority, hasOption(o, "e"), blocks);
      if (r === null) return fail(1, ...blocks);
      status = r;
    }
    // -L and -U name a block device by its tag (blkid): never a file, so never found here.
    for (const tag of tags) {
      blocks.push(err(`swapon: cannot find the device for ${tag}`));
      status = EX_FAILED;
    }
    for (const f of files) {
      if (isTagSpec(f)) {
        blocks.push(err(`swapon: cannot find the device for ${f}`));
        status = EX_FAILED;
      } else if (!swaponFile(m, absPath(f, ctx.session), priority, blocks)) status = EX_FAILED;
    }
    return { status, blocks };
  },
};

/** strtos16_or_err: a decimal 16-bit number; negative means "no priority" (the automatic one). */
function parsePriority(text: string): number | string {
  if (!/^\s*[-+]?[0-9]+$/.test(text)) return `failed to parse priority: '${text}'`;
  const n = Number(text);
  if (n < -32768 || n > 32767)
    return `failed to parse priority: '${text}': Numerical result out of range`;
  return n < 0 ? -1 : n;
}

/**
 * swapon_checks, then swapon(2), for one file; its messages go to `blocks`.
 * False when it fails.
 */
function swaponFile(m: Machine, path: string, priority: number, blocks: Block[]): boolean {
  const inode = m.vfs.lookup(path);
  if (!inode.ok) {
    blocks.push(err(`swapon: cannot open ${path}: ${STRERROR[inode.errno]}`));
    return false;
  }
  const mode = inode.value.mode & 0o7777;
  if ((mode & 0o7077) !== 0)
    blocks.push(err(`swapon: ${path}: insecure permissions ${octal(mode)}, 0600 suggested.`));
  const { allocated, size } = inode.value;
  if (inode.value.type === "reg" && allocated !== undefined && allocated < size) {
    blocks.push(err(`swapon: ${path}: skipping - it appears to have holes.`));
    return false;
  }
  if (swapHeaderOf(m, inode.value) === null) {
    blocks.push(err(`swapon: ${path}: read swap header failed`));
    return false;
  }
  const r = m.swapon(path, priority);
  if (!r.ok) {
    blocks.push(err(`swapon: ${path}: swapon failed: ${STRERROR[r.errno]}`));
    return false;
  }
  return true;
}

/**
 * A LABEL=, UUID=, PARTLABEL=, PARTUUID= or ID= spec, which libmount
 * resolves through blkid's block devices only (mnt_resolve_spec): a swap
 * file is never found by its label or UUID, here as on Linux.
 */
const isTagSpec = (spec: string): boolean => /^(LABEL|UUID|PARTLABEL|PARTUUID|ID)=/.test(spec);

/**
 * swapon -a: every swap line of /etc/fstab not yet in use (and not
 * noauto), pri= taken; a tag spec is not found; with nofail (or -e) a
 * file that does not exist is skipped. Its messages go to `blocks`; the
 * status, or null when there is no /etc/fstab to read (exit 1).
 */
function swaponAll(m: Machine, priority: number, ifExists: boolean, blocks: Block[]) {
  const fstab = readWhole(m, "/etc/fstab");
  if (!fstab.ok) {
    blocks.push(err(`swapon: failed to parse /etc/fstab: ${STRERROR[fstab.errno]}`));
    return null;
  }
  let status = 0;
  for (const line of fstab.value.text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[0] === undefined || f[0] === "" || f[0].startsWith("#") || f[2] !== "swap") continue;
    const opts = (f[3] ?? "").split(",");
    if (opts.includes("noauto")) continue;
    const noFail = ifExists || opts.includes("nofail");
    if (isTagSpec(f[0])) {
      if (!noFail) {
        blocks.push(err(`swapon: cannot find the device for ${f[0]}`));
        status = EX_FAILED;
      }
      continue;
    }
    const inode = m.vfs.lookup(f[0]);
    if (noFail && !inode.ok) continue;
    if (inode.ok && m.swap.areas.some((a) => a !== null && a.path === inode.value.path)) continue;
    const pri = opts.find((x) => x.startsWith("pri="));
    const p = pri === undefined ? priority : parsePriority(pri.slice(4));
    if (!swaponFile(m, f[0], typeof p === "number" ? p : -1, blocks)) status = EX_FAILED;
  }
  return status;
}

/** swapon --show: /proc/swaps as a table, UUID and LABEL from each file's header (as blkid). */
function show(m: Machine, o: readonly ParsedOption[]) {
  const spec = lastValue(o, "show");
  const columns: Column[] = [];
  for (const name of spec === undefined || spec === "" ? DEFAULT_COLUMNS : spec.split(",")) {
    const c = columnNamed(name);
    if (c === null) return fail(1, err(`swapon: unknown column: ${name}`));
    columns.push(c);
  }
  const swaps = readWhole(m, "/proc/swaps");
  const rows = parseProcSwaps(swaps.ok ? swaps.value.text : "", (path) => {
    const inode = m.vfs.lookup(path);
    const header = inode.ok ? swapHeaderOf(m, inode.value) : null;
    return { uuid: header?.uuid ?? "", label: header?.label ?? "" };
  });
  const text = showTable(rows, {
    columns,
    bytes: hasOption(o, "bytes"),
    headings: !hasOption(o, "noheadings"),
    raw: hasOption(o, "raw"),
  });
  return ok(out(text));
}
