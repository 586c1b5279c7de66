/**
 * Running lines through the interactive driver (src/shell/paced-run.ts) in
 * tests, on a fake real-time clock: what it printed, the progress it
 * reported and its outcome.
 */
import { Machine } from "../../src/kernel/machine.js";
import { type PacedOptions, runPaced } from "../../src/shell/paced-run.js";
import { createSession, runSource, type ShellSession } from "../../src/shell/runtime.js";
import type { Progress } from "../../src/shell/types.js";

/** A fake real-time clock that the waits move forward; `onWait` sees it after each. */
export function fakeTime(onWait?: (nowMs: number) => void): {
  now: () => number;
  wait: (ms: number) => Promise<void>;
} {
  let now = 0;
  return {
    now: () => now,
    wait: async (ms: number) => {
      now += ms;
      onWait?.(now);
    },
  };
}

/** A session on a freshly booted machine that has run `setup`. */
export function session(setup = ""): ShellSession {
  const s = createSession(Machine.boot());
  runSource(s, setup, () => {});
  return s;
}

/** Runs `line` through the driver: its outcome, all it printed and its progress reports. */
export async function paced(
  s: ShellSession,
  line: string,
  options: PacedOptions,
  controller = new AbortController(),
) {
  let text = "";
  const progress: Progress[] = [];
  const outcome = await runPaced(
    s,
    line,
    (b) => {
      text += b.text;
    },
    controller.signal,
    (p) => progress.push(p),
    options,
  );
  return { outcome, text, progress };
}
