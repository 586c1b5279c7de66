/**
 * The shell runtime: runs parsed lists against the command registry, with
 * bash's semantics for `;`, `&&`, `||`, pipelines, variables, command
 * substitution, redirections, here-documents, the compound commands (`if`,
 * `for`, `while`, `until`, `case`, `{ }`, `( )`, `(( ))`, `[[ ]]`) and
 * functions. Every front end (the Ink app, the batch runner, tests) calls
 * runSource() and receives the output as blocks, in the order they were
 * produced, through a sink.
 *
 * Running is a generator of steps (runSourceInSteps): a command that takes
 * time (`Command.steps`: sleep, wait, a big write) yields its steps, and
 * every place that runs a command — lists, pipelines, loops, functions,
 * `source`, `eval` — passes them up, labelled with the command, to the
 * driver. runSource() drains them at once (batch mode); the interactive
 * shell's driver (paced-run.ts) waits between them. `$(…)` is drained where
 * it is expanded: what runs inside it takes no real time.
 *
 * After each command, the runtime also acts as the machine's console: new
 * kernel messages (OOM kills) are printed to stderr, stamped as printk
 * stamps them; and with `check` on (`cowsh --check`, and in tests) the
 * machine's invariants are verified. afterRunCommand() is that one hook.
 */
import { CONSOLE_LOGLEVEL, logLevel, logRecord } from "../../commands/dmesg.js";
import { recordHistory } from "../../commands/history.js";
import { COMMANDS } from "../../commands/index.js";
import {
  checkWritable,
  isProcPath,
  readWhole,
  writeProcFile,
} from "../../commands/lib/files/machine-files.js";
import { checkInvariants } from "../kernel/invariants.js";
import type { Machine } from "../kernel/machine.js";
import { LOGIN_SHELL_PID } from "../kernel/machine.js";
import { STRERROR } from "../kernel/result.js";
import { signalName } from "../kernel/signal.js";
import type {
  AndOr,
  Command as AstCommand,
  Compound,
  FunctionDef,
  List,
  Pipeline,
  Redirect,
  SimpleCommand,
} from "./ast.js";
import { BUILTINS, type BuiltinHost, suggestName } from "./builtins.js";
import { evalCond } from "./cond.js";
import {
  arithValue,
  type ExpandEnv,
  expandPattern,
  expandRedirectTarget,
  expandString,
  expandWords,
} from "./expand.js";
import { nodeHost } from "./host.js";
import { type ParseResult, parse } from "./parser.js";
import { globPaths } from "./pathname.js";
import { matchPattern } from "./pattern.js";
import type { HostFs, ReadFileResult, Session } from "./session.js";
import { formatParseError } from "./syntax-error.js";
import { machineFiles } from "./test-expr.js";
import {
  type Block,
  type Command,
  drain,
  type Effect,
  err,
  helpText,
  out,
  type Step,
  type Steps,
} from "./types.js";

/** bash's `set` options cowsh keeps. */
export interface ShellOptions {
  /** `set -e`: stop at the first failing command. */
  errexit: boolean;
  /** `set -x`: print each command, expanded, before running it. */
  xtrace: boolean;
}

