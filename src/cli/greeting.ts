/**
 * What `cowsh` alone at a terminal shows first: the greeting, wrapped at
 * word boundaries to the terminal's width, a blank line, and the prompt.
 * Written by the binary (src/main.ts) and, before Node starts, by the
 * `cowsh` launcher, whose text the build generates from this module
 * (scripts/launcher.mjs), so that both paint the same bytes.
 */
import { wrapWords } from "../ui/format.js";

export const GREETING =
  "cowsh: a shell over a simulated Linux machine. `help` lists the commands;\n" +
  "try `P=$(spawn /bin/sh)` then `cat /proc/$P/smaps`. Ctrl-D leaves.\n";

/** The first prompt, as the app draws it for a fresh shell (PS1). */
export const FIRST_PROMPT = "cowsh$ ";

/** The greeting and the first prompt for a terminal `columns` wide (0: unknown, taken as 80). */
export function earlyScreen(columns: number): string {
  return `${wrapWords(GREETING, columns || 80)}\n${FIRST_PROMPT}`;
}

/** The widest line of the greeting: at this width and above, `earlyScreen` no longer changes. */
export const GREETING_WIDTH = Math.max(...GREETING.split("\n").map((line) => [...line].length));
