/**
 * grep: print lines that match patterns, as GNU grep 3.8 does for the options
 * it supports. Exit 0 when a line was selected, 1 when none, 2 on error
 * (unless -q and a line was selected).
 */
import {
  type GetoptSpec,
  getopt,
  hasOption,
  type ParsedOption,
  usageError,
} from "../src/shell/getopt.js";
import { escapeFixed, translate } from "../src/shell/posix-regex.js";
import { createSink, readInput, type Sink, strerror, textLines } from "../src/shell/tool-io.js";
import {
  type Command,
  type CommandContext,
  type CommandResult,
  err,
  fail,
  ok,
  out,
} from "../src/shell/types.js";

const SPEC: GetoptSpec = {
  name: "grep",
  usageLines: ["Usage: grep [OPTION]... PATTERNS [FILE]..."],
  options: [
    { key: "E", short: "E", long: "extended-regexp" },
    { key: "F", short: "F", long: "fixed-strings" },
    { key: "G", short: "G", long: "basic-regexp" },
    { key: "e", short: "e", long: "regexp", arg: "required" },
    { key: "i", short: "i", long: "ignore-case" },
    { key: "i", short: "y" },
    { key: "no-i", long: "no-ignore-case" },
    { key: "w", short: "w", long: "word-regexp" },
    { key: "x", short: "x", long: "line-regexp" },
    { key: "s", short: "s", long: "no-messages" },
    { key: "v", short: "v", long: "invert-match" },
    { key: "help", long: "help" },
    { key: "m", short: "m", long: "max-count", arg: "required" },
    { key: "n", short: "n", long: "line-number" },
    { key: "H", short: "H", long: "with-filename" },
    { key: "h", short: "h", long: "no-filename" },
    { key: "o", short: "o", long: "only-matching" },
    { key: "q", short: "q", long: "quiet" },
    { key: "q", long: "silent" },
    { key: "l", short: "l", long: "files-with-matches" },
    { key: "c", short: "c", long: "count" },
    { key: "B", short: "B", long: "before-context", arg: "required" },
    { key: "A", short: "A", long: "after-context", arg: "required" },
    { key: "C", short: "C", long: "context", arg: "required" },
    { key: "color", long: "color", arg: "optional" },
    { key: "color", long: "colour", arg: "optional" },
  ],
};

const HELP = `Usage: grep [OPTION]... PATTERNS [FILE]...
Search for PATTERNS in each FILE.
Example: grep -i 'hello world' menu.h main.c
PATTERNS can contain multiple patterns separated by newlines.

Pattern selection and interpretation:
  -E, --extended-regexp     PATTERNS are extended regular expressions
  -F, --fixed-strings       PATTERNS are strings
  -G, --basic-regexp        PATTERNS are basic regular expressions
  -e, --regexp=PATTERNS     use PATTERNS for matching
  -i, --ignore-case         ignore case distinctions in patterns and data
      --no-ignore-case      do not ignore case distinctions (default)
  -w, --word-regexp         match only whole words
  -x, --line-regexp         match only whole lines

Miscellaneous:
  -s, --no-messages         suppress error messages
  -v, --invert-match        select non-matching lines
      --help                display this help text and exit

Output control:
  -m, --max-count=NUM       stop after NUM selected lines
  -n, --line-number         print line number with output lines
  -H, --with-filename       print file name with output lines
  -h, --no-filename         suppress the file name prefix on output
  -o, --only-matching       show only nonempty parts of lines that match
  -q, --quiet, --silent     suppress all normal output
  -l, --files-with-matches  print only names of FILEs with selected lines
  -c, --count               print only a count of selected lines per FILE

Context control:
  -B, --before-context=NUM  print NUM lines of leading context
  -A, --after-context=NUM   print NUM lines of trailing context
  -C, --context=NUM         print NUM lines of output context

When FILE is '-', read standard input.  With no FILE, read '-'.
With fewer than two FILEs, assume -h.
Exit status is 0 if any line is selected, 1 otherwise;
if any error occurs and -q is not given, the exit status is 2.
`;

interface GrepOptions {
  readonly mode: "G" | "E" | "F";
  readonly ignoreCase: boolean;
  readonly word: boolean;
  readonly wholeLine: boolean;
  readonly invert: boolean;
  readonly count: boolean;
  readonly lineNumber: boolean;
  readonly only: boolean;
  readonly quiet: boolean;
  readonly list: boolean;
  readonly noMessages: boolean;
  readonly maxCount: number;
  readonly before: number;
  readonly after: number;
  /** From -H/-h, or undefined for the default (names when there are several files). */
  readonly withFilename: boolean | undefined;
}

