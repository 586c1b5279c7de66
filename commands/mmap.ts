/**
 * mmap PID LENGTH [options]: the process maps memory; prints the start
 * address. Private anonymous read-write memory by default.
 *   --shared            MAP_SHARED (with no file: shared anonymous memory, shmem)
 *   --file PATH         map a file (opened read-write if --prot has w, else read-only;
 *                       --open rw|ro overrides), --offset N into it
 *   --memfd NAME        map a new memfd of LENGTH bytes (shared)
 *   --prot PROT         r, rw (default), rx, rwx, none
 *   --name NAME         name it as prctl(PR_SET_VMA_ANON_NAME): [anon:NAME]
 *   --fixed ADDR        MAP_FIXED at ADDR;  --populate  MAP_POPULATE
 *   --noreserve         MAP_NORESERVE: not charged to Committed_AS (unless
 *                       overcommit_memory is 2); ENOMEM when overcommit refuses
 *   --hugetlb           MAP_HUGETLB: 2 MiB pages of the hugetlb pool (private, or
 *                       --shared), reserved at once (ENOMEM when the pool has too few
 *                       free), or not with --noreserve (a fault finding none: SIGBUS)
 *   -v                  with --populate, print the faults taken
 */
import {
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_HUGETLB,
  MAP_NORESERVE,
  MAP_PRIVATE,
  MAP_SHARED,
  PROT_WRITE,
} from "../src/kernel/constants.js";
import type { Inode } from "../src/kernel/vfs.js";
import { type GetoptSpec, getopt, hasOption, lastValue } from "../src/shell/getopt.js";
import { type Command, ok, out } from "../src/shell/types.js";
import { faultSummary } from "./lib/access/fault-summary.js";
import {
  failed,
  hex,
  livePidArg,
  machineOf,
  parseSize,
  protArg,
  sizeArg,
  usage,
} from "./lib/args/operands.js";
import { absPath } from "./lib/files/machine-files.js";

const SPEC: GetoptSpec = {
  name: "mmap",
  options: [
    { key: "shared", long: "shared" },
    { key: "private", long: "private" },
    { key: "file", long: "file", arg: "required" },
    { key: "offset", long: "offset", arg: "required" },
    { key: "memfd", long: "memfd", arg: "required" },
    { key: "prot", long: "prot", arg: "required" },
    { key: "name", long: "name", arg: "required" },
    { key: "fixed", long: "fixed", arg: "required" },
    { key: "populate", long: "populate" },
    { key: "noreserve", long: "noreserve" },
    { key: "hugetlb", long: "hugetlb" },
    { key: "open", long: "open", arg: "required" },
    { key: "v", short: "v", long: "verbose" },
  ],
};

export const mmap: Command = {
  name: "mmap",
  summary: "map memory into a process; prints the address",
  prints: "the address of the new mapping, in hex",
  usage: [
    "mmap PID LENGTH [--shared] [--file PATH [--offset N] [--open rw|ro]] [--memfd NAME]",
    "     [--prot r|rw|rx|rwx|none] [--name NAME] [--fixed ADDR] [--populate [-v]] [--noreserve]",
    "mmap PID LENGTH --hugetlb [--shared] [--prot PROT] [--fixed ADDR] [--noreserve]",
  ],
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return usage(parsed.message);
    const { options, operands } = parsed;
    const m = machineOf(ctx);
    const task = livePidArg("mmap", m, operands[0]);
    if (!task.ok) return usage(task.message);
    const length = sizeArg("mmap", operands[1], "length");
    if (!length.ok) return usage(length.message);
    const prot = protArg("mmap", lastValue(options, "prot") ?? "rw");
    if (!prot.ok) return usage(prot.message);
    const offset = parseSize(lastValue(options, "offset") ?? "0");
    if (offset === null) return usage(`mmap: invalid offset: '${lastValue(options, "offset")}'`);
    const fixedText = lastValue(options, "fixed");
    const fixed = fixedText === undefined ? 0 : parseSize(fixedText);
    if (fixed === null) return usage(`mmap: invalid address: '${fixedText}'`);

    let file: Inode | null = null;
    let writable = false;
    const path = lastValue(options, "file");
    const memfd = lastValue(options, "memfd");
    if (path !== undefined) {
      const found = m.vfs.lookup(absPath(path, ctx.session));
      if (!found.ok) return failed("mmap", path, found);
      if (found.value.type === "dir") return failed("mmap", path, { ok: false, errno: "EISDIR" });
      file = found.value;
      const open = lastValue(options, "open") ?? (prot.value & PROT_WRITE ? "rw" : "ro");
      if (open !== "rw" && open !== "ro")
        return usage(`mmap: --open must be rw or ro, not '${open}'`);
      writable = open === "rw";
    } else if (memfd !== undefined) {
      const created = m.memfdCreate(memfd, length.value);
      if (!created.ok) return failed("mmap", `memfd_create ${memfd}`, created);
      file = created.value;
      writable = true;
    }
    const shared = hasOption(options, "shared") || memfd !== undefined;
    const flags =
      (shared ? MAP_SHARED : MAP_PRIVATE) |
      (file === null ? MAP_ANONYMOUS : 0) |
      (fixedText !== undefined ? MAP_FIXED : 0) |
      (hasOption(options, "noreserve") ? MAP_NORESERVE : 0) |
      (hasOption(options, "hugetlb") ? MAP_HUGETLB : 0);
    if (flags & MAP_HUGETLB && file !== null)
      return usage("mmap: --hugetlb maps anonymous memory (no --file or --memfd)");
    const name = lastValue(options, "name");
    const r = m.mmap(task.value.pid, {
      addr: fixed,
      length: length.value,
      prot: prot.value,
      flags,
      file,
      fileWritable: writable,
      offset,
      ...(name === undefined ? {} : { name }),
    });
    if (!r.ok)
      return failed(
        "mmap",
        name !== undefined && r.errno !== "ENOMEM" ? `--name ${name}` : (path ?? hex(fixed)),
        r,
      );
    const addr = r.value;
    const lines = [`${hex(addr)}\n`];
    if (hasOption(options, "populate")) {
      const p = m.populate(task.value.pid, addr, addr + length.value);
      if (p.ok && hasOption(options, "v")) lines.push(`${faultSummary(p.value)}\n`);
    }
    return ok(out(lines.join("")));
  },
};
