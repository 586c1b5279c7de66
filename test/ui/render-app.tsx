/**
 * Renders the App with ink-testing-library over a FakeEngine, with helpers
 * that type raw terminal bytes and read the screen without colours: the
 * scrollback the App printed, then Ink's live region (prompt and status).
 */
import { render } from "ink-testing-library";
import stripAnsi from "strip-ansi";
import { expect, vi } from "vitest";
import { App, type AppProps } from "../../src/ui/app.js";
import { CLEAR_SCREEN, CLEAR_VISIBLE } from "../../src/ui/use-scrollback.js";
import { FakeEngine } from "./fake-engine.js";

/** Lets pending input, timers of 0 and immediates run. */
export const settle = async (turns = 3) => {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Renders the App; its scrollback is collected for `frame()` unless `inkWrite` leaves it to Ink. */
export async function renderApp(
  props: Partial<AppProps> & { readonly engine?: FakeEngine } = {},
  { inkWrite = false } = {},
) {
  const engine = props.engine ?? new FakeEngine();
  const written: string[] = [];
  const print = inkWrite ? {} : { print: (text: string) => void written.push(text) };
  const r = render(<App {...print} {...props} engine={engine} />);
  await settle();
  /** The scrollback as written, colours included. */
  const scrollback = () => written.join("");
  /** The whole screen, without colours: what was written since the last clear, then the live region. */
  const frame = () => {
    const text = scrollback();
    const after = (clear: string) => {
      const at = text.lastIndexOf(clear);
      return at < 0 ? 0 : at + clear.length;
    };
    const shown = text.slice(Math.max(after(CLEAR_SCREEN), after(CLEAR_VISIBLE)));
    return stripAnsi(shown + (r.lastFrame() ?? ""));
  };
  /** Screen lines without trailing blanks. */
  const lines = () =>
    frame()
      .split("\n")
      .map((l) => l.trimEnd());
  return {
    ...r,
    engine,
    scrollback,
    frame,
    lines,
    /** The status line: the last line of the screen. */
    status: () => lines().at(-1) ?? "",
    /** The prompt line: the line above the status line (single-row lines only). */
    promptLine: () => lines().at(-2) ?? "",
    /** Writes raw terminal bytes, then lets the app react. */
    type: async (input: string) => {
      r.stdin.write(input);
      await settle();
    },
    /** Waits until the screen contains `text`. */
    waitFor: (text: string) =>
      vi.waitFor(() => expect(frame()).toContain(text), { timeout: 10_000 }),
    /** Waits until the prompt is back (the running line and its output are done). */
    waitForPrompt: (text = "") =>
      vi.waitFor(() => expect(lines().at(-2)).toBe(`cowsh$ ${text}`.trimEnd()), {
        timeout: 10_000,
      }),
  };
}
