/**
 * cut: print selected fields (-f, with -d DELIM, default TAB) or characters
 * (-c) of each line, as GNU cut does for the forms it supports: LIST is
 * N, N-M, N-, -M, separated by commas. Lines without the delimiter are
 * printed whole unless -s.
 */
import { type GetoptSpec, getopt, hasOption, lastValue } from "../src/shell/getopt.js";
import { readInput, splitLines, strerror } from "../src/shell/tool-io.js";
import { type Block, type Command, err, out } from "../src/shell/types.js";

const SPEC: GetoptSpec = {
  name: "cut",
  options: [
    { key: "d", short: "d", long: "delimiter", arg: "required" },
    { key: "f", short: "f", long: "fields", arg: "required" },
    { key: "c", short: "c", long: "characters", arg: "required" },
    { key: "s", short: "s", long: "only-delimited" },
  ],
};

type Range = readonly [number, number];

/** Parses LIST into 1-based inclusive ranges, or null. */
function parseList(list: string): Range[] | null {
  const ranges: Range[] = [];
  for (const part of list.split(",")) {
    const m = /^([0-9]*)(-?)([0-9]*)$/.exec(part);
    if (m === null || (m[1] === "" && m[3] === "")) return null;
    const lo = m[1] === "" ? 1 : Number(m[1]);
    const hi = m[2] === "" ? lo : m[3] === "" ? Number.MAX_SAFE_INTEGER : Number(m[3]);
    if (lo < 1 || hi < lo) return null;
    ranges.push([lo, hi]);
  }
  return ranges;
}

const selected = (ranges: readonly Range[], n: number): boolean =>
  ranges.some(([lo, hi]) => n >= lo && n <= hi);

export const cut: Command = {
  name: "cut",
  summary: "print selected fields or characters of each line",
  prints: "the selected parts of each line",
  usage: ["cut -f LIST [-d DELIM] [-s] [FILE...]", "cut -c LIST [FILE...]"],
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return { status: 1, blocks: [err(parsed.message)] };
    const fields = lastValue(parsed.options, "f");
    const chars = lastValue(parsed.options, "c");
    if ((fields === undefined) === (chars === undefined)) {
      return {
        status: 1,
        blocks: [
          err(
            "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.",
          ),
        ],
      };
    }
    const ranges = parseList(fields ?? chars!);
    if (ranges === null)
      return {
        status: 1,
        blocks: [err(`cut: invalid field range\nTry 'cut --help' for more information.`)],
      };
    const delim = lastValue(parsed.options, "d") ?? "\t";
    if (delim.length !== 1)
      return {
        status: 1,
        blocks: [
          err(
            "cut: the delimiter must be a single character\nTry 'cut --help' for more information.",
          ),
        ],
      };
    const onlyDelimited = hasOption(parsed.options, "s");
    const blocks: Block[] = [];
    let status = 0;
    for (const name of parsed.operands.length === 0 ? ["-"] : parsed.operands) {
      const input = readInput(ctx, name);
      if (!input.ok) {
        blocks.push(err(`cut: ${name}: ${strerror(input.errno)}`));
        status = 1;
        continue;
      }
      let text = "";
      for (const line of splitLines(input.text)) {
        const body = line.endsWith("\n") ? line.slice(0, -1) : line;
        if (chars !== undefined) {
          text += `${[...body].filter((_, i) => selected(ranges, i + 1)).join("")}\n`;
        } else if (!body.includes(delim)) {
          if (!onlyDelimited) text += `${body}\n`;
        } else {
          text += `${body
            .split(delim)
            .filter((_, i) => selected(ranges, i + 1))
            .join(delim)}\n`;
        }
      }
      if (text !== "") blocks.push(out(text));
    }
    return { status, blocks };
  },
};
