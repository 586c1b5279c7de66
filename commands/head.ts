/**
 * head: output the first part of files, as GNU coreutils head does:
 * -n [-]NUM lines (default 10; with `-`, all but the last NUM), -c [-]NUM
 * bytes, -q/-v headers, and the obsolete `head -NUM`. Exit 1 on any error.
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
  name: "head",
  options: [
    { key: "c", short: "c", long: "bytes", arg: "required" },
    { key: "n", short: "n", long: "lines", arg: "required" },
    { key: "q", short: "q", long: "quiet" },
    { key: "q", long: "silent" },
    { key: "v", short: "v", long: "verbose" },
    { key: "help", long: "help" },
  ],
};

const HELP = `Usage: head [OPTION]... [FILE]...
Print the first 10 lines of each FILE to standard output.
With more than one FILE, precede each with a header giving the file name.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -c, --bytes=[-]NUM       print the first NUM bytes of each file;
                             with the leading '-', print all but the last
                             NUM bytes of each file
  -n, --lines=[-]NUM       print the first NUM lines instead of the first 10;
                             with the leading '-', print all but the last
                             NUM lines of each file
  -q, --quiet, --silent    never print headers giving file names
  -v, --verbose            always print headers giving file names
      --help        display this help and exit

NUM may have a multiplier suffix:
b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024,
GB 1000*1000*1000, G 1024*1024*1024, and so on for T, P, E, Z, Y, R, Q.
Binary prefixes can be used, too: KiB=K, MiB=M, and so on.
`;

/** What to print of each input. */
interface Amount {
  readonly unit: "lines" | "bytes";
  readonly count: number;
  /** All but the last `count` units. */
  readonly allBut: boolean;
}

export const head: Command = {
  name: "head",
  summary: "output the first part of files",
  usage: ["head [OPTION]... [FILE]..."],
  ownHelp: true,
  run(ctx, argv) {
    const parsed = getopt(SPEC, obsoleteToModern(argv));
    if (!parsed.ok) return fail(1, err(parsed.message));
    if (hasOption(parsed.options, "help")) return ok(out(HELP));
    let amount: Amount = { unit: "lines", count: 10, allBut: false };
    for (const o of parsed.options) {
      if (o.key !== "n" && o.key !== "c") continue;
      const a = parseAmount(o.value!, o.key === "n" ? "lines" : "bytes");
      if (typeof a === "string") return fail(1, err(`head: ${a}`));
      amount = a;
    }
    const files = parsed.operands.length > 0 ? parsed.operands : ["-"];
    const headers = hasOption(parsed.options, "q")
      ? lastOf(parsed.options, ["q", "v"]) === "v"
      : hasOption(parsed.options, "v") || files.length > 1;
    const sink = createSink();
    let status = 0;
    let first = true;
    for (const file of files) {
      const input = readInput(ctx, file);
      if (!input.ok && input.errno !== "EISDIR") {
        sink.err(`head: cannot open ${quoteAlways(file)} for reading: ${strerror(input.errno)}`);
        status = 1;
        continue;
      }
      if (headers) sink.out(fileHeader(file, first));
      first = false;
      if (!input.ok) {
        sink.err(`head: error reading ${quoteAlways(file)}: ${strerror(input.errno)}`);
        status = 1;
        continue;
      }
      sink.out(takeHead(input.text, amount));
    }
    return sink.result(status);
  },
};

/** `head -5 …` (only as the first argument) means `head -n 5 …`. */
function obsoleteToModern(argv: readonly string[]): readonly string[] {
  const first = argv[0];
  if (first === undefined || !/^-[0-9]+$/.test(first)) return argv;
  return ["-n", first.slice(1), ...argv.slice(1)];
}

/** The key among `keys` given last, or undefined. */
function lastOf(options: readonly { key: string }[], keys: readonly string[]): string | undefined {
  let found: string | undefined;
  for (const o of options) if (keys.includes(o.key)) found = o.key;
  return found;
}

/** Parses -n/-c's argument, or returns coreutils' message. */
function parseAmount(value: string, unit: Amount["unit"]): Amount | string {
  const allBut = value.startsWith("-");
  const digits = allBut ? value.slice(1) : value;
  const count = parseCount(digits);
  if (count === undefined) return `invalid number of ${unit}: ${quote(digits)}`;
  return { unit, count, allBut };
}

/** The part of `text` head prints. */
function takeHead(text: string, a: Amount): string {
  if (a.unit === "bytes") {
    const keep = a.allBut ? Math.max(0, utf8Length(text) - a.count) : a.count;
    return text.slice(0, byteOffset(text, keep));
  }
  const lines = splitLines(text);
  const keep = a.allBut ? Math.max(0, lines.length - a.count) : a.count;
  return lines.slice(0, keep).join("");
}
