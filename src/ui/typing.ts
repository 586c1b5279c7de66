/**
 * A script typed as a person types it, for `--play` and the web page's
 * demos: commands one character per key at a given speed with a small
 * deterministic jitter; comments are typed too, twice as fast; blank lines
 * are a short pause; `# pause` waits for a key; `# quiz:` and `# cowsh:`
 * lines are not shown. Pure: the front end says where keys go and when the
 * typed lines have run.
 */
import { scriptLines } from "./script-lines.js";

/** Where the typist types. */
export interface TypingTarget {
  /** Sends `text` as typed keys ("\r" is Enter). */
  type(text: string): void;
  /** Resolves when every line typed so far has run and its output is shown. */
  idle(): Promise<void>;
  /** Resolves at the next key the person presses; absent: `# pause` waits `pauseMs`. */
  anyKey?(): Promise<void>;
  /** The playback is to stop (the person left, or the shell exited). */
  stopped(): boolean;
}

export interface TypingOptions {
  /** Characters per second (0: each line appears at once). */
  readonly typingSpeed: number;
  /** Milliseconds to wait after a command's output before typing the next line. */
  readonly pauseMs: number;
  /** Seed of the typing jitter (default 1: the same rhythm every time). */
  readonly seed?: number;
  /** Waits `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Types `source` into `target`, line by line, each command after the one before has run. */
export async function typeScript(
  source: string,
  target: TypingTarget,
  options: TypingOptions,
): Promise<void> {
  const { sleep, pauseMs } = options;
  const random = mulberry32(options.seed ?? 1);
  const type = async (text: string, speedup: number) => {
    const speed = options.typingSpeed * speedup;
    if (speed <= 0) {
      target.type(text);
      return;
    }
    for (const chunk of typingChunks(text, speed, random)) {
      await sleep(chunk.delayMs);
      if (target.stopped()) return;
      target.type(chunk.text);
    }
  };
  const enter = () => {
    if (!target.stopped()) target.type("\r");
  };
  for (const line of scriptLines(source)) {
    if (target.stopped()) break;
    switch (line.kind) {
      case "blank":
        await sleep(pauseMs / 2);
        break;
      case "pause":
        if (target.anyKey) await target.anyKey();
        else await sleep(pauseMs);
        break;
      case "quiz":
        break;
      case "comment":
        await type(line.text, 2);
        enter();
        await target.idle();
        await sleep(pauseMs / 4);
        break;
      case "command":
        await type(line.text.replaceAll("\n", " "), 1);
        await sleep(Math.min(300, pauseMs / 4));
        enter();
        await target.idle();
        await sleep(pauseMs);
        break;
    }
  }
}

/**
 * `text` cut into what to type after how long: one character per key at
 * `speed` characters per second, each delay jittered by ±40%; keys due
 * within the same 15 ms go out together (timers are not finer than that).
 */
export function typingChunks(
  text: string,
  speed: number,
  random: () => number,
): { readonly delayMs: number; readonly text: string }[] {
  const chunks: { delayMs: number; text: string }[] = [];
  let pending = 0;
  let current = "";
  for (const c of text) {
    pending += (1000 / speed) * (0.6 + 0.8 * random());
    current += c;
    if (pending >= 15) {
      chunks.push({ delayMs: Math.round(pending), text: current });
      pending = 0;
      current = "";
    }
  }
  if (current !== "") chunks.push({ delayMs: Math.round(pending), text: current });
  return chunks;
}

/** A small seeded PRNG (mulberry32): the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
