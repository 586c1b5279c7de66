/**
 * A program's loads and stores: one access per page of a range, the way a
 * loop touching every page would run. Present, permitted PTEs are used as
 * the MMU would (setting accessed and dirty bits); anything else faults.
 */
import { PAGE_SIZE, PTRS_PER_PTE, VM_HUGETLB } from "./constants.js";
import {
  accessAllowed,
  FAULT_KIND_MASK,
  FAULT_KINDS,
  FAULT_MAJOR,
  handleMmFault,
  VM_FAULT_OOM,
  VM_FAULT_SIGBUS,
  VmFault,
} from "./fault.js";
import { hugetlbFault, hugetlbFrame } from "./hugetlb.js";
import type { Kernel } from "./kernel.js";
import type { Mm } from "./mm.js";
import { PTE_DIRTY, PTE_SOFT_DIRTY, pteDirty, ptePfn, ptePresent, pteWrite } from "./page-table.js";
import { RECLAIM_RESERVE, reclaimBeforeFault } from "./reclaim.js";
import type { Vma } from "./vma.js";

export interface AccessReport {
  /** Pages touched before the access finished or stopped. */
  pages: number;
  minflt: number;
  majflt: number;
  /** Faults by kind, indexed like FAULT_KINDS. */
  readonly byKind: number[];
  /** For reads: the content word of each page read, when asked for. */
  readonly words: number[] | null;
  /** Set when the access stopped: the signal the process got, and where. */
  signal: { readonly signo: 7 | 9 | 11; readonly addr: number; readonly reason: string } | null;
}

export interface Accessor {
  readonly pid: number;
  readonly mm: Mm;
  minflt: number;
  majflt: number;
}

export const SIGBUS = 7;
export const SIGKILL = 9;
export const SIGSEGV = 11;

/** Gives each page a store writes its own content word (`write --random`). */
export type WordSource = () => number;

/**
 * Touches every page of [start, start + length): stores `word` (write; a
 * WordSource gives every page the next word it yields; null
 * faults the page in writable without changing it, as get_user_pages with
 * FOLL_WRITE does) or loads (read). With `add`, a store adds `word` to
 * what the page held, as a store to part of a page keeps the rest: the
 * result depends on the old content, so a COW copy that lost it shows.
 * Stops at the first page that raises a signal; the caller delivers it.
 * Counts each completed fault into the task, as mm_account_fault does (a
 * fault that ends in a signal is not counted).
 */
export function accessRange(
  k: Kernel,
  task: Accessor,
  start: number,
  length: number,
  write: boolean,
  word: number | WordSource | null,
  collectWords: boolean,
  add = false,
): AccessReport {
  const report: AccessReport = {
    pages: 0,
    minflt: 0,
    majflt: 0,
    byKind: FAULT_KINDS.map(() => 0),
    words: collectWords ? [] : null,
    signal: null,
  };
  // Counted in locals while the loop runs, stored in the report and the
  // task when it ends (done), however it ends.
  let pages = 0;
  let minflt = 0;
  let majflt = 0;
  const byKind = new Uint32Array(FAULT_KINDS.length);
  const done = (signal: AccessReport["signal"] = null): AccessReport => {
    report.pages = pages;
    report.minflt = minflt;
    report.majflt = majflt;
    byKind.forEach((n, i) => {
      report.byKind[i] = n;
    });
    task.minflt += minflt;
    task.majflt += majflt;
    report.signal = signal;
    return report;
  };
  const { mm } = task;
  const { content } = k.phys;
  const dirtyBits = PTE_DIRTY | (k.config.softDirty ? PTE_SOFT_DIRTY : 0);
  const first = Math.floor(start / PAGE_SIZE);
  const last = Math.ceil((start + length) / PAGE_SIZE);
  let vma: Vma | undefined;
  // The page table's cursor (a span walk): the loop runs table by table (an
  // outer loop over 2 MiB regions, an inner one over their entries), so the
  // table is looked up once per 512 pages and again only after a fault
  // (which may allocate or unshare it).
  const span = mm.pt.span();
  let vmf: VmFault | null = null;
  for (let key = Math.floor(first / PTRS_PER_PTE); key * PTRS_PER_PTE < last; key++) {
    const base = key * PTRS_PER_PTE;
    span.seek(key, Math.max(first, base) - base, Math.min(last, base + PTRS_PER_PTE) - base);
    for (let i = span.lo; i < span.hi; i++) {
      const addr = (base + i) * PAGE_SIZE;
      if (vma === undefined || addr >= vma.end) {
        vma = mm.vmaAt(addr);
        if (vma === undefined)
          return done({ signo: SIGSEGV, addr: Math.max(addr, start), reason: "no mapping" });
        if (!accessAllowed(vma, write)) {
          const why = write ? "mapping is not writable" : "mapping is not readable";
          return done({ signo: SIGSEGV, addr: Math.max(addr, start), reason: why });
        }
      }
      if (vma.flags & VM_HUGETLB) {
        // hugetlb.ts's own table maps the page (a huge entry, no PTE table)
        let pfn = hugetlbFrame(mm, addr, write);
        if (pfn < 0) {
          const fault = hugetlbFault(k, mm, vma, addr, write);
          if (fault === "sigbus")
            return done({
              signo: SIGBUS,
              addr: Math.max(addr, start),
              reason: "no free huge page",
            });
          k.phys.vm.countFault(false);
          minflt++;
          byKind[FAULT_KINDS.indexOf(fault)]!++;
          pfn = hugetlbFrame(mm, addr, write);
        }
        if (write && word !== null) {
          const w = typeof word === "function" ? word() : word;
          content[pfn] = add ? (content[pfn]! + w) >>> 0 : w;
        } else report.words?.push(content[pfn]!);
        pages++;
        continue;
      }
      let pte = span.entries[i]!;
      if (!ptePresent(pte) || (write && !pteWrite(pte))) {
        if (k.phys.nrFree < RECLAIM_RESERVE) {
          reclaimBeforeFault(k); // may swap out or drop pages of this table too
          span.reload();
          pte = span.entries[i]!;
        }
        vmf ??= new VmFault(k, task);
        const code = handleMmFault(k, task, vma, addr, write, pte, vmf);
        if (code < 0) return done(faultSignal(code, Math.max(addr, start)));
        if (code & FAULT_MAJOR) majflt++;
        else minflt++;
        byKind[code & FAULT_KIND_MASK]!++;
        span.reload();
        pte = span.entries[i]!;
      }
      // The MMU sets the accessed bit, and on a store the dirty bit. A writable
      // PTE's table is never shared (page-table.ts), so set() copies nothing.
      span.mkYoung(i);
      if (write && !pteDirty(pte)) span.set(i, pte | dirtyBits);
      const pfn = ptePfn(pte);
      if (write && word !== null) {
        const w = typeof word === "function" ? word() : word;
        content[pfn] = add ? (content[pfn]! + w) >>> 0 : w;
      } else report.words?.push(content[pfn]!);
      pages++;
    }
  }
  return done();
}

/** The signal a failed fault raises at `addr`, and why. */
function faultSignal(code: number, addr: number): NonNullable<AccessReport["signal"]> {
  if (code === VM_FAULT_SIGBUS)
    return { signo: SIGBUS, addr, reason: "beyond the end of the file" };
  if (code === VM_FAULT_OOM) return { signo: SIGKILL, addr, reason: "out of memory" };
  return { signo: SIGSEGV, addr, reason: "bad access" };
}
