/**
 * The interactive shell on a terminal emulator that is only a screen (the
 * page's xterm.js): what the Ink app does with React, done by writing
 * escape sequences. Keys go through the same prompt machine
 * (src/ui/prompt.ts: line editing, history, Ctrl-R, Tab), submitted lines
 * through the same runner (src/ui/runner.ts), output through the same
 * transcript and picture renderers; the live region (a progress bar and the
 * prompt line) is erased and drawn again below each print, as Ink draws it.
 */
import type { Progress, RunResult, ShellEngine } from "../src/ui/engine.js";
import { progressText } from "../src/ui/format.js";
import type { HistoryStore } from "../src/ui/history.js";
import { historyAt } from "../src/ui/history-nav.js";
import {
  applyEffect,
  type EffectTargets,
  echoTypedAhead,
  PS2,
  pressKeys,
} from "../src/ui/key-loop.js";
import { decodeKeys, type Key } from "../src/ui/keys.js";
import { PICTURES, renderPicture } from "../src/ui/pictures.js";
import { initialPrompt, type PromptState, visibleLine } from "../src/ui/prompt.js";
import { promptLayout, shownPromptOf } from "../src/ui/prompt-layout.js";
import { Runner } from "../src/ui/runner.js";
import { noteItem, outItem, type ScrollItem } from "../src/ui/scrollback.js";
import { styled } from "../src/ui/sgr.js";
import { CLEAR_SCREEN, CLEAR_VISIBLE, itemText } from "../src/ui/transcript.js";

/** What the shell needs of the terminal: a place to write, and its width. */
export interface Screen {
  write(text: string): void;
  readonly cols: number;
}

export interface TerminalShellOptions {
  readonly screen: Screen;
  readonly history: HistoryStore;
  /** Schedules the runner's next turn (the page: a MessageChannel turn). */
  readonly schedule: (turn: () => void) => void;
  readonly linesPerTick?: number;
  /** A line was submitted to run (typed, played or replayed). */
  readonly onSubmit?: (line: string) => void;
  /** A line has run and its output is printed. */
  readonly onFinished?: (line: string, result: RunResult) => void;
  /** Ctrl-D at an empty prompt, or `exit`: the shell has ended with `status`. */
  readonly onExit?: (status: number) => void;
}

export class TerminalShell {
  private engine: ShellEngine;
  private runner: Runner;
  private prompt: PromptState;
  private progress: Progress | undefined;
  /** Keys typed ahead from a Tab pressed while lines run (see use-shell.ts). */
  private held: Key[] = [];
  /** Keys typed while a line ran, not yet echoed (key-loop.ts, `echoTypedAhead`). */
  private typedAhead = false;
  /** The lines submitted and not finished yet, oldest first (blank lines never run). */
  private readonly running: string[] = [];
  private lastStatus = 0;
  private clearsSeen: number;
  private historyFailed = false;
  private idleWaiters: (() => void)[] = [];
  /** The row of the live region the cursor is on (0: its first row). */
  private cursorRow = 0;

  constructor(
    engine: ShellEngine,
    private readonly options: TerminalShellOptions,
  ) {
    this.engine = engine;
    this.runner = this.newRunner();
    this.clearsSeen = options.history.clears?.() ?? 0;
    let entries: readonly string[] = [];
    try {
      entries = options.history.load();
    } catch (e) {
      this.print([noteItem(`cowsh: cannot read history: ${messageOf(e)}`)]);
    }
    this.prompt = initialPrompt(entries);
    this.draw();
  }

  /** A line is running, or its output is still being printed. */
  get busy(): boolean {
    return this.runner.busy;
  }

  /** Bytes from the terminal (keys, pastes), decoded as the Ink app decodes them. */
  input(data: string): void {
    const keys = decodeKeys(data);
    if (keys.length > 0) this.keys(keys);
  }

  /** Runs `line` as if typed and entered, without adding it to the history. */
  run(line: string): void {
    this.submit(line);
    this.redraw();
  }

  /** Prints lines from the page itself (yellow, as the shell's own notes). */
  note(text: string): void {
    this.print([noteItem(text)]);
  }

  /** Prints text as output. */
  say(text: string): void {
    this.print([outItem(text)]);
  }

