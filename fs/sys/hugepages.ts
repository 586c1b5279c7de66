/**
 * /sys/kernel/mm/hugepages/hugepages-2048kB (mm/hugetlb_sysfs.c hstate_attrs).
 * Filled in with the hugetlb model (issue 13).
 */
import type { SysfsAttrs } from "./index.js";

export const HUGETLB_ATTRS: SysfsAttrs = new Map();
