/**
 * The @-records of a ground-truth run (README.md, "Record format"), parsed
 * from either side: the C program's output on the real kernel, or the
 * transcript of the cowsh script of the same scenario (stdout and stderr
 * interleaved, so that an error message lands in the record it belongs to).
 *
 * Both sides are normalised to one shape, so that the comparator never needs
 * to know which side a record came from:
 *  - `@smaps W R absent` (C) and `@smaps W R` followed by smaps' "no mapping"
 *    message or by nothing (cowsh) are both an absent block;
 *  - `@stat W minflt=… state=…` (C) and `@stat W` followed by the raw
 *    /proc/PID/stat line (cowsh) both give the same named fields;
 *  - `@file W NAME error=No such process` (C) and cat's
 *    `cat: /proc/N/NAME: No such process` (cowsh) are both an error.
 */

export type RecordKind =
  | "step"
  | "smaps"
  | "faults"
  | "status"
  | "pagemap"
  | "stat"
  | "file"
  | "swapmap"
  | "meminfo"
  | "rollup"
  | "commit"
  | "call"
  | "sysctl"
  | "ksm";

export interface TruthRecord {
  /** Index in its run, from 1, as the comparator names it. */
  readonly index: number;
  readonly kind: RecordKind;
  /** P, C, C1…, G; empty for @step. */
  readonly who: string;
  /** The step label, the region (`buf`, `buf+0x1000` for pagemap), the fault label or the file name. */
  readonly label: string;
  /** Inline `key=value` fields (faults, pagemap, stat) and body fields (smaps, status, stat). */
  readonly fields: ReadonlyMap<string, string>;
  /** Raw body lines after the record's own line. */
  readonly body: readonly string[];
  /** @smaps: no VMA holds the address. @file: the error (strerror), else null. */
  readonly absent: boolean;
  readonly error: string | null;
}

interface Draft {
  kind: RecordKind;
  who: string;
  label: string;
  inline: Map<string, string>;
  rest: string[];
  body: string[];
}

const KINDS = new Set<string>([
  "step",
  "smaps",
  "faults",
  "status",
  "pagemap",
  "stat",
  "file",
  "swapmap",
  "meminfo",
  "rollup",
  "commit",
  "call",
  "sysctl",
  "ksm",
]);

/** Lines a run printed outside any record (must be none) and its records. */
export interface Run {
  readonly stray: readonly string[];
  readonly records: readonly TruthRecord[];
}

