/**
 * trace on|off: while on, every command is followed by a summary of the
 * kernel events it caused, on stderr, each line starting `trace: `: faults
 * by process and kind with the ranges they hit, pages reclaimed (by
 * MADV_PAGEOUT or under pressure) by process and outcome, forks (PTEs copied), execs
 * and exits (PTEs unmapped, frames freed), OOM kills, and the net change
 * of free memory. The summary is per command, so writing a GiB prints one
 * line, not 262,144.
 */
import type { KernelEvent } from "../src/kernel/events.js";
import type { Machine } from "../src/kernel/machine.js";
import type { Session } from "../src/shell/session.js";
import { type Command, type CommandResult, err, ok, out } from "../src/shell/types.js";
import { machineOf, usage } from "./lib/args/operands.js";
import { plural } from "./lib/explain/prose.js";
import { peekSessionState, sessionState } from "./lib/session/state.js";
import { Tracer } from "./lib/trace/tracer.js";

type Hook = ((event: KernelEvent) => void) | null;

/** A session's tracing: the tracer, the machine it listens to, and the hook it replaced. */
interface TraceState {
  on: boolean;
  readonly tracer: Tracer;
  machine: Machine | null;
  previous: Hook;
}

const KEY = "trace";

function attach(state: TraceState, m: Machine): void {
  if (state.on) return;
  const previous = m.trace;
  const record = state.tracer.record;
  state.previous = previous;
  state.machine = m;
  m.trace =
    previous === null
      ? record
      : (event) => {
          previous(event);
          record(event);
        };
  state.on = true;
}

function detach(state: TraceState): void {
  if (!state.on || state.machine === null) return;
  state.machine.trace = state.previous;
  state.previous = null;
  state.on = false;
}

export const trace: Command = {
  name: "trace",
  summary: "show the kernel events each command causes: faults, exec, exit…",
  prints: "a line saying tracing is on or off; then, after each command, its kernel events",
  usage: [
    "trace on|off",
    "",
    "While on, each command is followed, on stderr, by lines starting `trace: `:",
    "faults per process and kind (zero-page, new-page, cow-copy, reuse,",
    "zero-copy, file-read, file-cow, shared-write, write-notify, swap-in) with the",
    "address ranges they hit; pages MADV_PAGEOUT or reclaim took, per process",
    "and outcome (swap-out, shmem-swap-out, shmem-drop, lazy-discard, file-drop,",
    "file-writeback, swap-cache-drop), each with what it means; forks with the",
    "PTEs copied; execs and exits with the PTEs unmapped and frames freed; OOM",
    "kills; and the net change of MemFree. `trace` alone says whether it is on.",
  ],
  run(ctx, argv) {
    const m = machineOf(ctx);
    const state = sessionState<TraceState>(ctx.session, KEY, () => ({
      on: false,
      tracer: new Tracer(),
      machine: null,
      previous: null,
    }));
    const [what, extra] = argv;
    if (extra !== undefined) return usage(`trace: too many arguments: '${extra}'`);
    if (what === undefined) return ok(out(`trace is ${state.on ? "on" : "off"}\n`));
    if (what === "on") {
      attach(state, m);
      return ok(out("tracing kernel events after each command (trace off to stop)\n"));
    }
    if (what === "off") {
      detach(state);
      return ok();
    }
    return usage(`trace: '${what}': say on or off`);
  },
};

/** After `load`: a session's tracing, if on, moves to its new machine. */
export function traceFollows(session: Session, next: Machine): void {
  const state = peekSessionState<TraceState>(session, KEY);
  if (state === undefined || !state.on) return;
  detach(state);
  attach(state, next);
}

/**
 * `command`, followed by the trace of what it caused when the session's
 * tracing is on (a command run in steps: the trace of all of them, after
 * the last). commands/index.ts wraps every command with it.
 */
export function traced(command: Command): Command {
  const { steps } = command;
  return {
    ...command,
    run(ctx, argv) {
      const state = tracing(ctx.session);
      if (state === undefined) return command.run(ctx, argv);
      const freeBefore = state.machine.phys.nrFree;
      return withTrace(state, freeBefore, command.run(ctx, argv));
    },
    ...(steps === undefined
      ? {}
      : {
          *steps(ctx, argv) {
            const state = tracing(ctx.session);
            if (state === undefined) return yield* steps(ctx, argv);
            const freeBefore = state.machine.phys.nrFree;
            return withTrace(state, freeBefore, yield* steps(ctx, argv));
          },
        }),
  };
}

/** The session's tracing, when it is on. */
function tracing(session: Session): (TraceState & { machine: Machine }) | undefined {
  const state = peekSessionState<TraceState>(session, KEY);
  if (state === undefined || !state.on || state.machine === null) return undefined;
  return state as TraceState & { machine: Machine };
}

/** `result` with the trace lines of what happened since free memory was `freeBefore` added. */
function withTrace(
  state: TraceState & { machine: Machine },
  freeBefore: number,
  result: CommandResult,
): CommandResult {
  const lines = state.tracer.drain();
  const delta = state.machine.phys.nrFree - freeBefore;
  if (delta !== 0)
    lines.push(
      `MemFree ${delta > 0 ? "+" : "-"}${Math.abs(delta) * 4} kB: ${plural(Math.abs(delta), "frame")} ${delta > 0 ? "freed" : "allocated"}, net`,
    );
  if (lines.length === 0) return result;
  const text = lines.map((line) => `trace: ${line}\n`).join("");
  return { ...result, blocks: [...result.blocks, err(text)] };
}
