/** Streams in place of process.stdin/stdout for runInteractive: what Ink uses of the real ones. */
import { EventEmitter } from "node:events";

/** A stdin that is not a terminal: Ink cannot set raw mode on it. */
export class PipeStdin extends EventEmitter {
  readonly isTTY = false;
  setEncoding() {}
  setRawMode(): never {
    throw new Error("setRawMode called on a pipe");
  }
  pause() {}
  resume() {}
  ref() {}
  unref() {}
  read() {
    return null;
  }
}

/** An 80×24 output (a terminal when `isTTY`) that keeps every write. */
export class CapturedStdout extends EventEmitter {
  readonly columns = 80;
  readonly rows = 24;
  readonly chunks: string[] = [];
  constructor(readonly isTTY = false) {
    super();
  }
  write(text: string, callback?: () => void): boolean {
    this.chunks.push(text);
    callback?.();
    return true;
  }
}
