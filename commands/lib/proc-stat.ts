/**
 * /proc/stat for exports, while fs/proc serves none: psutil cannot build a
 * Process without its `btime` line (create_time = starttime / HZ + btime).
 * The lines and their order are those of fs/proc/stat.c (show_stat); the
 * figures are what the model knows: every CPU idle since boot (as
 * /proc/uptime says), no interrupts or context switches counted.
 */
import { NR_CPUS } from "../../fs/proc/meminfo.js";
import { NSEC_PER_SEC, USER_HZ } from "../../src/kernel/constants.js";
import type { Machine } from "../../src/kernel/machine.js";

/** NR_SOFTIRQS: the per-kind counts that follow the softirq total. */
const NR_SOFTIRQS = 10;

/** The text of /proc/stat for machine `m` now. */
export function showProcStat(m: Machine): string {
  const idle = Math.floor((m.now * USER_HZ) / NSEC_PER_SEC);
  const cpu = (label: string, idleTicks: number) => `${label} 0 0 0 ${idleTicks} 0 0 0 0 0 0\n`;
  let running = 0;
  for (const task of m.tasks.values()) if (task.state === "R") running++;
  let text = cpu("cpu ", idle * NR_CPUS);
  for (let i = 0; i < NR_CPUS; i++) text += cpu(`cpu${i}`, idle);
  return (
    text +
    "intr 0\n" +
    "ctxt 0\n" +
    `btime ${m.bootTime}\n` +
    `processes ${m.lastPid}\n` +
    `procs_running ${running}\n` +
    "procs_blocked 0\n" +
    `softirq 0${" 0".repeat(NR_SOFTIRQS)}\n`
  );
}
