/**
 * /sys/kernel/mm/ksm (mm/ksm.c ksm_attr_group): ksmd's tunables, read and
 * written as the kernel's show/store functions do, and its counters
 * (ksm.ts keeps them; they move only when ksmd scans).
 */
import type { KsmTunables } from "../../src/kernel/ksm.js";
import type { Machine } from "../../src/kernel/machine.js";
import { failure, type Result, success } from "../../src/kernel/result.js";
import { kstrtoint } from "../proc/kstrto.js";
import type { SysfsAttr, SysfsAttrs } from "./index.js";

const counter = (value: (m: Machine) => number): SysfsAttr => ({
  show: (m) => `${value(m)}\n`,
});

/** A tunable stored as kstrtouint parses it, within [min, max] (else EINVAL). */
const tunable = (key: keyof KsmTunables, min: number, max: number): SysfsAttr => ({
  show: (m) => `${m.ksm.tun[key]}\n`,
  store(m, text): Result<number> {
    const v = kstrtoint(text);
    if (!v.ok || v.value < min || v.value > max) return failure("EINVAL");
    m.ksm.tun[key] = v.value;
    return success(text.length);
  },
});

const UINT_MAX = 2 ** 31 - 1; // kstrtoint's range; Linux takes up to 2^32 - 1

export const KSM_ATTRS: SysfsAttrs = new Map<string, SysfsAttr>([
  ["full_scans", counter((m) => m.ksm.fullScans)],
  ["general_profit", counter((m) => m.ksm.generalProfit)],
  ["ksm_zero_pages", counter(() => 0)],
  // run: 0 stops ksmd (what it merged stays), 1 runs it; 2 (unmerge all) is not modelled.
  ["max_page_sharing", tunable("maxPageSharing", 2, UINT_MAX)],
  ["merge_across_nodes", counter(() => 1)],
  ["pages_scanned", counter((m) => m.ksm.pagesScanned)],
  ["pages_shared", counter((m) => m.ksm.pagesShared)],
  ["pages_sharing", counter((m) => m.ksm.pagesSharing)],
  ["pages_to_scan", tunable("pagesToScan", 0, UINT_MAX)],
  ["pages_unshared", counter((m) => m.ksm.pagesUnshared)],
  ["pages_volatile", counter((m) => m.ksm.pagesVolatile)],
  ["run", tunable("run", 0, 1)],
  ["sleep_millisecs", tunable("sleepMillisecs", 0, 60_000)],
  ["smart_scan", tunable("smartScan", 0, 1)],
  ["stable_node_chains", counter((m) => m.ksm.stableNodeChains)],
  ["stable_node_dups", counter((m) => m.ksm.stableNodeDups)],
  ["use_zero_pages", counter(() => 0)],
]);
