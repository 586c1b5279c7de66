/**
 * The contract between the shell runtime and the commands it runs.
 *
 * A command is a pure-ish function of its arguments, its piped input and the
 * session (the simulated machine plus shell state). It returns what it would
 * have written to stdout and stderr as blocks, an exit status, and an optional
 * effect for the front end. It never writes to the terminal itself.
 */
import type { Session } from "./session.js";

/** One piece of command output, in the order it was produced. */
export type Block =
  /** Bytes written to stdout, exactly as a Unix tool would write them (newlines included). */
  | { readonly kind: "out"; readonly text: string }
  /** Bytes written to stderr: normally one line ending in "\n". */
  | { readonly kind: "err"; readonly text: string }
  /**
   * A picture (vmmap, frames, …): `text` is its plain-character rendering,
   * used by batch mode, pipes and golden files; `view` carries the structure
   * a richer front end may draw with colour instead.
   */
  | { readonly kind: "view"; readonly text: string; readonly view: unknown };

/** Something only the front end can do. */
export type Effect =
  | { readonly kind: "clear" }
  | { readonly kind: "exit"; readonly status: number };

/** How far a long piece of work has got: `done` of `total` units, and what it is. */
export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly label: string;
}

/**
 * A point in a command that takes time (`Command.steps`), handed up through
 * the runtime to whoever drives the run. The kernel stays synchronous: a
 * step is only a pause between two kernel calls.
 *
 * - `time`: the command is about to let simulated time pass; `done` of
 *   `total` ns have passed so far. The driver answers (the value `next`
 *   resumes with) how many more ns may pass now, from 0 to total − done;
 *   batch mode answers with all of them at once, so the command makes the
 *   same single kernel call it would make without steps.
 * - `progress`: `done` of `total` units of work are done (bytes of a big
 *   write); a place where the driver may show progress or stop the run.
 *
 * `label` is what is running (`sleep 4`), filled in by the runtime.
 */
export interface Step {
  readonly kind: "time" | "progress";
  readonly done: number;
  readonly total: number;
  readonly label?: string;
}

/** Steps ending in a `T`; resumed with the driver's answer to a `time` step. */
export type Steps<T> = Generator<Step, T, number | undefined>;

/** The answer to `step` that lets it all happen now: every ns of a `time` step. */
export const allAtOnce = (step: Step): number | undefined =>
  step.kind === "time" ? step.total - step.done : undefined;

/** Runs `steps` to the end at once, as batch mode does: every `time` step gets all its time. */
export function drain<T>(steps: Steps<T>): T {
  let r = steps.next();
  while (r.done !== true) r = steps.next(allAtOnce(r.value));
  return r.value;
}

/**
 * Lets `total` ns of simulated time pass through `advance`, as the driver
 * grants it: one `advance(total)` when drained (also for 0, which wakes
 * what is due now), several smaller ones when paced.
 */
export function* passTime(total: number, advance: (ns: number) => void): Steps<void> {
  if (total <= 0) {
    advance(0);
    return;
  }
  let done = 0;
  while (done < total) {
    const granted = (yield { kind: "time", done, total }) ?? total - done;
    const ns = Math.min(total - done, Math.max(0, Math.floor(granted)));
    if (ns > 0) advance(ns);
    done += ns;
  }
}

export interface CommandResult {
  readonly status: number;
  readonly blocks: readonly Block[];
  readonly effect?: Effect;
}

export interface CommandContext {
  /** Text piped into the command, or undefined when stdin is not a pipe. */
  readonly stdin: string | undefined;
  readonly session: Session;
}

export interface Command {
  /** The name typed at the prompt. */
  readonly name: string;
  /** One line for `help`. */
  readonly summary: string;
  /** What it writes to stdout when it succeeds, for `help NAME` ("nothing on success", "the child's PID"…). */
  readonly prints: string;
  /** Synopsis lines for `help CMD` and usage errors, e.g. ["grep [-ivcn] PATTERN [FILE...]"]. */
  readonly usage: readonly string[];
  /**
   * The command reads `--help` itself (the GNU tools print their own help,
   * echo prints the word); otherwise the shell answers `NAME --help` with
   * `helpText`.
   */
  readonly ownHelp?: true;
  run(ctx: CommandContext, argv: readonly string[]): CommandResult;
  /**
   * For a command that takes time (`sleep`, `wait`, a big `write`): the same
   * work as `run`, in steps (see `Step`). The runtime runs this instead of
   * `run` when it is there; `run` is then `drain(steps(ctx, argv))`.
   */
  steps?(ctx: CommandContext, argv: readonly string[]): Steps<CommandResult>;
}

/** What `help NAME` and `NAME --help` print: the summary, the usage lines, and what it prints. */
export function helpText(
  c: Pick<Command, "name" | "summary" | "usage"> & { prints?: string },
): string {
  const prints = c.prints === undefined ? "" : `prints: ${c.prints}\n`;
  return `${c.name}: ${c.summary}\nusage: ${c.usage.join("\n       ")}\n${prints}`;
}

/** Helpers to build results. */
export const out = (text: string): Block => ({ kind: "out", text });
export const err = (text: string): Block => ({
  kind: "err",
  text: text.endsWith("\n") ? text : `${text}\n`,
});
export const ok = (...blocks: Block[]): CommandResult => ({ status: 0, blocks });
export const fail = (status: number, ...blocks: Block[]): CommandResult => ({ status, blocks });
