/**
 * The shell's own builtins: the ones that act on the shell rather than the
 * machine (its variables, functions, loops, options and input), so they
 * run inside the runtime through a `BuiltinHost` instead of as commands.
 * Statuses and messages are bash's: 1 for a failed builtin, 2 for misuse.
 */
import { absolute, procSelfTarget, resolve } from "../../fs/vfs.js";
import type { Machine } from "../kernel/machine.js";
import { builtinGetopt } from "./getopt.js";
import { hostStrerror, type Session } from "./session.js";
import type { Command, Steps } from "./types.js";

/** What a builtin may do to the shell that runs it. */
export interface BuiltinHost {
  readonly session: Session & {
    params: string[];
    readonly options: { errexit: boolean; xtrace: boolean };
    readonly functions: ReadonlyMap<string, unknown> & { delete(name: string): boolean };
    readonly locals: Map<string, string | undefined>[];
    readonly host?: Session["host"];
  };
  readonly commands: ReadonlyMap<string, Command>;
  /** Writes to the builtin's stdout / stderr. */
  print(text: string): void;
  error(text: string): void;
  /** The next line of standard input (without its newline), or undefined at its end. */
  readLine(): { line: string; complete: boolean } | undefined;
  /** Loops around the builtin; whether it runs in a function. */
  readonly loops: number;
  readonly inFunction: boolean;
  control(c: { kind: "break" | "continue"; levels: number } | { kind: "return" }): void;
  /**
   * Runs shell text in this shell (`source`, `eval`); `name` labels its
   * syntax errors. This and the two below return the run's steps (see
   * `Step`): the builtin passes them on (`yield*`, or returns them) and gets
   * the status at their end.
   */
  runText(text: string, name: string | undefined): Steps<number>;
  /** Runs a command line already split into words (`command`, `time`). */
  runArgv(argv: readonly string[], noFunctions: boolean): Steps<number>;
  /** Runs the registered command `argv[0]` (not a builtin of that name). */
  runCommand(argv: readonly string[]): Steps<number>;
  /** The simulated clock, in ns. */
  clockNs(): number;
}

export interface Builtin {
  readonly name: string;
  readonly summary: string;
  readonly usage: readonly string[];
  /** What it writes to stdout, for `help NAME`. */
  readonly prints?: string;
  /** The status, or (for one that runs commands) steps ending in it. */
  run(host: BuiltinHost, argv: readonly string[]): number | Steps<number>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `NAME: msg` on stderr, then `status`. */
function complain(host: BuiltinHost, name: string, message: string, status: number): number {
  host.error(`cowsh: ${name}: ${message}`);
  return status;
}

function setStatus(host: BuiltinHost, status: number): void {
  host.session.vars.set("?", String(status));
}

/** `break [N]` and `continue [N]`. */
function loopControl(kind: "break" | "continue"): Builtin {
  return {
    name: kind,
    summary:
      kind === "break"
        ? "leave the enclosing loop (or N loops)"
        : "go on with the next iteration of the enclosing loop",
    usage: [`${kind} [N]`],
    run(host, argv) {
      const n = argv[0] === undefined ? 1 : Number(argv[0]);
      if (!Number.isInteger(n))
        return complain(host, kind, `${argv[0]}: numeric argument required`, 1);
      if (n < 1) return complain(host, kind, `${argv[0]}: loop count out of range`, 1);
      if (host.loops === 0) {
        host.error(`cowsh: ${kind}: only meaningful in a \`for', \`while', or \`until' loop`);
        return 0;
      }
      host.control({ kind, levels: Math.min(n, host.loops) });
      return 0;
    },
  };
}

const returnBuiltin: Builtin = {
  name: "return",
  summary: "leave the running function with status N (default: the last command's)",
  usage: ["return [N]"],
  run(host, argv) {
    if (!host.inFunction)
      return complain(host, "return", "can only `return' from a function or sourced script", 1);
    const arg = argv[0];
    if (arg !== undefined && !/^-?[0-9]+$/.test(arg)) {
      host.error(`cowsh: return: ${arg}: numeric argument required`);
      setStatus(host, 2);
    } else if (arg !== undefined) setStatus(host, Number(arg) & 0xff);
    host.control({ kind: "return" });
    return Number(host.session.vars.get("?") ?? "0");
  },
};

const local: Builtin = {
  name: "local",
  summary: "make variables local to the running function",
  usage: ["local NAME[=VALUE]..."],
  run(host, argv) {
    const frame = host.session.locals[host.session.locals.length - 1];
    if (!host.inFunction || frame === undefined)
      return complain(host, "local", "can only be used in a function", 1);
    let status = 0;
    for (const arg of argv) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (!NAME.test(name)) {
        status = complain(host, "local", `\`${arg}': not a valid identifier`, 1);
        continue;
      }
      if (!frame.has(name)) frame.set(name, host.session.vars.get(name));
      if (eq !== -1) host.session.vars.set(name, arg.slice(eq + 1));
    }
    return status;
  },
};

