/**
 * The tracer behind `trace on`: it receives every KernelEvent through the
 * machine's trace hook and keeps a summary, so writing a GiB (262,144
 * faults) costs a few counters and prints a line, not 262,144 lines.
 *
 * Faults aggregate per process and kind, with the address ranges they hit
 * (a fault within 64 KiB of the last one of its kind extends its range);
 * pages reclaimed (MADV_PAGEOUT, reclaim under pressure) aggregate the same
 * way per process, cause and outcome, without splitting the faults they
 * come between (reclaim runs inside faults); fork, exec, exit, teardown and
 * OOM kills are kept in order, one line each.
 * Each command's summary is drained after it runs (see `traced`).
 */

import { hex } from "../../../fs/hex.js";
import type { FaultKind, KernelEvent, PageoutKind } from "../../../src/kernel/events.js";
import { FAULT_KINDS } from "../../../src/kernel/fault.js";
import { plural } from "../explain/prose.js";

/** Faults of one kind by one process. */
interface FaultTally {
  count: number;
  major: number;
  mapped: number;
  /** [lo, hi) address ranges, in the order first hit; at most MAX_RANGES kept. */
  readonly ranges: Array<[number, number]>;
  /** Faults that fell outside the kept ranges. */
  overflow: number;
}

/** Faults in a row, between two other events: pid -> kind -> tally. */
interface FaultBatch {
  readonly kind: "faults";
  readonly byPid: Map<number, Map<FaultKind, FaultTally>>;
}

/** Pages gone, between two other events: "madvise 3" / "reclaim 0" -> outcome -> tally. */
interface PageoutBatch {
  readonly kind: "pageouts";
  readonly byWho: Map<string, Map<PageoutKind, FaultTally>>;
}

type PageoutEvent = Extract<KernelEvent, { kind: "pageout" }>;

type Entry = FaultBatch | PageoutBatch | { readonly kind: "event"; readonly event: KernelEvent };

/** The outcomes in the order printed, each with what it means. */
const PAGEOUT_MEANINGS: ReadonlyArray<readonly [PageoutKind, string]> = [
  ["swap-out", "written to swap, each PTE now a swap entry"],
  ["shmem-swap-out", "shmem written to swap, PTEs cleared, the object keeps the entry"],
  ["shmem-drop", "clean shmem, only zeros: freed"],
  ["lazy-discard", "clean MADV_FREE page freed: the next touch reads zeros"],
  ["file-drop", "clean page-cache page freed: the next touch rereads the file"],
  ["file-writeback", "dirty page-cache page written to its file, then freed"],
  ["swap-cache-drop", "unmapped swap-cache page freed: its slot keeps the data"],
];

const MAX_RANGES = 64;
/** A fault this close above a range's end extends it (fault-around steps by 16 pages). */
const RANGE_GAP = 64 * 1024;
/** Ranges printed per kind before "and N more". */
const SHOWN_RANGES = 3;
/** Events kept per command; beyond, they are only counted. */
const MAX_ENTRIES = 10_000;

export class Tracer {
  private entries: Entry[] = [];
  private dropped = 0;
  /** The batches faults and pageouts add to until another event comes. */
  private faults: FaultBatch | null = null;
  private pageouts: PageoutBatch | null = null;

  /** The hook to set as `machine.trace`. */
  readonly record = (event: KernelEvent): void => {
    if (event.kind === "fault") this.fault(event);
    else if (event.kind === "pageout") this.pageout(event);
    else if (this.entries.length < MAX_ENTRIES) {
      this.entries.push({ kind: "event", event });
      this.faults = null;
      this.pageouts = null;
    } else this.dropped++;
  };

  private pageout(e: PageoutEvent): void {
    let batch = this.pageouts;
    if (batch === null) {
      if (this.entries.length >= MAX_ENTRIES) {
        this.dropped++;
        return;
      }
      batch = { kind: "pageouts", byWho: new Map() };
      this.entries.push(batch);
      this.pageouts = batch;
    }
    const who = `${e.by} ${e.pid}`;
    let outs = batch.byWho.get(who);
    if (outs === undefined) {
      outs = new Map();
      batch.byWho.set(who, outs);
    }
    let t = outs.get(e.out);
    if (t === undefined) {
      t = { count: 0, major: 0, mapped: 0, ranges: [], overflow: 0 };
      outs.set(e.out, t);
    }
    t.count++;
    if (e.addr >= 0) addToRanges(t, e.addr);
  }

  private fault(e: Extract<KernelEvent, { kind: "fault" }>): void {
    let last = this.faults;
    if (last === null) {
      if (this.entries.length >= MAX_ENTRIES) {
        this.dropped++;
        return;
      }
      last = { kind: "faults", byPid: new Map() };
      this.entries.push(last);
      this.faults = last;
    }
    let kinds = last.byPid.get(e.pid);
    if (kinds === undefined) {
      kinds = new Map();
      last.byPid.set(e.pid, kinds);
    }
    let t = kinds.get(e.fault);
    if (t === undefined) {
      t = { count: 0, major: 0, mapped: 0, ranges: [], overflow: 0 };
      kinds.set(e.fault, t);
    }
    t.count++;
    if (e.major) t.major++;
    t.mapped += e.mapped;
    addToRanges(t, e.addr);
  }

