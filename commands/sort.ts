/**
 * sort: sort lines of text, as GNU coreutils sort does for -n -h -f -b -r -u
 * -s -k -t, including its key rules (begfield/limfield), option inheritance
 * by keys, and the last-resort whole-line comparison. Text compares by code
 * unit, which for text is the order of the C.UTF-8 locale. Exit 2 on error.
 */
import { type GetoptSpec, getopt, hasOption } from "../src/shell/getopt.js";
import {
  createSink,
  quote,
  quoteIfNeeded,
  readInput,
  strerror,
  textLines,
} from "../src/shell/tool-io.js";
import { type Command, err, fail, ok, out } from "../src/shell/types.js";

const SPEC: GetoptSpec = {
  name: "sort",
  options: [
    { key: "b", short: "b", long: "ignore-leading-blanks" },
    { key: "f", short: "f", long: "ignore-case" },
    { key: "h", short: "h", long: "human-numeric-sort" },
    { key: "n", short: "n", long: "numeric-sort" },
    { key: "r", short: "r", long: "reverse" },
    { key: "k", short: "k", long: "key", arg: "required" },
    { key: "s", short: "s", long: "stable" },
    { key: "t", short: "t", long: "field-separator", arg: "required" },
    { key: "u", short: "u", long: "unique" },
    { key: "help", long: "help" },
  ],
};

const HELP = `Usage: sort [OPTION]... [FILE]...
Write sorted concatenation of all FILE(s) to standard output.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
Ordering options:

  -b, --ignore-leading-blanks  ignore leading blanks
  -f, --ignore-case           fold lower case to upper case characters
  -h, --human-numeric-sort    compare human readable numbers (e.g., 2K 1G)
  -n, --numeric-sort          compare according to string numerical value
  -r, --reverse               reverse the result of comparisons

Other options:

  -k, --key=KEYDEF          sort via a key; KEYDEF gives location and type
  -s, --stable              stabilize sort by disabling last-resort comparison
  -t, --field-separator=SEP  use SEP instead of non-blank to blank transition
  -u, --unique              output only the first of an equal run
      --help        display this help and exit

KEYDEF is F[.C][OPTS][,F[.C][OPTS]] for start and stop position, where F is a
field number and C a character position in the field; both are origin 1, and
the stop position defaults to the line's end.  If neither -t nor -b is in
effect, characters in a field are counted from the beginning of the preceding
whitespace.  OPTS is one or more single-letter ordering options [bfhnr],
which override global ordering options for that key.  If no key is given, use
the entire line as the key.
`;

/** Ordering options of a key (or the global ones). */
interface Ordering {
  readonly skipStartBlanks: boolean;
  readonly skipEndBlanks: boolean;
  readonly fold: boolean;
  readonly numeric: boolean;
  readonly human: boolean;
  readonly reverse: boolean;
}

/** A key as coreutils stores it: 0-based field and character; undefined for "line start/end". */
interface Key extends Ordering {
  /** Fields to skip; undefined when the key starts at the line's start. */
  readonly sword: number | undefined;
  readonly schar: number;
  /** Fields to skip to the end field; undefined when the key ends at the line's end. */
  readonly eword: number | undefined;
  /** Characters of the end field to include; 0 means the whole field. */
  readonly echar: number;
}

interface Config {
  readonly keys: readonly Key[];
  /** The global options, as a key over the whole line. */
  readonly global: Key;
  /** -t's character, or undefined for blank-separated fields. */
  readonly tab: string | undefined;
  readonly unique: boolean;
  readonly stable: boolean;
}

const NO_ORDERING: Ordering = {
  skipStartBlanks: false,
  skipEndBlanks: false,
  fold: false,
  numeric: false,
  human: false,
  reverse: false,
};

export const sort: Command = {
  name: "sort",
  summary: "sort lines of text",
  prints: "the lines, sorted",
  usage: ["sort [OPTION]... [FILE]..."],
  ownHelp: true,
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    if (!parsed.ok) return fail(2, err(parsed.message));
    if (hasOption(parsed.options, "help")) return ok(out(HELP));
    const config = configure(parsed.options);
    if (typeof config === "string") return fail(2, err(`sort: ${config}`));
    const lines: string[] = [];
    for (const file of parsed.operands.length > 0 ? parsed.operands : ["-"]) {
      const input = readInput(ctx, file);
      if (!input.ok) {
        const what = input.errno === "EISDIR" ? "read failed" : "cannot read";
        return fail(2, err(`sort: ${what}: ${quoteIfNeeded(file)}: ${strerror(input.errno)}`));
      }
      lines.push(...textLines(input.text));
    }
    const sink = createSink();
    sink.out(
      sorted(lines, config)
        .map((l) => `${l}\n`)
        .join(""),
    );
    return sink.result(0);
  },
};