const OPTION_NAMES: Readonly<Record<string, "errexit" | "xtrace">> = { e: "errexit", x: "xtrace" };

const set: Builtin = {
  name: "set",
  summary: "set -e / -x (and +e / +x), or the positional parameters after --",
  usage: ["set [-ex] [+ex] [-o errexit|xtrace] [-- ARG...]"],
  run(host, argv) {
    if (argv.length === 0) {
      const vars = [...host.session.vars]
        .filter(([k]) => NAME.test(k))
        .sort(([a], [b]) => (a < b ? -1 : 1));
      host.print(vars.map(([k, v]) => `${k}=${quoteValue(v)}\n`).join(""));
      return 0;
    }
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === "--") {
        host.session.params = argv.slice(i + 1);
        return 0;
      }
      const on = arg.startsWith("-");
      if ((arg === "-o" || arg === "+o") && argv[i + 1] !== undefined) {
        const name = argv[++i]!;
        if (name !== "errexit" && name !== "xtrace")
          return complain(host, "set", `${name}: invalid option name`, 2);
        host.session.options[name] = on;
        continue;
      }
      if (!/^[-+][a-zA-Z]+$/.test(arg)) {
        host.session.params = argv.slice(i);
        return 0;
      }
      for (const c of arg.slice(1)) {
        const name = OPTION_NAMES[c];
        if (name === undefined) {
          host.error(`cowsh: set: ${arg[0]}${c}: invalid option`);
          host.error("set: usage: set [-ex] [-o option-name] [--] [arg ...]");
          return 2;
        }
        host.session.options[name] = on;
      }
    }
    return 0;
  },
};

/** A value as `set` prints it: quoted when it needs to be. */
function quoteValue(v: string): string {
  return /^[A-Za-z0-9_./:=@%^,+-]*$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`;
}

function sourceBuiltin(name: string): Builtin {
  return {
    name,
    summary: "run a script file (a host path, like save and load) in this shell",
    usage: [`${name} FILE [ARG...]`],
    *run(host, argv) {
      const file = argv[0];
      if (file === undefined) {
        host.error(`cowsh: ${name}: filename argument required`);
        host.error(`${name}: usage: ${name} filename [arguments]`);
        return 2;
      }
      const fs = host.session.host;
      if (fs?.readFile === undefined)
        return complain(host, name, `${file}: Function not implemented`, 1);
      const r = fs.readFile(fs.resolve(file));
      if (!r.ok)
        return complain(
          host,
          name,
          `${file}: ${r.errno === "ENOENT" ? "No such file or directory" : r.errno}`,
          1,
        );
      const params = host.session.params;
      if (argv.length > 1) host.session.params = argv.slice(1);
      try {
        return yield* host.runText(Buffer.from(r.value).toString("utf8"), file);
      } finally {
        if (argv.length > 1) host.session.params = params;
      }
    },
  };
}

const evalBuiltin: Builtin = {
  name: "eval",
  summary: "run its arguments, joined by spaces, as a command line",
  usage: ["eval [ARG...]"],
  run: (host, argv) => (argv.length === 0 ? 0 : host.runText(argv.join(" "), undefined)),
};

const shift: Builtin = {
  name: "shift",
  summary: "drop the first N positional parameters (default 1)",
  usage: ["shift [N]"],
  run(host, argv) {
    const n = argv[0] === undefined ? 1 : Number(argv[0]);
    if (!Number.isInteger(n) || n < 0)
      return complain(host, "shift", `${argv[0]}: numeric argument required`, 1);
    if (n > host.session.params.length) return 1;
    host.session.params = host.session.params.slice(n);
    return 0;
  },
};

const unset: Builtin = {
  name: "unset",
  summary: "remove variables (or functions, with -f)",
  usage: ["unset [-v] [-f] NAME..."],
  run(host, argv) {
    let functions = false;
    let status = 0;
    for (const arg of argv) {
      if (arg === "-f") functions = true;
      else if (arg === "-v") functions = false;
      else if (!NAME.test(arg))
        status = complain(host, "unset", `\`${arg}': not a valid identifier`, 1);
      else if (functions) host.session.functions.delete(arg);
      else host.session.vars.delete(arg);
    }
    return status;
  },
};

