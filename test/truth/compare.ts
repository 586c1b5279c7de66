/**
 * Compares a cowsh run of a scenario with the real kernel's, record by
 * record and field by field, and lists every difference in words.
 *
 * What is compared (README.md, "The comparator"):
 *  - the sequence of records itself (kind, who, label);
 *  - @smaps: every line of the block, except the header's addresses and
 *    inode number; a forked process's `Referenced` may be up to 128 kB
 *    higher on the kernel's side (unstable there);
 *  - @faults: minflt and majflt;
 *  - @pagemap: present, exclusive, file, softdirty, zero, kpagecount and
 *    kpageflags (less LRU and ACTIVE, unstable on the kernel's side); PFNs
 *    only as relations: two records show the same frame on one side iff
 *    they do on the other;
 *  - @stat: the state, and minflt, majflt, cminflt as changes since the
 *    same process's previous @stat;
 *  - @status: the set of lines, and every Vm and Rss value as a change since
 *    the same process's previous @status;
 *  - @file: the content, or the error;
 *  - @swapmap: present, swapped, exclusive, file, type, kpagecount and
 *    kpageflags (less LRU and ACTIVE); PFNs and swap offsets as relations;
 *  - @meminfo: the fields the kernel printed: swapused and swapcached, or
 *    the huge page figures (anonhuge… hp_total… hugetlb); @rollup: Swap, SwapPss, LazyFree;
 *  - @commit: committed (a change of Committed_AS); @call: the error;
 *    @sysctl: what was written, the error and the value read back.
 * Absolute figures of a whole process (@stat, @status) are not compared:
 * the C program's own executable, libc and stack are not /bin/sh's.
 */
import { diffLines } from "../../src/shell/line-diff.js";
import { recordName, type TruthRecord } from "./records.js";

/**
 * A difference that is not cowsh's to remove: the C program's own activity,
 * or a kernel figure that is not deterministic. README.md lists each one.
 */
export interface Exemption {
  /** `#7 @status P` (that record) or `@stat P` (every record of that kind and who). */
  readonly record: string;
  /** The fields as differences name them (`Rss`, `ΔVmHWM`, `line 1`), or "*" for all. */
  readonly fields: readonly string[] | "*";
  readonly reason: string;
}

/**
 * kpageflags bits that per-CPU batches make unstable on the kernel's side:
 * LRU (5), as a new page waits in a batch before it reaches the LRU list;
 * ACTIVE (6), as an activation is queued per CPU too, and is lost when the
 * page still waits in another CPU's batch (REFERENCED is cleared either way).
 */
const KPF_UNSTABLE = 0x60n;

/** Fields of a smaps block that are not compared: addresses are not in `fields`, inodes differ per run. */
const SMAPS_SKIPPED = new Set(["inode"]);

/** The outcome of a comparison: the differences, and those the exemptions excused. */
export interface Comparison {
  readonly differences: string[];
  /** Each excused difference with the exemption that excused it. */
  readonly excused: [string, Exemption][];
}

/** Pairs the records of two runs in order and compares them field by field. */
export function compareRuns(
  kernel: readonly TruthRecord[],
  cowsh: readonly TruthRecord[],
  exemptions: readonly Exemption[] = [],
): Comparison {
  const diffs: string[] = [];
  const excused: [string, Exemption][] = [];
  const deltas = new DeltaTracker();
  const n = Math.max(kernel.length, cowsh.length);
  for (let i = 0; i < n; i++) {
    const k = kernel[i];
    const c = cowsh[i];
    if (k === undefined || c === undefined || sameKey(k, c) === false) {
      diffs.push(
        `record #${i + 1}: kernel ${k ? keyOf(k) : "(none)"}, cowsh ${c ? keyOf(c) : "(none)"}`,
      );
      break; // the sequences no longer pair up
    }
    const found: [string, string, string][] = []; // field, kernel, cowsh
    compareRecord(k, c, deltas, found);
    for (const [field, kv, cv] of found) {
      const text = `${recordName(k)}: ${field}: kernel ${kv}, cowsh ${cv}`;
      const by = exemptionFor(exemptions, k, field);
      if (by === undefined) diffs.push(text);
      else excused.push([text, by]);
    }
  }
  diffs.push(...compareRelations(kernel, cowsh, "present", "pfn", "frame"));
  diffs.push(...compareRelations(kernel, cowsh, "swapped", "offset", "slot"));
  return { differences: diffs, excused };
}