/** Builds the configuration from the options, or returns sort's message. */
function configure(
  options: readonly { key: string; value: string | undefined }[],
): Config | string {
  let global: Ordering = NO_ORDERING;
  let tab: string | undefined;
  const keySpecs: string[] = [];
  for (const o of options) {
    if ("bfhnr".includes(o.key)) global = withFlag(global, o.key);
    else if (o.key === "k") keySpecs.push(o.value!);
    else if (o.key === "t") {
      const v = o.value!;
      if (v === "") return "empty tab";
      if ([...v].length > 1 && v !== "\\0") return `multi-character tab ${quote(v)}`;
      tab = v === "\\0" ? "\0" : v;
    }
  }
  const keys: Key[] = [];
  for (const spec of keySpecs) {
    const key = parseKey(spec);
    if (typeof key === "string") return key;
    keys.push(inherits(key) ? { ...key, ...global } : key);
  }
  const globalKey: Key = { ...global, sword: undefined, schar: 0, eword: undefined, echar: 0 };
  const clash = (keys.length > 0 ? keys : [globalKey]).find((k) => k.numeric && k.human);
  if (clash) return `options '-${clash.fold ? "f" : ""}hn' are incompatible`;
  const has = (k: string): boolean => options.some((o) => o.key === k);
  return { keys, global: globalKey, tab, unique: has("u"), stable: has("s") };
}

function withFlag(o: Ordering, flag: string): Ordering {
  switch (flag) {
    case "b":
      return { ...o, skipStartBlanks: true, skipEndBlanks: true };
    case "f":
      return { ...o, fold: true };
    case "h":
      return { ...o, human: true };
    case "n":
      return { ...o, numeric: true };
    default:
      return { ...o, reverse: true };
  }
}

/** A key with no ordering options of its own takes the global ones (coreutils' "inheritance"). */
const inherits = (k: Ordering): boolean =>
  !(k.skipStartBlanks || k.skipEndBlanks || k.fold || k.numeric || k.human || k.reverse);

/** Parses KEYDEF `F[.C][OPTS][,F[.C][OPTS]]` as coreutils' key_init/parse code does. */
function parseKey(spec: string): Key | string {
  const bad = (why: string): string => `${why}: invalid field specification ${quote(spec)}`;
  const start = /^([0-9]*)(?:\.([0-9]*))?/.exec(spec)!;
  if (start[1] === "")
    return `invalid number at field start: invalid count at start of ${quote(spec)}`;
  const field = Number(start[1]);
  if (field === 0) return bad("field number is zero");
  if (start[2] === "")
    return `invalid number after '.': invalid count at start of ${quote(spec.slice(start[0].length))}`;
  const char = start[2] === undefined ? 1 : Number(start[2]);
  if (char === 0) return bad("character offset is zero");
  let rest = spec.slice(start[0].length);
  let ordering = NO_ORDERING;
  [ordering, rest] = readFlags(ordering, rest, "start");
  let eword: number | undefined;
  let echar = 0;
  if (rest.startsWith(",")) {
    const end = /^,([0-9]*)(?:\.([0-9]*))?/.exec(rest)!;
    if (end[1] === "")
      return `invalid number after ',': invalid count at start of ${quote(rest.slice(1))}`;
    if (Number(end[1]) === 0) return bad("field number is zero");
    eword = Number(end[1]) - 1;
    echar = end[2] === undefined || end[2] === "" ? 0 : Number(end[2]);
    [ordering, rest] = readFlags(ordering, rest.slice(end[0].length), "end");
  }
  if (rest !== "") return bad("stray character in field spec");
  const sword = field - 1 === 0 && char - 1 === 0 ? undefined : field - 1;
  return { ...ordering, sword, schar: char - 1, eword, echar };
}

/** Reads ordering letters at the start of `s`; `b` applies to the start or end position. */
function readFlags(o: Ordering, s: string, side: "start" | "end"): [Ordering, string] {
  let i = 0;
  let cur = o;
  for (; i < s.length && "bfhnr".includes(s[i]!); i++) {
    const c = s[i]!;
    if (c === "b")
      cur = side === "start" ? { ...cur, skipStartBlanks: true } : { ...cur, skipEndBlanks: true };
    else cur = withFlag(cur, c);
  }
  return [cur, s.slice(i)];
}

/** Sorts as GNU sort outputs: stable merge order, then -u keeps the first of each equal run. */
function sorted(lines: readonly string[], c: Config): string[] {
  const keys = c.keys.length > 0 ? c.keys : inherits(c.global) ? [] : [c.global];
  const cmp = (a: string, b: string): number => compareLines(a, b, keys, c);
  const result = [...lines].sort(cmp);
  if (!c.unique) return result;
  return result.filter((line, i) => i === 0 || cmp(result[i - 1]!, line) !== 0);
}