/** A session of the shell: the machine, the shell's variables, functions and options. */
export interface ShellSession extends Session {
  readonly machine: Machine;
  /** The working directory (`cd`, `pwd`); starts at `/`. */
  cwd: string;
  /**
   * Verify the machine's invariants after every command (`--check`): a
   * violation is reported as `cowsh: invariant broken after 'LINE': …`,
   * and the run stops with status 70 (EX_SOFTWARE).
   */
  check: boolean;
  /** Functions defined so far, by name. */
  readonly functions: Map<string, FunctionDef>;
  /** The positional parameters $1, $2, … (the arguments of the running function). */
  params: string[];
  readonly options: ShellOptions;
  /** Per running function, the values `local` saved (undefined: the variable was unset). */
  readonly locals: Map<string, string | undefined>[];
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
    ["PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"],
    ["HOME", "/root"],
    ["PWD", "/"],
  ]);
  if (!consoleSeq.has(machine)) consoleSeq.set(machine, machine.log.length);
  const session = {
    machine,
    vars,
    cwd: "/",
    host,
    check: options.check ?? false,
    functions: new Map<string, FunctionDef>(),
    params: [] as string[],
    options: { errexit: false, xtrace: false },
    locals: [] as Map<string, string | undefined>[],
    readFile(path: string): ReadFileResult {
      const r = readWhole(session.machine, path, session.cwd);
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
  /** The line number of the source's first line, when it is a piece of a longer stream. Default 1. */
  readonly firstLine?: number;
}

/** The status a run ends with when `check` finds a broken invariant (EX_SOFTWARE). */
export const INVARIANT_BROKEN_STATUS = 70;

/** How deeply functions may call functions (bash's FUNCNEST, set for it). */
export const MAX_FUNCTION_NESTING = 200;

/** Iterations a loop may make before cowsh stops it: the shell must stay responsive. */
export const MAX_LOOP_ITERATIONS = 1_000_000;

export interface RunOutcome {
  /** The status of the last command run ($?); 70 when an invariant broke. */
  readonly status: number;
  /** An effect a command asked for (clear, exit); running stops at exit. */
  readonly effect?: Effect;
  /** Running stopped before the end: `exit`, errexit, a syntax error or a broken invariant. */
  readonly stopped?: boolean;
}

/** Standard input being read: `read` takes a line at a time, other commands all that is left. */
interface Input {
  readonly text: string;
  pos: number;
}

/**
 * Text a redirection writes to a file, flushed when the command that opened
 * it ends: each block as one write(2), which a /proc file takes one by one.
 */
interface FileWrite {
  readonly writes: string[];
  readonly append: boolean;
}

/** Where a file descriptor's output goes. */
type Dest =
  | { readonly kind: "sink" }
  | { readonly kind: "err" }
  | { readonly kind: "capture"; readonly into: string[] }
  | { readonly kind: "file"; readonly path: string; readonly file: FileWrite };

/** A command's standard descriptors. */
interface Io {
  readonly stdin: Input | undefined;
  readonly out: Dest;
  readonly err: Dest;
}

/** `break N`, `continue N` and `return` on their way out to the loop or function they leave. */
type Control =
  | { readonly kind: "break" | "continue"; readonly levels: number }
  | { readonly kind: "return" };

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
  source: string;
  /** Where the top-level command running now starts in `source`. */
  at: number;
  control: Control | undefined;
  /** Loops and functions the running command is inside. */
  loops: number;
  functions: number;
  /** >0 inside a condition (`if`, `while`, `&&` not last, `!`), where errexit does not apply. */
  condition: number;
}

/**
 * Parses and runs `source` (one line, or a whole script), at once. Commands
 * before a syntax error still run, as bash runs the lines it has read.
 */
export function runSource(
  session: ShellSession,
  source: string,
  sink: (block: Block) => void,
  options: RunOptions = {},
): RunOutcome {
  return drain(runSourceInSteps(session, source, sink, options));
}

/**
 * runSource() in steps: the commands' steps (Step), each labelled with its
 * command, for a driver to answer; returns the outcome. A driver that stops
 * part way calls `return()`: what the commands did so far stays, and
 * redirected output written so far reaches its files.
 */
export function runSourceInSteps(
  session: ShellSession,
  source: string,
  sink: (block: Block) => void,
  options: RunOptions = {},
): Steps<RunOutcome> {
  const firstLine = options.firstLine;
  const parsed = parse(source, firstLine === undefined ? {} : { firstLine });
  return runParsedInSteps(session, source, parsed, sink, options);
}

/** Runs what parse() made of `source`: its commands, then its syntax error if any. */
export function runParsed(
  session: ShellSession,
  source: string,
  parsed: ParseResult,
  sink: (block: Block) => void,
  options: RunOptions = {},
): RunOutcome {
  return drain(runParsedInSteps(session, source, parsed, sink, options));
}

