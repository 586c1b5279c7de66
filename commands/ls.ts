/**
 * ls [-1aAdhl] [PATH...]: lists directories, one name per line (as ls does
 * into a pipe), options parsed as GNU ls does. With -l, GNU's long listing as
 * far as the simulated fs knows: mode, links, owner root, size, and the
 * simulated clock's time (the simulated fs keeps no timestamps).
 */
import { procFileMode } from "../fs/proc/index.js";
import { type Node, procSelfTarget, resolve } from "../fs/vfs.js";
import type { Machine } from "../src/kernel/machine.js";
import { type GetoptSpec, getopt, hasOption } from "../src/shell/getopt.js";
import { type Block, type Command, err, fail, out } from "../src/shell/types.js";
import { errnoMessage, machineOf } from "./lib/args/operands.js";

const SPEC: GetoptSpec = {
  name: "ls",
  options: [
    { key: "long", short: "l" },
    { key: "all", short: "a", long: "all" },
    { key: "almost-all", short: "A", long: "almost-all" },
    { key: "directory", short: "d", long: "directory" },
    { key: "human", short: "h", long: "human-readable" },
    { key: "one", short: "1" },
  ],
};

/** What `ls -l` prints of a node before its size formatting. */
interface Stat {
  mode: string;
  nlink: number;
  size: number;
  /** 1 KiB blocks, for the "total" line. */
  blocks: number;
  target?: string;
}

const PERMS = ["---", "--x", "-w-", "-wx", "r--", "r-x", "rw-", "rwx"];

/** rwx triplets of permission bits: 0o644 -> "rw-r--r--". */
const permString = (mode: number): string => [6, 3, 0].map((s) => PERMS[(mode >> s) & 7]!).join("");

/** lstat(2) of `node`, or stat(2) with `follow` (for "." and ".."). */
function statOf(m: Machine, node: Node, follow: boolean): Stat {
  if (node.kind === "file") {
    const name = node.path.slice(node.path.lastIndexOf("/") + 1);
    return {
      mode: `-${permString(node.mode ?? procFileMode(name))}`,
      nlink: 1,
      size: 0,
      blocks: 0,
    };
  }
  const link = procSelfTarget(m, node.path.slice("/proc/".length));
  if (!follow && node.path.startsWith("/proc/") && link !== undefined)
    return { mode: "lrwxrwxrwx", nlink: 1, size: 0, blocks: 0, target: link };
  const inProc = /^\/(proc|sys)(\/|$)/.test(node.path);
  const looked = inProc ? undefined : m.vfs.lookup(node.path, !follow);
  const real = looked?.ok ? looked.value : undefined;
  if (real === undefined) {
    // A /proc directory: /proc itself links each PID directory's ".." (processes, not threads).
    const processes = [...m.tasks.values()].filter((t) => t.tgid === t.pid).length;
    const nlink = node.path === "/proc" ? 2 + processes : 2;
    return { mode: "dr-xr-xr-x", nlink, size: 0, blocks: 0 };
  }
  const type = real.type === "dir" ? "d" : real.type === "lnk" ? "l" : "-";
  const bits = permString(real.mode);
  const stat: Stat = {
    mode: type + bits,
    nlink: real.nlink,
    size: real.target === undefined ? real.size : real.target.length,
    blocks: real.type === "reg" ? Math.ceil(real.size / 4096) * 4 : 0,
  };
  if (real.target !== undefined) stat.target = real.target;
  return stat;
}

/** `ls -h`'s sizes: 1024-based, one decimal below 10, rounded up. */
function human(bytes: number): string {
  if (bytes < 1024) return String(bytes);
  let n = bytes;
  let unit = 0;
  while (n >= 1024 && unit < 6) {
    n /= 1024;
    unit++;
  }
  const text = n < 10 ? (Math.ceil(n * 10) / 10).toFixed(1) : String(Math.ceil(n));
  return text + "KMGTPE"[unit - 1]!;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The simulated clock as `ls -l` prints a recent time: "Jan  1 00:00" (UTC). */
function clockStamp(m: Machine): string {
  const d = new Date((m.bootTime + Math.floor(m.now / 1e9)) * 1000);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** GNU's long listing of `names` (each with its node), columns aligned; `total` first for a directory. */
function longListing(
  m: Machine,
  items: ReadonlyArray<{ name: string; node: Node }>,
  total: boolean,
  humanSizes: boolean,
): string {
  const stats = items.map(({ name, node }) => statOf(m, node, name === "." || name === ".."));
  const sizes = stats.map((s) => (humanSizes ? human(s.size) : String(s.size)));
  const linkW = Math.max(0, ...stats.map((s) => String(s.nlink).length));
  const sizeW = Math.max(0, ...sizes.map((s) => s.length));
  const when = clockStamp(m);
  const lines = items.map(({ name }, i) => {
    const s = stats[i]!;
    const arrow = s.target === undefined ? "" : ` -> ${s.target}`;
    return `${s.mode} ${String(s.nlink).padStart(linkW)} root root ${sizes[i]!.padStart(sizeW)} ${when} ${name}${arrow}\n`;
  });
  const blocks = stats.reduce((sum, s) => sum + s.blocks, 0);
  return (total ? `total ${humanSizes ? human(blocks * 1024) : blocks}\n` : "") + lines.join("");
}

export const ls: Command = {
  name: "ls",
  summary: "list a directory: /proc holds a directory per process",
  prints: "the names in each directory, one a line (the long listing with -l)",
  usage: ["ls [-1aAdhl] [PATH...]"],
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return fail(2, err(parsed.message));
    const has = (key: string): boolean => hasOption(parsed.options, key);
    const m = machineOf(ctx);
    const paths = parsed.operands.length === 0 ? ["."] : parsed.operands;
    const blocks: Block[] = [];
    let status = 0;
    const list = (items: Array<{ name: string; node: Node }>, total: boolean): string =>
      has("long")
        ? longListing(m, items, total, has("human"))
        : items.map(({ name }) => `${name}\n`).join("");
    paths.forEach((path, i) => {
      const node = resolve(m, path, ctx.session.cwd);
      if (!node.ok) {
        blocks.push(err(errnoMessage("ls", `cannot access '${path}'`, node)));
        status = 2;
        return;
      }
      if (node.value.kind !== "dir" || has("directory")) {
        blocks.push(out(list([{ name: path, node: node.value }], false)));
        return;
      }
      const dir = node.value;
      const names = [...(has("all") ? [".", ".."] : []), ...dir.entries()];
      const items = names.flatMap((name) => {
        const child = resolve(m, `${dir.path}/${name}`);
        return child.ok ? [{ name, node: child.value }] : [];
      });
      const header = paths.length > 1 ? `${i > 0 ? "\n" : ""}${path}:\n` : "";
      blocks.push(out(header + list(items, true)));
    });
    return { status, blocks };
  },
};
