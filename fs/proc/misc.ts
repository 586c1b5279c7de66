/**
 * The small system files: /proc/uptime (fs/proc/uptime.c), /proc/loadavg
 * (fs/proc/loadavg.c), /proc/version (fs/proc/version.c) and /proc/stat.
 */
import { NSEC_PER_SEC, USER_HZ } from "../../src/kernel/constants.js";
import type { Machine } from "../../src/kernel/machine.js";
import { procFormat } from "./kernel-formats.js";
import { NR_CPUS } from "./meminfo.js";

/** Seconds and hundredths, truncated: `%lu.%02lu`. */
function centiseconds(ns: number): string {
  const seconds = Math.floor(ns / NSEC_PER_SEC);
  const hundredths = Math.floor((ns % NSEC_PER_SEC) / (NSEC_PER_SEC / 100));
  return `${seconds}.${String(hundredths).padStart(2, "0")}`;
}

/**
 * /proc/uptime: time since boot, then the idle time summed over the CPUs.
 * No process runs for any measurable time in the model, so every CPU has
 * been idle all along: idle = uptime × NR_CPUS.
 */
export function showUptime(m: Machine): string {
  return `${centiseconds(m.now)} ${centiseconds(m.now * NR_CPUS)}\n`;
}

/**
 * /proc/loadavg: the load averages (0.00: nothing runs for measurable
 * time), runnable/total tasks, and the last PID handed out.
 */
export function showLoadavg(m: Machine): string {
  let running = 0;
  for (const task of m.tasks.values()) if (task.state === "R") running++;
  return `0.00 0.00 0.00 ${running}/${m.tasks.size} ${m.lastPid}\n`;
}

/** /proc/version: linux_proc_banner of the machine's kernel version (kernel-formats.ts). */
export const showVersion = (m: Machine): string => procFormat(m.config.kernelVersion).banner;

/**
 * /proc/stat (fs/proc/stat.c): CPU time in USER_HZ ticks, all of it idle
 * (nothing runs for measurable time in the model), no interrupts or
 * context switches counted, the boot time, the tasks forked since boot
 * (the last PID: PIDs are handed out in order and never reused) and the
 * runnable and blocked counts.
 */
export function showStat(m: Machine): string {
  const idle = Math.floor(m.now / (NSEC_PER_SEC / USER_HZ));
  const cpu = (name: string, ticks: number) => `${name} 0 0 0 ${ticks} 0 0 0 0 0 0\n`;
  let lines = cpu("cpu ", idle * NR_CPUS);
  for (let i = 0; i < NR_CPUS; i++) lines += cpu(`cpu${i}`, idle);
  let running = 0;
  for (const task of m.tasks.values()) if (task.state === "R") running++;
  return (
    `${lines}intr 0\nctxt 0\nbtime ${m.bootTime}\nprocesses ${m.lastPid}\n` +
    `procs_running ${running}\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n`
  );
}
