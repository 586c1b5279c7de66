/**
 * Runs submitted lines through the engine one at a time, in order, and
 * paces their output: at most `linesPerTick` lines are printed per turn of
 * the event loop, so keys typed meanwhile are handled between chunks.
 * Plain TypeScript; the React side sees it only through `RunnerHost`.
 */
import type { Block } from "../shell/types.js";
import type { Progress, RunResult, ShellEngine } from "./engine.js";
import { OutputBuffer } from "./output-buffer.js";
import { echoItem, outItem, type ScrollItem } from "./scrollback.js";

/** The UI side of the runner. */
export interface RunnerHost {
  /** Appends items to the scrollback. */
  print(items: readonly ScrollItem[]): void;
  /** True when a line starts running; false when the queue has run dry. */
  setBusy(busy: boolean): void;
  /** The running command's progress; undefined when it is over. */
  setProgress(progress: Progress | undefined): void;
  /** A line has finished and all its output is printed; effects are the host's to apply. */
  finished(result: RunResult): void;
}

export interface RunnerOptions {
  /** Lines printed per turn of the event loop (default 2,000). */
  readonly linesPerTick?: number;
  /** Schedules the next turn (default `setImmediate`, which lets pending input in first). */
  readonly schedule?: (turn: () => void) => void;
}

interface Current {
  readonly controller: AbortController;
  result: RunResult | undefined;
}

const INTERRUPTED_STATUS = 130;

export class Runner {
  private readonly queue: { line: string; echo: readonly ScrollItem[] | undefined }[] = [];
  private readonly output = new OutputBuffer();
  private current: Current | undefined;
  private pumpScheduled = false;
  private stopped = false;
  private readonly linesPerTick: number;
  private readonly schedule: (turn: () => void) => void;

  constructor(
    private readonly engine: ShellEngine,
    private readonly host: RunnerHost,
    options: RunnerOptions = {},
  ) {
    this.linesPerTick = options.linesPerTick ?? 2000;
    this.schedule = options.schedule ?? ((turn) => setImmediate(turn));
  }

  /** A line is running or its output is still being printed. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /**
   * Runs `line` now, or after the lines before it. Its echo (default: the
   * prompt and the line) is printed when it starts.
   */
  submit(line: string, echo?: readonly ScrollItem[]): void {
    if (this.stopped) return;
    this.queue.push({ line, echo });
    if (!this.current) this.startNext();
  }

  /**
   * Ctrl-C: aborts the running line, drops its unprinted output and the lines
   * queued after it, and prints "^C". Returns false when nothing was running.
   */
  interrupt(): boolean {
    this.queue.length = 0;
    if (!this.current) return false;
    this.current.controller.abort();
    this.output.clear();
    this.host.print([outItem("^C")]);
    return true;
  }

  /** No more lines will run (the shell is exiting). */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.current?.controller.abort();
  }

  private startNext(): void {
    const next = this.queue.shift();
    if (next === undefined || this.stopped) {
      this.host.setBusy(false);
      return;
    }
    const { line } = next;
    this.host.setBusy(true);
    this.host.print(next.echo ?? [echoItem(this.engine.prompt(), line)]);
    if (line.trim() === "") {
      this.startNext();
      return;
    }
    const current: Current = { controller: new AbortController(), result: undefined };
    this.current = current;
    this.engine
      .run(
        line,
        (block) => this.accept(current, block),
        current.controller.signal,
        (p) => this.progress(current, p),
      )
      .then(
        (result) => this.settle(current, result),
        (error: unknown) => {
          this.accept(current, { kind: "err", text: `cowsh: ${errorMessage(error)}\n` });
          this.settle(current, { status: 1 });
        },
      );
  }

  private accept(current: Current, block: Block): void {
    if (current !== this.current || current.controller.signal.aborted) return;
    this.output.push(block);
    this.schedulePump();
  }

  private progress(current: Current, p: Progress): void {
    if (current === this.current && !current.controller.signal.aborted) this.host.setProgress(p);
  }

  private settle(current: Current, result: RunResult): void {
    if (current !== this.current) return;
    const aborted = current.controller.signal.aborted;
    current.result =
      aborted && result.status === 0 ? { ...result, status: INTERRUPTED_STATUS } : result;
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    this.schedule(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Prints one chunk of output; finishes the line when it has settled and everything is printed. */
  private pump(): void {
    const current = this.current;
    if (!current) return;
    const items = this.output.take(this.linesPerTick, current.result !== undefined);
    if (items.length > 0) this.host.print(items);
    if (this.output.hasBlocks) this.schedulePump();
    else if (current.result !== undefined) this.finish(current.result);
  }

  private finish(result: RunResult): void {
    this.current = undefined;
    this.host.setProgress(undefined);
    this.host.finished(result);
    this.startNext();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
