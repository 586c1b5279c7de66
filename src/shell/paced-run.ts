/**
 * Running a typed line in the interactive shell so that long work shows
 * progress and yields to Ctrl-C, while the kernel stays synchronous: the
 * line is cut into its top-level commands, and two kinds of command are run
 * in steps, each step an ordinary synchronous command:
 *
 * - `sleep N` with a time scale: the clock advances a slice at a time
 *   (through the `sleep` command), N × scale real seconds in all;
 * - `write`/`read` of a big range: the range is touched in page-aligned
 *   chunks (through the command itself, at explicit addresses), and the
 *   fault counts of `-v` are summed.
 *
 * Everything else, and any line these do not appear in at the top level,
 * runs through `runSource` exactly as batch mode runs it. Ctrl-C between
 * steps stops the line with status 130, leaving the machine as far as it got
 * (the clock at the moment of the interrupt; the pages written so far).
 */
import { COMMANDS } from "../../commands/index.js";
import {
  hex,
  livePidArg,
  parseSize,
  restOfMapping,
  targetArg,
} from "../../commands/lib/args/operands.js";
import { parseDuration } from "../../commands/sleep.js";
import { PAGE_SIZE } from "../kernel/constants.js";
import { FAULT_KINDS } from "../kernel/fault.js";
import type { AndOr } from "./ast.js";
import { expandWords } from "./expand.js";
import { parse } from "./parser.js";
import { afterCommand, type RunOutcome, runSource, type ShellSession } from "./runtime.js";
import type { Block, CommandResult, Effect, Progress } from "./types.js";

