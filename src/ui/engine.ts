/**
 * What the Ink UI needs from the shell: the only way it reaches the shell
 * runtime and the machine. Implemented over `src/shell` by the front end
 * that starts the UI; tests use fakes.
 */
import type { Block, Effect, Progress } from "../shell/types.js";

export type { Progress };

export interface RunResult {
  /** The exit status of the line, as `$?`. */
  readonly status: number;
  /** Something only the front end can do (clear the screen, exit). */
  readonly effect?: Effect;
}

/** A snapshot for the status line. */
export interface EngineStatus {
  /** The simulated clock, in nanoseconds since boot. */
  readonly clockNs: number;
  /** Processes on the machine (zombies included). */
  readonly processes: number;
  /** Free and total simulated memory, in bytes. */
  readonly freeBytes: number;
  readonly totalBytes: number;
}

export interface ShellEngine {
  /**
   * Runs one typed line. Blocks go to `sink` in the order they are produced,
   * and may arrive before the promise settles (the UI shows them as they come).
   * `onProgress` may be called during long work. When `signal` aborts (Ctrl-C)
   * the engine stops early and resolves (status 130, as bash). The UI only
   * regains control when the engine awaits, so long work should yield now and
   * then (`await new Promise(setImmediate)`) for progress and Ctrl-C to show.
   * A rejection is reported as an error line; it never stops the UI.
   */
  run(
    line: string,
    sink: (block: Block) => void,
    signal: AbortSignal,
    onProgress?: (progress: Progress) => void,
  ): Promise<RunResult>;
  /**
   * Tab completion of `line` with the cursor at `cursor` (a UTF-16 index): the
   * start of the word being completed, and the full words that may replace
   * line[from, cursor) (directories end in "/"). Synchronous and side-effect free.
   */
  complete(
    line: string,
    cursor: number,
  ): { readonly from: number; readonly candidates: readonly string[] };
  /** The state shown in the status line. Cheap: called after every command and progress report. */
  status(): EngineStatus;
  /** The prompt, e.g. "cowsh$ "; read before each line is echoed and shown. */
  prompt(): string;
}
