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
import { displayName, formatColumns } from "./completion.js";
import type { Key, KeyName } from "./keys.js";
import {
  type PromptContext,
  type PromptEffect,
  type PromptState,
  pressKey,
  type VisibleLine,
} from "./prompt.js";
import { echoItem, outItem, type ScrollItem } from "./scrollback.js";

export interface KeyLoopState {
  readonly prompt: PromptState;
  /** Keys typed ahead, in order, waiting for the runner to be idle. */
  readonly held: readonly Key[];
}

export interface KeyLoopHost {
  /** A line is running (read again after each effect). */
  busy(): boolean;
  complete: PromptContext["complete"];
  /** Carries out an effect of the prompt machine; `prompt` is the state the key left. */
  apply(effect: PromptEffect, prompt: PromptState): void;
  /** The history's lines changed: save them. */
  persist(entries: readonly string[]): void;
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
  for (const key of keys) {
    if (held.length > 0 || (host.busy() && isNamed(key, "tab"))) {
      // Ctrl-C flushes the type-ahead, as the tty does on SIGINT, and interrupts.
      if (!isNamed(key, "C-c")) {
        held.push(key);
        continue;
      }
      held = [];
    }
    const step = pressKey(prompt, key, { busy: host.busy(), complete: host.complete });
    const before = prompt;
    prompt = step.state;
    if (prompt.history.entries !== before.history.entries) host.persist(prompt.history.entries);
    for (const effect of step.effects) host.apply(effect, prompt);
  }
  return { prompt, held };
}

/** What a `cancel` or `list` effect prints: the line as it was shown, then ^C or the candidates in columns. */
export function effectItems(
  effect: Extract<PromptEffect, { kind: "cancel" | "list" }>,
  prompt: string,
  columns: number,
): ScrollItem[] {
  const echo = (shown: VisibleLine, suffix = "") =>
    echoItem(shown.prompt ? prompt : "", shown.text, suffix);
  if (effect.kind === "cancel") return [echo(effect.shown, "^C")];
  const lines = formatColumns(effect.candidates.map(displayName), columns);
  return [echo(effect.shown), outItem(lines.join("\n"))];
}
