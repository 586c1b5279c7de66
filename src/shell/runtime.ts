/**
 * The shell runtime: runs parsed lists against the command registry, with
 * bash's semantics for `;`, `&&`, `||`, pipelines, variables, command
 * substitution and redirections. Every front end (the Ink app, the batch
 * runner, tests) calls runSource() and receives the output as blocks, in
 * the order they were produced, through a sink.
 *
 * After each command, the runtime also acts as the machine's console: new
 * kernel messages (OOM kills) are printed to stderr, stamped as printk
 * stamps them; and with `check` on (`cowsh --check`, and in tests) the
 * machine's invariants are verified.
 */
import { logRecord } from "../../commands/dmesg.js";
import { recordHistory } from "../../commands/history.js";
import { COMMANDS } from "../../commands/index.js";
import {
  checkWritable,
  isProcPath,
  procWriteError,
  readWhole,
} from "../../commands/lib/files/machine-files.js";
import { checkInvariants } from "../kernel/invariants.js";
import type { Machine } from "../kernel/machine.js";
import { LOGIN_SHELL_PID } from "../kernel/machine.js";
import { STRERROR } from "../kernel/result.js";
import type { AndOr, List, Pipeline, Redirect, SimpleCommand } from "./ast.js";
import { type ExpandEnv, expandRedirectTarget, expandString, expandWords } from "./expand.js";
import { nodeHost } from "./host.js";
import { parse } from "./parser.js";
import type { HostFs, ReadFileResult, Session } from "./session.js";
import { formatParseError } from "./syntax-error.js";
import { type Block, type Command, type Effect, err, helpText, out } from "./types.js";

/** A session of the shell: the machine and the shell's variables. */
export interface ShellSession extends Session {
  readonly machine: Machine;
  /**
   * Verify the machine's invariants after every command (`--check`): a
   * violation is reported as `cowsh: invariant broken after 'LINE': …`,
   * and the run stops with status 70 (EX_SOFTWARE).
   */
  check: boolean;
}

export interface SessionOptions {
  /** `check` of the new session (default false). */
  readonly check?: boolean;
}

/**
 * A new session over `machine`: $$ is the login shell, $? is 0. `host` is
 * the real file system export-proc writes to (node:fs unless given). Kernel
 * messages logged before the session starts are not printed by it.
 */
export function createSession(
  machine: Machine,
  host: HostFs = nodeHost,
  options: SessionOptions = {},
): ShellSession {
  const vars = new Map<string, string>([
    ["$", String(LOGIN_SHELL_PID)],
    ["?", "0"],
    ["0", "cowsh"],
  ]);
  if (!consoleSeq.has(machine)) consoleSeq.set(machine, machine.log.length);
  const session = {
    machine,
    vars,
    host,
    check: options.check ?? false,
    readFile(path: string): ReadFileResult {
      const r = readWhole(session.machine, path);
      return r.ok
        ? { ok: true, text: r.value.text, size: r.value.size, mtimeMs: r.value.mtimeMs }
        : { ok: false, errno: r.errno };
    },
    /** `load`: the session goes on over `next` (readers of `machine` see it from now on). */
    replaceMachine(next: Machine): void {
      session.machine = next;
    },
  };
  return session;
}

export interface RunOptions {
  /** Stop at the first failing command, as `bash -e` does. */
  readonly errexit?: boolean;
  /** The script's name for syntax error messages (`demo.cowsh`, `cowsh: -c`); absent when interactive. */
  readonly scriptName?: string;
  /** Commands to use instead of the built-in registry (tests). */
  readonly commands?: ReadonlyMap<string, Command>;
}

/** The status a run ends with when `check` finds a broken invariant (EX_SOFTWARE). */
export const INVARIANT_BROKEN_STATUS = 70;

export interface RunOutcome {
  /** The status of the last command run ($?); 70 when an invariant broke. */
  readonly status: number;
  /** An effect a command asked for (clear, exit); running stops at exit. */
  readonly effect?: Effect;
}

/** Where a file descriptor's output goes. */
type Dest =
  | { readonly kind: "sink" }
  | { readonly kind: "capture" }
  | { readonly kind: "err" }
  | { readonly kind: "file"; readonly path: string };

/** State of one run of a source text. */
interface Run {
  readonly session: ShellSession;
  readonly commands: ReadonlyMap<string, Command>;
  readonly options: RunOptions;
  readonly sink: (block: Block) => void;
  effect: Effect | undefined;
  /** set when errexit, an exit effect or a broken invariant ends the run */
  stopped: boolean;
  /** set when `check` found a broken invariant */
  broken: boolean;
  readonly source: string;
  /** Where the top-level command running now starts in `source`. */
  at: number;
}

/**
 * Parses and runs `source` (one line, or a whole script). Commands before a
 * syntax error still run, as bash runs the lines it has read.
 */
