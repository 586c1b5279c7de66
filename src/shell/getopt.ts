/**
 * Command-line option parsing as GNU `getopt_long` does it, for every command.
 *
 * - Short options, clustered (`-vn3`), with the argument attached (`-n3`) or
 *   next (`-n 3`); optional arguments only attached.
 * - Long options with `--name=value` or `--name value`, abbreviated to any
 *   unambiguous prefix (`--line=3` for `--lines`).
 * - `--` ends the options; `-` alone is an operand.
 * - GNU permutation: options may follow operands, unless `permute` is false
 *   (then the first operand ends the options, as POSIX wants).
 * - With `negativeNumbers`, an argument like `-5` or `-0x10` is an operand.
 *
 * Errors are values carrying glibc's exact messages, prefixed by the command
 * name and followed by the usage footer (see `usageError`).
 */

export interface OptionSpec {
  /** What the caller gets back for this option (several spellings may share a key). */
  readonly key: string;
  /** One character, e.g. "n" for `-n`. */
  readonly short?: string;
  /** Without the dashes, e.g. "lines" for `--lines`. */
  readonly long?: string;
  /** Whether it takes an argument. Default "none". */
  readonly arg?: "none" | "required" | "optional";
}

export interface GetoptSpec {
  /** The command name that prefixes messages. */
  readonly name: string;
  readonly options: readonly OptionSpec[];
  /** GNU permutation (default true). */
  readonly permute?: boolean;
  /** Arguments that look like negative numbers are operands (default false). */
  readonly negativeNumbers?: boolean;
  /** Lines printed between a usage error and the "Try" line (grep prints its `Usage:` line). */
  readonly usageLines?: readonly string[];
  /** Whether the "Try" line carries the `NAME: ` prefix too (diff's does). */
  readonly prefixTry?: boolean;
}

export interface ParsedOption {
  readonly key: string;
  /** The argument, or undefined for options without one. */
  readonly value: string | undefined;
  /** The option as it was spelled: "-n" or "--lines" (the full long name). */
  readonly spelled: string;
}

export type GetoptResult =
  | {
      readonly ok: true;
      /** Options in the order given: later ones override earlier ones where that matters. */
      readonly options: readonly ParsedOption[];
      readonly operands: readonly string[];
    }
  /** `message` is the whole text for stderr (several lines, each ending in "\n"). */
  | { readonly ok: false; readonly message: string };

/**
 * The stderr text of a usage error: `NAME: MESSAGE` (when given), the spec's
 * usage lines, and `Try 'NAME --help' for more information.`
 */
export function usageError(spec: GetoptSpec, message?: string): string {
  const lines: string[] = [];
  if (message !== undefined) lines.push(`${spec.name}: ${message}`);
  lines.push(...(spec.usageLines ?? []));
  const tryLine = `Try '${spec.name} --help' for more information.`;
  lines.push(spec.prefixTry ? `${spec.name}: ${tryLine}` : tryLine);
  return `${lines.join("\n")}\n`;
}

type Step =
  | { readonly ok: true; readonly next: number }
  | { readonly ok: false; readonly message: string };

/** Parses `argv` (the arguments after the command name) against `spec`. */
export function getopt(spec: GetoptSpec, argv: readonly string[]): GetoptResult {
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg === "--") {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!isOptionLike(spec, arg)) {
      operands.push(arg);
      i++;
      if (spec.permute === false) {
        operands.push(...argv.slice(i));
        break;
      }
      continue;
    }
    const step = arg.startsWith("--")
      ? parseLong(spec, argv, i, options)
      : parseShortCluster(spec, argv, i, options);
    if (!step.ok) return { ok: false, message: usageError(spec, step.message) };
    i = step.next;
  }
  return { ok: true, options, operands };
}

function isOptionLike(spec: GetoptSpec, arg: string): boolean {
  if (arg.length < 2 || arg[0] !== "-") return false;
  return !(spec.negativeNumbers && /^-[0-9]/.test(arg));
}

