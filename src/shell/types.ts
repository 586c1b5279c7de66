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