function* runParsedInSteps(
  session: ShellSession,
  source: string,
  parsed: ParseResult,
  sink: (block: Block) => void,
  options: RunOptions,
): Steps<RunOutcome> {
  if (options.errexit) session.options.errexit = true;
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
    control: undefined,
    loops: 0,
    functions: 0,
    condition: 0,
  };
  const list = parsed.ok ? parsed.list : parsed.partial;
  let recorded = -1;
  for (const item of list.items) {
    if (run.stopped) break;
    run.at = item.pos;
    // Batch history: each line once, before it runs (so `history` lists itself).
    const line = lineAround(source, item.pos);
    if (line.start > recorded) recordHistory(session, line.text);
    recorded = line.start;
    yield* runAndOr(run, item, TOP_IO);
    run.control = undefined;
  }
  if (!parsed.ok && !run.stopped) {
    const lines = formatParseError(parsed.error, source, options.scriptName, options.firstLine);
    for (const line of lines) sink(err(line));
    setStatus(session, 2);
    run.stopped = true;
  }
  if (run.broken) setStatus(session, INVARIANT_BROKEN_STATUS);
  const status = Number(session.vars.get("?"));
  const stopped = run.stopped;
  return run.effect === undefined ? { status, stopped } : { status, effect: run.effect, stopped };
}

const TOP_IO: Io = { stdin: undefined, out: { kind: "sink" }, err: { kind: "err" } };

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
  for (let i = seq; i < m.log.length; i++)
    if (logLevel(m, i) < CONSOLE_LOGLEVEL) sink(err(logRecord(m, i)));
  consoleSeq.set(m, m.log.length);
  for (const line of m.takeTtyErr()) sink(err(line));
  const status = m.takeLoginShellDeath();
  if (status !== null) sink(err(loginShellGone(status)));
}

/**
 * What the login shell's death means, said once when it happens: on Linux
 * the session ends (the terminal hangs up); cowsh keeps the machine, and
 * its commands now run as init, which adopted the shell's children.
 */
function loginShellGone(status: number): string {
  const how =
    (status & 0x7f) === 0
      ? `exited with status ${(status >> 8) & 0xff}`
      : `was killed by ${signalName(status & 0x7f)}`;
  return (
    `cowsh: the login shell (PID ${LOGIN_SHELL_PID}) ${how}. On Linux that ends this session.\n` +
    `cowsh: the machine goes on: init (PID 1) adopts the shell's children, and commands now run as init (/proc/self is 1).`
  );
}

/**
 * What follows every command: the console's new messages, then (with
 * `check`) the invariants, reported against `line`. Returns false if an
 * invariant is broken. A driver that stops a run part way (the paced
 * runner) calls it for the command it stopped.
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

/** The hook after each simple command has run. */
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

const statusOf = (run: Run): number => Number(run.session.vars.get("?") ?? "0");

/** True when the run must not go on with the next command here (stopped, or leaving a loop or function). */
const leaving = (run: Run): boolean => run.stopped || run.control !== undefined;

/** Runs a list's items in order; returns the status of the last one run. */
function* runList(run: Run, list: List, io: Io): Steps<number> {
  for (const item of list.items) {
    if (leaving(run)) break;
    yield* runAndOr(run, item, io);
  }
  return statusOf(run);
}

/** Runs `list` as a condition: errexit does not apply inside. */
function* runCondition(run: Run, list: List, io: Io): Steps<number> {
  run.condition++;
  try {
    return yield* runList(run, list, io);
  } finally {
    run.condition--;
  }
}

/** pipeline (&& or || pipeline)*: each later pipeline runs when $? so far says so. */
function* runAndOr(run: Run, item: AndOr, io: Io): Steps<void> {
  const pipelines = [item.first, ...item.rest.map((r) => r.pipeline)];
  const lastIndex = pipelines.length - 1;
  let status = 0;
  let ranLast = false;
  for (let i = 0; i <= lastIndex; i++) {
    if (i > 0) {
      const op = item.rest[i - 1]!.op;
      if ((op === "&&") !== (status === 0)) continue;
    }
    if (leaving(run)) return;
    const pipeline = pipelines[i]!;
    const conditional = i < lastIndex || pipeline.negated;
    if (conditional) run.condition++;
    status = yield* runPipeline(run, pipeline, io);
    if (conditional) run.condition--;
    ranLast = i === lastIndex;
  }
  const errexit = run.options.errexit === true || run.session.options.errexit;
  if (errexit && status !== 0 && ranLast && run.condition === 0 && !run.stopped) {
    run.stopped = true;
  }
}

