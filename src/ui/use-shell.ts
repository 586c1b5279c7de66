/**
 * The interactive shell's React state and its wiring: keys go through the
 * prompt machine, submitted lines through the runner, effects to the screen.
 * Holds only UI state; the machine lives behind the engine.
 */
import { useApp } from "ink";
import { useEffect, useRef, useState } from "react";
import type { EngineStatus, Progress, RunResult, ShellEngine } from "./engine.js";
import { wrapWords } from "./format.js";
import type { HistoryStore } from "./history.js";
import { historyAt } from "./history-nav.js";
import { applyEffect, type EffectTargets, echoTypedAhead, pressKeys } from "./key-loop.js";
import type { Key } from "./keys.js";
import { initialPrompt, type PromptState } from "./prompt.js";
import { Runner, type RunnerHost } from "./runner.js";
import { noteItem, outItem, type ScrollItem } from "./scrollback.js";
import { useKeys } from "./use-keys.js";
import { type ScrollbackOptions, useScrollback } from "./use-scrollback.js";

export interface ShellOptions extends ScrollbackOptions {
  readonly engine: ShellEngine;
  readonly history: HistoryStore;
  readonly linesPerTick?: number;
  readonly onExit?: (status: number) => void;
  /** Lines printed once at start (a hint for newcomers), if any. */
  readonly greeting?: string;
}

export interface ShellView {
  readonly prompt: PromptState;
  readonly busy: boolean;
  readonly progress: Progress | undefined;
  readonly status: EngineStatus;
  /** The shell is exiting: the live region is no longer drawn. */
  readonly exiting: boolean;
}

export function useShell(options: ShellOptions): ShellView {
  const { engine } = options;
  const screen = useScrollback(options);
  const [boot] = useState(() => loadHistory(options.history));
  const [prompt, setPrompt] = useState(() => initialPrompt(boot.entries));
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress>();
  const [status, setStatus] = useState(() => engine.status());
  const [exitStatus, setExitStatus] = useState<number>();
  const promptRef = useRef(prompt);
  /** Keys typed while a line ran, not yet echoed (key-loop.ts, `echoTypedAhead`). */
  const typedAhead = useRef(false);
  const lastStatus = useRef(0);
  const historyFailed = useRef(false);

  const leave = (code: number) => {
    runner.stop();
    setExitStatus(code);
  };
  const clearsSeen = useRef(options.history.clears?.() ?? 0);
  const finished = (result: RunResult) => {
    typedAhead.current = echoTypedAhead(
      { prompt: promptRef.current, held: held.current, typedAhead: typedAhead.current },
      screen,
    ).typedAhead;
    lastStatus.current = result.status;
    setStatus(engine.status());
    // `history -c` forgets the lines for ↑ and Ctrl-R at once, as bash's does.
    const clears = options.history.clears?.() ?? 0;
    if (clears !== clearsSeen.current) {
      clearsSeen.current = clears;
      promptRef.current = { ...promptRef.current, history: historyAt([]) };
      setPrompt(promptRef.current);
    }
    if (result.effect?.kind === "clear") screen.clearScreen();
    if (result.effect?.kind === "exit") {
      screen.print([outItem("exit")]);
      leave(result.effect.status);
    }
  };
  const latestFinished = useRef(finished);
  latestFinished.current = finished;
  /**
   * Keys typed ahead from the first Tab pressed while lines run: completion
   * must see the machine as the lines before it leave it, as bash's readline
   * reads type-ahead only once the command before has finished. They are
   * replayed, in order, when the runner goes idle.
   */
  const held = useRef<Key[]>([]);
  const replayHeld = () => {
    const keys = held.current;
    held.current = [];
    if (keys.length > 0) latestOnKeys.current(keys);
  };
  const [runner] = useState(() => {
    const host: RunnerHost = {
      print: (items) => screen.print(items),
      setBusy: (isBusy) => {
        setBusy(isBusy);
        if (!isBusy) replayHeld();
      },
      setProgress: (p) => {
        setProgress((old) => (sameProgress(old, p) ? old : p));
        if (p) setStatus(engine.status());
      },
      finished: (result) => latestFinished.current(result),
    };
    const { linesPerTick } = options;
    return new Runner(engine, host, linesPerTick === undefined ? {} : { linesPerTick });
  });

  /** Saves the history; the first failure after a success is reported. */
  const persist = (entries: readonly string[]) => {
    const error = saveHistory(options.history, entries);
    if (error !== undefined && !historyFailed.current) {
      screen.print([noteItem(`cowsh: cannot save history: ${error}`)]);
    }
    historyFailed.current = error !== undefined;
  };

  const effects: EffectTargets = {
    prompt: () => engine.prompt(),
    columns: options.columns,
    submit: (line, echo) => runner.submit(line, echo),
    print: (items) => screen.print(items),
    interrupt: () => void runner.interrupt(),
    eof: () => leave(lastStatus.current),
    clearVisible: () => screen.clearVisible(),
  };
  const onKeys = (keys: readonly Key[]) => {
    const state = { prompt: promptRef.current, held: held.current, typedAhead: typedAhead.current };
    const next = pressKeys(state, keys, {
      busy: () => runner.busy,
      complete: (line, cursor) => engine.complete(line, cursor),
      apply: (effect, state) => {
        promptRef.current = state;
        applyEffect(effect, effects);
      },
      persist,
      print: (items) => screen.print(items),
    });
    promptRef.current = next.prompt;
    held.current = [...next.held];
    typedAhead.current = next.typedAhead;
    setPrompt(promptRef.current);
  };
  const latestOnKeys = useRef(onKeys);
  latestOnKeys.current = onKeys;

  const exiting = exitStatus !== undefined;
  useKeys({ onKeys, onEnd: () => leave(lastStatus.current) }, !exiting);
  const { greeting } = options;
  const columnsAtStart = useRef(options.columns);
  useEffect(() => {
    const text = greeting === undefined ? undefined : wrapWords(greeting, columnsAtStart.current);
    const first = text === undefined ? boot.notes : [outItem(text), ...boot.notes];
    if (first.length > 0) screen.print(first);
  }, [boot, screen, greeting]);
  useExitWhenSet(exitStatus, options.onExit);

  return { prompt, busy, progress, status, exiting };
}

export { PS2 } from "./key-loop.js";

/** Once `status` is set: reports it and unmounts the app, resolving `waitUntilExit` with it. */
function useExitWhenSet(
  status: number | undefined,
  onExit: ((status: number) => void) | undefined,
): void {
  const { exit } = useApp();
  useEffect(() => {
    if (status === undefined) return;
    onExit?.(status);
    exit(status);
  }, [status, exit, onExit]);
}

/** The saved history, or none and a note saying why it could not be read. */
function loadHistory(store: HistoryStore): { entries: readonly string[]; notes: ScrollItem[] } {
  try {
    return { entries: store.load(), notes: [] };
  } catch (e) {
    return { entries: [], notes: [noteItem(`cowsh: cannot read history: ${message(e)}`)] };
  }
}

/** Saves `entries`; the error message if that failed. */
function saveHistory(store: HistoryStore, entries: readonly string[]): string | undefined {
  try {
    store.save(entries);
    return undefined;
  } catch (e) {
    return message(e);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Progress that would draw the same bar (same label, same whole percent) needs no new render. */
function sameProgress(a: Progress | undefined, b: Progress | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const pct = (p: Progress) => (p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0);
  return a.label === b.label && pct(a) === pct(b);
}
