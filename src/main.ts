#!/usr/bin/env node
/**
 * The cowsh binary: parses its options with yargs, boots the simulated
 * machine, then runs either the Ink application (stdin is a terminal, or
 * --play), the quiz (--quiz), or the batch runner (a script file, -c, or
 * commands on stdin).
 */
import { readFileSync } from "node:fs";
import type { CliArgs } from "./cli/cli-args.js";
import { earlyScreen, GREETING } from "./cli/greeting.js";
import { takeOverFromLauncher } from "./cli/launcher-tty.js";
import type { Machine } from "./kernel/machine.js";
import { strerror } from "./kernel/result.js";
import type { ShellSession } from "./shell/runtime.js";
import type { Block } from "./shell/types.js";

/** Prints a block as batch mode does: plain text, errors to stderr. */
function printBlock(block: Block): void {
  const stream = block.kind === "err" ? process.stderr : process.stdout;
  stream.write(block.text);
  // A failed write marks the stream at once (pipes and files are written
  // synchronously); the 'error' event would only come after the script.
  if (stream.errored) outputFailed(stream.errored);
}

/**
 * Output can no longer be written. A closed pipe (`cowsh demo.cowsh | head`)
 * ends cowsh quietly with 141, the status of a tool killed by SIGPIPE, as
 * the coreutils end (Node ignores SIGPIPE, so the status is set by hand);
 * any other error is reported, as coreutils report a write error.
 */
function outputFailed(error: Error): never {
  if ((error as NodeJS.ErrnoException).code === "EPIPE") process.exit(128 + 13);
  try {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(`cowsh: write error: ${code ? strerror(code) : error.message}\n`);
  } catch {}
  process.exit(1);
}

/**
 * A script's text: the file's, -c's, or stdin's when it is not a terminal;
 * or a message. Standard input is read as a stream: `text` is then only its
 * opening comment block (where the machine options are), and `rest` the
 * chunks still to come.
 */
interface Source {
  readonly text: string;
  readonly name: string;
  readonly rest?: AsyncIterator<string>;
}

function readScript(path: string): Source | string {
  try {
    return { text: readFileSync(path, "utf8"), name: path };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `cowsh: ${path}: ${code === "ENOENT" ? "No such file or directory" : String(e)}`;
  }
}

async function sourceOf(args: CliArgs): Promise<Source | string | undefined> {
  if (args.command !== undefined) return { text: args.command, name: "cowsh: -c" };
  const file = args.play ?? args.quiz ?? args.script;
  if (file !== undefined) return readScript(file);
  if (!process.stdin.isTTY) return readStdinHead();
  return undefined;
}

/**
 * Reads standard input up to the end of its opening comment block (the
 * first line that is not a `#` comment), or to its end: enough to know the
 * machine the script asks for, without waiting for the rest.
 */
async function readStdinHead(): Promise<Source> {
  process.stdin.setEncoding("utf8");
  const rest = process.stdin[Symbol.asyncIterator]() as AsyncIterator<string>;
  let text = "";
  for (;;) {
    const lines = text.split("\n");
    lines.pop(); // the unfinished last line
    if (lines.some((line) => !line.startsWith("#"))) return { text, name: "cowsh", rest };
    const next = await rest.next();
    if (next.done === true) return { text, name: "cowsh" };
    text += next.value;
  }
}

/** Runs a script read as a stream: each command as soon as it is complete. */
async function runStream(
  session: ShellSession,
  source: Source,
  errexit: boolean,
  ScriptStream: typeof import("./shell/script-stream.js").ScriptStream,
): Promise<number> {
  const stream = new ScriptStream(session, printBlock, { errexit, scriptName: source.name });
  stream.push(source.text);
  const rest = source.rest;
  while (rest !== undefined && !stream.finished) {
    const next = await rest.next();
    if (next.done === true) break;
    stream.push(next.value);
  }
  const status = stream.end();
  // Input left unread (after `exit`) must not keep the process alive.
  process.stdin.destroy();
  return status;
}

/**
 * `cowsh` alone at a terminal: the greeting and a prompt are drawn before
 * anything heavy loads (Ink, yargs, the kernel: about half a second), and
 * the terminal is put in raw mode so keys typed meanwhile wait for the app
 * instead of echoing. The app then replaces the prompt line with its own.
 * Started by the `cowsh` launcher, they are on the screen already, painted
 * before Node started (`painted`; see cli/launcher-tty.ts).
 */