/** Runs the commands of a pipeline, each one's stdout feeding the next one's stdin. */
function* runPipeline(run: Run, pipeline: Pipeline, io: Io): Steps<number> {
  let input = io.stdin;
  let status = 0;
  const last = pipeline.commands.length - 1;
  for (let i = 0; i <= last && !leaving(run); i++) {
    const piped: string[] = [];
    const stageIo: Io = {
      stdin: input,
      out: i === last ? io.out : { kind: "capture", into: piped },
      err: io.err,
    };
    const cmd = pipeline.commands[i]!;
    // A simple command directly: one generator less on the hot path.
    status =
      cmd.kind === "simple"
        ? yield* runSimple(run, cmd, stageIo)
        : yield* runCommand(run, cmd, stageIo);
    input = i === last ? undefined : { text: piped.join(""), pos: 0 };
  }
  if (pipeline.negated) status = status === 0 ? 1 : 0;
  setStatus(run.session, status);
  return status;
}

function* runCommand(run: Run, cmd: AstCommand, io: Io): Steps<number> {
  switch (cmd.kind) {
    case "simple":
      return yield* runSimple(run, cmd, io);
    case "function":
      run.session.functions.set(cmd.name, cmd);
      return 0;
    default:
      if (cmd.redirects.length === 0) return yield* runCompound(run, cmd, io);
      return yield* withRedirects(run, "cowsh", cmd.redirects, io, (inner) =>
        runCompound(run, cmd, inner),
      );
  }
}

/** The expansion environment: variables, $(…) run in this same session, and globbing. */
function expandEnv(run: Run, io: Io): ExpandEnv {
  const session = run.session;
  return {
    getVar: (name) => getVar(session, name),
    setVar: (name, value) => session.vars.set(name, value),
    params: () => session.params,
    substitute: (list) => {
      const captured: string[] = [];
      drain(
        subshell(
          run,
          runList(run, list, {
            stdin: undefined,
            out: { kind: "capture", into: captured },
            err: io.err,
          }),
          false,
        ),
      );
      return captured.join("");
    },
    glob: (pattern) => globPaths(session.machine, pattern, session.cwd),
  };
}

/** A variable, or a special parameter computed from the session. */
function getVar(session: ShellSession, name: string): string | undefined {
  if (/^[1-9][0-9]*$/.test(name)) return session.params[Number(name) - 1];
  if (name === "#") return String(session.params.length);
  if (name === "@" || name === "*") return session.params.join(" ");
  if (name === "-")
    return `${session.options.errexit ? "e" : ""}${session.options.xtrace ? "x" : ""}hB`;
  return session.vars.get(name);
}

/**
 * Runs `body` as in a subshell (`( … )`, `$(…)`): `exit` inside ends only
 * it. With `isolate`, variables, functions and options set inside are
 * undone afterwards, also when the run stops inside (a `$(…)` keeps them,
 * as cowsh's commands are not forked). The working directory is always
 * restored: `$(cd DIR; …)` is how scripts look elsewhere.
 */
function* subshell(run: Run, body: Steps<number>, isolate: boolean): Steps<number> {
  const s = run.session;
  const saved = isolate
    ? {
        vars: new Map(s.vars),
        functions: new Map(s.functions),
        params: s.params,
        options: { ...s.options },
      }
    : undefined;
  const before = { stopped: run.stopped, effect: run.effect, control: run.control };
  // Even unisolated, a subshell's cd never moves its parent (its directory and PWD, OLDPWD).
  const dir = { cwd: s.cwd, PWD: s.vars.get("PWD"), OLDPWD: s.vars.get("OLDPWD") };
  let status: number;
  try {
    status = yield* body;
  } finally {
    s.cwd = dir.cwd;
    for (const name of ["PWD", "OLDPWD"] as const) {
      const value = dir[name];
      if (value === undefined) s.vars.delete(name);
      else s.vars.set(name, value);
    }
    if (saved) {
      for (const key of [...s.vars.keys()]) if (!saved.vars.has(key)) s.vars.delete(key);
      for (const [k, v] of saved.vars) if (k !== "?") s.vars.set(k, v);
      s.functions.clear();
      for (const [k, v] of saved.functions) s.functions.set(k, v);
      s.params = saved.params;
      Object.assign(s.options, saved.options);
    }
  }
  if (run.effect?.kind === "exit" && !run.broken) {
    status = run.effect.status;
    run.stopped = before.stopped;
    run.effect = before.effect;
  }
  if (run.control?.kind === "return" && run.functions === 0) run.control = before.control;
  setStatus(s, status);
  return status;
}