/** compare() of sort.c: the keys, then (unless -u or -s) the whole line, reversed by a global -r. */
function compareLines(a: string, b: string, keys: readonly Key[], c: Config): number {
  if (keys.length > 0) {
    for (const key of keys) {
      const diff = compareKey(a, b, key, c.tab);
      if (diff !== 0) return key.reverse ? -diff : diff;
    }
    if (c.unique || c.stable) return 0;
  }
  const diff = compareText(a, b);
  return c.global.reverse ? -diff : diff;
}

function compareKey(a: string, b: string, key: Key, tab: string | undefined): number {
  const ka = keyText(a, key, tab);
  const kb = keyText(b, key, tab);
  if (key.numeric) return compareNumbers(ka, kb);
  if (key.human) return compareHuman(ka, kb);
  if (key.fold) return compareText(foldUpper(ka), foldUpper(kb));
  return compareText(ka, kb);
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const foldUpper = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase());
const isBlank = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n";

/** The part of `line` a key covers: [begfield(), limfield()) of sort.c. */
function keyText(line: string, key: Key, tab: string | undefined): string {
  const lim = line.length;
  let beg = 0;
  if (key.sword === undefined) {
    if (key.skipStartBlanks) while (beg < lim && isBlank(line[beg])) beg++;
  } else beg = begField(line, key, tab);
  const end = key.eword === undefined ? lim : limField(line, key, tab);
  return end > beg ? line.slice(beg, end) : "";
}

function begField(line: string, key: Key, tab: string | undefined): number {
  const lim = line.length;
  let ptr = 0;
  for (let sword = key.sword!; ptr < lim && sword > 0; sword--)
    ptr = skipField(line, ptr, tab, true);
  if (key.skipStartBlanks) while (ptr < lim && isBlank(line[ptr])) ptr++;
  return Math.min(lim, ptr + key.schar);
}

function limField(line: string, key: Key, tab: string | undefined): number {
  const lim = line.length;
  let ptr = 0;
  let eword = key.eword! + (key.echar === 0 ? 1 : 0);
  while (ptr < lim && eword-- > 0) ptr = skipField(line, ptr, tab, eword > 0 || key.echar !== 0);
  if (key.echar !== 0) {
    if (key.skipEndBlanks) while (ptr < lim && isBlank(line[ptr])) ptr++;
    ptr = Math.min(lim, ptr + key.echar);
  }
  return ptr;
}

/** Moves past one field from `ptr`: up to (and, if `pastTab`, past) the next tab, or blanks then non-blanks. */
function skipField(line: string, ptr: number, tab: string | undefined, pastTab: boolean): number {
  const lim = line.length;
  let p = ptr;
  if (tab !== undefined) {
    while (p < lim && line[p] !== tab) p++;
    if (p < lim && pastTab) p++;
    return p;
  }
  while (p < lim && isBlank(line[p])) p++;
  while (p < lim && !isBlank(line[p])) p++;
  return p;
}

/** A number as strnumcmp() reads it: sign, integer digits without leading zeros, fraction without trailing zeros. */
function readNumber(s: string): { negative: boolean; int: string; frac: string; end: number } {
  let i = 0;
  while (isBlank(s[i])) i++;
  const negative = s[i] === "-";
  if (negative) i++;
  const intStart = i;
  while (i < s.length && s[i]! >= "0" && s[i]! <= "9") i++;
  const int = s.slice(intStart, i).replace(/^0+/, "");
  let frac = "";
  if (s[i] === ".") {
    const fracStart = ++i;
    while (i < s.length && s[i]! >= "0" && s[i]! <= "9") i++;
    frac = s.slice(fracStart, i).replace(/0+$/, "");
  }
  return { negative: negative && (int !== "" || frac !== ""), int, frac, end: i };
}

/** -n: compares the leading numbers of `a` and `b` exactly (any length); non-numbers are 0. */
function compareNumbers(a: string, b: string): number {
  const x = readNumber(a);
  const y = readNumber(b);
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const magnitude =
    x.int.length !== y.int.length
      ? x.int.length - y.int.length
      : compareText(x.int, y.int) || compareText(x.frac, y.frac);
  const sign = Math.sign(magnitude);
  return x.negative ? -sign : sign;
}

const UNIT_ORDER = "KMGTPEZYRQ";

/** -h: by sign and SI suffix (none < K < M < …), then by value, as human_numcompare(). */
function compareHuman(a: string, b: string): number {
  return Math.sign(unitOrder(a) - unitOrder(b)) || compareNumbers(a, b);
}

/** find_unit_order(): the suffix's rank, negative for negative numbers, 0 for zero. */
function unitOrder(s: string): number {
  const n = readNumber(s);
  if (n.int === "" && n.frac === "") return 0;
  const suffix = s[n.end];
  const order = suffix === "k" ? 1 : suffix === undefined ? 0 : UNIT_ORDER.indexOf(suffix) + 1;
  return n.negative ? -order : order;
}
