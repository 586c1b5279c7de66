/** kill [-SIGNAL] PID...: sends a fatal signal (SIGTERM by default), like kill(1). */
import { INIT_PID } from "../src/kernel/exit.js";
import { LOGIN_SHELL_PID } from "../src/kernel/machine.js";
import { STRERROR } from "../src/kernel/result.js";
import { type Command, type CommandResult, err, fail, ok, out } from "../src/shell/types.js";
import { machineOf, pidArg, usage } from "./lib/args/operands.js";

/** The signals whose default action ends a process, by name and number. */
const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  ABRT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
};

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
  summary: "send a signal that ends a process (SIGTERM by default)",
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
    // The login shell refuses, checked before anything dies.
    const refused = tasks.find((t) => t.ok && t.value.pid === LOGIN_SHELL_PID);
    if (refused?.ok) return fail(1, err(`kill: (${refused.value.pid}) - ${STRERROR.EPERM}`));
    for (const [i, task] of tasks.entries()) {
      // Linux delivers to init only the signals it has handlers for: tini
      // has none for these, so they are ignored and kill succeeds.
      if (!task.ok || task.value.pid === INIT_PID) continue;
      const arg = rest[i]!;
      const r = m.kill(task.value.pid, signo);
      if (!r.ok) return fail(1, err(`kill: (${arg}) - ${STRERROR[r.errno]}`));
    }
    return ok();
  },
};