  /** The summary lines of everything recorded since the last drain, which it clears. */
  drain(): string[] {
    const lines: string[] = [];
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.kind === "faults") lines.push(...faultLines(entry));
      else if (entry.kind === "pageouts") lines.push(...pageoutLines(entry));
      else {
        const next = entries[i + 1];
        const merged = next?.kind === "event" ? mergeTeardown(entry.event, next.event) : null;
        if (merged !== null) i++;
        lines.push(merged ?? eventLine(entry.event));
      }
    }
    if (this.dropped > 0) lines.push(`${plural(this.dropped, "more event")} not shown`);
    this.entries = [];
    this.dropped = 0;
    this.faults = null;
    this.pageouts = null;
    return lines;
  }
}

function addToRanges(t: FaultTally, addr: number): void {
  const r = t.ranges;
  const last = r[r.length - 1];
  if (last !== undefined && addr >= last[0] && addr <= last[1] + RANGE_GAP) {
    if (addr + 4096 > last[1]) last[1] = addr + 4096;
    return;
  }
  if (r.length < MAX_RANGES) r.push([addr, addr + 4096]);
  else t.overflow++;
}

/** `pid 3: 256 faults: cow-copy ×256 at 0x7ffff6c00000-0x7ffff6d00000`, one line per process. */
function faultLines(batch: FaultBatch): string[] {
  const lines: string[] = [];
  for (const [pid, kinds] of batch.byPid) {
    let total = 0;
    let major = 0;
    const parts: string[] = [];
    for (const kind of FAULT_KINDS) {
      const t = kinds.get(kind);
      if (t === undefined) continue;
      total += t.count;
      major += t.major;
      parts.push(kindText(kind, t));
    }
    const majors = major > 0 ? ` (${major} major)` : "";
    lines.push(`pid ${pid}: ${plural(total, "fault")}${majors}: ${parts.join("; ")}`);
  }
  return lines;
}

function kindText(kind: FaultKind, t: FaultTally): string {
  const mapped = t.mapped !== t.count ? `, ${plural(t.mapped, "page")} mapped` : "";
  return `${kind} ×${t.count}${mapped} at ${rangesText(t)}`;
}

function rangesText(t: FaultTally): string {
  const shown = t.ranges.slice(0, SHOWN_RANGES).map(([lo, hi]) => `${hex(lo)}-${hex(hi)}`);
  const more = t.ranges.length - shown.length + (t.overflow > 0 ? 1 : 0);
  return `${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

/**
 * `pid 3: MADV_PAGEOUT: 256 pages out: swap-out ×256 at 0x…-0x… (written
 * to swap, each PTE now a swap entry)`, one line per process and cause;
 * pages no process mapped as `reclaim: 40 unmapped pages freed: …`.
 */
function pageoutLines(batch: PageoutBatch): string[] {
  const lines: string[] = [];
  for (const [who, outs] of batch.byWho) {
    const [by, pidText] = who.split(" ") as [string, string];
    const cause = by === "madvise" ? "MADV_PAGEOUT" : "reclaim";
    let total = 0;
    const parts: string[] = [];
    for (const [out, meaning] of PAGEOUT_MEANINGS) {
      const t = outs.get(out);
      if (t === undefined) continue;
      total += t.count;
      const where = t.ranges.length > 0 ? ` at ${rangesText(t)}` : "";
      parts.push(`${out} ×${t.count}${where} (${meaning})`);
    }
    const head =
      pidText === "0"
        ? `${cause}: ${plural(total, "unmapped page")} freed`
        : `pid ${pidText}: ${cause}: ${plural(total, "page")} out`;
    lines.push(`${head}: ${parts.join("; ")}`);
  }
  return lines;
}

/** A wait status as words: `status 0`, `killed by signal 9`. */
function statusText(status: number): string {
  const signal = status & 0x7f;
  return signal === 0 ? `status ${(status >> 8) & 0xff}` : `killed by signal ${signal}`;
}

function teardownText(e: Extract<KernelEvent, { kind: "teardown" }>): string {
  return `${plural(e.unmapped, "PTE")} unmapped (each a map count -1), ${plural(e.freed, "frame")} freed`;
}

/** A teardown followed by the exec or exit that caused it, as one line; else null. */
function mergeTeardown(a: KernelEvent, b: KernelEvent): string | null {
  if (a.kind !== "teardown" || a.pid !== ("pid" in b ? b.pid : -1)) return null;
  if (a.why === "exec" && b.kind === "exec")
    return `pid ${a.pid}: exec ${b.path}: the old mm torn down: ${teardownText(a)}`;
  if (a.why === "exit" && b.kind === "exit")
    return `pid ${a.pid}: exit, ${statusText(b.status)}: ${teardownText(a)}`;
  return null;
}

function eventLine(e: KernelEvent): string {
  switch (e.kind) {
    case "fault":
      return `pid ${e.pid}: ${e.fault} fault at ${hex(e.addr)}`;
    case "fork":
      return `pid ${e.parent}: fork -> pid ${e.child}: ${plural(e.copied, "PTE")} copied (each a map count +1)`;
    case "exec":
      return `pid ${e.pid}: exec ${e.path}`;
    case "exit":
      return `pid ${e.pid}: exit, ${statusText(e.status)}`;
    case "teardown":
      return `pid ${e.pid}: ${e.why} tore the mm down: ${teardownText(e)}`;
    case "segv":
      return `pid ${e.pid}: SIGSEGV on a ${e.write ? "write" : "read"} at ${hex(e.addr)}: ${e.reason}`;
    case "oom-kill":
      return `oom-kill: ${e.message}`;
    case "pageout":
      return `pid ${e.pid}: ${e.out} by ${e.by}`;
  }
}