const keyOf = (r: TruthRecord): string => `@${r.kind} ${r.who} ${r.label}`.replace(/ +/g, " ");
const sameKey = (a: TruthRecord, b: TruthRecord): boolean => keyOf(a) === keyOf(b);

function exemptionFor(
  exemptions: readonly Exemption[],
  r: TruthRecord,
  field: string,
): Exemption | undefined {
  const key = keyOf(r).trim();
  return exemptions.find(
    (e) =>
      (e.record === key || e.record === `#${r.index} ${key}`) &&
      (e.fields === "*" || e.fields.includes(field)),
  );
}

type Found = [string, string, string][];

function compareRecord(k: TruthRecord, c: TruthRecord, deltas: DeltaTracker, found: Found): void {
  switch (k.kind) {
    case "step":
      break;
    case "smaps":
      compareSmaps(k, c, found);
      break;
    case "faults":
      compareFields(k, c, ["minflt", "majflt"], found);
      break;
    case "pagemap":
      comparePagemap(k, c, found);
      break;
    case "stat":
      compareFields(k, c, ["state"], found);
      deltas.compare(k, c, ["minflt", "majflt", "cminflt"], found);
      break;
    case "status":
      compareFieldSets(k, c, found);
      deltas.compare(k, c, [...k.fields.keys()], found);
      break;
    case "file":
      compareFile(k, c, found);
      break;
    case "swapmap":
      compareFields(k, c, SWAPMAP_FIELDS, found);
      compareKpageflags(k, c, found);
      break;
    case "meminfo":
      // the fields the kernel's record has: swap (36+) or huge pages (70+)
      compareFields(k, c, [...k.fields.keys()], found);
      break;
    case "rollup":
      compareFields(k, c, ["Swap", "SwapPss", "LazyFree"], found);
      break;
    case "commit":
      compareFields(k, c, ["committed"], found);
      break;
    case "call":
      compareFields(k, c, ["error"], found);
      break;
    case "sysctl":
      compareFields(k, c, ["written", "error", "value"], found);
      break;
    case "ksm":
      compareFields(k, c, [...k.fields.keys()], found);
      break;
  }
}

function compareFields(k: TruthRecord, c: TruthRecord, names: readonly string[], found: Found) {
  for (const name of names) {
    const kv = k.fields.get(name) ?? "(missing)";
    const cv = c.fields.get(name) ?? "(missing)";
    if (kv !== cv) found.push([name, kv, cv]);
  }
}

function compareFieldSets(k: TruthRecord, c: TruthRecord, found: Found): void {
  const kn = [...k.fields.keys()].join(" ");
  const cn = [...c.fields.keys()].join(" ");
  if (kn !== cn) found.push(["lines", kn || "(none)", cn || "(none)"]);
}

function compareSmaps(k: TruthRecord, c: TruthRecord, found: Found): void {
  if (k.absent || c.absent) {
    if (k.absent !== c.absent)
      found.push(["block", k.absent ? "absent" : "present", c.absent ? "absent" : "present"]);
    return;
  }
  const names = new Set([...k.fields.keys(), ...c.fields.keys()]);
  for (const name of names) {
    if (SMAPS_SKIPPED.has(name)) continue;
    if (name === "Referenced" && k.who !== "P" && referencedNoise(k, c)) continue;
    const kv = k.fields.get(name) ?? "(missing)";
    const cv = c.fields.get(name) ?? "(missing)";
    if (kv !== cv) found.push([name, kv, cv]);
  }
}

/**
 * A forked process's Referenced on the kernel is usually exactly the pages it
 * touched since fork, but single runs showed up to 100 kB more (README.md,
 * "Unstable fields"): the kernel's figure may exceed cowsh's by that much.
 */
const REFERENCED_NOISE_KB = 128;

function referencedNoise(k: TruthRecord, c: TruthRecord): boolean {
  const extra = Number(k.fields.get("Referenced")) - Number(c.fields.get("Referenced"));
  return extra >= 0 && extra <= REFERENCED_NOISE_KB;
}