/** Parses a run's text into records. */
export function parseRun(text: string): Run {
  const stray: string[] = [];
  const drafts: Draft[] = [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (const line of lines) {
    const head = /^@(\w+)(?: (.*))?$/.exec(line);
    if (head !== null && KINDS.has(head[1]!)) {
      drafts.push(draftOf(head[1] as RecordKind, head[2] ?? ""));
      continue;
    }
    const current = drafts[drafts.length - 1];
    if (current === undefined) stray.push(line);
    else current.body.push(line);
  }
  return { stray, records: drafts.map((d, i) => finish(d, i + 1)) };
}

/** Splits a record line into who, label, `key=value` fields and any other words. */
function draftOf(kind: RecordKind, text: string): Draft {
  const words = text === "" ? [] : text.split(" ");
  const inline = new Map<string, string>();
  const rest: string[] = [];
  const unlabelled = kind === "status" || kind === "stat" || kind === "rollup";
  for (const w of words.slice(kind === "step" || unlabelled ? 1 : 2)) {
    const eq = w.indexOf("=");
    if (eq > 0) inline.set(w.slice(0, eq), w.slice(eq + 1));
    else rest.push(w);
  }
  if (kind === "step") return { kind, who: "", label: text, inline, rest: [], body: [] };
  if (unlabelled) return { kind, who: words[0] ?? "", label: "", inline, rest, body: [] };
  return { kind, who: words[0] ?? "", label: words[1] ?? "", inline, rest, body: [] };
}

function finish(d: Draft, index: number): TruthRecord {
  const base = { index, kind: d.kind, who: d.who, label: d.label };
  switch (d.kind) {
    case "smaps":
      return smapsRecord(d, base);
    case "status":
      return { ...base, fields: bodyFields(d.body), body: d.body, absent: false, error: null };
    case "stat":
      return statRecord(d, base);
    case "file":
      return fileRecord(d, base);
    case "swapmap":
      return swapmapRecord(d, base);
    case "meminfo":
      return meminfoRecord(d, base);
    case "rollup":
      return rollupRecord(d, base);
    case "call":
      return callRecord(d, base);
    case "sysctl":
      return sysctlRecord(d, base);
    default:
      return { ...base, fields: d.inline, body: d.body, absent: false, error: null };
  }
}

type Base = Pick<TruthRecord, "index" | "kind" | "who" | "label">;

/** smaps' complaint when no VMA holds the target (commands/smaps.ts). */
const NO_MAPPING = /^smaps: 0x[0-9a-f]+: no mapping in process \d+$/;

/**
 * An smaps block: the header's parts (perms, offset, dev, inode, name) and
 * each `Label: value` line, keyed by label (values without " kB").
 */
function smapsRecord(d: Draft, base: Base): TruthRecord {
  const absent =
    d.rest.includes("absent") ||
    d.body.length === 0 ||
    (d.body.length === 1 && NO_MAPPING.test(d.body[0]!));
  if (absent) return { ...base, fields: new Map(), body: d.body, absent: true, error: null };
  const fields = new Map<string, string>();
  const header = /^[0-9a-f]+-[0-9a-f]+ (\S{4}) ([0-9a-f]+) ([0-9a-f]+:[0-9a-f]+) (\d+) ?(.*)$/.exec(
    d.body[0]!,
  );
  if (header !== null) {
    fields.set("perms", header[1]!);
    fields.set("offset", header[2]!);
    fields.set("dev", header[3]!);
    fields.set("inode", header[4]!);
    fields.set("name", header[5]!.trim());
  } else fields.set("header", d.body[0]!);
  for (const [k, v] of bodyFields(d.body.slice(1))) fields.set(k, v);
  return { ...base, fields, body: d.body, absent: false, error: null };
}

/** `Label:<spaces or tab>value[ kB]` lines as label -> value; other lines under `line N`. */
function bodyFields(lines: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  lines.forEach((line, i) => {
    const m = /^([A-Za-z_]+):\s*(.*?)(?: kB)?$/.exec(line);
    if (m !== null && !fields.has(m[1]!)) fields.set(m[1]!, m[2]!.trim());
    else fields.set(`line ${i + 1}`, line);
  });
  return fields;
}

/** /proc/PID/stat fields the C harness prints, by its names, and their field numbers. */
const STAT_FIELDS: ReadonlyArray<readonly [string, number]> = [
  ["minflt", 10],
  ["cminflt", 11],
  ["majflt", 12],
  ["cmajflt", 13],
  ["state", 3],
  ["vsize", 23],
  ["rss", 24],
];

function statRecord(d: Draft, base: Base): TruthRecord {
  if (d.inline.size > 0)
    return { ...base, fields: d.inline, body: d.body, absent: false, error: null };
  const fields = new Map<string, string>();
  const raw = d.body[0] ?? "";
  const close = raw.lastIndexOf(")");
  if (d.body.length === 1 && close > 0) {
    const after = raw.slice(close + 2).split(" "); // fields 3, 4, …
    for (const [name, n] of STAT_FIELDS) fields.set(name, after[n - 3] ?? "");
    return { ...base, fields, body: [], absent: false, error: null };
  }
  return { ...base, fields, body: d.body, absent: false, error: null };
}

/**
 * `@swapmap`: the C side prints every field; cowsh's pagemap adds
 * `swapped=1 type= offset=` only for a swap entry, so they default to 0.
 */
function swapmapRecord(d: Draft, base: Base): TruthRecord {
  const fields = new Map(d.inline);
  if (!fields.has("swapped")) fields.set("swapped", "0");
  if (!fields.has("type")) fields.set("type", "0");
  if (!fields.has("offset")) fields.set("offset", "0x0");
  return { ...base, fields, body: d.body, absent: false, error: null };
}

/**
 * `@meminfo P LABEL swapused= swapcached=` (C: changes since the scenario
 * began), or `@meminfo P LABEL` followed by the SwapCached, SwapTotal and
 * SwapFree lines of /proc/meminfo (cowsh: a fresh machine uses no swap, so
 * its absolute figures are the changes).
 */
function meminfoRecord(d: Draft, base: Base): TruthRecord {
  if (d.inline.size > 0)
    return { ...base, fields: d.inline, body: d.body, absent: false, error: null };
  const lines = bodyFields(d.body);
  const n = (name: string): number => Number(lines.get(name));
  const fields = new Map<string, string>();
  if (lines.has("SwapTotal")) {
    fields.set("swapused", String(n("SwapTotal") - n("SwapFree")));
    fields.set("swapcached", String(n("SwapCached")));
  }
  // the huge page scenarios (70+): THP figures as changes (a fresh cowsh
  // machine has none, so its absolute figures are the changes), the
  // hugetlb pool's absolute
  for (const [field, line] of HUGE_MEMINFO) if (lines.has(line)) fields.set(field, String(n(line)));
  return { ...base, fields, body: [], absent: false, error: null };
}

/** The huge page fields of `@meminfo` and the /proc/meminfo lines they come from. */
const HUGE_MEMINFO: readonly (readonly [string, string])[] = [
  ["anonhuge", "AnonHugePages"],
  ["shmemhuge", "ShmemHugePages"],
  ["shmempmd", "ShmemPmdMapped"],
  ["hp_total", "HugePages_Total"],
  ["hp_free", "HugePages_Free"],
  ["hp_rsvd", "HugePages_Rsvd"],
  ["hp_surp", "HugePages_Surp"],
  ["hugetlb", "Hugetlb"],
];

/** `@rollup W Swap= SwapPss= LazyFree=` (C), or `@rollup W` and those lines of smaps_rollup (cowsh). */
function rollupRecord(d: Draft, base: Base): TruthRecord {
  if (d.inline.size > 0)
    return { ...base, fields: d.inline, body: d.body, absent: false, error: null };
  return { ...base, fields: bodyFields(d.body), body: [], absent: false, error: null };
}

/** A kernel log line the shell printed after a command (`[    0.000000] …`). */
const KERNEL_LOG = /^\[\s*\d+\.\d{6}\] /;

/** A command's error message: `NAME: [OPERAND: ]STRERROR[ (detail)]`; the strerror. */
const COMMAND_ERROR = /^[a-z]+: (?:\S+: )?([A-Z][^:(]*?)(?: \(.*\))?$/;

/**
 * cowsh's report of a process killed by a signal its access raised
 * (`cowsh: pid 7: Bus error (write at 0x…: …)`): the signal's words, as
 * the C side's strsignal.
 */
const SIGNAL_DEATH = /^cowsh: pid \d+: ([A-Z][^(]*?) \(.*\)$/;

/**
 * `@call P LABEL error=STRERROR|none` (C), or `@call P LABEL` followed by
 * the command's error message if it failed (cowsh; kernel log lines the
 * shell printed after it are skipped).
 */
function callRecord(d: Draft, base: Base): TruthRecord {
  const inline = d.inline.get("error");
  if (inline !== undefined) {
    const error = [inline, ...d.rest].join(" ");
    return { ...base, fields: new Map([["error", error]]), body: d.body, absent: false, error };
  }
  const lines = d.body.filter((l) => !KERNEL_LOG.test(l));
  const m =
    lines.length === 1 ? (COMMAND_ERROR.exec(lines[0]!) ?? SIGNAL_DEATH.exec(lines[0]!)) : null;
  const error = lines.length === 0 ? "none" : m !== null ? m[1]! : lines.join(" | ");
  return { ...base, fields: new Map([["error", error]]), body: d.body, absent: false, error };
}

/** The shell's message when a redirected write fails: `cowsh: echo: write error: STRERROR`. */
const WRITE_ERROR = /write error: (.+)$/;

/**
 * `@sysctl P FILE WRITTEN`, then `error=STRERROR|none` (C) or the shell's
 * write error if any (cowsh), then the file's content read back: the
 * fields `error` and `value`.
 */
function sysctlRecord(d: Draft, base: Base): TruthRecord {
  let error = "none";
  const values: string[] = [];
  for (const line of d.body) {
    const inline = /^error=(.+)$/.exec(line);
    const shell = WRITE_ERROR.exec(line);
    if (inline !== null) error = inline[1]!;
    else if (shell !== null) error = shell[1]!;
    else values.push(line);
  }
  const fields = new Map([
    ["written", d.rest.join(" ")],
    ["error", error],
    ["value", values.join(" | ")],
  ]);
  return { ...base, fields, body: d.body, absent: false, error: null };
}

/** cat's message when a /proc file cannot be read. */
const CAT_ERROR = /^cat: \/proc\/\d+\/\S+: (.+)$/;

function fileRecord(d: Draft, base: Base): TruthRecord {
  const inline = d.inline.get("error");
  if (inline !== undefined) {
    const error = [inline, ...d.rest].join(" ");
    return { ...base, fields: new Map(), body: d.body, absent: false, error };
  }
  const catError = d.body.length === 1 ? CAT_ERROR.exec(d.body[0]!) : null;
  if (catError !== null) {
    return { ...base, fields: new Map(), body: [], absent: false, error: catError[1]! };
  }
  return { ...base, fields: new Map(), body: d.body, absent: false, error: null };
}

/** How a record is named in a difference: `#12 @smaps C buf`. */
export function recordName(r: TruthRecord): string {
  const parts = [`#${r.index} @${r.kind}`, r.who, r.label].filter((p) => p !== "");
  return parts.join(" ");
}
