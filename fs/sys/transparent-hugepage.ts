/**
 * /sys/kernel/mm/transparent_hugepage (mm/huge_memory.c hugepage_attr_group).
 * Filled in with the THP model (issue 13).
 */
import type { SysfsAttrs } from "./index.js";

export const THP_ATTRS: SysfsAttrs = new Map();
