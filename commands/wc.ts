/**
 * wc: print newline, word, character and byte counts, as GNU coreutils wc
 * does, with its column widths: wide enough for the total size of the regular
 * files named, at least 7 when an input is not a regular file (a pipe), and 1
 * when a single count of a single input is printed.
 */
import { type GetoptSpec, getopt, hasOption } from "../src/shell/getopt.js";
import {
  codePointLength,
  createSink,
  type Input,
  quoteIfNeeded,
  readInput,
  strerror,
  utf8Length,
} from "../src/shell/tool-io.js";
import { type Command, err, fail, ok, out } from "../src/shell/types.js";

const SPEC: GetoptSpec = {
  name: "wc",
  options: [
    { key: "c", short: "c", long: "bytes" },
    { key: "m", short: "m", long: "chars" },
    { key: "l", short: "l", long: "lines" },
    { key: "w", short: "w", long: "words" },
    { key: "help", long: "help" },
  ],
};

const HELP = `Usage: wc [OPTION]... [FILE]...
Print newline, word, and byte counts for each FILE, and a total line if
more than one FILE is specified.  A word is a non-zero-length sequence of
printable characters delimited by white space.

With no FILE, or when FILE is -, read standard input.

The options below may be used to select which counts are printed, always in
the following order: newline, word, character, byte, maximum line length.
  -c, --bytes            print the byte counts
  -m, --chars            print the character counts
  -l, --lines            print the newline counts
  -w, --words            print the word counts
      --help        display this help and exit
`;

/** Which counts to print, in wc's fixed order. */
type Field = "l" | "w" | "m" | "c";
const ORDER: readonly Field[] = ["l", "w", "m", "c"];

type Counts = Readonly<Record<Field, number>>;

const ZERO: Counts = { l: 0, w: 0, m: 0, c: 0 };

export const wc: Command = {
  name: "wc",
  summary: "print newline, word, and byte counts for each file",
  prints: "the newline, word and byte counts of each file (and a total)",
  usage: ["wc [OPTION]... [FILE]..."],
  ownHelp: true,
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return fail(1, err(parsed.message));
    if (hasOption(parsed.options, "help")) return ok(out(HELP));
    const chosen = ORDER.filter((f) => hasOption(parsed.options, f));
    const fields = chosen.length > 0 ? chosen : (["l", "w", "c"] as const);
    const named = parsed.operands.length > 0;
    const files = named ? parsed.operands : ["-"];
    const inputs = files.map((f) => readInput(ctx, f));
    const width = numberWidth(inputs, fields.length);
    const sink = createSink();
    let status = 0;
    let total: Counts = ZERO;
    const line = (c: Counts, name: string | undefined): string =>
      `${fields.map((f) => String(c[f]).padStart(width)).join(" ")}${name === undefined ? "" : ` ${name}`}\n`;
    inputs.forEach((input, i) => {
      const file = files[i]!;
      if (!input.ok) {
        sink.err(`wc: ${quoteIfNeeded(file)}: ${strerror(input.errno)}`);
        status = 1;
        if (input.errno !== "EISDIR") return;
      }
      const c = input.ok ? count(input.text) : ZERO;
      total = add(total, c);
      sink.out(line(c, named ? file : undefined));
    });
    if (files.length > 1) sink.out(line(total, "total"));
    return sink.result(status);
  },
};

/** Counts of one text. A word is a maximal run of characters other than white space. */
function count(text: string): Counts {
  let l = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) l++;
  const w = text.split(/[ \t\n\v\f\r]+/).filter((s) => s !== "").length;
  return { l, w, m: codePointLength(text), c: utf8Length(text) };
}

const add = (a: Counts, b: Counts): Counts => ({
  l: a.l + b.l,
  w: a.w + b.w,
  m: a.m + b.m,
  c: a.c + b.c,
});

/**
 * The column width, as compute_number_width() in coreutils' wc.c: the digits
 * of the regular files' total size, at least 7 if some input is not a regular
 * file (a directory counts as stat-able; a missing file counts for
 * nothing), and 1 for a single count of a single input.
 */
function numberWidth(inputs: readonly Input[], nfields: number): number {
  const firstInput = inputs[0];
  if (firstInput === undefined || (inputs.length === 1 && nfields === 1)) return 1;
  const statFailed = (i: Input): boolean => !i.ok && i.errno !== "EISDIR";
  let minimum = 1;
  let regularTotal = 0;
  for (const input of inputs) {
    if (statFailed(input)) continue;
    if (input.ok && input.regular) regularTotal += input.size;
    else minimum = 7;
  }
  return Math.max(minimum, String(regularTotal).length);
}
