/**
 * The rhythm of a person typing, for `--play` and the web page's demos:
 * one character per key at a given speed with a small deterministic jitter.
 * Pure.
 */

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
