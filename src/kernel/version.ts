/**
 * Kernel versions compared as numbers ("5.10" after "5.9"): the one
 * comparison the kernel (vdso.ts, exec's VM_DENYWRITE) and fs/proc's format
 * table (fs/proc/kernel-formats.ts) share. A version may name an upstream
 * release that is not one of KERNEL_VERSIONS ("6.13").
 */

/** "5.10" -> 5010. */
export const versionKey = (v: string): number => {
  const [major, minor] = v.split(".");
  return Number(major) * 1000 + Number(minor);
};

/** Whether `version` is `since` or later. */
export const atLeast = (version: string, since: string): boolean =>
  versionKey(version) >= versionKey(since);