/** Parses `argv[i]`, a `--long[=value]` option, appending to `out`. */
function parseLong(
  spec: GetoptSpec,
  argv: readonly string[],
  i: number,
  out: ParsedOption[],
): Step {
  const body = argv[i]!.slice(2);
  const eq = body.indexOf("=");
  const typed = eq === -1 ? body : body.slice(0, eq);
  const found = findLong(spec, typed);
  if (found === "none") return { ok: false, message: `unrecognized option '--${body}'` };
  if (Array.isArray(found)) {
    const names = found.map((o) => `'--${o.long}'`).join(" ");
    return { ok: false, message: `option '--${typed}' is ambiguous; possibilities: ${names}` };
  }
  const opt = found as OptionSpec;
  const spelled = `--${opt.long}`;
  const kind = opt.arg ?? "none";
  if (eq !== -1) {
    if (kind === "none")
      return { ok: false, message: `option '${spelled}' doesn't allow an argument` };
    out.push({ key: opt.key, value: body.slice(eq + 1), spelled });
    return { ok: true, next: i + 1 };
  }
  if (kind === "required") {
    const value = argv[i + 1];
    if (value === undefined)
      return { ok: false, message: `option '${spelled}' requires an argument` };
    out.push({ key: opt.key, value, spelled });
    return { ok: true, next: i + 2 };
  }
  out.push({ key: opt.key, value: undefined, spelled });
  return { ok: true, next: i + 1 };
}

/**
 * The long option `typed` names: an exact match, else the only option it is a
 * prefix of (several spellings of one option count as one), else "none" or
 * the ambiguous candidates, in table order.
 */
function findLong(spec: GetoptSpec, typed: string): OptionSpec | OptionSpec[] | "none" {
  const longs = spec.options.filter((o) => o.long !== undefined);
  const exact = longs.find((o) => o.long === typed);
  if (exact) return exact;
  const candidates = typed === "" ? [] : longs.filter((o) => o.long!.startsWith(typed));
  const first = candidates[0];
  if (first === undefined) return "none";
  const same = candidates.every(
    (o) => o.key === first.key && (o.arg ?? "none") === (first.arg ?? "none"),
  );
  return same ? first : candidates;
}

/** Parses `argv[i]`, a cluster of short options such as `-vn3`, appending to `out`. */
function parseShortCluster(
  spec: GetoptSpec,
  argv: readonly string[],
  i: number,
  out: ParsedOption[],
): Step {
  const arg = argv[i]!;
  for (let j = 1; j < arg.length; j++) {
    const c = arg[j]!;
    const opt = spec.options.find((o) => o.short === c);
    if (opt === undefined) return { ok: false, message: `invalid option -- '${c}'` };
    const kind = opt.arg ?? "none";
    const spelled = `-${c}`;
    const rest = arg.slice(j + 1);
    if (kind === "none") {
      out.push({ key: opt.key, value: undefined, spelled });
      continue;
    }
    if (rest !== "" || kind === "optional") {
      out.push({ key: opt.key, value: rest === "" ? undefined : rest, spelled });
      return { ok: true, next: i + 1 };
    }
    const value = argv[i + 1];
    if (value === undefined) return { ok: false, message: `option requires an argument -- '${c}'` };
    out.push({ key: opt.key, value, spelled });
    return { ok: true, next: i + 2 };
  }
  return { ok: true, next: i + 1 };
}

/** The last value given for `key`, or undefined. */
export function lastValue(options: readonly ParsedOption[], key: string): string | undefined {
  let value: string | undefined;
  for (const o of options) if (o.key === key) value = o.value;
  return value;
}

/** Whether `key` was given at all. */
export const hasOption = (options: readonly ParsedOption[], key: string): boolean =>
  options.some((o) => o.key === key);

/** One option a bash builtin read: its letter, and its argument if it takes one. */
export interface BuiltinOption {
  readonly letter: string;
  readonly value?: string;
}

export type BuiltinGetoptResult =
  | { readonly ok: true; readonly options: BuiltinOption[]; readonly operands: readonly string[] }
  | { readonly ok: false; readonly message: string };

/**
 * Options as bash's builtins read them (internal_getopt, not GNU's): words
 * starting with `-` (but `-` alone) up to `--` or the first operand, no
 * permutation; letters cluster (`-LP`); a letter of `withArg` takes the rest
 * of its word or else the next word (`-vX`, `-v X`). An unknown letter or a
 * missing argument is a message in bash's words (`-x: invalid option`,
 * `-v: option requires an argument`), which the builtin prints after
 * `cowsh: NAME: `, followed by its usage line, with status 2.
 */
export function builtinGetopt(
  argv: readonly string[],
  letters: string,
  withArg = "",
): BuiltinGetoptResult {
  const options: BuiltinOption[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      i++;
      break;
    }
    if (!word.startsWith("-") || word === "-") break;
    for (let j = 1; j < word.length; j++) {
      const c = word[j]!;
      if (!letters.includes(c)) return { ok: false, message: `-${c}: invalid option` };
      if (!withArg.includes(c)) {
        options.push({ letter: c });
        continue;
      }
      const value = j + 1 < word.length ? word.slice(j + 1) : argv[++i];
      if (value === undefined) return { ok: false, message: `-${c}: option requires an argument` };
      options.push({ letter: c, value });
      break;
    }
  }
  return { ok: true, options, operands: argv.slice(i) };
}