function* runCompound(run: Run, cmd: Compound, io: Io): Steps<number> {
  switch (cmd.kind) {
    case "if": {
      for (const clause of cmd.clauses) {
        const status = yield* runCondition(run, clause.cond, io);
        if (leaving(run)) return status;
        if (status === 0) return yield* runList(run, clause.body, io);
      }
      if (cmd.elseBody !== undefined) return yield* runList(run, cmd.elseBody, io);
      setStatus(run.session, 0);
      return 0;
    }
    case "while":
      return yield* runLoop(
        run,
        function* () {
          const status = yield* runCondition(run, cmd.cond, io);
          if (leaving(run)) return false;
          return (status === 0) !== cmd.until;
        },
        () => runList(run, cmd.body, io),
      );
    case "for": {
      const env = expandEnv(run, io);
      const words =
        cmd.words === undefined
          ? { ok: true as const, value: [...run.session.params] }
          : expandWords(cmd.words, env);
      if (!words.ok) return fail(run, io, words.message, 1);
      const values = words.value;
      let next = 0;
      return yield* runLoop(
        run,
        () => {
          if (next >= values.length) return false;
          run.session.vars.set(cmd.name, values[next++]!);
          return true;
        },
        () => runList(run, cmd.body, io),
      );
    }
    case "arith-for": {
      const env = expandEnv(run, io);
      const first = arithValue(cmd.init, env);
      if (!first.ok) return fail(run, io, first.message, 1);
      let started = false;
      let failed: string | undefined;
      const status = yield* runLoop(
        run,
        () => {
          if (started) {
            const step = arithValue(cmd.step, env);
            if (!step.ok) failed = step.message;
          }
          started = true;
          if (failed !== undefined) return false;
          if (cmd.cond.parts.length === 0) return true;
          const cond = arithValue(cmd.cond, env);
          if (!cond.ok) {
            failed = cond.message;
            return false;
          }
          return cond.value !== "0";
        },
        () => runList(run, cmd.body, io),
      );
      return failed === undefined ? status : fail(run, io, failed, 1);
    }
    case "case": {
      const env = expandEnv(run, io);
      const word = expandString(cmd.word, env);
      if (!word.ok) return fail(run, io, word.message, 1);
      for (const item of cmd.items) {
        for (const p of item.patterns) {
          const pattern = expandPattern(p, env);
          if (!pattern.ok) return fail(run, io, pattern.message, 1);
          if (matchPattern(pattern.value, word.value)) return yield* runList(run, item.body, io);
        }
      }
      setStatus(run.session, 0);
      return 0;
    }
    case "group":
      return cmd.subshell
        ? yield* subshell(run, runList(run, cmd.body, io), true)
        : yield* runList(run, cmd.body, io);
    case "arith": {
      const v = arithValue(cmd.expr, expandEnv(run, io));
      if (!v.ok) return fail(run, io, v.message, 1);
      return v.value === "0" ? 1 : 0;
    }
    case "cond": {
      const r = evalCond(
        cmd.tokens,
        expandEnv(run, io),
        machineFiles(run.session.machine, run.session.cwd),
      );
      if (!r.ok) return fail(run, io, r.message, 2);
      return r.value ? 0 : 1;
    }
  }
}

/**
 * A loop: `next()` decides whether the body runs again (a `while`
 * condition runs commands: its steps end in the answer); `break` and
 * `continue` are taken here or passed on to an outer loop.
 */
function* runLoop(
  run: Run,
  next: () => boolean | Steps<boolean>,
  body: () => Steps<number>,
): Steps<number> {
  let status = 0;
  run.loops++;
  try {
    for (let i = 0; ; i++) {
      const more = next();
      if (!(typeof more === "boolean" ? more : yield* more)) break;
      if (i >= MAX_LOOP_ITERATIONS) {
        run.sink(err(`cowsh: loop stopped after ${MAX_LOOP_ITERATIONS} iterations`));
        run.stopped = true;
        return 1;
      }
      status = yield* body();
      const c = run.control;
      if (c === undefined || c.kind === "return") {
        if (leaving(run)) break;
        continue;
      }
      run.control = c.levels > 1 ? { kind: c.kind, levels: c.levels - 1 } : undefined;
      if (c.levels > 1 || c.kind === "break") break;
    }
  } finally {
    run.loops--;
  }
  setStatus(run.session, status);
  return status;
}

