/**
 * What goes into the scrollback: printed once above the prompt, never
 * redrawn. Text items are whole lines joined by "\n", tabs expanded.
 */

export type ScrollItem =
  /** A typed line as it was shown: prompt, text, then a suffix ("^C" when cancelled). */
  | {
      readonly kind: "echo";
      readonly prompt: string;
      readonly text: string;
      readonly suffix: string;
    }
  /** Lines of stdout, of stderr (red), or a message from the UI itself (yellow). */
  | { readonly kind: "out" | "err" | "note"; readonly text: string }
  /** A picture: `view` for a registered renderer, `text` for everything else. */
  | { readonly kind: "view"; readonly text: string; readonly view: unknown };

export const echoItem = (prompt: string, text: string, suffix = ""): ScrollItem => ({
  kind: "echo",
  prompt,
  text,
  suffix,
});

export const outItem = (text: string): ScrollItem => ({ kind: "out", text });
export const errItem = (text: string): ScrollItem => ({ kind: "err", text });
export const noteItem = (text: string): ScrollItem => ({ kind: "note", text });
