/**
 * kill [-SIGNAL] PID...: sends a signal (SIGTERM by default), like bash's
 * kill builtin run as root. Every signal it knows ends a process, except
 * that init ends of none, and the login shell (PID 2, an interactive bash)
 * ignores SIGTERM and SIGQUIT and survives SIGINT (not SIGKILL or SIGHUP).
 */
import { STRERROR } from "../src/kernel/result.js";
import { SIGNALS } from "../src/kernel/signal.js";
import { type Command, type CommandResult, err, fail, ok, out } from "../src/shell/types.js";
import { machineOf, pidArg, usage } from "./lib/args/operands.js";

function signalArg(text: string): number | null {
  const name = text.replace(/^SIG/i, "").toUpperCase();
  if (/^[0-9]+$/.test(name))
    return Object.values(SIGNALS).includes(Number(name)) ? Number(name) : null;
  return SIGNALS[name] ?? null;
}

/** `kill -l`: the signals as bash lists them (` 9) SIGKILL`, five a line); `kill -l N`: the name. */
function listSignals(args: readonly string[]): CommandResult {
  if (args.length > 0) {
    const names: string[] = [];
    for (const arg of args) {
      const n = /^[0-9]+$/.test(arg) ? Number(arg) & 0x7f : signalArg(arg);
      const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === n);
      if (name === undefined) return usage(`kill: ${arg}: invalid signal specification`);
      names.push(/^[0-9]+$/.test(arg) ? name : String(n));
    }
    return ok(out(`${names.join("\n")}\n`));
  }
  const cells = Object.entries(SIGNALS).map(([name, n]) => `${String(n).padStart(2)}) SIG${name}`);
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 5) lines.push(cells.slice(i, i + 5).join("\t"));
  return ok(out(`${lines.join("\n")}\n`));
}

export const kill: Command = {
  name: "kill",
  summary:
    "send a signal (SIGTERM by default), as root: it ends the process, but init ignores every signal and the login shell SIGTERM, SIGQUIT and SIGINT",
  prints: "nothing on success (the signal list with -l)",
  usage: ["kill [-s SIGNAL | -SIGNAL] PID...", "kill -l [SIGNAL]"],
  run(ctx, argv) {
    if (argv[0] === "-l" || argv[0] === "-L") return listSignals(argv.slice(1));
    const m = machineOf(ctx);
    let signo = SIGNALS.TERM!;
    let rest = argv;
    if (rest[0] === "-s" || rest[0] === "-n") {
      const s = rest[1] === undefined ? null : signalArg(rest[1]);
      if (s === null) return usage(`kill: ${rest[1] ?? ""}: invalid signal specification`);
      signo = s;
      rest = rest.slice(2);
    } else if (rest[0]?.startsWith("-") && rest[0] !== "--") {
      const s = signalArg(rest[0].slice(1));
      if (s === null) return usage(`kill: ${rest[0].slice(1)}: invalid signal specification`);
      signo = s;
      rest = rest.slice(1);
    }
    if (rest[0] === "--") rest = rest.slice(1);
    if (rest.length === 0) return usage("kill: usage: kill [-s sigspec | -sigspec] pid ...");
    const tasks = rest.map((arg) => pidArg("kill", m, arg));
    const bad = tasks.find((t) => !t.ok);
    // A failed builtin is status 1 in bash; only a usage error is 2.
    if (bad !== undefined && !bad.ok) return fail(1, err(bad.message));
    // As root, kill(2) succeeds for every process that exists: init and
    // processes that ignore or handle the signal go on (Machine.kill).
    for (const [i, task] of tasks.entries()) {
      if (!task.ok) continue;
      const r = m.kill(task.value.pid, signo);
      if (!r.ok) return fail(1, err(`kill: (${rest[i]}) - ${STRERROR[r.errno]}`));
    }
    return ok();
  },
};