/** Calls a function: its arguments become $1…, `local` saves are undone at its end. */
function* callFunction(run: Run, def: FunctionDef, argv: readonly string[], io: Io): Steps<number> {
  const s = run.session;
  if (run.functions >= MAX_FUNCTION_NESTING) {
    return fail(
      run,
      io,
      `${def.name}: maximum function nesting level exceeded (${MAX_FUNCTION_NESTING})`,
      1,
    );
  }
  const params = s.params;
  s.params = [...argv];
  s.locals.push(new Map());
  run.functions++;
  let status: number;
  try {
    status = yield* runCommand(run, def.body, io);
  } finally {
    run.functions--;
    for (const [name, value] of s.locals.pop()!) {
      if (value === undefined) s.vars.delete(name);
      else s.vars.set(name, value);
    }
    s.params = params;
  }
  if (run.control?.kind === "return") {
    run.control = undefined;
    status = statusOf(run);
  }
  setStatus(s, status);
  return status;
}

/** bash's quoting of a word in `set -x` output. */
function traceQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_./:=@%^,+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/** Runs one simple command; returns its status. */
function* runSimple(run: Run, cmd: SimpleCommand, io: Io): Steps<number> {
  const env = expandEnv(run, io);
  const words = expandWords(cmd.words, env);
  if (!words.ok) return fail(run, io, words.message, 1);
  if (words.value.length === 0) return assign(run, cmd, env, io);
  const [name, ...argv] = words.value as [string, ...string[]];
  if (run.session.options.xtrace) {
    writeTo(run, io.err, err(`+ ${words.value.map(traceQuote).join(" ")}`), undefined);
  }
  const def = run.session.functions.get(name);
  if (cmd.redirects.length === 0) {
    // No redirections: no withRedirects generator (the hot path).
    return def !== undefined
      ? yield* callFunction(run, def, argv, io)
      : yield* runNamed(run, name, argv, io);
  }
  if (def !== undefined) {
    return yield* withRedirects(
      run,
      name,
      cmd.redirects,
      io,
      (inner) => callFunction(run, def, argv, inner),
      env,
    );
  }
  return yield* withRedirects(
    run,
    name,
    cmd.redirects,
    io,
    (inner) => runNamed(run, name, argv, inner),
    env,
  );
}

/** Runs the builtin or command `name` with its descriptors set up. */
function* runNamed(
  run: Run,
  name: string,
  argv: readonly string[],
  io: Io,
  skipFunctions = false,
  commandOnly = false,
): Steps<number> {
  const builtin = commandOnly ? undefined : BUILTINS.get(name);
  const command = run.commands.get(name);
  if (builtin !== undefined && !(argv[0] === "--help" && command !== undefined)) {
    if (argv[0] !== "--help") {
      const ran = builtin.run(builtinHost(run, io, skipFunctions), argv);
      return typeof ran === "number" ? ran : yield* ran;
    }
    writeTo(run, io.out, out(helpText(builtin)), "out");
    return 0;
  }
  if (command === undefined) {
    const near = suggestName(name, [
      ...run.commands.keys(),
      ...BUILTINS.keys(),
      ...run.session.functions.keys(),
    ]);
    const hint = near === undefined ? "" : `\ncowsh: did you mean \`${near}'?`;
    return fail(run, io, `${name}: command not found${hint}`, 127);
  }
  // A command sees what is left of its input; only `read` takes lines from it
  // (whether a command read its input is not known, so none is consumed).
  const stdin = io.stdin === undefined ? undefined : io.stdin.text.slice(io.stdin.pos);
  const ctx = { stdin, session: run.session };
  const result =
    argv[0] === "--help" && command.ownHelp !== true
      ? { status: 0, blocks: [out(helpText(command))] }
      : command.steps === undefined
        ? command.run(ctx, argv)
        : yield* labelled(command.steps(ctx, argv), [name, ...argv].join(" "));
  for (const block of result.blocks)
    writeTo(run, block.kind === "err" ? io.err : io.out, block, block.kind);
  afterRunCommand(run);
  if (result.effect !== undefined) {
    run.effect = result.effect;
    if (result.effect.kind === "exit") run.stopped = true;
  }
  return result.status;
}