/** Finds matches in one line. */
interface Matcher {
  test(line: string): boolean;
  /** Non-empty matches, left to right, not overlapping (for -o). */
  matches(line: string): string[];
}

export const grep: Command = {
  name: "grep",
  summary: "print lines that match patterns",
  prints: "the matching lines (the count with -c, file names with -l)",
  usage: ["grep [OPTION]... PATTERNS [FILE]..."],
  ownHelp: true,
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return fail(2, err(parsed.message));
    if (hasOption(parsed.options, "help")) return ok(out(HELP));
    const opts = grepOptions(parsed.options);
    if (typeof opts === "string") return fail(2, err(`grep: ${opts}`));
    const operands = [...parsed.operands];
    const given = parsed.options.filter((o) => o.key === "e").map((o) => o.value!);
    const patterns = given.length > 0 ? given : operands.splice(0, 1);
    if (patterns.length === 0) return fail(2, err(usageError(SPEC)));
    // As grep.c: nothing can be selected, so exit at once, printing nothing (not even -c's count).
    const nothing = opts.invert && !opts.wholeLine && !opts.word && patterns.join("\n") === "";
    if (opts.maxCount === 0 || nothing) return fail(1);
    const matcher = compile(patterns.join("\n").split("\n"), opts);
    if (!matcher.ok) return fail(2, err(`grep: ${matcher.message}`));
    return search(
      ctx,
      operands.length > 0 ? operands : ["-"],
      opts,
      matcher.value,
      matcher.warnings,
    );
  },
};

/** Reads the options into GrepOptions, or returns the error message (without "grep: "). */
function grepOptions(options: readonly ParsedOption[]): GrepOptions | string {
  let mode: GrepOptions["mode"] = "G";
  let ignoreCase = false;
  let withFilename: boolean | undefined;
  let maxCount = Number.POSITIVE_INFINITY;
  let before = 0;
  let after = 0;
  for (const o of options) {
    if (o.key === "E" || o.key === "F" || o.key === "G") mode = o.key;
    else if (o.key === "i" || o.key === "no-i") ignoreCase = o.key === "i";
    else if (o.key === "H" || o.key === "h") withFilename = o.key === "H";
    else if (o.key === "m") {
      const n = parseInteger(o.value!);
      if (n === undefined) return "invalid max count";
      maxCount = n < 0 ? Number.POSITIVE_INFINITY : n;
    } else if (o.key === "A" || o.key === "B" || o.key === "C") {
      const n = parseInteger(o.value!);
      if (n === undefined || n < 0) return `${o.value}: invalid context length argument`;
      if (o.key !== "B") after = n;
      if (o.key !== "A") before = n;
    }
  }
  const has = (key: string): boolean => hasOption(options, key);
  return {
    mode,
    ignoreCase,
    word: has("w"),
    wholeLine: has("x"),
    invert: has("v"),
    count: has("c"),
    lineNumber: has("n"),
    only: has("o"),
    quiet: has("q"),
    list: has("l"),
    noMessages: has("s"),
    maxCount,
    before,
    after,
    withFilename,
  };
}

const parseInteger = (s: string): number | undefined =>
  /^\s*[-+]?[0-9]+$/.test(s)
    ? Math.max(-1, Math.min(Number(s), Number.MAX_SAFE_INTEGER))
    : undefined;

type Compiled =
  | { readonly ok: true; readonly value: Matcher; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string };

/** Compiles the patterns (one per line) into a matcher, or GNU's error message. */
function compile(patterns: readonly string[], opts: GrepOptions): Compiled {
  const regexes: RegExp[] = [];
  const warnings: string[] = [];
  for (const pat of patterns) {
    let source: string;
    if (opts.mode === "F") source = escapeFixed(pat);
    else {
      const t = translate(pat, opts.mode === "E");
      if (!t.ok) return t;
      source = t.source;
      warnings.push(...t.warnings);
    }
    if (opts.wholeLine) source = `^(?:${source})$`;
    else if (opts.word) source = `(?<![\\p{L}\\p{N}_])(?:${source})(?![\\p{L}\\p{N}_])`;
    const re = makeRegExp(source, opts.ignoreCase ? "giu" : "gu");
    if (re === undefined) return { ok: false, message: "Invalid regular expression" };
    regexes.push(re);
  }
  return { ok: true, value: matcherOf(regexes), warnings };
}