function paintEarlyPrompt(argv: readonly string[], painted: boolean): boolean {
  if (argv.length > 0 || !process.stdin.isTTY || !process.stdout.isTTY) return false;
  if (!painted) process.stdout.write(earlyScreen(process.stdout.columns));
  process.stdin.setRawMode(true);
  return true;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  // First: it may reopen the standard streams, before Node makes them.
  const painted = takeOverFromLauncher(process.env, argv, () => process.stdin);
  for (const stream of [process.stdout, process.stderr]) stream.on("error", outputFailed);
  const early = paintEarlyPrompt(argv, painted);
  const { checkFrontEndArgs, directiveArgs, kernelConfig } = await import("./cli/cli-args.js");
  const { Machine } = await import("./kernel/machine.js");
  const { createSession, runSource } = await import("./shell/runtime.js");
  let args = await parseArgs(argv);
  const source = await sourceOf(args);
  if (typeof source === "string") {
    process.stderr.write(`${source}\n`);
    return 127;
  }
  if (source !== undefined && args.command === undefined) {
    const directive = directiveArgs(source.text);
    if (typeof directive === "string") {
      process.stderr.write(`cowsh: ${source.name}: ${directive}\n`);
      return 2;
    }
    // The script's options first, so that the command line overrides them.
    if (directive.length > 0) args = await parseArgs([...directive, ...argv]);
  }
  const config = kernelConfig(args);
  const bad =
    typeof config === "string"
      ? config
      : (checkFrontEndArgs(args) ??
        (args.record !== undefined && args.play === undefined && source !== undefined
          ? "cowsh: --record: records the interactive shell or --play"
          : undefined));
  if (bad !== undefined || typeof config === "string") {
    process.stderr.write(`${bad}\n`);
    return 2;
  }
  const machine = args.load === undefined ? Machine.boot(config) : await loadImage(args.load);
  if (typeof machine === "string") {
    process.stderr.write(`${machine}\n`);
    return 1;
  }
  const session = createSession(machine, undefined, { check: args.check });
  if (args.quiz !== undefined && source !== undefined) {
    const { runQuiz } = await import("./cli/quiz.js");
    // Ctrl-C ends the lesson with the score so far, and status 130 as bash's.
    const interrupt = new AbortController();
    process.once("SIGINT", () => interrupt.abort());
    const io = {
      input: process.stdin,
      output: process.stdout,
      color: process.stdout.isTTY,
      signal: interrupt.signal,
    };
    const score = await runQuiz(session, source.text, io, source.name);
    if (score.interrupted) process.exit(130);
    return score.status;
  }
  if (args.play === undefined && source?.rest !== undefined) {
    const { ScriptStream } = await import("./shell/script-stream.js");
    return runStream(session, source, args.errexit, ScriptStream);
  }
  if (args.play === undefined && source !== undefined) {
    const outcome = runSource(session, source.text, printBlock, {
      errexit: args.errexit,
      scriptName: source.name,
    });
    return outcome.effect?.kind === "exit" ? outcome.effect.status : outcome.status;
  }
  return interactive(session, args, source, early);
}

/**
 * The command line, read without yargs when it uses only plain forms (see
 * cli-args.ts): yargs and its dependencies take longer to load than the
 * rest of a batch start-up.
 */
async function parseArgs(argv: readonly string[]): Promise<CliArgs> {
  const { quickParse } = await import("./cli/cli-args.js");
  const quick = quickParse(argv);
  if (quick !== undefined) return quick;
  const { parseCommandLine } = await import("./cli/cli-options.js");
  return parseCommandLine(argv, usageFailure, true);
}

/** A command-line error: one line and the usage hint, status 2, as bash does. */
function usageFailure(message: string): never {
  process.stderr.write(`cowsh: ${message}\nTry 'cowsh --help' for more information.\n`);
  process.exit(2);
}

/** --load: the machine an image file holds (its own boot options), or the message refusing it. */
async function loadImage(path: string): Promise<Machine | string> {
  const { readImageFile } = await import("./image/machine-image.js");
  const { nodeHost } = await import("./shell/host.js");
  const r = readImageFile(nodeHost, path);
  return r.ok ? r.machine : `cowsh: ${r.message}`;
}

/** svg-term's renderer, as the build bundles it beside the binary (see rolldown.config.mjs). */
interface SvgTerm {
  render(cast: string, options?: { readonly window?: boolean }): string;
}

/** dist/bin/svg-term.js, from tsc's dist/src/main.js and from the bundle's dist/bin/cowsh.js alike. */
async function loadSvgTerm(): Promise<SvgTerm> {
  const module = (await import(new URL("../bin/svg-term.js", import.meta.url).href)) as {
    default: SvgTerm;
  };
  return module.default;
}

/** --record FILE: an asciicast, or an animated SVG (svg-term) when FILE ends in .svg. */
/** The recorder, or the message when the host file cannot be created (`cowsh: --record: host file F: why`). */
async function startRecording(path: string, source: Source | undefined) {
  const { recordCast, wantsSvg } = await import("./ui/record.js");
  const title = source === undefined ? "cowsh" : `cowsh --play ${source.name}`;
  const svgTerm = wantsSvg(path) ? await loadSvgTerm() : undefined;
  try {
    return recordCast(process.stdout, path, {
      title,
      ...(svgTerm === undefined
        ? {}
        : { toSvg: (cast: string) => svgTerm.render(cast, { window: true }) }),
    });
  } catch (error) {
    const { hostStrerror } = await import("./shell/session.js");
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    return `cowsh: --record: host file ${path}: ${hostStrerror(code)}`;
  }
}

/** The Ink shell, typed into by --play when given a script; recorded with --record. */
async function interactive(
  session: ShellSession,
  args: CliArgs,
  source: Source | undefined,
  early: boolean,
): Promise<number> {
  const { createShellEngine } = await import("./ui/shell-engine.js");
  const engine = createShellEngine(session, { timeScale: args.timeScale });
  const recorder =
    args.record === undefined ? undefined : await startRecording(args.record, source);
  if (typeof recorder === "string") {
    process.stderr.write(`${recorder}\n`);
    return 1;
  }
  try {
    if (source !== undefined) {
      const { playScript } = await import("./ui/play.js");
      return await playScript(engine, source.text, {
        typingSpeed: args.typingSpeed,
        pauseMs: args.pauseMs,
        ...(process.stdin.isTTY ? { keys: process.stdin } : {}),
      });
    }
    // One history for ↑ and Ctrl-R and for the `history` command.
    const { attachHistory, sharedHistory } = await import("../commands/history.js");
    const { createFileHistoryStore, defaultHistoryPath } = await import("./ui/history-file.js");
    const history = sharedHistory(createFileHistoryStore(defaultHistoryPath()));
    attachHistory(session, history);
    const { runInteractive } = await import("./ui/main.js");
    if (!early) return await runInteractive(engine, { greeting: GREETING, history });
    return await runInteractive(engine, { history, overPaintedPrompt: true });
  } finally {
    recorder?.stop();
  }
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(
      `cowsh: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