/** Variables marked by `export`, per session. */
const exported = new WeakMap<Session, Set<string>>();

const exportBuiltin: Builtin = {
  name: "export",
  summary: "set variables and mark them for the environment; -p lists them",
  usage: ["export [-p] [NAME[=VALUE]...]"],
  run(host, argv) {
    const marked = exported.get(host.session) ?? new Set(["PATH"]);
    exported.set(host.session, marked);
    if (argv.length === 0 || argv[0] === "-p") {
      const names = [...marked].filter((n) => host.session.vars.has(n)).sort();
      host.print(
        names
          .map(
            (n) => `declare -x ${n}="${host.session.vars.get(n)!.replace(/(["\\$`])/g, "\\$1")}"\n`,
          )
          .join(""),
      );
      return 0;
    }
    let status = 0;
    for (const arg of argv) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (!NAME.test(name)) {
        status = complain(host, "export", `\`${arg}': not a valid identifier`, 1);
        continue;
      }
      marked.add(name);
      if (eq !== -1) host.session.vars.set(name, arg.slice(eq + 1));
    }
    return status;
  },
};

/**
 * `read [-r] [-p PROMPT] [NAME...]`: one line of standard input into
 * variables. `read PID …` (a number first) is the memory command.
 */
const readBuiltin: Builtin = {
  name: "read",
  summary: "read a line of input into variables; `read PID …` reads process memory",
  usage: [
    "read [-r] [-p PROMPT] [NAME...]",
    "read PID ADDR|MAPPING[+OFFSET] [LENGTH] [-v] [--words]",
  ],
  run(host, argv) {
    const first = argv[0];
    if (first !== undefined && /^[0-9]/.test(first)) return host.runCommand(["read", ...argv]);
    const parsed = builtinGetopt(argv, "rp", "p");
    if (!parsed.ok) {
      host.error(`cowsh: read: ${parsed.message}`);
      host.error("read: usage: read [-r] [-p prompt] [name ...]");
      return 2;
    }
    const raw = parsed.options.some((o) => o.letter === "r");
    const names = parsed.operands;
    const bad = names.find((n) => !NAME.test(n));
    if (bad !== undefined) return complain(host, "read", `\`${bad}': not a valid identifier`, 1);
    let got = host.readLine();
    let line = got?.line ?? "";
    while (!raw && got?.complete === true && line.endsWith("\\")) {
      got = host.readLine();
      line = line.slice(0, -1) + (got?.line ?? "");
    }
    if (!raw) line = line.replace(/\\(.)/g, "$1");
    assignFields(
      host,
      names.length === 0 ? ["REPLY"] : names,
      names.length === 0 ? line : line.replace(/^[ \t]+/, ""),
    );
    return got === undefined || !got.complete ? 1 : 0;
  },
};

/** Splits `line` over `names` as read does: one field each, the rest to the last. */
function assignFields(host: BuiltinHost, names: readonly string[], line: string): void {
  let rest = line;
  names.forEach((name, i) => {
    if (i === names.length - 1) {
      host.session.vars.set(
        name,
        names.length === 1 && name === "REPLY" ? rest : rest.replace(/[ \t]+$/, ""),
      );
      return;
    }
    const m = /^([^ \t]*)[ \t]*/.exec(rest)!;
    host.session.vars.set(name, m[1]!);
    rest = rest.slice(m[0].length);
  });
}