export function runSource(
  session: ShellSession,
  source: string,
  sink: (block: Block) => void,
  options: RunOptions = {},
): RunOutcome {
  const run: Run = {
    session,
    commands: options.commands ?? COMMANDS,
    options,
    sink,
    effect: undefined,
    stopped: false,
    broken: false,
    source,
    at: 0,
  };
  const parsed = parse(source);
  const list = parsed.ok ? parsed.list : parsed.partial;
  let recorded = -1;
  for (const item of list.items) {
    if (run.stopped) break;
    run.at = item.pos;
    // Batch history: each line once, before it runs (so `history` lists itself).
    const line = lineAround(source, item.pos);
    if (line.start > recorded) recordHistory(session, line.text);
    recorded = line.start;
    runAndOr(run, item, sinkDest);
  }
  if (!parsed.ok && !run.stopped) {
    for (const line of formatParseError(parsed.error, source, options.scriptName)) sink(err(line));
    setStatus(session, 2);
  }
  if (run.broken) setStatus(session, INVARIANT_BROKEN_STATUS);
  const status = Number(session.vars.get("?"));
  return run.effect === undefined ? { status } : { status, effect: run.effect };
}

const sinkDest: Dest = { kind: "sink" };

/** The line of `source` that holds offset `pos`, trimmed, and where it starts. */
function lineAround(source: string, pos: number): { start: number; text: string } {
  const start = source.lastIndexOf("\n", pos - 1) + 1;
  const end = source.indexOf("\n", pos);
  return { start, text: source.slice(start, end < 0 ? source.length : end).trim() };
}

/**
 * How many records of each machine's log its console has printed
 * (console_seq): a session prints only the messages logged while it runs.
 */
const consoleSeq = new WeakMap<Machine, number>();

/**
 * Prints the kernel messages logged since the last call to the console
 * (the sink's stderr: never redirected or captured), stamped as printk
 * stamps them. A machine the console has not seen yet (one just loaded)
 * starts with nothing to print.
 */
export function printKernelLog(session: ShellSession, sink: (block: Block) => void): void {
  const m = session.machine;
  const seq = consoleSeq.get(m) ?? m.log.length;
  for (let i = seq; i < m.log.length; i++) sink(err(logRecord(m, i)));
  consoleSeq.set(m, m.log.length);
}

/**
 * What follows every command: the console's new messages, then (with
 * `check`) the invariants, reported against `line`. Returns false if an
 * invariant is broken. Front ends that run commands in steps of their own
 * (the paced runner) call it after each step.
 */
export function afterCommand(
  session: ShellSession,
  sink: (block: Block) => void,
  line: string,
): boolean {
  printKernelLog(session, sink);
  if (!session.check) return true;
  const { violations } = checkInvariants(session.machine);
  if (violations.length === 0) return true;
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : "";
  sink(err(`cowsh: invariant broken after '${line}': ${violations[0]}${more}`));
  return false;
}

function afterRunCommand(run: Run): void {
  if (run.broken) {
    printKernelLog(run.session, run.sink);
    return;
  }
  if (afterCommand(run.session, run.sink, lineAround(run.source, run.at).text)) return;
  run.broken = true;
  run.stopped = true;
}

function setStatus(session: Session, status: number): void {
  session.vars.set("?", String(status));
}

function runList(run: Run, list: List, stdout: Dest, capture?: string[]): void {
  for (const item of list.items) {
    if (run.stopped) return;
    runAndOr(run, item, stdout, capture);
  }
}

/** pipeline (&& or || pipeline)*: each later pipeline runs when $? so far says so. */
function runAndOr(run: Run, item: AndOr, stdout: Dest, capture?: string[]): void {
  let status = runPipeline(run, item.first, stdout, capture);
  let last = 0;
  item.rest.forEach(({ op, pipeline }, i) => {
    if (run.stopped) return;
    if ((op === "&&") === (status === 0)) {
      status = runPipeline(run, pipeline, stdout, capture);
      last = i + 1;
    }
  });
  if (run.options.errexit && status !== 0 && last === item.rest.length) run.stopped = true;
}

/** Runs the commands of a pipeline, each one's stdout feeding the next one's stdin. */
function runPipeline(run: Run, pipeline: Pipeline, stdout: Dest, capture?: string[]): number {
  let input: string | undefined;
  let status = 0;
  pipeline.commands.forEach((cmd, i) => {
    if (run.stopped) return;
    const lastStage = i === pipeline.commands.length - 1;
    const piped: string[] = [];
    status = runSimple(
      run,
      cmd,
      input,
      lastStage ? stdout : { kind: "capture" },
      lastStage ? capture : piped,
    );
    input = lastStage ? undefined : piped.join("");
  });
  setStatus(run.session, status);
  return status;
}

/** The expansion environment: variables, and $(…) run in this same session. */
function expandEnv(run: Run): ExpandEnv {
  return {
    getVar: (name) => run.session.vars.get(name),
    substitute: (list) => {
      const captured: string[] = [];
      runList(run, list, { kind: "capture" }, captured);
      return captured.join("");
    },
  };
}

