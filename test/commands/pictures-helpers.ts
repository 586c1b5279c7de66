/**
 * A session of the fork–exec experiment for the picture and explanation
 * tests, and a runner that keeps each block as the command produced it.
 */
import type { KernelConfig } from "../../src/kernel/kernel.js";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource, type ShellSession } from "../../src/shell/runtime.js";
import type { Block } from "../../src/shell/types.js";

/** A process P with a 16 MiB private buffer (1 MiB of it copied after a fork) and 1 MiB of shmem; its child C. */
export const FORK_SCENARIO = `P=$(spawn /bin/sh)
mmap $P 16M --name buf
mmap $P 1M --shared --name shm
write $P buf
write $P shm
C=$(fork $P)
write $P buf 1M
`;

export interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
  readonly blocks: readonly Block[];
}

export function boot(config: Partial<KernelConfig> = {}): ShellSession {
  return createSession(Machine.boot(config));
}

/** Runs `source` in `session` as batch mode does; blocks as produced. */
export function sh(session: ShellSession, source: string): Ran {
  let stdout = "";
  let stderr = "";
  const blocks: Block[] = [];
  const outcome = runSource(session, source, (b) => {
    blocks.push(b);
    if (b.kind === "err") stderr += b.text;
    else stdout += b.text;
  });
  return { stdout, stderr, status: outcome.status, blocks };
}

/** The session after FORK_SCENARIO, with $P and $C set. */
export function forked(config: Partial<KernelConfig> = {}): ShellSession {
  const s = boot(config);
  const r = sh(s, FORK_SCENARIO);
  if (r.stderr !== "") throw new Error(r.stderr);
  return s;
}

export const pidOf = (s: ShellSession, name: "P" | "C"): number => Number(s.vars.get(name));

/** `Label:   123 kB` lines of a text: label -> number. */
export function kbFields(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z_()]+):\s+(\d+) kB/.exec(line);
    if (m !== null) fields.set(m[1]!, Number(m[2]));
  }
  return fields;
}

export const longest = (text: string): number =>
  Math.max(...text.split("\n").map((l) => [...l].length));