const KEYWORDS = new Set([
  "if",
  "then",
  "elif",
  "else",
  "fi",
  "for",
  "in",
  "do",
  "done",
  "while",
  "until",
  "case",
  "esac",
  "function",
  "{",
  "}",
  "!",
  "[[",
  "]]",
]);

/** What a name is to the shell, as `type` says it; undefined when nothing. */
function describe(host: BuiltinHost, name: string): { kind: string; text: string } | undefined {
  if (KEYWORDS.has(name)) return { kind: "keyword", text: `${name} is a shell keyword` };
  if (host.session.functions.has(name)) return { kind: "function", text: `${name} is a function` };
  if (BUILTINS.has(name) || host.commands.has(name))
    return { kind: "builtin", text: `${name} is a shell builtin` };
  return undefined;
}

const typeBuiltin: Builtin = {
  name: "type",
  summary: "say what each name is: keyword, function or builtin",
  usage: ["type [-t] NAME..."],
  run(host, argv) {
    const terse = argv[0] === "-t";
    let status = 0;
    for (const name of terse ? argv.slice(1) : argv) {
      const d = describe(host, name);
      if (d === undefined) {
        if (!terse) host.error(`cowsh: type: ${name}: not found`);
        status = 1;
      } else host.print(`${terse ? d.kind : d.text}\n`);
    }
    return status;
  },
};

const commandBuiltin: Builtin = {
  name: "command",
  summary: "run a command, not a function of that name; -v says whether a name exists",
  usage: ["command [-v] NAME [ARG...]"],
  run(host, argv) {
    if (argv[0] === "-v" || argv[0] === "-V") {
      let status = 0;
      for (const name of argv.slice(1)) {
        const d = describe(host, name);
        if (d === undefined) {
          if (argv[0] === "-V") host.error(`cowsh: command: ${name}: not found`);
          status = 1;
        } else host.print(`${argv[0] === "-v" ? name : d.text}\n`);
      }
      return status;
    }
    if (argv.length === 0) return 0;
    return host.runArgv(argv, true);
  },
};

