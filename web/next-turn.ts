/**
 * A turn of the browser's event loop, as Node's setImmediate gives one: the
 * runner prints long output a chunk per turn so keys typed meanwhile are
 * handled, and paced commands yield between steps (`turn`). A message posted to a
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

/** Resolves in a later turn of the event loop (for src/shell/paced-run.ts's `turn`). */
export const turn = (): Promise<void> => new Promise((resolve) => nextTurn(resolve));
