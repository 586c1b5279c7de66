/**
 * diff: compare two files line by line, as GNU diffutils diff does, in the
 * normal format (default) or unified format (-u, -U NUM), or just say whether
 * they differ (-q). `-` names standard input. Exit 0 when the files are the
 * same, 1 when they differ, 2 on trouble. Timestamps in -u headers are the
 * files' simulated mtimes, printed in UTC.
 */
import { type GetoptSpec, getopt, hasOption, usageError } from "../src/shell/getopt.js";
import { type Change, diffLines } from "../src/shell/line-diff.js";
import { createSink, readInput, strerror, textLines } from "../src/shell/tool-io.js";
import { type Command, err, fail, ok, out } from "../src/shell/types.js";

const SPEC: GetoptSpec = {
  name: "diff",
  prefixTry: true,
  options: [
    { key: "normal", long: "normal" },
    { key: "q", short: "q", long: "brief" },
    { key: "u", short: "u" },
    { key: "U", short: "U", arg: "required" },
    { key: "U", long: "unified", arg: "optional" },
    { key: "help", long: "help" },
  ],
};

const HELP = `Usage: diff [OPTION]... FILES
Compare FILES line by line.

Mandatory arguments to long options are mandatory for short options too.
      --normal                  output a normal diff (the default)
  -q, --brief                   report only when files differ
  -u, -U NUM, --unified[=NUM]   output NUM (default 3) lines of unified context
      --help                    display this help and exit

FILES are 'FILE1 FILE2'.
If a FILE is '-', read standard input.
Exit status is 0 if inputs are the same, 1 if different, 2 if trouble.
`;

/** One side of the comparison. */
interface Side {
  readonly name: string;
  readonly lines: readonly string[];
  /** Whether the text lacked a final newline (then the last line gets GNU's marker). */
  readonly missingNewline: boolean;
  readonly mtimeMs: number;
}

type Format =
  | { readonly kind: "normal" }
  | { readonly kind: "brief" }
  | { readonly kind: "unified"; readonly context: number };

export const diff: Command = {
  name: "diff",
  summary: "compare files line by line",
  prints: "the differences (normal format, or -u unified); nothing when the files are the same",
  usage: ["diff [OPTION]... FILE1 FILE2"],
  ownHelp: true,
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return fail(2, err(parsed.message));
    if (hasOption(parsed.options, "help")) return ok(out(HELP));
    const format = chooseFormat(parsed.options);
    if (typeof format === "string") return fail(2, err(usageError(SPEC, format)));
    const [file0, file1, extra] = parsed.operands;
    if (file1 === undefined) {
      return fail(2, err(usageError(SPEC, `missing operand after '${file0 ?? "diff"}'`)));
    }
    if (extra !== undefined) return fail(2, err(usageError(SPEC, `extra operand '${extra}'`)));
    const sides: Side[] = [];
    for (const file of [file0!, file1]) {
      const input = readInput(ctx, file);
      if (!input.ok) return fail(2, err(`diff: ${file}: ${strerror(input.errno)}`));
      const missingNewline = input.text !== "" && !input.text.endsWith("\n");
      sides.push({
        name: file,
        lines: textLines(input.text),
        missingNewline,
        mtimeMs: input.mtimeMs,
      });
    }
    return compare(sides[0]!, sides[1]!, format);
  },
};

/** The output format the options ask for (the last one wins), or an error message. */
function chooseFormat(
  options: readonly { key: string; value: string | undefined }[],
): Format | string {
  let format: Format = { kind: "normal" };
  for (const o of options) {
    if (o.key === "q") format = { kind: "brief" };
    else if (o.key === "normal") format = { kind: "normal" };
    else if (o.key === "u") format = { kind: "unified", context: 3 };
    else if (o.key === "U") {
      if (o.value === undefined) format = { kind: "unified", context: 3 };
      else if (!/^[0-9]+$/.test(o.value)) return `invalid context length '${o.value}'`;
      else format = { kind: "unified", context: Number(o.value) };
    }
  }
  return format;
}

/** Compares two sides and renders the result in `format`. */
function compare(a: Side, b: Side, format: Format) {
  const horizon = format.kind === "unified" ? format.context : 0;
  const changes = diffLines(lastLineMarked(a), lastLineMarked(b), horizon);
  const sink = createSink();
  if (changes.length === 0) return sink.result(0);
  if (format.kind === "brief") sink.out(`Files ${a.name} and ${b.name} differ\n`);
  else if (format.kind === "normal") sink.out(normalFormat(changes, a, b));
  else sink.out(unifiedFormat(changes, a, b, format.context));
  return sink.result(1);
}