/** A command's steps passed up labelled with the command, the driver's answers passed down. */
function* labelled<T>(steps: Steps<T>, label: string): Steps<T> {
  let r = steps.next();
  while (r.done !== true) {
    const step: Step = { ...r.value, label };
    r = steps.next(yield step);
  }
  return r.value;
}

/** What builtins may do to the run that called them. */
function builtinHost(run: Run, io: Io, skipFunctions: boolean): BuiltinHost {
  return {
    session: run.session,
    commands: run.commands,
    print: (text) => writeTo(run, io.out, out(text), "out"),
    error: (text) => writeTo(run, io.err, err(text), "err"),
    readLine: () => {
      const input = io.stdin;
      if (input === undefined || input.pos >= input.text.length) return undefined;
      const nl = input.text.indexOf("\n", input.pos);
      const end = nl === -1 ? input.text.length : nl;
      const line = input.text.slice(input.pos, end);
      input.pos = nl === -1 ? end : nl + 1;
      return { line, complete: nl !== -1 };
    },
    loops: run.loops,
    inFunction: run.functions > 0,
    control: (c) => {
      run.control = c;
    },
    runText: (text, name) => runText(run, text, name, io),
    runArgv: (argv, noFunctions) => {
      const [name, ...rest] = argv as [string, ...string[]];
      const def = noFunctions || skipFunctions ? undefined : run.session.functions.get(name);
      return def !== undefined
        ? callFunction(run, def, rest, io)
        : runNamed(run, name, rest, io, noFunctions);
    },
    runCommand: (argv) => runNamed(run, argv[0]!, argv.slice(1), io, true, true),
    clockNs: () => run.session.machine.now,
  };
}

/** Parses and runs `text` (`source`, `eval`) inside the running command; a syntax error is status 2. */
function* runText(run: Run, text: string, name: string | undefined, io: Io): Steps<number> {
  const parsed = parse(text);
  const list = parsed.ok ? parsed.list : parsed.partial;
  const source = run.source;
  run.source = text;
  const status = yield* runList(run, list, io);
  run.source = source;
  if (parsed.ok) return status;
  for (const line of formatParseError(parsed.error, text, name))
    writeTo(run, io.err, err(line), "err");
  setStatus(run.session, 2);
  return 2;
}

/** `NAME=value…` alone: sets shell variables; the status is that of the last $(…), else 0. */
function assign(run: Run, cmd: SimpleCommand, env: ExpandEnv, io: Io): number {
  setStatus(run.session, 0);
  const fds = redirections(run, cmd.redirects, env, io);
  if (fds === null) return 1;
  for (const a of cmd.assignments) {
    const value = expandString(a.value, env);
    if (!value.ok) return fail(run, io, value.message, 1);
    if (run.session.options.xtrace)
      writeTo(run, io.err, err(`+ ${a.name}=${traceQuote(value.value)}`), undefined);
    run.session.vars.set(a.name, value.value);
  }
  const status = statusOf(run);
  return flushFiles(run, "cowsh", fds.files, io) ? status : 1;
}

function fail(run: Run, io: Io, message: string, status: number): number {
  writeTo(run, io.err, err(`cowsh: ${message}`), "err");
  setStatus(run.session, status);
  return status;
}

/** Files written by redirections, in order: path -> text and mode. */
type FileWrites = Map<string, FileWrite>;

/**
 * Sets up `redirects` over `io`, runs `body` with the result, then writes
 * the files it redirected to (also when the run stops inside: what was
 * written so far stays, as in a file bash had opened). Returns the body's
 * status (1 when a redirection or a write failed).
 */
function* withRedirects(
  run: Run,
  name: string,
  redirects: readonly Redirect[],
  io: Io,
  body: (io: Io) => Steps<number>,
  env?: ExpandEnv,
): Steps<number> {
  const fds = redirections(run, redirects, env ?? expandEnv(run, io), io);
  if (fds === null) {
    setStatus(run.session, 1);
    return 1;
  }
  let status = 1;
  let flushed = false;
  try {
    status = yield* body(fds.io);
  } finally {
    flushed = flushFiles(run, name, fds.files, io);
  }
  return flushed ? status : 1;
}

