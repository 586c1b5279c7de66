/**
 * `cowsh --quiz FILE`: runs a script as a lesson. Comments are printed (dim),
 * each command is echoed after the prompt and run; a command that follows a
 * `# quiz: FIELD...` comment is run first with its output held back, the
 * learner is asked for each FIELD's value, then the output is shown and each
 * guess judged against the real figure. Plain text on a line-based
 * terminal (no Ink), so any stdin drives it.
 *
 * A guess that is not a number, for a figure that is, is asked again; an
 * empty line skips the question. When stdin ends (Ctrl-D) the remaining
 * figures are shown with "(no guess)"; when `signal` aborts (Ctrl-C) the
 * lesson stops at once. Either way it ends with the score so far.
 */
import { createInterface } from "node:readline";
import { compare, fieldOf } from "../../commands/expect.js";
import { runSource, type ShellSession } from "../shell/runtime.js";
import type { Block } from "../shell/types.js";
import { scriptLines } from "../ui/script-lines.js";
import { paint } from "../ui/transcript.js";

export interface QuizIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Colour: prompts green, errors red, comments dim, verdicts green or red. */
  readonly color: boolean;
  /** The prompt echoed before each command (default "cowsh$ "). */
  readonly prompt?: string;
  /** Aborted by Ctrl-C (SIGINT): the lesson stops where it is. */
  readonly signal?: AbortSignal;
}

export interface QuizScore {
  /** The exit status of the last command. */
  readonly status: number;
  readonly asked: number;
  readonly right: number;
  /** Stopped by `signal` (the binary exits with 130). */
  readonly interrupted?: boolean;
}

/** A guess read as a number: "8704", "8704 kB", "8704kB" give "8704"; null when it is none. */
function numberOf(guess: string): string | null {
  return /^(-?[0-9]+(?:\.[0-9]+)?)\s*(?:kB)?$/i.exec(guess)?.[1] ?? null;
}

/** Runs the lesson in `source`; resolves when it is over, with the score. */
export async function runQuiz(
  session: ShellSession,
  source: string,
  io: QuizIo,
  scriptName = "cowsh --quiz",
): Promise<QuizScore> {
  const answers = lineReader(io.input, io.signal);
  const write = (text: string) => io.output.write(text);
  const interrupted = () => io.signal?.aborted === true;
  let quizzed = false;
  const prompt = io.prompt ?? "cowsh$ ";
  const ask = (field: string, actual: string) =>
    askUntilNumber(answers, write, io.color, field, actual);
  let fields: readonly string[] = [];
  let status = 0;
  let asked = 0;
  let right = 0;
  try {
    for (const line of scriptLines(source)) {
      if (interrupted()) break;
      if (line.kind === "blank") write("\n");
      else if (line.kind === "comment") write(`${dim(line.text, io.color)}\n`);
      else if (line.kind === "quiz") fields = line.fields;
      else if (line.kind === "command") {
        write(`${paint(prompt, "prompt", io.color)}${line.text}\n`);
        const blocks: Block[] = [];
        status = runSource(session, line.text, (b) => blocks.push(b), { scriptName }).status;
        const output = blocks.map((b) => b.text).join("");
        const guesses: [string, string, string | undefined][] = [];
        for (const field of fields) {
          const found = fieldOf(output, field);
          if (!found.ok) {
            guesses.push([field, "", undefined]);
            continue;
          }
          quizzed = true;
          const guess = await ask(field, found.value);
          if (interrupted()) break;
          if (guess === undefined) write("\n"); // stdin ended: the answer's line
          guesses.push([field, found.value, guess]);
        }
        fields = [];
        if (interrupted()) break;
        for (const b of blocks) write(b.kind === "err" ? paint(b.text, "red", io.color) : b.text);
        for (const [field, actual, guess] of guesses) {
          const verdict = judge(field, actual, guess, io.color);
          if (guess !== undefined && guess !== "" && actual !== "") {
            asked++;
            if (compare(actual, "=", leadingNumber(guess)) === true) right++;
          }
          write(`${verdict}\n`);
        }
      }
    }
    // After Ctrl-C the terminal has echoed "^C"; the score goes below it.
    if (interrupted()) write("\n");
    if (quizzed) write(`\nYou got ${right} of ${asked} right.\n`);
    return interrupted() ? { status, asked, right, interrupted: true } : { status, asked, right };
  } finally {
    answers.close();
  }
}

/**
 * Puts the question until the answer is a number (for a numeric figure),
 * empty, or missing (stdin ended, or interrupted); the answer trimmed.
 */
async function askUntilNumber(
  answers: LineReader,
  write: (text: string) => void,
  color: boolean,
  field: string,
  actual: string,
): Promise<string | undefined> {
  for (;;) {
    write(`${paint(`? ${field}: your guess? `, "yellow", color)}`);
    const guess = (await answers.next())?.trim();
    if (guess === undefined) return undefined;
    if (guess === "" || numberOf(guess) !== null || numberOf(actual.split(/\s+/)[0]!) === null)
      return guess;
    write(`${paint("  a number, please (8192 or 8192 kB; Enter skips)", "yellow", color)}\n`);
  }
}

/** What the learner is told after the output: the real figure and whether the guess was right. */
function judge(field: string, actual: string, guess: string | undefined, color: boolean): string {
  if (actual === "") return paint(`quiz: ${field} is not in this output`, "yellow", color);
  const shown = `${field}: ${actual}`;
  if (guess === undefined || guess === "") return `${shown} (no guess)`;
  return compare(actual, "=", leadingNumber(guess)) === true
    ? `${shown} ${green("right!", color)}`
    : `${shown} ${paint(`(you said ${guess})`, "red", color)}`;
}

/** "8704 kB" and "8704kB" guess 8704; anything else is compared as typed. */
function leadingNumber(guess: string): string {
  return numberOf(guess) ?? guess;
}

const dim = (text: string, color: boolean) => (color ? `\u001b[2m${text}\u001b[22m` : text);
const green = (text: string, color: boolean) => (color ? `\u001b[32m${text}\u001b[39m` : text);

interface LineReader {
  next(): Promise<string | undefined>;
  close(): void;
}

/** Lines of `input`, one per call; undefined once it has ended or `signal` aborted. */
function lineReader(input: NodeJS.ReadableStream, signal: AbortSignal | undefined): LineReader {
  const rl = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  rl.on("line", (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  const end = () => {
    ended = true;
    for (const w of waiting.splice(0)) w(undefined);
  };
  rl.on("close", end);
  signal?.addEventListener("abort", end);
  return {
    next: () => {
      const line = lines.shift();
      if (line !== undefined || ended) return Promise.resolve(line);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => rl.close(),
  };
}
