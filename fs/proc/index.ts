/**
 * The files of /proc: per-process files under /proc/PID and the system
 * files at the top. Each file is generated from the machine when it is
 * read, so /proc is always consistent with the kernel.
 */

import type { Machine } from "../../src/kernel/machine.js";
import { failure, type Result, success } from "../../src/kernel/result.js";
import type { Task } from "../../src/kernel/task.js";
import { showStat, showStatm, showStatus } from "./array.js";
import { commWrite, showCmdline, showComm, showEnviron } from "./base.js";
import { clearRefsWrite } from "./clear-refs.js";
import { showKsmMergingPages, showKsmStat } from "./ksm.js";
import { showMeminfo } from "./meminfo.js";
import { showLoadavg, showStat as showSystemStat, showUptime, showVersion } from "./misc.js";
import { kpagecount, kpageflags, type PfnEntry, pfnEntries } from "./page.js";
import { showSwaps } from "./swaps.js";
import { isSysctlName } from "./sysctl.js";
import {
  PAGEMAP_ENTRIES,
  pagemapEntries,
  showMaps,
  showSmaps,
  showSmapsRollup,
} from "./task-mmu.js";
import { showVmstat } from "./vmstat.js";

/** A file read whole as text. */
export interface TextFile {
  readonly kind: "text";
  read(): Result<string>;
  /**
   * One write(2) of `text` (the file's proc_write), for the few files
   * that take writes: the bytes it consumed, or the error. Without it a
   * write fails as the kernel's (procWriteError).
   */
  write?(text: string): Result<number>;
}

/** A binary file read by ranges (pagemap, kpagecount…): its size and a reader. */
export interface BinaryFile {
  readonly kind: "binary";
  /** Bytes a reader can get before EOF. */
  readonly size: number;
  read(offset: number, length: number): Result<Uint8Array>;
}

export type ProcFile = TextFile | BinaryFile;

type PidFileMaker = (m: Machine, task: Task) => ProcFile;

/** The /proc files only their owner may read (proc_base_stuff: S_IRUSR, mode 0400); the rest are 0444. */
export const PROC_OWNER_ONLY: ReadonlySet<string> = new Set([
  "pagemap",
  "environ",
  "auxv",
  "mem",
  "kpagecount",
  "kpageflags",
]);

/** The /proc/PID files only their owner may write, and nobody read (mode 0200). */
export const PROC_WRITE_ONLY: ReadonlySet<string> = new Set(["clear_refs"]);

/** The permission bits of a /proc file named `name`: 0200, 0400, 0644 (comm) or 0444. */
export function procFileMode(name: string): number {
  if (PROC_WRITE_ONLY.has(name)) return 0o200;
  if (isSysctlName(name)) return 0o644;
  if (PROC_OWNER_ONLY.has(name)) return 0o400;
  return name === "comm" ? 0o644 : 0o444;
}

const text = (read: () => Result<string>, write?: (text: string) => Result<number>): TextFile =>
  write === undefined ? { kind: "text", read } : { kind: "text", read, write };

/** Files every /proc/PID directory holds, in `ls` order. */
export const PID_FILES = new Map<string, PidFileMaker>([
  [
    "clear_refs",
    (m, t) =>
      text(
        () => failure("EINVAL"),
        (s) => clearRefsWrite(m, t, s),
      ),
  ],
  ["cmdline", (_m, t) => text(() => success(showCmdline(t)))],
  [
    "comm",
    (m, t) =>
      text(
        () => success(showComm(t)),
        (s) => commWrite(m, t, s),
      ),
  ],
  ["environ", (_m, t) => text(() => showEnviron(t))],
  // ksm_merging_pages (5.19) and ksm_stat (6.1): fs/vfs.ts neither lists nor
  // opens them in an older version (kernel-formats.ts's PID_FILE_SINCE)
  ["ksm_merging_pages", (m, t) => text(() => success(showKsmMergingPages(m, t)))],
  ["ksm_stat", (m, t) => text(() => success(showKsmStat(m, t)))],
  ["maps", (m, t) => text(() => success(showMaps(t.mm, m)))],
  ["pagemap", (m, t) => pagemapFile(m, t)],
  [
    "smaps",
    (m, t) =>
      text(() =>
        success(showSmaps(m.phys, t.mm, m.config.softDirty, m.swap, m.config.protectionKeys, m)),
      ),
  ],
  [
    "smaps_rollup",
    (m, t) =>
      text(() =>
        t.mm === null ? failure("ESRCH") : success(showSmapsRollup(m.phys, t.mm, m.swap, m)),
      ),
  ],
  ["stat", (m, t) => text(() => success(showStat(m, t)))],
  ["statm", (_m, t) => text(() => success(showStatm(t)))],
  ["status", (m, t) => text(() => success(showStatus(m, t)))],
]);

/**
 * Files of /proc/PID/task/TID (tid_base_stuff): the same as a process
 * directory's, except stat, which counts the thread's own faults.
 */
export const TASK_FILES = new Map<string, PidFileMaker>([
  ...PID_FILES,
  ["stat", (m, t) => text(() => success(showStat(m, t, false)))],
]);

/**
 * /proc/PID/pagemap: one u64 per page of user space; 8-byte aligned reads
 * only. A zombie's cannot be opened (ESRCH, as observed on Linux 6.18).
 */
function pagemapFile(m: Machine, t: Task): BinaryFile {
  return {
    kind: "binary",
    size: t.mm === null ? 0 : PAGEMAP_ENTRIES * 8,
    read(offset, length) {
      if (t.mm === null) return failure("ESRCH");
      if (offset % 8 !== 0 || length % 8 !== 0) return failure("EINVAL");
      const first = offset / 8;
      const count = Math.max(0, Math.min(length / 8, PAGEMAP_ENTRIES - first));
      return success(pagemapEntries(m.phys, t.mm, first, count, m.config.softDirty, m));
    },
  };
}

type SystemFileMaker = (m: Machine) => ProcFile;

/** Files at the top of /proc, in `ls` order. */
export const SYSTEM_FILES = new Map<string, SystemFileMaker>([
  ["kpagecount", (m) => perPfnFile(m, (pfn, out) => kpagecount(m.phys, pfn, out))],
  ["kpageflags", (m) => perPfnFile(m, (pfn, out) => kpageflags(m.phys, pfn, out))],
  ["loadavg", (m) => text(() => success(showLoadavg(m)))],
  ["meminfo", (m) => text(() => success(showMeminfo(m)))],
  ["stat", (m) => text(() => success(showSystemStat(m)))],
  ["swaps", (m) => text(() => success(showSwaps(m.swap)))],
  ["uptime", (m) => text(() => success(showUptime(m)))],
  ["version", (m) => text(() => success(showVersion(m)))],
  ["vmstat", (m) => text(() => success(showVmstat(m)))],
]);

/**
 * /proc/kpagecount, /proc/kpageflags: one u64 per frame of RAM; reads must
 * be 8-byte aligned (EINVAL), and end at the last frame (kpagecount_read).
 */
function perPfnFile(m: Machine, entry: PfnEntry): BinaryFile {
  const frames = m.phys.nrFrames;
  return {
    kind: "binary",
    size: frames * 8,
    read(offset, length) {
      if (offset % 8 !== 0 || length % 8 !== 0) return failure("EINVAL");
      const first = offset / 8;
      const count = Math.max(0, Math.min(length / 8, frames - first));
      return success(pfnEntries(first, count, entry));
    },
  };
}
