/**
 * Printing above the live region: scrollback items become text (views drawn
 * by their renderers) written once through Ink's `useStdout().write`, which
 * erases the live region, writes, and draws it again below.
 */
import { useStdout } from "ink";
import { useRef, useState } from "react";
import type { ScrollItem } from "./scrollback.js";
import { CLEAR_SCREEN, CLEAR_VISIBLE, itemText } from "./transcript.js";
import { renderView, type ViewRegistry } from "./views.js";

export { CLEAR_SCREEN, CLEAR_VISIBLE } from "./transcript.js";

export interface ScrollbackOptions {
  /** Where the text goes instead of Ink's stdout write (tests, recorders). */
  readonly write: ((text: string) => void) | undefined;
  /** Colour stderr red and prompts green. */
  readonly color: boolean;
  readonly views: ViewRegistry;
  readonly columns: number;
  /**
   * The terminal's autowrap is off while the live region is drawn
   * (`runInteractive`): text written through Ink turns it on for itself,
   * so that long lines wrap (and reflow) as everywhere else.
   */
  readonly autowrapOff?: boolean;
}

/** DECAWM: the terminal wraps at the right margin (on, the default) or stops there (off). */
export const AUTOWRAP_ON = "\u001b[?7h";
export const AUTOWRAP_OFF = "\u001b[?7l";

export interface Scrollback {
  print(items: readonly ScrollItem[]): void;
  /** `clear`: the screen and the scrollback. */
  clearScreen(): void;
  /** Ctrl-L: the screen only. */
  clearVisible(): void;
}

/** A stable printer that always uses the latest options. */
export function useScrollback(options: ScrollbackOptions): Scrollback {
  const { write: inkWrite } = useStdout();
  const latest = useRef({ options, inkWrite });
  latest.current = { options, inkWrite };
  const [printer] = useState<Scrollback>(() => {
    const write = (text: string) => {
      const { options, inkWrite } = latest.current;
      if (options.write !== undefined) options.write(text);
      else inkWrite(options.autowrapOff === true ? `${AUTOWRAP_ON}${text}${AUTOWRAP_OFF}` : text);
    };
    return {
      print: (items) => {
        const text = items.map((item) => scrollText(item, latest.current.options)).join("");
        if (text !== "") write(text);
      },
      clearScreen: () => write(CLEAR_SCREEN),
      clearVisible: () => write(CLEAR_VISIBLE),
    };
  });
  return printer;
}

/** An item as the text written to the terminal. */
function scrollText(item: ScrollItem, o: ScrollbackOptions): string {
  if (item.kind !== "view") return itemText(item, o.color);
  return `${renderView(o.views, item.view, item.text, o.columns)}\n`;
}
