/**
 * Runs cowsh source text as batch mode does, collecting stdout and stderr in
 * order. The machine's invariants are checked after every command, as
 * `cowsh --check` checks them: a broken one ends the run with
 * `cowsh: invariant broken after '…'` and status 70, which no transcript
 * or expected output contains.
 */
import type { KernelConfig } from "../../src/kernel/kernel.js";
import { Machine } from "../../src/kernel/machine.js";
import {
  createSession,
  type RunOptions,
  runSource,
  type ShellSession,
} from "../../src/shell/runtime.js";

export interface Transcript {
  /** stdout and stderr interleaved as produced (stderr lines are not marked). */
  readonly text: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
  readonly session: ShellSession;
}

export interface ScriptOptions extends RunOptions {
  /** Check the invariants after every command (default true). */
  readonly check?: boolean;
}

export function runScript(
  source: string,
  config: Partial<KernelConfig> = {},
  options: ScriptOptions = {},
): Transcript {
  const { check = true, ...runOptions } = options;
  const session = createSession(Machine.boot(config), undefined, { check });
  let text = "";
  let stdout = "";
  let stderr = "";
  const outcome = runSource(
    session,
    source,
    (b) => {
      text += b.text;
      if (b.kind === "err") stderr += b.text;
      else stdout += b.text;
    },
    runOptions,
  );
  return { text, stdout, stderr, status: outcome.status, session };
}

/** Runs more source in an existing session (checked as the session says). */
export function runMore(session: ShellSession, source: string): string {
  let text = "";
  runSource(session, source, (b) => {
    text += b.text;
  });
  return text;
}
