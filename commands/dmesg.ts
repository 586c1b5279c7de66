/**
 * dmesg [-t]: prints the kernel's log (the OOM killer's lines), each record
 * stamped with the simulated time since boot as dmesg(1) prints it:
 * `[    3.141593] Out of memory: Killed process 3 (sh) …`.
 *   -t, --notime   leave the timestamps out
 */
import type { Machine } from "../src/kernel/machine.js";
import { getopt, hasOption } from "../src/shell/getopt.js";
import { type Command, err, fail, ok, out } from "../src/shell/types.js";
import { machineOf } from "./lib/args/operands.js";

/** printk's time prefix for `ns` since boot: `[%5lu.%06lu] ` (seconds, microseconds). */
export function printkTime(ns: number): string {
  const usec = Math.floor(ns / 1000);
  const sec = Math.floor(usec / 1_000_000);
  return `[${String(sec).padStart(5)}.${String(usec % 1_000_000).padStart(6, "0")}] `;
}

/** Record `i` of the kernel log as the console and dmesg print it (no newline). */
export function logRecord(m: Machine, i: number, time = true): string {
  const text = m.log[i] ?? "";
  return time ? `${printkTime(m.logTimes[i] ?? 0)}${text}` : text;
}

export const dmesg: Command = {
  name: "dmesg",
  summary: "print the kernel's messages (OOM kills), stamped with the time since boot",
  prints: "the kernel's log lines",
  usage: ["dmesg [-t|--notime]"],
  run(ctx, argv) {
    const parsed = getopt(
      { name: "dmesg", options: [{ key: "t", short: "t", long: "notime" }] },
      argv,
    );
    if (!parsed.ok) return fail(1, err(parsed.message));
    if (parsed.operands.length > 0)
      return fail(1, err("dmesg: bad usage\nTry 'dmesg --help' for more information."));
    const m = machineOf(ctx);
    const time = !hasOption(parsed.options, "t");
    const lines = m.log.map((_, i) => `${logRecord(m, i, time)}\n`);
    return lines.length === 0 ? ok() : ok(out(lines.join("")));
  },
};
