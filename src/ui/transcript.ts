/**
 * Scrollback items as the text written above the live region: each line
 * once, coloured with plain SGR codes when colour is on. Pure.
 *
 * The scrollback is written as text rather than drawn with Ink's <Static>:
 * Ink lays out and restyles every character it draws (about 250 µs per
 * 70-column line here), so 100,000 lines of `cat` took 25 s; written text
 * costs the terminal's time only.
 */
import type { ScrollItem } from "./scrollback.js";

/** What `clear` writes, as ncurses' clear does: erase the screen and the terminal's scrollback, cursor home. */
export const CLEAR_SCREEN = "\u001b[2J\u001b[3J\u001b[H";
/** What Ctrl-L writes, as bash's readline does: cursor home, erase the screen; the scrollback stays. */
export const CLEAR_VISIBLE = "\u001b[H\u001b[2J";

type Paint = "red" | "yellow" | "prompt";

const SGR: Readonly<Record<Paint, readonly [string, string]>> = {
  red: ["\u001b[31m", "\u001b[39m"],
  yellow: ["\u001b[33m", "\u001b[39m"],
  prompt: ["\u001b[1m\u001b[32m", "\u001b[39m\u001b[22m"],
};

/** `text` in `paint`, line by line (so a colour never bleeds across lines), or as is without colour. */
export function paint(text: string, how: Paint, color: boolean): string {
  if (!color || text === "") return text;
  const [on, off] = SGR[how];
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `${on}${line}${off}`))
    .join("\n");
}

/** The text of a non-view item, ending in a newline. */
export function itemText(item: Exclude<ScrollItem, { kind: "view" }>, color: boolean): string {
  switch (item.kind) {
    case "echo":
      return `${paint(item.prompt, "prompt", color)}${item.text}${item.suffix}\n`;
    case "out":
      return `${item.text}\n`;
    case "err":
      return `${paint(item.text, "red", color)}\n`;
    case "note":
      return `${paint(item.text, "yellow", color)}\n`;
  }
}
