/**
 * The ShellEngine the Ink app drives, over a shell session: lines run
 * through the same runtime as batch mode, completion reads the machine, and
 * the status line shows the simulated clock and memory. Both read the
 * session's machine afresh each time, so they follow a `load`.
 */
import { PAGE_SIZE } from "../kernel/constants.js";
import { complete } from "../shell/complete.js";
import { type PacedOptions, runPaced } from "../shell/paced-run.js";
import type { ShellSession } from "../shell/runtime.js";
import type { EngineStatus, RunResult, ShellEngine } from "./engine.js";

/** `paced`: how `sleep` and big writes run in steps (default: sleep instant). */
export function createShellEngine(
  session: ShellSession,
  paced: PacedOptions = { timeScale: 0 },
): ShellEngine {
  return {
    async run(line, sink, signal, onProgress): Promise<RunResult> {
      const outcome = await runPaced(session, line, sink, signal, onProgress ?? (() => {}), paced);
      return outcome.effect === undefined
        ? { status: outcome.status }
        : { status: outcome.status, effect: outcome.effect };
    },
    complete: (line, cursor) => complete(session, line, cursor),
    status(): EngineStatus {
      const { machine } = session; // read each time: `load` replaces it
      const { phys } = machine;
      return {
        clockNs: machine.now,
        processes: machine.tasks.size,
        freeBytes: phys.nrFree * PAGE_SIZE,
        totalBytes: (phys.nrFrames - phys.firstUsable) * PAGE_SIZE,
      };
    },
    prompt: () => "cowsh$ ",
  };
}
