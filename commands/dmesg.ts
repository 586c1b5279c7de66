/**
 * dmesg [-t]: prints the kernel's log (the OOM killer's lines, swapon's), each record
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

/** console_loglevel (kernel.printk's first field here: 4): records less severe stay off the console. */
export const CONSOLE_LOGLEVEL = 4;

/**
 * A record's level: the digit after KERN_SOH ("\x01") that printk's format
 * starts with (KERN_INFO = "\x016"); a record without one is an error-level
 * message (the OOM killer's), which the console prints.
 */
export function logLevel(m: Machine, i: number): number {
  const text = m.log[i] ?? "";
  return text.charCodeAt(0) === 1 ? Number(text[1]) : 3;
}

/** Record `i` of the kernel log as the console and dmesg print it (no newline, no level). */
export function logRecord(m: Machine, i: number, time = true): string {
  const raw = m.log[i] ?? "";
  const text = raw.charCodeAt(0) === 1 ? raw.slice(2) : raw;
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