const PAGEMAP_FIELDS = ["present", "exclusive", "file", "softdirty", "zero", "kpagecount"];

const SWAPMAP_FIELDS = ["present", "swapped", "exclusive", "file", "type", "kpagecount"];

function comparePagemap(k: TruthRecord, c: TruthRecord, found: Found): void {
  compareFields(k, c, PAGEMAP_FIELDS, found);
  compareKpageflags(k, c, found);
}

function compareKpageflags(k: TruthRecord, c: TruthRecord, found: Found): void {
  const kf = k.fields.get("kpageflags");
  const cf = c.fields.get("kpageflags");
  if (kf === undefined || cf === undefined) {
    if (kf !== cf) found.push(["kpageflags", kf ?? "(missing)", cf ?? "(missing)"]);
    return;
  }
  if ((BigInt(kf) & ~KPF_UNSTABLE) !== (BigInt(cf) & ~KPF_UNSTABLE))
    found.push(["kpageflags", kf, cf]);
}

function compareFile(k: TruthRecord, c: TruthRecord, found: Found): void {
  if (k.error !== c.error) {
    found.push(["error", k.error ?? "(none)", c.error ?? "(none)"]);
    return;
  }
  for (const change of diffLines(k.body, c.body)) {
    const lines = (from: readonly string[], at: number, n: number): string =>
      n === 0 ? "(nothing)" : JSON.stringify(from.slice(at, at + n).join("\n"));
    found.push([
      `line ${change.line0 + 1}`,
      lines(k.body, change.line0, change.deleted),
      lines(c.body, change.line1, change.inserted),
    ]);
  }
}

/** Numeric fields compared as changes since the same process's previous record of the same kind. */
class DeltaTracker {
  private readonly last = new Map<string, [TruthRecord, TruthRecord]>();

  compare(k: TruthRecord, c: TruthRecord, names: readonly string[], found: Found): void {
    const key = `${k.kind} ${k.who}`;
    const prev = this.last.get(key);
    this.last.set(key, [k, c]);
    if (prev === undefined) return;
    const [pk, pc] = prev;
    for (const name of names) {
      const dk = delta(pk, k, name);
      const dc = delta(pc, c, name);
      if (dk === null || dc === null || dk === dc) continue;
      found.push([`Δ${name}`, signed(dk), signed(dc)]);
    }
  }
}

function delta(before: TruthRecord, after: TruthRecord, name: string): number | null {
  const a = Number(before.fields.get(name));
  const b = Number(after.fields.get(name));
  return Number.isFinite(a) && Number.isFinite(b) ? b - a : null;
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

/**
 * PFNs (and swap offsets) as relations: for every two present @pagemap or
 * @swapmap records, the kernel shows the same frame iff cowsh does (a copy
 * gets a new frame, a reuse keeps it, a child sees its parent's frame, the
 * zero page is one frame); likewise the same swap slot for two swapped ones.
 */
function compareRelations(
  kernel: readonly TruthRecord[],
  cowsh: readonly TruthRecord[],
  flag: string,
  field: string,
  what: string,
): string[] {
  const diffs: string[] = [];
  const pairs: [TruthRecord, string, string][] = [];
  for (let i = 0; i < Math.min(kernel.length, cowsh.length); i++) {
    const k = kernel[i]!;
    const c = cowsh[i]!;
    if ((k.kind !== "pagemap" && k.kind !== "swapmap") || !sameKey(k, c)) continue;
    if (k.fields.get(flag) !== "1" || c.fields.get(flag) !== "1") continue;
    pairs.push([k, k.fields.get(field) ?? "", c.fields.get(field) ?? ""]);
  }
  for (let j = 1; j < pairs.length; j++) {
    for (let i = 0; i < j; i++) {
      const [ri, ki, ci] = pairs[i]!;
      const [rj, kj, cj] = pairs[j]!;
      if ((ki === kj) === (ci === cj)) continue;
      const how = (same: boolean): string => (same ? `the same ${what}` : `different ${what}s`);
      diffs.push(
        `${recordName(rj)}: ${field} vs ${recordName(ri)}: kernel ${how(ki === kj)}, cowsh ${how(ci === cj)}`,
      );
    }
  }
  return diffs;
}
