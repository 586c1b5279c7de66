/**
 * expect: an assertion for self-checking scripts. Silent when it holds;
 * otherwise one line on stderr with the actual value, and status 1, so
 * `cowsh -e` stops there.
 *
 *   expect FILE [MAPPING] FIELD OP VALUE   a field of a file; MAPPING picks one
 *                                          VMA's block of /proc/PID/smaps
 *   CMD | expect FIELD OP VALUE            a field of the piped text
 *   expect VALUE OP VALUE                  two plain values (`expect $? = 0`)
 *
 * A field is a `FIELD: value` line (smaps, status, meminfo) or a
 * `FIELD=value` word (`write -v`'s `cow-copy=256`). OP is = != < <= > >=
 * (quote < and >, or write test(1)'s -eq -ne -lt -le -gt -ge);
 * numbers compare as numbers (a field's value is its leading number, so
 * `Pss: 8704 kB` is 8704), anything else as text, where = and != also
 * accept the value's first word (`State = S`).
 */

import { STRERROR } from "../src/kernel/result.js";
import { type Command, err, fail, ok } from "../src/shell/types.js";
import { livePidArg, machineOf, targetArg, usage } from "./lib/args/operands.js";
import { readWhole } from "./lib/files/machine-files.js";

const OPS = ["=", "!=", "<", "<=", ">", ">="] as const;
type Op = (typeof OPS)[number];
const TEST_OPS: Readonly<Record<string, Op>> = {
  "-eq": "=",
  "-ne": "!=",
  "-lt": "<",
  "-le": "<=",
  "-gt": ">",
  "-ge": ">=",
};
/** The operator `word` spells, if any. */
const opOf = (word: string | undefined): Op | undefined =>
  OPS.includes(word as Op) ? (word as Op) : TEST_OPS[word ?? ""];

const USAGE = [
  "expect FILE [MAPPING] FIELD OP VALUE     (OP: = != -lt -le -gt -ge, or quoted < <= > >=)",
  "CMD | expect FIELD OP VALUE",
  "expect VALUE OP VALUE",
];

const NUMBER = /^-?(?:0x[0-9a-f]+|[0-9]+(?:\.[0-9]+)?)$/i;

export const expect: Command = {
  name: "expect",
  summary: "check a figure: silent when it holds, else the actual value and status 1",
  prints: "nothing when the figure holds; else the actual value, status 1",
  usage: USAGE,
  run(ctx, argv) {
    const op = opOf(argv.at(-2));
    if (argv.length < 3 || argv.length > 5 || op === undefined)
      return usage(`expect: usage: ${USAGE[0]}`);
    const wanted = argv.at(-1)!;
    const words = argv.slice(0, -2);
    if (words.length === 1 && ctx.stdin === undefined)
      return verdict(undefined, words[0]!, op, wanted);
    if (words.length === 1) {
      const field = words[0]!;
      const got = fieldOf(ctx.stdin!, field);
      return got.ok
        ? verdict(field, got.value, op, wanted)
        : fail(1, err(`expect: ${field}: ${got.message} in the input`));
    }
    const [path, selector, field] =
      words.length === 2 ? [words[0]!, undefined, words[1]!] : (words as [string, string, string]);
    const read = readWhole(machineOf(ctx), path);
    if (!read.ok) return fail(1, err(`expect: ${path}: ${STRERROR[read.errno]}`));
    let text = read.value.text;
    if (selector !== undefined) {
      const block = smapsBlockOf(ctx, path, selector, text);
      if (!block.ok) return block.result;
      text = block.text;
    }
    const subject = [path, selector, field].filter((w) => w !== undefined).join(" ");
    const got = fieldOf(text, field);
    return got.ok
      ? verdict(subject, got.value, op, wanted)
      : fail(1, err(`expect: ${subject}: ${got.message}`));
  },
};

type Found = { readonly ok: true; readonly value: string } | { ok: false; message: string };

/** The value of FIELD in `text`: the one `FIELD: value` line, or the one `FIELD=value` word. */
export function fieldOf(text: string, field: string): Found {
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const lines = [...text.matchAll(new RegExp(`^${escaped}:[ \\t]*(.*)$`, "gm"))];
  const words = [...text.matchAll(new RegExp(`(?:^|\\s)${escaped}=(\\S*)`, "g"))];
  const found = [...lines, ...words].map((m) => m[1]!.trim());
  if (found.length === 1) return { ok: true, value: found[0]! };
  if (found.length === 0) return { ok: false, message: "no such field" };
  return { ok: false, message: `${found.length} such fields (name a mapping)` };
}

/** The smaps block of the VMA that MAPPING names, for `/proc/PID/smaps` only. */
function smapsBlockOf(
  ctx: Parameters<Command["run"]>[0],
  path: string,
  selector: string,
  text: string,
):
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly result: ReturnType<Command["run"]> } {
  const pid = /^\/proc\/([0-9]+)\/smaps$/.exec(path)?.[1];
  if (pid === undefined)
    return {
      ok: false,
      result: usage(`expect: ${path}: a mapping can be named only in /proc/PID/smaps`),
    };
  const task = livePidArg("expect", machineOf(ctx), pid);
  if (!task.ok) return { ok: false, result: fail(1, err(task.message)) };
  const target = targetArg("expect", task.value, selector);
  if (!target.ok) return { ok: false, result: fail(1, err(target.message)) };
  const start = target.value.vma?.start;
  const blocks = text.split(/^(?=[0-9a-f]+-[0-9a-f]+ )/m);
  const block = blocks.find((b) => start !== undefined && Number.parseInt(b, 16) === start);
  if (block === undefined)
    return {
      ok: false,
      result: fail(1, err(`expect: ${path}: ${selector}: no such mapping in process ${pid}`)),
    };
  return { ok: true, text: block };
}

/** Silence when `got OP wanted` holds; the message with the actual value when not. */
function verdict(
  subject: string | undefined,
  got: string,
  op: Op,
  wanted: string,
): ReturnType<Command["run"]> {
  const holds = compare(got, op, wanted);
  if (holds === null) return usage(`expect: ${op}: ${wanted} is not a number`);
  if (holds) return ok();
  const shown = NUMBER.test(wanted) ? (leadingNumber(got) ?? got) : got;
  const expected = op === "=" ? wanted : `${op} ${wanted}`;
  const prefix = subject === undefined ? "" : `${subject}: `;
  return fail(1, err(`expect: ${prefix}expected ${expected}, got ${shown === "" ? "''" : shown}`));
}

/** The number `text` starts with (`8704 kB` -> "8704"), if any. */
function leadingNumber(text: string): string | undefined {
  const first = text.split(/\s+/)[0] ?? "";
  return NUMBER.test(first) ? first : undefined;
}

/** Whether `got OP wanted` holds; null when an ordering is asked of something that is not a number. */
export function compare(got: string, op: Op, wanted: string): boolean | null {
  const a = leadingNumber(got);
  if (NUMBER.test(wanted) && a !== undefined) {
    const x = Number(a);
    const y = Number(wanted);
    return { "=": x === y, "!=": x !== y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y }[op];
  }
  if (op !== "=" && op !== "!=") return null;
  const equal = got === wanted || got.split(/\s+/)[0] === wanted;
  return op === "=" ? equal : !equal;
}
