/**
 * Tab completion for the shell: command names first on a line, then, by
 * position, options (from the command's usage), PIDs, mapping names of the
 * process named before them, paths (the simulated tree and /proc), and
 * variables after "$". Pure: reads the machine, changes nothing.
 */
import { COMMANDS } from "../../commands/index.js";
import { mappingNames } from "../../commands/lib/args/operands.js";
import { resolve } from "../../fs/vfs.js";
import type { Machine } from "../kernel/machine.js";
import type { ShellSession } from "./runtime.js";

export interface Completion {
  /** Where the word being completed starts. */
  readonly from: number;
  /** Whole words that may replace line[from, cursor), sorted; directories end in "/". */
  readonly candidates: readonly string[];
}

/**
 * What a command's operands are, read from its usage lines so that completion
 * follows the commands: `NAME PID …` takes a PID first, `NAME … PID...` PIDs
 * throughout, and `NAME PID ADDR|MAPPING…` (or `[ADDR|MAPPING…`) a place in
 * that process second.
 */
function operandKinds(name: string): { pidFirst: boolean; pids: boolean; target: boolean } {
  const usage = COMMANDS.get(name)?.usage ?? [];
  const first = (re: RegExp) => usage.some((u) => u.startsWith(`${name} `) && re.test(u));
  return {
    pidFirst: first(/^\S+ PID\b/),
    pids: first(/ PID\.\.\./),
    target: first(/^\S+ PID \[?ADDR\|MAPPING/),
  };
}

/** Whether the usage says `OPTION ADDR|MAPPING` (mremap --fixed): its value is a place in the process. */
const takesTarget = (name: string, option: string): boolean =>
  option.startsWith("-") &&
  (COMMANDS.get(name)?.usage ?? []).some((u) => u.includes(`${option} ADDR|MAPPING`));

/** The words of the current simple command up to the cursor, and the partial word being typed. */
function currentCommand(before: string): { words: string[]; partial: string; from: number } {
  const ends = [";", "|", "&", "$(", "\n"].map((sep) => {
    const at = before.lastIndexOf(sep);
    return at < 0 ? 0 : at + sep.length;
  });
  const start = Math.max(0, ...ends);
  const segment = before.slice(start);
  const m = /(\S*)$/.exec(segment)!;
  const partial = m[1]!;
  const words = segment
    .slice(0, segment.length - partial.length)
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  return { words, partial, from: before.length - partial.length };
}

export function complete(session: ShellSession, line: string, cursor: number): Completion {
  const { words, partial, from } = currentCommand(line.slice(0, cursor));
  const pick = (all: Iterable<string>) => ({
    from,
    candidates: [...new Set(all)].filter((c) => c.startsWith(partial)).sort(),
  });
  if (partial.startsWith("$"))
    return pick([...session.vars.keys()].filter((k) => /^[A-Za-z_]/.test(k)).map((k) => `$${k}`));
  const name = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  if (name === undefined) return pick(COMMANDS.keys());
  if (partial.startsWith("-")) return pick(optionsOf(name));
  // swapoff takes the areas in use (as bash-completion's swapoff reads /proc/swaps).
  if (name === "swapoff") return pick(session.machine.swapPaths());
  if (partial.startsWith("/")) return pick(paths(session.machine, partial, session.cwd));
  const operands = words.slice(words.indexOf(name) + 1).filter((w) => !w.startsWith("-"));
  const kinds = operandKinds(name);
  if (kinds.pidFirst && operands.length > 0 && takesTarget(name, words.at(-1)!))
    return pick(mappingNamesOf(session.machine, expandPid(session, operands[0]!)));
  if (kinds.pids || (kinds.pidFirst && operands.length === 0))
    return pick(livePids(session.machine));
  if (kinds.target && operands.length === 1)
    return pick(mappingNamesOf(session.machine, expandPid(session, operands[0]!)));
  return pick(paths(session.machine, partial, session.cwd));
}

/** The options a command's usage lines mention (`-v`, `--shared`…). */
function optionsOf(name: string): string[] {
  const usage = COMMANDS.get(name)?.usage.join(" ") ?? "";
  return [...usage.matchAll(/(?<![\w-])(--?[a-z][a-z-]*)/g)].map((m) => m[1]!);
}

function livePids(m: Machine): string[] {
  return [...m.tasks.values()].filter((t) => t.mm !== null).map((t) => String(t.pid));
}

/** A PID operand as typed: a number or a variable holding one. */
function expandPid(session: ShellSession, word: string): number {
  const value = word.startsWith("$")
    ? (session.vars.get(word.slice(1).replace(/[{}]/g, "")) ?? "")
    : word;
  return Number(value);
}

/** The mapping names the commands accept for a target in process `pid` (targetArg's). */
function mappingNamesOf(m: Machine, pid: number): string[] {
  const mm = m.tasks.get(pid)?.mm;
  return mm == null ? [] : mappingNames(mm);
}

/**
 * Paths completing `partial`: the entries of its directory, directories with
 * a trailing "/". A relative `partial` is taken from the working directory
 * `cwd` and completed as typed, relative.
 */
function paths(m: Machine, partial: string, cwd: string): string[] {
  const slash = partial.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : partial.slice(0, slash);
  const node = resolve(m, dir, cwd);
  if (!node.ok || node.value.kind !== "dir") return [];
  const prefix = slash < 0 ? "" : partial.slice(0, slash + 1);
  return node.value.entries().map((entry) => {
    const full = `${prefix}${entry}`;
    const child = resolve(m, full, cwd);
    return child.ok && child.value.kind === "dir" ? `${full}/` : full;
  });
}
