/**
 * /proc/PID/ksm_stat and /proc/PID/ksm_merging_pages (fs/proc/base.c
 * proc_pid_ksm_stat, proc_pid_ksm_merging_pages): the process's KSM
 * figures as ksmd last counted them. A task without an mm reads empty.
 */
import { VM_MERGEABLE } from "../../src/kernel/constants.js";
import type { Machine } from "../../src/kernel/machine.js";
import type { Task } from "../../src/kernel/task.js";
import { procFormat } from "./kernel-formats.js";

export function showKsmStat(m: Machine, t: Task): string {
  if (t.mm === null) return "";
  const s = m.ksm.mmStat(t.mm);
  const mergeable = t.mm.vmas.some((v) => v.flags & VM_MERGEABLE);
  return procFormat(m.config.kernelVersion).apply(
    "ksm_stat",
    `ksm_rmap_items ${s.rmapItems}\n` +
      "ksm_zero_pages 0\n" +
      `ksm_merging_pages ${s.mergingPages}\n` +
      `ksm_process_profit ${s.profit}\n` +
      "ksm_merge_any: no\n" +
      `ksm_mergeable: ${mergeable ? "yes" : "no"}\n`,
  );
}

export function showKsmMergingPages(m: Machine, t: Task): string {
  return t.mm === null ? "" : `${m.ksm.mmStat(t.mm).mergingPages}\n`;
}