/** `0m1.500s`, as bash's time prints a duration. */
function minutesSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}m${(seconds - m * 60).toFixed(3)}s`;
}

const time: Builtin = {
  name: "time",
  summary: "run a command, then print the simulated time it took (real) and the host's",
  usage: ["time COMMAND [ARG...]"],
  *run(host, argv) {
    const startNs = host.clockNs();
    const startHost = performance.now();
    const status = argv.length === 0 ? 0 : yield* host.runArgv(argv, false);
    const real = (host.clockNs() - startNs) / 1e9;
    const hostSeconds = (performance.now() - startHost) / 1000;
    host.error(
      `\nreal\t${minutesSeconds(real)}\nuser\t0m0.000s\nsys\t0m0.000s\nhost\t${minutesSeconds(hostSeconds)}`,
    );
    return status;
  },
};

/**
 * The physical form of the absolute, normalised `abs` (`cd -P`, `pwd -P`):
 * every symlink on the way replaced by what it points to, /proc/self by the
 * login shell's directory. A path that does not resolve is kept as it is.
 */
function physicalPath(m: Machine, abs: string): string {
  const parts = abs.split("/").filter((p) => p !== "");
  let dir = "/";
  for (let budget = 40; parts.length > 0; ) {
    const name = parts.shift()!;
    if (name === ".") continue;
    if (name === "..") {
      dir = absolute("..", dir);
      continue;
    }
    const next = absolute(name, dir);
    const procLink = dir === "/proc" ? procSelfTarget(m, name) : undefined;
    const node = next.startsWith("/proc/") ? undefined : m.vfs.lookup(next, true);
    const target =
      procLink ?? (node?.ok && node.value.type === "lnk" ? node.value.target : undefined);
    if (target !== undefined && --budget >= 0) {
      if (target.startsWith("/")) dir = "/";
      parts.unshift(...target.split("/").filter((p) => p !== ""));
      continue;
    }
    dir = next;
  }
  return dir;
}

/** `-L` / `-P` options of cd and pwd; undefined (after a complaint) for any other option. */
function linkOptions(
  host: BuiltinHost,
  name: string,
  argv: readonly string[],
): { physical: boolean; operands: readonly string[] } | undefined {
  const parsed = builtinGetopt(argv, name === "cd" ? "LPe@" : "LP");
  if (!parsed.ok) {
    host.error(`cowsh: ${name}: ${parsed.message}`);
    host.error(`${name}: usage: ${name === "cd" ? "cd [-L|[-P [-e]] [-@]] [dir]" : "pwd [-LP]"}`);
    return undefined;
  }
  const last = parsed.options.findLast((o) => o.letter === "L" || o.letter === "P");
  return { physical: last?.letter === "P", operands: parsed.operands };
}

const cd: Builtin = {
  name: "cd",
  summary:
    "change the shell's working directory (default $HOME; - goes back to $OLDPWD); relative paths are taken from it",
  usage: ["cd [-L|-P] [DIR]"],
  prints: "nothing (the new directory for cd -)",
  run(host, argv) {
    const parsed = linkOptions(host, "cd", argv);
    if (parsed === undefined) return 2;
    const { operands } = parsed;
    if (operands.length > 1) return complain(host, "cd", "too many arguments", 1);
    const vars = host.session.vars;
    let dir = operands[0];
    const back = dir === "-";
    if (dir === undefined || back) {
      const name = back ? "OLDPWD" : "HOME";
      dir = vars.get(name);
      if (dir === undefined) return complain(host, "cd", `${name} not set`, 1);
    }
    if (dir === "") return 0;
    const m = host.session.machine;
    const from = host.session.cwd ?? "/";
    let to = absolute(dir, from);
    const node = m === undefined ? undefined : resolve(m, to);
    if (node === undefined || !node.ok || node.value.kind !== "dir") {
      const errno = node === undefined ? "ENOSYS" : node.ok ? "ENOTDIR" : node.errno;
      return complain(host, "cd", `${dir}: ${hostStrerror(errno)}`, 1);
    }
    if (parsed.physical && m !== undefined) to = physicalPath(m, to);
    host.session.cwd = to;
    vars.set("OLDPWD", vars.get("PWD") ?? from);
    vars.set("PWD", to);
    if (back) host.print(`${to}\n`);
    return 0;
  },
};

const pwd: Builtin = {
  name: "pwd",
  summary: "print the shell's working directory (-P: with symlinks resolved)",
  usage: ["pwd [-LP]"],
  prints: "the working directory",
  run(host, argv) {
    const parsed = linkOptions(host, "pwd", argv);
    if (parsed === undefined) return 2;
    if (parsed.operands.length > 0) return complain(host, "pwd", "too many arguments", 1);
    const cwd = host.session.cwd ?? "/";
    const m = host.session.machine;
    host.print(`${parsed.physical && m !== undefined ? physicalPath(m, cwd) : cwd}\n`);
    return 0;
  },
};

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map(
  [
    loopControl("break"),
    loopControl("continue"),
    returnBuiltin,
    local,
    set,
    sourceBuiltin("source"),
    sourceBuiltin("."),
    evalBuiltin,
    shift,
    unset,
    exportBuiltin,
    readBuiltin,
    typeBuiltin,
    commandBuiltin,
    time,
    cd,
    pwd,
  ].map((b) => [b.name, b]),
);

/** The known name closest to a mistyped one (at most two edits, or one swap), for `did you mean`. */
export function suggestName(typed: string, names: readonly string[]): string | undefined {
  if (typed.length > 32 || !/^[A-Za-z_]/.test(typed)) return undefined;
  let best: string | undefined;
  let bestDistance = typed.length <= 3 ? 1 : 2;
  for (const name of names) {
    if (name.startsWith("_") && !typed.startsWith("_")) continue;
    if (Math.abs(name.length - typed.length) > 2) continue;
    const d = distance(typed, name);
    if (d < bestDistance || (d === bestDistance && best === undefined)) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** Damerau–Levenshtein distance (optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array(b.length).fill(0),
  ]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