/** A last line without newline differs from the same text with one: compare it with a marker. */
function lastLineMarked(s: Side): string[] {
  const lines = [...s.lines];
  // Lines never contain "\n", so this marker cannot collide with a real line.
  if (s.missingNewline) lines[lines.length - 1] += "\n";
  return lines;
}

/** Prints line `i` of `side` with `prefix`, plus GNU's marker if it is a last line without newline. */
function printLine(side: Side, i: number, prefix: string): string {
  const marker =
    side.missingNewline && i === side.lines.length - 1 ? "\\ No newline at end of file\n" : "";
  return `${prefix}${side.lines[i]}\n${marker}`;
}

/** print_number_range(): "a,b" for several lines, "b" for one (or the line before, for none). */
function range(first: number, count: number): string {
  const a = first + 1;
  const b = first + count;
  return a < b ? `${a},${b}` : `${b}`;
}

/** The normal format: `2,3c2`, `< old`, `---`, `> new` for each change. */
function normalFormat(changes: readonly Change[], a: Side, b: Side): string {
  const parts: string[] = [];
  for (const c of changes) {
    const op = c.deleted > 0 && c.inserted > 0 ? "c" : c.deleted > 0 ? "d" : "a";
    parts.push(`${range(c.line0, c.deleted)}${op}${range(c.line1, c.inserted)}\n`);
    for (let i = 0; i < c.deleted; i++) parts.push(printLine(a, c.line0 + i, "< "));
    if (c.deleted > 0 && c.inserted > 0) parts.push("---\n");
    for (let i = 0; i < c.inserted; i++) parts.push(printLine(b, c.line1 + i, "> "));
  }
  return parts.join("");
}

/** The unified format: headers, then hunks of changes closer than 2×context+1 lines. */
function unifiedFormat(changes: readonly Change[], a: Side, b: Side, context: number): string {
  const parts = [
    `--- ${a.name}\t${timestamp(a.mtimeMs)}\n`,
    `+++ ${b.name}\t${timestamp(b.mtimeMs)}\n`,
  ];
  for (let start = 0; start < changes.length; ) {
    let end = start;
    while (
      end + 1 < changes.length &&
      changes[end + 1]!.line0 - (changes[end]!.line0 + changes[end]!.deleted) < 2 * context + 1
    ) {
      end++;
    }
    parts.push(unifiedHunk(changes.slice(start, end + 1), a, b, context));
    start = end + 1;
  }
  return parts.join("");
}

function unifiedHunk(hunk: readonly Change[], a: Side, b: Side, context: number): string {
  const first = hunk[0]!;
  const last = hunk[hunk.length - 1]!;
  const first0 = Math.max(0, first.line0 - context);
  const first1 = Math.max(0, first.line1 - context);
  const last0 = Math.min(a.lines.length - 1, last.line0 + last.deleted - 1 + context);
  const last1 = Math.min(b.lines.length - 1, last.line1 + last.inserted - 1 + context);
  const parts = [`@@ -${unifiedRange(first0, last0)} +${unifiedRange(first1, last1)} @@\n`];
  let i = first0;
  let j = first1;
  for (const c of hunk) {
    for (; i < c.line0; i++, j++) parts.push(printLine(a, i, " "));
    for (let k = 0; k < c.deleted; k++) parts.push(printLine(a, i++, "-"));
    for (let k = 0; k < c.inserted; k++) parts.push(printLine(b, j++, "+"));
  }
  for (; i <= last0; i++) parts.push(printLine(a, i, " "));
  return parts.join("");
}

/** print_unidiff_number_range(): "l,n", just "l" for one line, "l,0" (line before) for none. */
function unifiedRange(first: number, last: number): string {
  const a = first + 1;
  const b = last + 1;
  if (b <= a) return b < a ? `${b},0` : `${b}`;
  return `${a},${b - a + 1}`;
}

/** "%Y-%m-%d %H:%M:%S.%N %z" in UTC, as diff prints a file's mtime. */
function timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  const date = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  const time = `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  const nanos = p(d.getUTCMilliseconds(), 3).padEnd(9, "0");
  return `${date} ${time}.${nanos} +0000`;
}
