/**
 * A turn of the browser's event loop, as Node's setImmediate gives one: the
 * runner prints long output a chunk per turn so keys typed meanwhile are
 * handled, and paced commands yield between steps. A message posted to a
 * MessageChannel runs after pending input, without the 4 ms clamp of
 * nested setTimeout(0).
 */
const queue: (() => void)[] = [];
const channel = new MessageChannel();
channel.port1.onmessage = () => {
  const turn = queue.shift();
  turn?.();
};

/** Runs `turn` in a later turn of the event loop. */
export function nextTurn(turn: () => void): void {
  queue.push(turn);
  channel.port2.postMessage(null);
}

/**
 * Gives the page a `setImmediate` (src/shell/paced-run.ts yields with it
 * between the steps of a paced `sleep` or a big write), unless it has one.
 */
export function provideSetImmediate(): void {
  const g = globalThis as { setImmediate?: unknown };
  if (typeof g.setImmediate === "function") return;
  g.setImmediate = (fn: (...args: unknown[]) => void, ...args: unknown[]) => {
    nextTurn(() => fn(...args));
    return 0;
  };
}
