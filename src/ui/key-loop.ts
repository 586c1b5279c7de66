/**
 * Keys into the prompt machine, as both interactive front ends (the Ink
 * app's use-shell.ts and the web page's terminal-shell.ts) feed them: keys
 * typed ahead from a Tab pressed while lines run are held until the runner
 * is idle (completion must see the machine the lines before it leave, as
 * bash's readline reads type-ahead only once the command before has
 * finished), Ctrl-C flushes them, and every effect is carried out before
 * the next key is pressed (a submitted line makes the shell busy at once).
 * Pure: the front end says how to carry out an effect.
 */
import { needsMoreInput } from "../shell/script-stream.js";
import { displayName, formatColumns } from "./completion.js";
import type { Key, KeyName } from "./keys.js";
import {
  type Echo,
  type PromptContext,
  type PromptEffect,
  type PromptState,
  pressKey,
  type VisibleLine,
  visibleLine,
} from "./prompt.js";
import { echoItem, errItem, outItem, type ScrollItem } from "./scrollback.js";

/** bash's default PS2: the prompt of a line that continues an unfinished construct. */
export const PS2 = "> ";

export interface KeyLoopState {
  readonly prompt: PromptState;
  /** Keys typed ahead, in order, waiting for the runner to be idle. */
  readonly held: readonly Key[];
  /**
   * Keys were typed into the prompt while a line ran and the tty's echo of
   * them is not yet in the scrollback (see `echoTypedAhead`).
   */
  readonly typedAhead: boolean;
}

export interface KeyLoopHost {
  /** A line is running (read again after each effect). */
  busy(): boolean;
  complete: PromptContext["complete"];
  /** Carries out an effect of the prompt machine; `prompt` is the state the key left. */
  apply(effect: PromptEffect, prompt: PromptState): void;
  /** The history's lines changed: save them. */
  persist(entries: readonly string[]): void;
  /** Prints to the scrollback (the tty's echo of type-ahead). */
  print(items: readonly ScrollItem[]): void;
}

const isNamed = (key: Key, name: KeyName): boolean => key.kind === "key" && key.name === name;

/** Presses `keys` in order; the state after them. */
export function pressKeys(
  state: KeyLoopState,
  keys: readonly Key[],
  host: KeyLoopHost,
): KeyLoopState {
  let { prompt } = state;
  let held = [...state.held];
  let { typedAhead } = state;
  for (const key of keys) {
    if (held.length > 0 || (host.busy() && isNamed(key, "tab"))) {
      // Ctrl-C flushes the type-ahead, as the tty does on SIGINT, and interrupts.
      if (!isNamed(key, "C-c")) {
        held.push(key);
        continue;
      }
      held = [];
    }
    const busy = host.busy();
    const step = pressKey(prompt, key, {
      busy,
      complete: host.complete,
      needsMore: needsMoreInput,
    });
    if (busy && !isNamed(key, "C-c")) {
      typedAhead = true;
      // Enter while a line runs: the tty has echoed the typed line and its newline.
      if (step.effects.some((e) => e.kind === "submit" || e.kind === "continue"))
        typedAhead = echoTypedAhead({ prompt, held, typedAhead }, host).typedAhead;
    } else if (busy) typedAhead = false;
    const before = prompt;
    prompt = step.state;
    if (prompt.history.entries !== before.history.entries) host.persist(prompt.history.entries);
    for (const effect of step.effects) host.apply(effect, prompt);
  }
  return { prompt, held, typedAhead };
}

/**
 * The tty's echo of keys typed while a line runs, as bash shows it: a copy
 * of the typed text stays in the scrollback where it was typed (after the
 * output so far) when Enter is pressed or the running line ends, and the
 * text is read again at the next prompt (readline finds it in the input).
 * The front end calls this when a line finishes.
 */
export function echoTypedAhead(
  state: KeyLoopState,
  host: Pick<KeyLoopHost, "print">,
): KeyLoopState {
  const text = visibleLine(state.prompt).text;
  if (state.typedAhead && text !== "") host.print([outItem(text)]);
  return { ...state, typedAhead: false };
}

/** What an interactive front end does for the prompt machine's effects. */
export interface EffectTargets {
  /** The prompt (PS1), e.g. "cowsh$ ". */
  prompt(): string;
  readonly columns: number;
  /** Runs `line`, printing `echo` when it starts (default: the prompt and the line). */
  submit(line: string, echo: readonly ScrollItem[] | undefined): void;
  print(items: readonly ScrollItem[]): void;
  /** Ctrl-C while a line runs. */
  interrupt(): void;
  /** Ctrl-D on an empty line ("exit" is printed first). */
  eof(): void;
  /** Ctrl-L: the screen, not the scrollback. */
  clearVisible(): void;
}

/** Carries out what the prompt machine asked for, as bash would show it. */
export function applyEffect(effect: PromptEffect, t: EffectTargets): void {
  const echo = (shown: VisibleLine, suffix = "") =>
    echoItem(shown.prompt ? (shown.ps2 ? PS2 : t.prompt()) : "", shown.text, suffix);
  const echoed = (e: Echo) =>
    e.expanded === undefined ? [echo(e.shown)] : [echo(e.shown), outItem(e.expanded)];
  switch (effect.kind) {
    case "submit":
      t.submit(effect.line, effect.echo && echoed(effect.echo));
      break;
    case "continue":
      t.print(echoed(effect.echo));
      break;
    case "history-error":
      t.print([echo(effect.shown), errItem(effect.message)]);
      break;
    case "cancel":
      t.print([echo(effect.shown, "^C")]);
      break;
    case "interrupt":
      t.interrupt();
      break;
    case "eof":
      t.print([outItem("exit")]);
      t.eof();
      break;
    case "clear-screen":
      t.clearVisible();
      break;
    case "list": {
      const lines = formatColumns(effect.candidates.map(displayName), t.columns);
      t.print([echo(effect.shown), outItem(lines.join("\n"))]);
      break;
    }
  }
}
