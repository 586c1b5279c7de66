/**
 * `cowsh --play FILE`: the interactive shell, with a script typed into it at
 * human speed, so that a screen recorder (or `--record`) captures a demo.
 *
 * The app reads its keys from a scripted stdin that the player types into;
 * the real keyboard stays with the player: any key continues at a `# pause`,
 * Ctrl-C is passed on (it interrupts a running command), Ctrl-D stops the
 * playback and leaves. Commands are typed with a small deterministic jitter;
 * comments are typed too, twice as fast; blank lines are a short pause;
 * `# pause`, `# quiz:` and `# cowsh:` lines are not shown. After the last
 * line the player presses Ctrl-D, and the shell exits as it would.
 */
import { EventEmitter } from "node:events";
import type { ShellEngine } from "./engine.js";
import { createMemoryHistoryStore } from "./history.js";
import { forgetCi, type InteractiveOptions, runInteractive } from "./main.js";
import { typeScript } from "./typing.js";

export { mulberry32, typingChunks } from "./typing.js";

export interface PlayOptions {
  /** Characters per second (0: each line appears at once). */
  readonly typingSpeed: number;
  /** Milliseconds to wait after a command's output before typing the next line. */
  readonly pauseMs: number;
  /**
   * The real keyboard (a terminal in raw mode, or a test's emitter); without
   * one, `# pause` lines only wait `pauseMs`.
   */
  readonly keys?: KeySource;
  /** Seed of the typing jitter (default 1: the same rhythm every time). */
  readonly seed?: number;
  /** Waits `ms` milliseconds (default a timer; tests may speed it up). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What the player needs of the real keyboard. */
export interface KeySource {
  on(event: "data", listener: (data: Buffer | string) => void): unknown;
  off(event: "data", listener: (data: Buffer | string) => void): unknown;
  setRawMode?(raw: boolean): unknown;
  resume?(): unknown;
  pause?(): unknown;
}

/**
 * A stdin the app reads as a pipe (no raw mode: the player owns the real
 * terminal), into which the player types.
 */
export class ScriptedStdin extends EventEmitter {
  readonly isTTY = false;
  setEncoding(): this {
    return this;
  }
  setRawMode(): never {
    throw new Error("the scripted stdin has no raw mode");
  }
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  read(): null {
    return null;
  }
  /** Sends `text` to the app as if typed. */
  type(text: string): void {
    this.emit("data", text);
  }
}

const CTRL_C = "\u0003";
const CTRL_D = "\u0004";

/** Plays `source` in the interactive shell over `engine`; resolves with the shell's exit status. */
export async function playScript(
  engine: ShellEngine,
  source: string,
  options: PlayOptions,
  interactive: InteractiveOptions = {},
): Promise<number> {
  const stdout = interactive.stdout ?? process.stdout;
  if (stdout.isTTY) forgetCi(process.env);
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const stdin = new ScriptedStdin();
  const runs = trackRuns(engine);
  const keyboard = new Keyboard(stdin, options.keys);
  const done = runInteractive(runs.engine, {
    history: createMemoryHistoryStore(),
    ...interactive,
    stdin: stdin as unknown as NodeJS.ReadStream,
  });
  let over = false;
  void done.then(() => {
    over = true;
  });
  try {
    while (stdin.listenerCount("data") === 0 && !over) await tick();
    await typeScript(
      source,
      {
        type: (text) => stdin.type(text),
        idle: () => runs.idle(),
        ...(options.keys ? { anyKey: () => keyboard.anyKey() } : {}),
        stopped: () => keyboard.stopped || over,
      },
      { ...options, sleep },
    );
    if (!over) stdin.type(CTRL_D);
    return await done;
  } finally {
    keyboard.close();
  }
}

/** The real keyboard during playback. */
class Keyboard {
  stopped = false;
  private waiting: (() => void) | undefined;
  private readonly onData = (data: Buffer | string) => {
    const text = String(data);
    if (this.waiting) {
      const resume = this.waiting;
      this.waiting = undefined;
      if (text.includes(CTRL_D)) this.stop();
      resume();
      return;
    }
    if (text.includes(CTRL_D)) this.stop();
    else if (text.includes(CTRL_C)) this.app.type(CTRL_C);
  };

  constructor(
    private readonly app: ScriptedStdin,
    private readonly keys: KeySource | undefined,
  ) {
    keys?.setRawMode?.(true);
    keys?.resume?.();
    keys?.on("data", this.onData);
  }

  /** Resolves at the next key press. */
  anyKey(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  private stop(): void {
    this.stopped = true;
    this.app.type(CTRL_D);
  }

  close(): void {
    this.keys?.off("data", this.onData);
    this.keys?.setRawMode?.(false);
    this.keys?.pause?.();
  }
}

/** The engine, counting the lines it has started and finished. */
function trackRuns(engine: ShellEngine): { engine: ShellEngine; idle(): Promise<void> } {
  let started = 0;
  let finished = 0;
  const tracked: ShellEngine = {
    run: (...args) => {
      started++;
      return engine.run(...args).finally(() => {
        finished++;
      });
    },
    complete: (line, cursor) => engine.complete(line, cursor),
    status: () => engine.status(),
    prompt: () => engine.prompt(),
  };
  return {
    engine: tracked,
    /** Resolves when every line started has finished and the app has had a few turns to print it. */
    async idle() {
      while (finished < started) await tick();
      for (let i = 0; i < 5; i++) await tick();
    },
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
