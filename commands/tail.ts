/**
 * tail: output the last part of files, as GNU coreutils tail does:
 * -n [+]NUM lines (default 10; with `+`, starting at line NUM), -c [+]NUM
 * bytes, -q/-v headers, and the obsolete `tail -NUM`. No -f: simulated files
 * do not grow while tail runs. Exit 1 on any error.
 */
import { type GetoptSpec, getopt, hasOption } from "../src/shell/getopt.js";
import {
  byteOffset,
  createSink,
  fileHeader,
  parseCount,
  quote,
  quoteAlways,
  readInput,
  splitLines,
  strerror,
  utf8Length,
} from "../src/shell/tool-io.js";
import { type Command, err, fail, ok, out } from "../src/shell/types.js";

const SPEC: GetoptSpec = {
  name: "tail",
  options: [
    { key: "c", short: "c", long: "bytes", arg: "required" },
    { key: "n", short: "n", long: "lines", arg: "required" },
    { key: "q", short: "q", long: "quiet" },
    { key: "q", long: "silent" },
    { key: "v", short: "v", long: "verbose" },
    { key: "help", long: "help" },
  ],
};

const HELP = `Usage: tail [OPTION]... [FILE]...
Print the last 10 lines of each FILE to standard output.
With more than one FILE, precede each with a header giving the file name.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -c, --bytes=[+]NUM       output the last NUM bytes; or use -c +NUM to
                             output starting with byte NUM of each file
  -n, --lines=[+]NUM       output the last NUM lines, instead of the last 10;
                             or use -n +NUM to skip NUM-1 lines at the start
  -q, --quiet, --silent    never output headers giving file names
  -v, --verbose            always output headers giving file names
      --help        display this help and exit

NUM may have a multiplier suffix:
b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024,
GB 1000*1000*1000, G 1024*1024*1024, and so on for T, P, E, Z, Y, R, Q.
Binary prefixes can be used, too: KiB=K, MiB=M, and so on.
`;

interface Amount {
  readonly unit: "lines" | "bytes";
  readonly count: number;
  /** Count from the start (`+NUM`): output from unit NUM on. */
  readonly fromStart: boolean;
}

export const tail: Command = {
  name: "tail",
  summary: "output the last part of files",
  usage: ["tail [OPTION]... [FILE]..."],
  ownHelp: true,
  run(ctx, argv) {
    const parsed = getopt(SPEC, obsoleteToModern(argv));
    if (!parsed.ok) return fail(1, err(parsed.message));
    if (hasOption(parsed.options, "help")) return ok(out(HELP));
    let amount: Amount = { unit: "lines", count: 10, fromStart: false };
    let headers: boolean | undefined;
    for (const o of parsed.options) {
      if (o.key === "q" || o.key === "v") headers = o.key === "v";
      if (o.key !== "n" && o.key !== "c") continue;
      const a = parseAmount(o.value!, o.key === "n" ? "lines" : "bytes");
      if (typeof a === "string") return fail(1, err(`tail: ${a}`));
      amount = a;
    }
    const files = parsed.operands.length > 0 ? parsed.operands : ["-"];
    const withHeaders = headers ?? files.length > 1;
    const sink = createSink();
    let status = 0;
    let first = true;
    for (const file of files) {
      const input = readInput(ctx, file);
      if (!input.ok && input.errno !== "EISDIR") {
        sink.err(`tail: cannot open ${quoteAlways(file)} for reading: ${strerror(input.errno)}`);
        status = 1;
        continue;
      }
      if (withHeaders) sink.out(fileHeader(file, first));
      first = false;
      if (!input.ok) {
        sink.err(`tail: error reading ${quoteAlways(file)}: ${strerror(input.errno)}`);
        status = 1;
        continue;
      }
      sink.out(takeTail(input.text, amount));
    }
    return sink.result(status);
  },
};

/** `tail -5 …` (only as the first argument) means `tail -n 5 …`. */
function obsoleteToModern(argv: readonly string[]): readonly string[] {
  const first = argv[0];
  if (first === undefined || !/^-[0-9]+$/.test(first)) return argv;
  return ["-n", first.slice(1), ...argv.slice(1)];
}

/** Parses -n/-c's argument, or returns coreutils' message. */
function parseAmount(value: string, unit: Amount["unit"]): Amount | string {
  const fromStart = value.startsWith("+");
  const digits = value.startsWith("-") ? value.slice(1) : value;
  const count = parseCount(digits);
  if (count === undefined) return `invalid number of ${unit}: ${quote(digits)}`;
  return { unit, count, fromStart };
}

/** The part of `text` tail prints. */
function takeTail(text: string, a: Amount): string {
  if (a.unit === "bytes") {
    const total = utf8Length(text);
    const skip = a.fromStart ? Math.max(0, a.count - 1) : Math.max(0, total - a.count);
    return text.slice(byteOffset(text, skip));
  }
  const lines = splitLines(text);
  const start = a.fromStart ? Math.max(0, a.count - 1) : Math.max(0, lines.length - a.count);
  return lines.slice(start).join("");
}