/** A RegExp, or undefined when the engine rejects the source (a translation this module did not foresee). */
function makeRegExp(source: string, flags: string): RegExp | undefined {
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

function matcherOf(regexes: readonly RegExp[]): Matcher {
  return {
    test(line) {
      return regexes.some((re) => {
        re.lastIndex = 0;
        return re.test(line);
      });
    },
    matches(line) {
      const found: string[] = [];
      let at = 0;
      while (at <= line.length) {
        const m = earliestMatch(regexes, line, at);
        if (m === undefined) break;
        if (m.text !== "") found.push(m.text);
        at = m.text === "" ? m.index + 1 : m.index + m.text.length;
      }
      return found;
    },
  };
}

/** The leftmost match at or after `from` over all regexes (the longest among equals). */
function earliestMatch(
  regexes: readonly RegExp[],
  line: string,
  from: number,
): { index: number; text: string } | undefined {
  let best: { index: number; text: string } | undefined;
  for (const re of regexes) {
    re.lastIndex = from;
    const m = re.exec(line);
    if (m === null) continue;
    const better =
      best === undefined ||
      m.index < best.index ||
      (m.index === best.index && m[0].length > best.text.length);
    if (better) best = { index: m.index, text: m[0] };
  }
  return best;
}

/** Searches every file, writing as grep does; the status is 0, 1 or 2. */
function search(
  ctx: CommandContext,
  files: readonly string[],
  opts: GrepOptions,
  matcher: Matcher,
  warnings: readonly string[],
): CommandResult {
  const sink = createSink();
  for (const w of warnings) sink.err(`grep: warning: ${w}`);
  const withFilename = opts.withFilename ?? files.length > 1;
  let matched = false;
  let error = false;
  for (const file of files) {
    const input = readInput(ctx, file);
    if (!input.ok) {
      error = true;
      if (!opts.noMessages) sink.err(`grep: ${file}: ${strerror(input.errno)}`);
      continue;
    }
    const name = file === "-" ? "(standard input)" : file;
    const count = searchText(input.text, name, withFilename, opts, matcher, sink);
    if (count > 0) {
      matched = true;
      if (opts.quiet) return sink.result(0);
    }
  }
  return sink.result(error && !(opts.quiet && matched) ? 2 : matched ? 0 : 1);
}

/** Searches one input, writing its output to `sink`. Returns the number of selected lines. */
function searchText(
  text: string,
  name: string,
  withFilename: boolean,
  opts: GrepOptions,
  matcher: Matcher,
  sink: Sink,
): number {
  const lines = textLines(text);
  const binary = text.includes("\0");
  const prefix = (n: number, sep: string): string =>
    (withFilename ? name + sep : "") + (opts.lineNumber ? n + sep : "");
  const printing = !(opts.quiet || opts.list || opts.count);
  const context = opts.before > 0 || opts.after > 0;
  let count = 0;
  let lastShown = 0;
  let afterLeft = 0;
  const showContext = (n: number): void => {
    if (!opts.only) sink.out(`${prefix(n, "-")}${lines[n - 1]}\n`);
    lastShown = n;
  };
  for (let n = 1; n <= lines.length; n++) {
    const line = lines[n - 1]!;
    if (count >= opts.maxCount) {
      if (afterLeft === 0 || !printing) break;
      showContext(n);
      afterLeft--;
      continue;
    }
    if (matcher.test(line) === opts.invert) {
      if (afterLeft > 0 && printing) {
        showContext(n);
        afterLeft--;
      }
      continue;
    }
    count++;
    if (opts.quiet || opts.list) break;
    if (!printing) continue;
    if (binary) {
      sink.err(`grep: ${name}: binary file matches`);
      break;
    }
    const first = Math.max(lastShown + 1, n - opts.before);
    if (context && lastShown > 0 && first > lastShown + 1) sink.out("--\n");
    for (let k = first; k < n; k++) showContext(k);
    if (opts.only) {
      for (const m of matcher.matches(line)) sink.out(`${prefix(n, ":")}${m}\n`);
    } else sink.out(`${prefix(n, ":")}${line}\n`);
    lastShown = n;
    afterLeft = opts.after;
  }
  if (opts.count) sink.out(`${withFilename ? `${name}:` : ""}${count}\n`);
  if (opts.list && count > 0) sink.out(`${name}\n`);
  return count;
}
