/**
 * /proc/sys (kernel/sysctl.c, fs/proc/proc_sysctl.c): the sysctl files,
 * by directory. Each file reads its value as its proc handler prints it
 * and takes a write as that handler parses it, then passes the value to
 * a Machine call, as the write(2) would.
 *
 * The numbers are parsed as __do_proc_dointvec and
 * __do_proc_doulongvec_minmax do (proc_get_long): leading white space,
 * an optional '-', digits in C's base 0 (decimal, 0x hex, 0 octal),
 * then white space or the end; anything else is EINVAL, as is a value
 * outside the file's range (a negative one for an unsigned long). A write
 * of only white space is EINVAL. Only the first value of a write counts:
 * what follows it is consumed without effect (the short write the
 * handler returns, and the retry at a non-zero offset that
 * sysctl_writes_strict ignores).
 */
import { OVERCOMMIT_GUESS, OVERCOMMIT_NEVER } from "../../src/kernel/commit.js";
import type { Machine } from "../../src/kernel/machine.js";
import { failure, type Result, success } from "../../src/kernel/result.js";
import type { TextFile } from "./index.js";

/** TMPBUFLEN of proc_get_long: a number of 21 characters or more is refused. */
const TMPBUFLEN = 22;
/** The largest page-cluster (page_cluster_max). */
export const PAGE_CLUSTER_MAX = 31;
const INT_MAX = 2 ** 31 - 1;
const ULONG_MAX = 2n ** 64n - 1n;

/**
 * proc_get_long on the first value of `text` (proc_skip_spaces first):
 * its sign and magnitude, or EINVAL (no digits, a bad character after
 * them, too long, beyond an unsigned long).
 */
export function procGetLong(text: string): Result<{ neg: boolean; value: bigint }> {
  const s = text.replace(/^[ \t\n]+/, "");
  if (s === "") return failure("EINVAL");
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s.slice(0, TMPBUFLEN - 1));
  // "0x" with no hex digit parses as 0 followed by "x" (refused below)
  if (m === null) return failure("EINVAL");
  const [whole, sign, digits] = m as unknown as [string, string, string];
  if (whole.length >= TMPBUFLEN - 1) return failure("EINVAL");
  const next = s[whole.length];
  if (next !== undefined && next !== " " && next !== "\t" && next !== "\n")
    return failure("EINVAL");
  const value = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  if (value > ULONG_MAX) return failure("EINVAL"); // strtoul_lenient's overflow, refused

  return success({ neg: sign === "-", value });
}

/** proc_dointvec(_minmax)'s write: an int within [min, max] (EINVAL outside). */
export function parseInt32(text: string, min = -INT_MAX - 1, max = INT_MAX): Result<number> {
  const r = procGetLong(text);
  if (!r.ok) return r;
  const { neg, value } = r.value;
  if (value > (neg ? BigInt(INT_MAX) + 1n : BigInt(INT_MAX))) return failure("EINVAL");
  const n = neg ? -Number(value) : Number(value);
  return n < min || n > max ? failure("EINVAL") : success(n === 0 ? 0 : n);
}

/**
 * proc_doulongvec_minmax's write: an unsigned long; any failure, or a '-',
 * is EINVAL. cowsh keeps it as a number: values above 2^53 - 1 (far beyond
 * any machine's memory in kB) are kept as 2^53 - 1.
 */
export function parseUlong(text: string): Result<number> {
  const r = procGetLong(text);
  if (!r.ok || r.value.neg) return failure("EINVAL");
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return success(Number(r.value.value > max ? max : r.value.value));
}

/** A sysctl file: how it prints, how it takes a write. */
interface Sysctl {
  read(m: Machine): string;
  write(m: Machine, text: string): Result<void>;
}

const int = (
  get: (m: Machine) => number,
  set: (m: Machine, v: number) => void,
  min?: number,
  max?: number,
): Sysctl => ({
  read: (m) => `${get(m)}\n`,
  write(m, text) {
    const v = parseInt32(text, min, max);
    if (!v.ok) return v;
    set(m, v.value);
    return success(undefined);
  },
});

const ulong = (get: (m: Machine) => number, set: (m: Machine, v: number) => void): Sysctl => ({
  read: (m) => `${BigInt.asUintN(64, BigInt(get(m)))}\n`,
  write(m, text) {
    const v = parseUlong(text);
    if (!v.ok) return v;
    set(m, v.value);
    return success(undefined);
  },
});

/**
 * /proc/sys/vm's overcommit files (mm/util.c): overcommit_memory 0…2
 * (overcommit_policy_handler), overcommit_ratio any int, whose write sets
 * overcommit_kbytes to 0 (overcommit_ratio_handler), and
 * overcommit_kbytes, whose write sets overcommit_ratio to 0
 * (overcommit_kbytes_handler); the two reserves are plain unsigned longs.
 * And swap read-ahead's page-cluster (proc_dointvec_minmax, 0..31).
 */
const VM_SYSCTLS = new Map<string, Sysctl>([
  [
    "admin_reserve_kbytes",
    ulong(
      (m) => m.commit.adminReserveKbytes,
      (m, v) => m.setOvercommit({ adminReserveKbytes: v }),
    ),
  ],
  // hugetlb_sysctl_handler: the persistent pool size; a write resizes the pool (hugetlb.ts)
  [
    "nr_hugepages",
    ulong(
      (m) => m.hugetlb.persistent,
      (m, v) => m.setNrHugepages(v),
    ),
  ],
  [
    "overcommit_kbytes",
    ulong(
      (m) => m.commit.overcommitKbytes,
      (m, v) => m.setOvercommit({ overcommitKbytes: v, overcommitRatio: 0 }),
    ),
  ],
  [
    "overcommit_memory",
    int(
      (m) => m.commit.overcommitMemory,
      (m, v) => m.setOvercommit({ overcommitMemory: v }),
      OVERCOMMIT_GUESS,
      OVERCOMMIT_NEVER,
    ),
  ],
  [
    "overcommit_ratio",
    int(
      (m) => m.commit.overcommitRatio,
      (m, v) => m.setOvercommit({ overcommitRatio: v, overcommitKbytes: 0 }),
    ),
  ],
  [
    // mm/swap_state.c: swap read-ahead reads up to 2^N pages (swapin_nr_pages); 0 turns it off.
    "page-cluster",
    int(
      (m) => m.swap.pageCluster,
      (m, v) => m.setPageCluster(v),
      0,
      PAGE_CLUSTER_MAX,
    ),
  ],
  [
    "user_reserve_kbytes",
    ulong(
      (m) => m.commit.userReserveKbytes,
      (m, v) => m.setOvercommit({ userReserveKbytes: v }),
    ),
  ],
]);

/** The directories of /proc/sys and their files, in `ls` order. */
export const SYSCTL_DIRS: ReadonlyMap<string, ReadonlyMap<string, Sysctl>> = new Map([
  ["vm", VM_SYSCTLS],
]);

/** The sysctl file /proc/sys/DIR/NAME as a text file (mode 0644). */
export function sysctlFile(m: Machine, sysctl: Sysctl): TextFile {
  return {
    kind: "text",
    read: () => success(sysctl.read(m)),
    write(text) {
      const r = sysctl.write(m, text);
      return r.ok ? success(text.length) : r;
    },
  };
}

/** Whether `name` is a sysctl file's name (their mode is 0644). */
export const isSysctlName = (name: string): boolean =>
  [...SYSCTL_DIRS.values()].some((files) => files.has(name));
