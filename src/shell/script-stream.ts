/**
 * A script read as a stream, as bash reads its standard input: text is
 * pushed as it arrives, and each complete command (a multi-line `if` or
 * `for` once its `fi` or `done` has come) runs as soon as its line has
 * ended, before the rest is read. A program can so drive cowsh through
 * pipes, as a coprocess: write a line, read the answer, write the next.
 *
 * Nothing is read twice: the text held back is only the unfinished
 * command's lines. A syntax error ends the stream (status 2), as it ends a
 * non-interactive bash; so does `exit`, and errexit.
 */
import { parse } from "./parser.js";
import { type RunOptions, type RunOutcome, runParsed, type ShellSession } from "./runtime.js";
import type { Block } from "./types.js";

export class ScriptStream {
  /** Whole lines not run yet: the start of an unfinished command. */
  private pending = "";
  /** Text after the last newline pushed. */
  private tail = "";
  /** The line number of `pending`'s first line. */
  private line = 1;
  private outcome: RunOutcome | undefined;

  constructor(
    private readonly session: ShellSession,
    private readonly sink: (block: Block) => void,
    private readonly options: RunOptions = {},
  ) {}

  /** True once the script has ended (exit, a syntax error, errexit): later input is ignored. */
  get finished(): boolean {
    return this.outcome?.stopped === true;
  }

  /** Takes more input and runs every command it completes. */
  push(text: string): void {
    if (this.finished) return;
    const joined = this.tail + text;
    const nl = joined.lastIndexOf("\n");
    if (nl === -1) {
      this.tail = joined;
      return;
    }
    this.tail = joined.slice(nl + 1);
    this.pending += joined.slice(0, nl + 1);
    this.runPending(false);
  }

  /** The input has ended: runs what is left (an unfinished command is a syntax error) and returns the status. */
  end(): number {
    if (!this.finished) {
      this.pending += this.tail;
      this.tail = "";
      this.runPending(true);
    }
    const outcome = this.outcome;
    if (outcome === undefined) return 0;
    return outcome.effect?.kind === "exit" ? outcome.effect.status : outcome.status;
  }

  private runPending(atEnd: boolean): void {
    const source = this.pending;
    if (source === "") return;
    const parsed = parse(source, { firstLine: this.line });
    const options = { ...this.options, firstLine: this.line };
    if (parsed.ok || atEnd || !parsed.error.incomplete) {
      this.pending = "";
      this.line += countNewlines(source);
      this.outcome = runParsed(this.session, source, parsed, this.sink, options);
      return;
    }
    // The last command is unfinished: run the ones before it, keep its lines.
    if (parsed.resume === 0) return;
    const done = source.slice(0, parsed.resume);
    this.pending = source.slice(parsed.resume);
    this.line += countNewlines(done);
    this.outcome = runParsed(
      this.session,
      done,
      { ok: true, list: parsed.partial },
      this.sink,
      options,
    );
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Whether the typed lines `source` end in an unfinished command that more
 * lines may complete (an open `for`/`if`/quote, a trailing `|` or `&&`, a
 * here-document without its end line): the interactive shell then shows
 * PS2 and reads on, as `ScriptStream` holds such lines back.
 */
export function needsMoreInput(source: string): boolean {
  const parsed = parse(`${source}\n`);
  if (!parsed.ok) return parsed.error.incomplete;
  // A backslash at the end of the line joins the next one to it.
  return /(?:^|[^\\])(?:\\\\)*\\$/.test(source);
}