  /** Resolves once every line submitted has run and its output is printed. */
  idle(): Promise<void> {
    if (!this.runner.busy && this.held.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Goes on over `engine` (a new machine): stops what runs, clears the screen, keeps the history. */
  reset(engine: ShellEngine): void {
    this.runner.stop();
    this.running.length = 0;
    this.held = [];
    this.progress = undefined;
    this.engine = engine;
    this.runner = this.newRunner();
    this.prompt = initialPrompt(this.prompt.history.entries, this.prompt.lastQuery);
    this.options.screen.write(CLEAR_SCREEN);
    this.cursorRow = 0;
    this.draw();
    this.wakeIdle();
  }

  private newRunner(): Runner {
    const { linesPerTick, schedule } = this.options;
    return new Runner(
      this.engine,
      {
        print: (items) => this.print(items),
        setBusy: (busy) => {
          this.redraw();
          if (!busy) this.replayHeld();
        },
        setProgress: (p) => {
          this.progress = p;
          this.redraw();
        },
        finished: (result) => this.finished(result),
      },
      linesPerTick === undefined ? { schedule } : { schedule, linesPerTick },
    );
  }

  private keys(keys: readonly Key[]): void {
    const state = { prompt: this.prompt, held: this.held, typedAhead: this.typedAhead };
    const next = pressKeys(state, keys, {
      busy: () => this.runner.busy,
      complete: (line, cursor) => this.engine.complete(line, cursor),
      apply: (effect, prompt) => {
        this.prompt = prompt; // a redraw during the effect shows the line as the key left it
        applyEffect(effect, this.targets());
      },
      persist: (entries) => this.persist(entries),
      print: (items) => this.print(items),
    });
    this.prompt = next.prompt;
    this.held = [...next.held];
    this.typedAhead = next.typedAhead;
    this.redraw();
  }

  /** Where the prompt machine's effects go (src/ui/key-loop.ts carries them out). */
  private targets = (): EffectTargets => ({
    prompt: () => this.engine.prompt(),
    columns: this.options.screen.cols,
    submit: (line, echo) => this.submit(line, echo),
    print: (items) => this.print(items),
    interrupt: () => {
      this.runner.interrupt();
      this.running.length = 0;
    },
    eof: () => this.options.onExit?.(this.lastStatus),
    clearVisible: () => {
      this.erase();
      this.options.screen.write(CLEAR_VISIBLE);
      this.draw();
    },
  });

  private submit(line: string, echo?: readonly ScrollItem[]): void {
    if (line.trim() !== "") this.running.push(line);
    this.options.onSubmit?.(line);
    this.runner.submit(line, echo);
  }

  private finished(result: RunResult): void {
    const line = this.running.shift() ?? "";
    const state = { prompt: this.prompt, held: this.held, typedAhead: this.typedAhead };
    this.typedAhead = echoTypedAhead(state, { print: (items) => this.print(items) }).typedAhead;
    this.lastStatus = result.status;
    // `history -c` forgets the lines for ↑ and Ctrl-R at once, as bash's does.
    const clears = this.options.history.clears?.() ?? 0;
    if (clears !== this.clearsSeen) {
      this.clearsSeen = clears;
      this.prompt = { ...this.prompt, history: historyAt([]) };
    }
    if (result.effect?.kind === "clear") {
      this.erase();
      this.options.screen.write(CLEAR_SCREEN);
      this.draw();
    }
    this.options.onFinished?.(line, result);
    if (result.effect?.kind === "exit") {
      this.print([outItem("exit")]);
      this.options.onExit?.(result.effect.status);
    }
  }

  /** Saves the history; the first failure after a success is reported. */
  private persist(entries: readonly string[]): void {
    let error: string | undefined;
    try {
      this.options.history.save(entries);
    } catch (e) {
      error = messageOf(e);
    }
    if (error !== undefined && !this.historyFailed)
      this.print([noteItem(`cowsh: cannot save history: ${error}`)]);
    this.historyFailed = error !== undefined;
  }

  private replayHeld(): void {
    const keys = this.held;
    this.held = [];
    if (keys.length > 0) this.keys(keys);
    if (!this.runner.busy && this.held.length === 0) this.wakeIdle();
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Writes items above the live region (text once, never redrawn). */
  private print(items: readonly ScrollItem[]): void {
    const text = items.map((item) => this.itemText(item)).join("");
    if (text === "") return;
    this.erase();
    this.options.screen.write(text.replaceAll("\n", "\r\n"));
    this.draw();
  }

  private itemText(item: ScrollItem): string {
    if (item.kind !== "view") return itemText(item, true);
    return `${renderPicture(PICTURES, item.view, item.text, this.options.screen.cols, true)}\n`;
  }

  private redraw(): void {
    this.erase();
    this.draw();
  }

  /** Erases the live region, leaving the cursor at the start of its first row. */
  private erase(): void {
    const up = this.cursorRow > 0 ? `\u001b[${this.cursorRow}A` : "";
    this.options.screen.write(`${up}\r\u001b[J`);
    this.cursorRow = 0;
  }

  /** Draws the live region from the cursor's row (a progress bar, the prompt line) and places the cursor. */
  private draw(): void {
    const columns = this.options.screen.cols;
    const busy = this.runner.busy;
    const line = visibleLine(this.prompt);
    const prompt = line.ps2 ? PS2 : this.engine.prompt();
    const layout = promptLayout({ prompt, line, busy, columns });
    const promptChars = [...shownPromptOf(prompt, line, busy)].length;
    const rows = layout.rows.map((row, i) => {
      if (busy) return styled({ dimColor: true }, row);
      if (i > 0 || promptChars === 0) return row;
      const chars = [...row];
      return (
        styled({ bold: true, color: "green" }, chars.slice(0, promptChars).join("")) +
        chars.slice(promptChars).join("")
      );
    });
    const top = this.progress
      ? [styled({ color: "cyan" }, progressText(this.progress, columns))]
      : [];
    const all = [...top, ...rows];
    const cursorY = top.length + layout.y;
    const up = all.length - 1 - cursorY;
    const right = layout.x > 0 ? `\u001b[${layout.x}C` : "";
    this.options.screen.write(`${all.join("\r\n")}${up > 0 ? `\u001b[${up}A` : ""}\r${right}`);
    this.cursorRow = cursorY;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