/** Runs one simple command; returns its status. */
function runSimple(
  run: Run,
  cmd: SimpleCommand,
  stdin: string | undefined,
  stdout: Dest,
  capture?: string[],
): number {
  const env = expandEnv(run);
  const words = expandWords(cmd.words, env);
  if (!words.ok) return fail(run, words.message, 1);
  if (words.value.length === 0) return assign(run, cmd, env);
  const [name, ...argv] = words.value as [string, ...string[]];
  const fds = redirections(run, cmd.redirects, env, stdout, stdin);
  if (fds === null) return 1;
  const command = run.commands.get(name);
  if (command === undefined) return fail(run, `${name}: command not found`, 127);
  const result =
    argv[0] === "--help" && command.ownHelp !== true
      ? { status: 0, blocks: [out(helpText(command))] }
      : command.run({ stdin: fds.stdin, session: run.session }, argv);
  route(run, result.blocks, fds, capture);
  const written = flushFiles(run, name, fds.files);
  afterRunCommand(run);
  if (result.effect !== undefined) {
    run.effect = result.effect;
    if (result.effect.kind === "exit") run.stopped = true;
  }
  return written ? result.status : 1;
}

/** `NAME=value…` alone: sets shell variables; the status is that of the last $(…), else 0. */
function assign(run: Run, cmd: SimpleCommand, env: ExpandEnv): number {
  setStatus(run.session, 0);
  for (const a of cmd.assignments) {
    const value = expandString(a.value, env);
    if (!value.ok) return fail(run, value.message, 1);
    run.session.vars.set(a.name, value.value);
  }
  return Number(run.session.vars.get("?"));
}

function fail(run: Run, message: string, status: number): number {
  run.sink(err(`cowsh: ${message}`));
  return status;
}

/** Files written by redirections, in order: path -> { text, append }. */
type FileWrites = Map<string, { text: string; append: boolean }>;

interface Fds {
  readonly out: Dest;
  readonly err: Dest;
  readonly stdin: string | undefined;
  readonly files: FileWrites;
}

/** Applies redirections left to right, as bash does (`>f 2>&1` differs from `2>&1 >f`). */
function redirections(
  run: Run,
  redirects: readonly Redirect[],
  env: ExpandEnv,
  stdout: Dest,
  stdin: string | undefined,
): Fds | null {
  let out = stdout;
  let errDest: Dest = { kind: "err" };
  let input = stdin;
  const files: FileWrites = new Map();
  for (const r of redirects) {
    const target = expandRedirectTarget(r.target, env);
    if (!target.ok) {
      fail(run, target.message, 1);
      return null;
    }
    const path = target.value;
    if (r.op === "<") {
      const read = readWhole(run.session.machine, path);
      if (!read.ok) {
        fail(run, `${path}: ${STRERROR[read.errno]}`, 1);
        return null;
      }
      input = read.value.text;
      continue;
    }
    if (r.op === ">&" || r.op === "<&") {
      const to: Dest | null = path === "1" ? out : path === "2" ? errDest : null;
      if (to === null) {
        fail(run, `${path}: ambiguous redirect`, 1);
        return null;
      }
      if (r.fd === 2) errDest = to;
      else if (r.fd === 1) out = to;
      continue;
    }
    // The file is opened (created) before the command runs, as bash does.
    const writable = checkWritable(run.session.machine, path);
    if (!writable.ok) {
      fail(run, `${path}: ${STRERROR[writable.errno]}`, 1);
      return null;
    }
    const dest: Dest = { kind: "file", path: writable.value };
    if (!files.has(writable.value))
      files.set(writable.value, { text: "", append: r.op === ">>" || r.op === "&>>" });
    if (r.op === "&>" || r.op === "&>>") {
      out = dest;
      errDest = dest;
    } else if (r.fd === 2) errDest = dest;
    else out = dest;
  }
  return { out, err: errDest, stdin: input, files };
}

/** Sends each block where its descriptor points: the sink as stdout or stderr, a capture, or a file. */
function route(run: Run, blocks: readonly Block[], fds: Fds, capture?: string[]): void {
  for (const block of blocks) {
    const dest = block.kind === "err" ? fds.err : fds.out;
    if (dest.kind === "sink")
      run.sink(block.kind === "err" ? { kind: "out", text: block.text } : block);
    else if (dest.kind === "err") run.sink(block.kind === "err" ? block : err(block.text));
    else if (dest.kind === "capture") capture?.push(block.text);
    else fds.files.get(dest.path)!.text += block.text;
  }
}

/**
 * Writes redirected output to the simulated files (truncating unless >>).
 * A /proc file opens but refuses the write, so the command fails as bash
 * reports it: `NAME: write error: …`. Returns false if a write failed.
 */
function flushFiles(run: Run, name: string, files: FileWrites): boolean {
  let ok = true;
  for (const [path, { text, append }] of files) {
    if (isProcPath(path)) {
      if (text !== "") {
        fail(run, `${name}: write error: ${STRERROR[procWriteError(path)]}`, 1);
        ok = false;
      }
      continue;
    }
    const r = run.session.machine.writeFile(path, text, append);
    if (!r.ok) {
      fail(run, `${path}: ${STRERROR[r.errno]}`, 1);
      ok = false;
    }
  }
  return ok;
}
