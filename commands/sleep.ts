/**
 * sleep DURATION...: the shell waits; the simulated clock advances and every
 * process action that falls due runs in time order. DURATION is seconds with
 * an optional s, m, h or d suffix, like GNU sleep.
 */
import { NSEC_PER_SEC } from "../src/kernel/constants.js";
import {
  type Command,
  type CommandContext,
  type CommandResult,
  drain,
  ok,
  passTime,
  type Steps,
} from "../src/shell/types.js";
import { machineOf, usage } from "./lib/args/operands.js";

const UNIT: Readonly<Record<string, number>> = { "": 1, s: 1, m: 60, h: 3600, d: 86400 };

/** A GNU sleep duration in nanoseconds, or null. */
export function parseDuration(text: string): number | null {
  const m = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)([smhd]?)$/.exec(text);
  if (m === null) return null;
  const ns = Math.round(Number(m[1]) * UNIT[m[2]!]! * NSEC_PER_SEC);
  return Number.isSafeInteger(ns) ? ns : null;
}

/** The clock moves on by the durations' sum, in the steps the driver grants. */
function* sleepSteps(ctx: CommandContext, argv: readonly string[]): Steps<CommandResult> {
  if (argv.length === 0)
    return usage("sleep: missing operand\nTry 'sleep --help' for more information.");
  let total = 0;
  for (const arg of argv) {
    const ns = parseDuration(arg);
    if (ns === null)
      return usage(
        `sleep: invalid time interval ‘${arg}’\nTry 'sleep --help' for more information.`,
      );
    total += ns;
  }
  const m = machineOf(ctx);
  yield* passTime(total, (ns) => m.advance(ns));
  return ok();
}

export const sleep: Command = {
  name: "sleep",
  summary: "let simulated time pass: processes' timed actions run",
  prints: "nothing; what the timed actions print, if any, as they run",
  usage: ["sleep NUMBER[SUFFIX]..."],
  steps: sleepSteps,
  run: (ctx, argv) => drain(sleepSteps(ctx, argv)),
};
