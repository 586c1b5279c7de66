/**
 * The interactive shell's driver of a run: it runs a typed line through the
 * runtime's steps (runSourceInSteps) and answers them in real time, so
 * that long work shows progress and yields to Ctrl-C wherever it runs —
 * at the top level, in a loop, a function, a pipeline, a `source`d file.
 * The kernel stays synchronous; only here does real time pass.
 *
 * - A `time` step (sleep, wait) with a time scale: the driver waits a
 *   slice of real time (at most TICK_MS), grants the simulated time that
 *   corresponds (real ms / scale), and reports the command's progress.
 *   Without a time scale it grants all of it at once, silently.
 * - A `progress` step (a big write, after each chunk): the driver reports
 *   it and lets the event loop run once.
 *
 * Ctrl-C (the signal aborting) is seen after each wait: the run stops with
 * status 130, leaving the machine as far as it got (the clock at the last
 * slice granted; the pages written so far); loops and functions it was in
 * are left as `return()` unwinds them.
 */
import { afterCommand, type RunOutcome, runSourceInSteps, type ShellSession } from "./runtime.js";
import type { Block, Progress, Step } from "./types.js";

export interface PacedOptions {
  /** Real seconds per simulated second of a `time` step (0: instant). */
  readonly timeScale: number;
  /** The real clock in milliseconds (default `performance.now`). */
  readonly now?: () => number;
  /** Waits `ms` real milliseconds, or less if `signal` aborts (default a timer). */
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Lets the front end's event loop turn once after a progress report, so
   * the report shows and Ctrl-C is seen (default `setImmediate`; a browser,
   * which has none, passes its own).
   */
  readonly turn?: () => Promise<void>;
}

const nextImmediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Longest real wait between two progress reports of scaled time. */
const TICK_MS = 50;
const INTERRUPTED = 130;

/** Runs `line` as `runSource` would, answering its steps in real time (see the file's header). */
export async function runPaced(
  session: ShellSession,
  line: string,
  sink: (block: Block) => void,
  signal: AbortSignal,
  onProgress: (p: Progress) => void,
  options: PacedOptions,
): Promise<RunOutcome> {
  const steps = runSourceInSteps(session, line, sink);
  let r = steps.next();
  while (r.done !== true) {
    const step = r.value;
    const answer = await answerStep(step, signal, onProgress, options);
    if (signal.aborted) {
      steps.return({ status: INTERRUPTED });
      afterCommand(session, sink, step.label ?? "");
      session.vars.set("?", String(INTERRUPTED));
      return { status: INTERRUPTED };
    }
    r = steps.next(answer);
  }
  return r.value;
}

/** Waits as `step` asks, reporting progress; the answer to resume it with. */
async function answerStep(
  step: Step,
  signal: AbortSignal,
  onProgress: (p: Progress) => void,
  options: PacedOptions,
): Promise<number | undefined> {
  const label = step.label ?? "";
  if (step.kind === "progress") {
    onProgress({ done: step.done, total: step.total, label });
    await (options.turn ?? nextImmediate)();
    return undefined;
  }
  const remaining = step.total - step.done;
  if (options.timeScale <= 0) return remaining;
  const now = options.now ?? (() => performance.now());
  const realMs = (remaining / 1e6) * options.timeScale;
  const start = now();
  await (options.wait ?? waitMs)(Math.min(TICK_MS, realMs), signal);
  const elapsed = now() - start;
  const granted = elapsed >= realMs ? remaining : Math.floor((remaining * elapsed) / realMs);
  if (!signal.aborted) onProgress({ done: step.done + granted, total: step.total, label });
  return granted;
}

function waitMs(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener("abort", done);
  });
}
