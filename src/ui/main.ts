/**
 * The entry the `cowsh` binary loads, dynamically, for interactive mode.
 *
 * Ink decides once, when it is first imported, whether it runs under CI (the
 * `is-in-ci` package reads CI and CONTINUOUS_INTEGRATION); under CI it never
 * draws its live region, so the prompt would stay invisible, and chalk turns
 * colours off. Interactive mode means a person (or tmux) at a terminal, so
 * when stdin and stdout are both terminals those variables are dropped
 * before Ink is loaded. This module must therefore be what first loads Ink.
 */
import type { ShellEngine } from "./engine.js";

export type { InteractiveOptions } from "./app.js";

import type { InteractiveOptions } from "./app.js";

/** `runInteractive` of `app.tsx`, loaded after making sure Ink draws on the terminal. */
export async function runInteractive(
  engine: ShellEngine,
  options: InteractiveOptions = {},
): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  if (stdin.isTTY && stdout.isTTY) forgetCi(process.env);
  const app = await import("./app.js");
  return app.runInteractive(engine, options);
}

/** Removes the variables that make Ink and chalk believe they run under CI; returns their names. */
export function forgetCi(env: Record<string, string | undefined>): string[] {
  const names = ["CI", "CONTINUOUS_INTEGRATION"].filter((name) => name in env);
  for (const name of names) delete env[name];
  return names;
}
