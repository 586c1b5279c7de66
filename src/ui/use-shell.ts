/**
 * The interactive shell's React state and its wiring: keys go through the
 * prompt machine, submitted lines through the runner, effects to the screen.
 * Holds only UI state; the machine lives behind the engine.
 */
import { useApp } from "ink";
import { useEffect, useRef, useState } from "react";
import { needsMoreInput } from "../shell/script-stream.js";
import { displayName, formatColumns } from "./completion.js";
import type { EngineStatus, Progress, RunResult, ShellEngine } from "./engine.js";
import { wrapWords } from "./format.js";
import type { HistoryStore } from "./history.js";
import { historyAt } from "./history-nav.js";
import type { Key, KeyName } from "./keys.js";
import {
  type Echo,
  initialPrompt,
  type PromptEffect,
  type PromptState,
  pressKey,
  type VisibleLine,
} from "./prompt.js";
import { Runner, type RunnerHost } from "./runner.js";
import { echoItem, errItem, noteItem, outItem, type ScrollItem } from "./scrollback.js";
import { useKeys } from "./use-keys.js";
import { type Scrollback, type ScrollbackOptions, useScrollback } from "./use-scrollback.js";

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
  const lastStatus = useRef(0);
  const historyFailed = useRef(false);

  const leave = (code: number) => {
    runner.stop();
    setExitStatus(code);
  };
  const clearsSeen = useRef(options.history.clears?.() ?? 0);
  const finished = (result: RunResult) => {
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
    engine,
    runner,
    screen,
    columns: options.columns,
    eof: () => leave(lastStatus.current),
  };
  const onKeys = (keys: readonly Key[]) => {
    for (const key of keys) {
      if (held.current.length > 0 || (runner.busy && isNamed(key, "tab"))) {
        // Ctrl-C flushes the type-ahead, as the tty does on SIGINT, and interrupts.
        if (!isNamed(key, "C-c")) {
          held.current.push(key);
          continue;
        }
        held.current = [];
      }
      const before = promptRef.current;
      const complete = (line: string, cursor: number) => engine.complete(line, cursor);
      const step = pressKey(before, key, { busy: runner.busy, complete, needsMore });
      promptRef.current = step.state;
      if (step.state.history.entries !== before.history.entries)
        persist(step.state.history.entries);
      for (const effect of step.effects) applyEffect(effect, effects);
    }
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

/** bash's default PS2: the prompt of a line that continues an unfinished construct. */
export const PS2 = "> ";

const needsMore = (source: string) => needsMoreInput(source);

interface EffectTargets {
  readonly engine: ShellEngine;
  readonly runner: Runner;
  readonly screen: Scrollback;
  readonly columns: number;
  /** Ends the session with the last status. */
  readonly eof: () => void;
}

/** Carries out what the prompt machine asked for, as bash would show it. */
function applyEffect(effect: PromptEffect, t: EffectTargets): void {
  const echo = (shown: VisibleLine, suffix = "") =>
    echoItem(shown.prompt ? (shown.ps2 ? PS2 : t.engine.prompt()) : "", shown.text, suffix);
  const echoed = (e: Echo) =>
    e.expanded === undefined ? [echo(e.shown)] : [echo(e.shown), outItem(e.expanded)];
  switch (effect.kind) {
    case "submit":
      t.runner.submit(effect.line, effect.echo && echoed(effect.echo));
      break;
    case "continue":
      t.screen.print(echoed(effect.echo));
      break;
    case "history-error":
      t.screen.print([echo(effect.shown), errItem(effect.message)]);
      break;
    case "cancel":
      t.screen.print([echo(effect.shown, "^C")]);
      break;
    case "interrupt":
      t.runner.interrupt();
      break;
    case "eof":
      t.screen.print([outItem("exit")]);
      t.eof();
      break;
    case "clear-screen":
      t.screen.clearVisible();
      break;
    case "list": {
      const lines = formatColumns(effect.candidates.map(displayName), t.columns);
      t.screen.print([echo(effect.shown), outItem(lines.join("\n"))]);
      break;
    }
  }
}

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

function isNamed(key: Key, name: KeyName): boolean {
  return key.kind === "key" && key.name === name;
}
