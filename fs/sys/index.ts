/**
 * /sys, as far as cowsh's memory manager has attributes there (sysfs,
 * fs/sysfs and the kobjects of mm/): /sys/kernel/mm/transparent_hugepage,
 * /sys/kernel/mm/ksm and /sys/kernel/mm/hugepages. Each attribute reads
 * as its show() prints it and takes a write as its store() parses it,
 * passing the value to a Machine call, as /proc/sys's files do.
 *
 * The tree is a flat table of attribute paths below /sys; directories
 * are the paths' prefixes. Each subsystem's attributes live in their own
 * file of this folder, named relative to the subsystem's directory.
 */
import type { Machine } from "../../src/kernel/machine.js";
import { failure, type Result, success } from "../../src/kernel/result.js";
import type { TextFile } from "../proc/index.js";
import { procFormat } from "../proc/kernel-formats.js";
import { HUGETLB_ATTRS } from "./hugepages.js";
import { KSM_ATTRS } from "./ksm.js";
import { THP_ATTRS } from "./transparent-hugepage.js";

/** One sysfs attribute: show() and, for a writable one, store(). */
export interface SysfsAttr {
  show(m: Machine): string;
  /** The write(2) of `text`: the bytes consumed, or the error (EINVAL…). */
  store?(m: Machine, text: string): Result<number>;
}

/** The attributes of one subsystem, by path below its directory ("enabled", "khugepaged/defrag"). */
export type SysfsAttrs = ReadonlyMap<string, SysfsAttr>;

const under = (dir: string, attrs: SysfsAttrs): [string, SysfsAttr][] =>
  [...attrs].map(([name, attr]) => [`${dir}/${name}`, attr]);

/** Every attribute, by its path below /sys ("kernel/mm/ksm/run"). */
export const SYSFS: ReadonlyMap<string, SysfsAttr> = new Map([
  ...under("kernel/mm/transparent_hugepage", THP_ATTRS),
  ...under("kernel/mm/ksm", KSM_ATTRS),
  ...under("kernel/mm/hugepages/hugepages-2048kB", HUGETLB_ATTRS),
]);

/** The attribute at `rel` below /sys, if the machine's kernel version has it (kernel-formats.ts). */
export function sysfsAttr(m: Machine, rel: string): SysfsAttr | undefined {
  const attr = SYSFS.get(rel);
  return attr !== undefined && procFormat(m.config.kernelVersion).hasSysfs(rel) ? attr : undefined;
}

/** sysfs attributes are 0644 when they have store(), else 0444. */
export const sysfsMode = (attr: SysfsAttr): number => (attr.store ? 0o644 : 0o444);

/** The attribute as a text file: reads its show(), writes go to its store() (EACCES without one). */
export function sysfsFile(m: Machine, attr: SysfsAttr): TextFile {
  return {
    kind: "text",
    read: () => success(attr.show(m)),
    write: (text) => (attr.store ? attr.store(m, text) : failure("EACCES")),
  };
}

/**
 * The names directly inside the directory `rel` below /sys ("" for /sys), or
 * undefined if none; with `m`, only the attributes its kernel version has.
 */
export function sysfsEntries(rel: string, m?: Machine): string[] | undefined {
  const prefix = rel === "" ? "" : `${rel}/`;
  const names = new Set<string>();
  const fmt = m === undefined ? null : procFormat(m.config.kernelVersion);
  for (const path of SYSFS.keys())
    if (path.startsWith(prefix) && (fmt === null || fmt.hasSysfs(path)))
      names.add(path.slice(prefix.length).split("/")[0]!);
  return names.size === 0 && rel !== "" ? undefined : [...names].sort();
}
