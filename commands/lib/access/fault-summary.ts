/** How commands report the faults an access took (`write -v`, `mlock -v`…). */
import type { AccessReport } from "../../../src/kernel/access.js";
import { FAULT_KINDS } from "../../../src/kernel/fault.js";

/** `minflt=256 majflt=0 pages=256 cow-copy=256`: counts first, then the kinds that occurred. */
export function faultSummary(r: AccessReport): string {
  const kinds = FAULT_KINDS.map((kind, i) => [kind, r.byKind[i] ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => ` ${kind}=${n}`)
    .join("");
  return `minflt=${r.minflt} majflt=${r.majflt} pages=${r.pages}${kinds}`;
}

/** bash's words for the signals a memory access can raise. */
export const SIGNAL_NAMES: Readonly<Record<number, string>> = {
  7: "Bus error",
  9: "Killed",
  11: "Segmentation fault",
};
