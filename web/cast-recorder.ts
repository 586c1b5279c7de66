/**
 * The page's own session as an asciicast v2 file (src/ui/cast.ts's format,
 * as `--record` writes it): every write to the terminal from the moment
 * recording starts, timed by the page's clock, the screen first redrawn so
 * the cast opens on what was shown.
 */
import { castEvent, castHeader } from "../src/ui/cast.js";

export class CastRecorder {
  private readonly lines: string[];
  private start: number | undefined;

  constructor(
    columns: number,
    rows: number,
    private readonly now: () => number = () => performance.now(),
    wallClockMs: number = Date.now(),
  ) {
    const header = castHeader(columns, rows, wallClockMs, { TERM: "xterm-256color" }, "cowsh");
    this.lines = [JSON.stringify(header)];
  }

  /** Records a write to the terminal. */
  record(text: string): void {
    if (text === "") return;
    this.start ??= this.now();
    this.lines.push(castEvent((this.now() - this.start) / 1000, text));
  }

  /** The cast so far, as file text. */
  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}