/** Applies redirections left to right, as bash does (`>f 2>&1` differs from `2>&1 >f`). */
function redirections(
  run: Run,
  redirects: readonly Redirect[],
  env: ExpandEnv,
  io: Io,
): { io: Io; files: FileWrites } | null {
  let outDest = io.out;
  let errDest = io.err;
  let input = io.stdin;
  const files: FileWrites = new Map();
  for (const r of redirects) {
    if (r.heredoc !== undefined) {
      const body = r.heredoc.body;
      const text = body === undefined ? { ok: true as const, value: "" } : expandString(body, env);
      if (!text.ok) {
        fail(run, io, text.message, 1);
        return null;
      }
      input = { text: text.value, pos: 0 };
      continue;
    }
    if (r.op === "<<<") {
      const text = expandString(r.target, env);
      if (!text.ok) {
        fail(run, io, text.message, 1);
        return null;
      }
      input = { text: `${text.value}\n`, pos: 0 };
      continue;
    }
    const target = expandRedirectTarget(r.target, env);
    if (!target.ok) {
      fail(run, io, target.message, 1);
      return null;
    }
    const path = target.value;
    if (r.op === "<") {
      const read = readWhole(run.session.machine, path, run.session.cwd);
      if (!read.ok) {
        fail(run, io, `${path}: ${STRERROR[read.errno]}`, 1);
        return null;
      }
      input = { text: read.value.text, pos: 0 };
      continue;
    }
    if (r.op === ">&" || r.op === "<&") {
      const to: Dest | null = path === "1" ? outDest : path === "2" ? errDest : null;
      if (to === null) {
        fail(run, io, `${path}: ambiguous redirect`, 1);
        return null;
      }
      if (r.fd === 2) errDest = to;
      else if (r.fd === 1) outDest = to;
      continue;
    }
    // The file is opened (created) before the command runs, as bash does.
    const writable = checkWritable(run.session.machine, path, run.session.cwd);
    if (!writable.ok) {
      fail(run, io, `${path}: ${STRERROR[writable.errno]}`, 1);
      return null;
    }
    let file = files.get(writable.value);
    if (file === undefined) {
      file = { writes: [], append: r.op === ">>" || r.op === "&>>" };
      files.set(writable.value, file);
    }
    const dest: Dest = { kind: "file", path: writable.value, file };
    if (r.op === "&>" || r.op === "&>>") {
      outDest = dest;
      errDest = dest;
    } else if (r.fd === 2) errDest = dest;
    else outDest = dest;
  }
  return { io: { stdin: input, out: outDest, err: errDest }, files };
}

/**
 * Writes a block where a descriptor points: the sink as stdout or stderr,
 * a capture, or a file. `kind` is what the block was written as ("out" or
 * "err"), which decides how the sink shows it.
 */
function writeTo(
  run: Run,
  dest: Dest,
  block: Block,
  kind: "out" | "err" | "view" | undefined,
): void {
  if (dest.kind === "sink")
    run.sink(kind === "err" || block.kind === "err" ? { kind: "out", text: block.text } : block);
  else if (dest.kind === "err") run.sink(block.kind === "err" ? block : err(block.text));
  else if (dest.kind === "capture") dest.into.push(block.text);
  else if (block.text !== "") dest.file.writes.push(block.text);
}

/**
 * Writes redirected output to the simulated files (truncating unless >>).
 * A /proc file takes each write(2) through its write handler, or refuses
 * it (procWriteError); a refused write fails the command as bash reports
 * it: `NAME: write error: …`. Returns false if a write failed.
 */
function flushFiles(run: Run, name: string, files: FileWrites, io: Io): boolean {
  let ok = true;
  for (const [path, { writes, append }] of files) {
    if (isProcPath(path)) {
      for (const text of writes) {
        const r = writeProcFile(run.session.machine, path, text);
        if (!r.ok) {
          fail(run, io, `${name}: write error: ${STRERROR[r.errno]}`, 1);
          ok = false;
        }
      }
      continue;
    }
    const r = run.session.machine.writeFile(path, writes.join(""), append);
    if (!r.ok) {
      fail(run, io, `${path}: ${STRERROR[r.errno]}`, 1);
      ok = false;
    }
  }
  return ok;
}
