/** Runs cowsh source text as batch mode does, collecting stdout and stderr in order. */
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

export function runScript(
  source: string,
  config: Partial<KernelConfig> = {},
  options: RunOptions = {},
): Transcript {
  const session = createSession(Machine.boot(config));
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
    options,
  );
  return { text, stdout, stderr, status: outcome.status, session };
}

/** Runs more source in an existing session. */
export function runMore(session: ShellSession, source: string): string {
  let text = "";
  runSource(session, source, (b) => {
    text += b.text;
  });
  return text;
}
