/**
 * What head and tail share, as GNU coreutils has them: the options (-n/-c
 * NUM with a sign that turns the count around, -q/-v headers, the obsolete
 * `-NUM` as the first argument) and the loop over the files with their
 * headers and messages. Each tool supplies its help, its sign and its cut.
 */
import { type GetoptSpec, getopt, hasOption } from "../../../src/shell/getopt.js";
import {
  createSink,
  fileHeader,
  parseCount,
  quote,
  quoteAlways,
  readInput,
  strerror,
} from "../../../src/shell/tool-io.js";
import { type Command, err, fail, ok, out } from "../../../src/shell/types.js";

/** What to print of each input. */
export interface Amount {
  readonly unit: "lines" | "bytes";
  readonly count: number;
  /** The count carried the tool's sign: head's all-but-the-last, tail's from-the-start. */
  readonly signed: boolean;
}

export interface PartOfFiles {
  readonly name: "head" | "tail";
  readonly summary: string;
  readonly prints: string;
  readonly help: string;
  /** The sign that turns the count around: head's `-`, tail's `+`. */
  readonly sign: "-" | "+";
  /** The part of one input the tool prints. */
  readonly take: (text: string, amount: Amount) => string;
}

export function partOfFilesCommand(tool: PartOfFiles): Command {
  const { name } = tool;
  const spec: GetoptSpec = {
    name,
    options: [
      { key: "c", short: "c", long: "bytes", arg: "required" },
      { key: "n", short: "n", long: "lines", arg: "required" },
      { key: "q", short: "q", long: "quiet" },
      { key: "q", long: "silent" },
      { key: "v", short: "v", long: "verbose" },
      { key: "help", long: "help" },
    ],
  };
  return {
    name,
    summary: tool.summary,
    prints: tool.prints,
    usage: [`${name} [OPTION]... [FILE]...`],
    ownHelp: true,
    run(ctx, argv) {
      const parsed = getopt(spec, obsoleteToModern(argv));
      if (!parsed.ok) return fail(1, err(parsed.message));
      if (hasOption(parsed.options, "help")) return ok(out(tool.help));
      let amount: Amount = { unit: "lines", count: 10, signed: false };
      let headers: boolean | undefined;
      for (const o of parsed.options) {
        if (o.key === "q" || o.key === "v") headers = o.key === "v";
        if (o.key !== "n" && o.key !== "c") continue;
        const a = parseAmount(o.value!, o.key === "n" ? "lines" : "bytes", tool.sign);
        if (typeof a === "string") return fail(1, err(`${name}: ${a}`));
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
          sink.err(
            `${name}: cannot open ${quoteAlways(file)} for reading: ${strerror(input.errno)}`,
          );
          status = 1;
          continue;
        }
        if (withHeaders) sink.out(fileHeader(file, first));
        first = false;
        if (!input.ok) {
          sink.err(`${name}: error reading ${quoteAlways(file)}: ${strerror(input.errno)}`);
          status = 1;
          continue;
        }
        sink.out(tool.take(input.text, amount));
      }
      return sink.result(status);
    },
  };
}

/** `head -5 …` (only as the first argument) means `head -n 5 …`. */
function obsoleteToModern(argv: readonly string[]): readonly string[] {
  const first = argv[0];
  if (first === undefined || !/^-[0-9]+$/.test(first)) return argv;
  return ["-n", first.slice(1), ...argv.slice(1)];
}

/** Parses -n/-c's argument (a leading `-` is dropped either way), or returns coreutils' message. */
function parseAmount(value: string, unit: Amount["unit"], sign: "-" | "+"): Amount | string {
  const signed = value.startsWith(sign);
  const digits = value.startsWith("-") ? value.slice(1) : value;
  const count = parseCount(digits);
  if (count === undefined) return `invalid number of ${unit}: ${quote(digits)}`;
  return { unit, count, signed };
}
