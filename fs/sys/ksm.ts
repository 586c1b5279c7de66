/**
 * /sys/kernel/mm/ksm (mm/ksm.c ksm_attr_group).
 * Filled in with the KSM model (issue 13).
 */
import type { SysfsAttrs } from "./index.js";

export const KSM_ATTRS: SysfsAttrs = new Map();