export interface PacedOptions {
  /** Real seconds per simulated second of `sleep` (0: instant). */
  readonly timeScale: number;
  /** Ranges at least this long are written in chunks (default 64 MiB). */
  readonly chunkThreshold?: number;
  /** Bytes per chunk (default 16 MiB; a multiple of the page size). */
  readonly chunkBytes?: number;
  /** The real clock in milliseconds (default `performance.now`). */
  readonly now?: () => number;
  /** Waits `ms` real milliseconds, or less if `signal` aborts (default a timer). */
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Longest real wait between two progress reports of a scaled sleep. */
const TICK_MS = 50;
const INTERRUPTED = 130;

/** A top-level command run in steps. */
type Step =
  | { readonly kind: "sleep"; readonly ns: number; readonly label: string }
  | {
      readonly kind: "access";
      readonly name: "write" | "read";
      readonly pid: number;
      readonly addr: number;
      readonly length: number;
      readonly verbose: boolean;
      readonly label: string;
    };

interface Ctx {
  readonly session: ShellSession;
  readonly sink: (block: Block) => void;
  readonly signal: AbortSignal;
  readonly onProgress: (p: Progress) => void;
  readonly options: PacedOptions;
}

/** Runs `line` as `runSource` would, with its sleeps scaled and big accesses in chunks. */
export async function runPaced(
  session: ShellSession,
  line: string,
  sink: (block: Block) => void,
  signal: AbortSignal,
  onProgress: (p: Progress) => void,
  options: PacedOptions,
): Promise<RunOutcome> {
  const parsed = parse(line);
  const items = parsed.ok ? parsed.list.items : [];
  const steps = items.map((item) => stepOf(session, item, options));
  if (steps.every((s) => s === null)) return runSource(session, line, sink);
  const ctx: Ctx = { session, sink, signal, onProgress, options };
  let status = 0;
  let effect: Effect | undefined;
  const outcome = (): RunOutcome => (effect === undefined ? { status } : { status, effect });
  for (const [i, item] of items.entries()) {
    if (signal.aborted) return interrupted(session);
    // Re-planned now: variables may have changed since the line was read.
    const step = i === 0 ? steps[0]! : stepOf(session, item, options);
    if (step === null) {
      const text = line.slice(item.pos, items[i + 1]?.pos ?? line.length);
      const ran = runSource(session, text, sink);
      status = ran.status;
      effect = ran.effect ?? effect;
      if (effect?.kind === "exit") return outcome();
      continue;
    }
    status = step.kind === "sleep" ? await sleepScaled(ctx, step) : await accessInChunks(ctx, step);
    session.vars.set("?", String(status));
    if (status === INTERRUPTED && signal.aborted) return outcome();
  }
  return outcome();
}

function interrupted(session: ShellSession): RunOutcome {
  session.vars.set("?", String(INTERRUPTED));
  return { status: INTERRUPTED };
}

/**
 * The step a top-level item is, or null to run it as usual: a lone simple
 * command (no pipe, `&&`, redirection, assignment or `$(…)`) that is a
 * valid `sleep` under a time scale, or a valid `write`/`read` of a big range.
 */
function stepOf(session: ShellSession, item: AndOr, options: PacedOptions): Step | null {
  if (item.rest.length > 0 || item.background || item.first.commands.length !== 1) return null;
  const cmd = item.first.commands[0]!;
  if (cmd.kind !== "simple" || cmd.assignments.length > 0 || cmd.redirects.length > 0) return null;
  if (cmd.words.some((w) => w.parts.some((p) => p.kind === "subst" || p.kind === "bad")))
    return null;
  const words = expandWords(cmd.words, {
    getVar: (name) => session.vars.get(name),
    substitute: () => "",
  });
  if (!words.ok) return null;
  const [name, ...argv] = words.value;
  const label = words.value.join(" ");
  if (name === "sleep" && options.timeScale > 0) {
    const durations = argv.map(parseDuration);
    if (argv.length === 0 || durations.some((ns) => ns === null)) return null;
    const ns = durations.reduce<number>((a, b) => a + b!, 0);
    return ns > 0 ? { kind: "sleep", ns, label } : null;
  }
  if (name === "write" || name === "read") return accessStep(session, name, argv, label, options);
  return null;
}

/** `write|read PID TARGET [LENGTH] [-v]` of at least the chunk threshold, resolved to an address range. */
function accessStep(
  session: ShellSession,
  name: "write" | "read",
  argv: readonly string[],
  label: string,
  options: PacedOptions,
): Step | null {
  const flags = argv.filter((a) => a.startsWith("-"));
  if (flags.some((f) => f !== "-v" && f !== "--verbose")) return null;
  const [pidText, targetText, lengthText, ...extra] = argv.filter((a) => !a.startsWith("-"));
  if (extra.length > 0) return null;
  const task = livePidArg(name, session.machine, pidText);
  if (!task.ok) return null;
  const target = targetArg(name, task.value, targetText);
  if (!target.ok) return null;
  const length = lengthText === undefined ? restOfMapping(target.value) : parseSize(lengthText);
  if (length === null || length < (options.chunkThreshold ?? 64 * 1024 * 1024)) return null;
  return {
    kind: "access",
    name,
    pid: task.value.pid,
    addr: target.value.addr,
    length,
    verbose: flags.length > 0,
    label,
  };
}

/** Lets the simulated clock run for `step.ns`, scaled to real time, in slices; the status. */
async function sleepScaled(ctx: Ctx, step: Step & { kind: "sleep" }): Promise<number> {
  const now = ctx.options.now ?? (() => performance.now());
  const wait = ctx.options.wait ?? waitMs;
  const realMs = (step.ns / 1e6) * ctx.options.timeScale;
  const start = now();
  let advanced = 0;
  for (;;) {
    const elapsed = Math.min(realMs, now() - start);
    const due = elapsed >= realMs ? step.ns : Math.floor((step.ns * elapsed) / realMs);
    if (due > advanced) {
      runCommand(ctx, "sleep", [seconds(due - advanced)]);
      advanced = due;
    }
    ctx.onProgress({ done: advanced, total: step.ns, label: step.label });
    if (advanced >= step.ns) return 0;
    if (ctx.signal.aborted) return INTERRUPTED;
    await wait(Math.min(TICK_MS, realMs - elapsed), ctx.signal);
    if (ctx.signal.aborted) return INTERRUPTED;
  }
}

/** Nanoseconds as the seconds `sleep` parses back exactly: "0.050000000". */
function seconds(ns: number): string {
  return `${Math.floor(ns / 1e9)}.${String(ns % 1e9).padStart(9, "0")}`;
}

/** Touches the range in page-aligned chunks, yielding between them; the status. */
async function accessInChunks(ctx: Ctx, step: Step & { kind: "access" }): Promise<number> {
  const chunk = ctx.options.chunkBytes ?? 16 * 1024 * 1024;
  const end = step.addr + step.length;
  const counts = new Map<string, number>();
  let at = step.addr;
  while (at < end) {
    const next = Math.min(end, Math.floor(at / PAGE_SIZE) * PAGE_SIZE + chunk);
    const r = runCommand(
      ctx,
      step.name,
      [String(step.pid), hex(at), String(next - at), "-v"],
      false,
    );
    const summary = r.blocks.find((b) => b.kind === "out")?.text ?? "";
    addCounts(counts, summary);
    at = next;
    const errors = r.blocks.filter((b) => b.kind === "err");
    if (r.status !== 0 || errors.length > 0) {
      if (step.verbose) ctx.sink({ kind: "out", text: `${formatCounts(counts)}\n` });
      for (const b of errors) ctx.sink(b);
      return r.status;
    }
    ctx.onProgress({ done: at - step.addr, total: step.length, label: step.label });
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (ctx.signal.aborted) return INTERRUPTED;
  }
  if (step.verbose) ctx.sink({ kind: "out", text: `${formatCounts(counts)}\n` });
  return 0;
}

/** Runs a registered command directly; its blocks go to the sink unless `print` is false. */
function runCommand(ctx: Ctx, name: string, argv: string[], print = true): CommandResult {
  const command = COMMANDS.get(name);
  if (command === undefined) throw new Error(`paced run: no ${name} command`);
  const r = command.run({ stdin: undefined, session: ctx.session }, argv);
  if (print) for (const b of r.blocks) ctx.sink(b);
  afterCommand(ctx.session, ctx.sink, [name, ...argv].join(" "));
  return r;
}

/** Adds the `key=N` words of a fault summary to `counts`. */
function addCounts(counts: Map<string, number>, summary: string): void {
  for (const m of summary.matchAll(/([a-z-]+)=([0-9]+)/g))
    counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + Number(m[2]));
}

/** The summed counts in the order `faultSummary` prints them. */
function formatCounts(counts: Map<string, number>): string {
  const n = (k: string) => counts.get(k) ?? 0;
  const kinds = FAULT_KINDS.filter((k) => n(k) > 0)
    .map((k) => ` ${k}=${n(k)}`)
    .join("");
  return `minflt=${n("minflt")} majflt=${n("majflt")} pages=${n("pages")}${kinds}`;
}

function waitMs(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener("abort", done);
  });
}
