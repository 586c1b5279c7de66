/**
 * A program's loads and stores: one access per page of a range, the way a
 * loop touching every page would run. Present, permitted PTEs are used as
 * the MMU would (setting accessed and dirty bits); anything else faults.
 */
import { PAGE_SIZE, PTRS_PER_PTE } from "./constants.js";
import {
  accessAllowed,
  FAULT_KIND_MASK,
  FAULT_KINDS,
  FAULT_MAJOR,
  handleMmFault,
  VM_FAULT_OOM,
  VM_FAULT_SIGBUS,
} from "./fault.js";
import type { Kernel } from "./kernel.js";
import type { Mm } from "./mm.js";
import { PTE_DIRTY, PTE_SOFT_DIRTY, PTE_WRITE, ptePfn } from "./page-table.js";
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

/**
 * Touches every page of [start, start + length): stores `word` (write; null
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
  word: number | null,
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
  const { mm } = task;
  const { content } = k.phys;
  const softDirty = k.config.softDirty ? PTE_SOFT_DIRTY : 0;
  const first = Math.floor(start / PAGE_SIZE);
  const last = Math.ceil((start + length) / PAGE_SIZE);
  let vma: Vma | undefined;
  for (let vpn = first; vpn < last; vpn++) {
    const addr = vpn * PAGE_SIZE;
    if (vma === undefined || addr >= vma.end) {
      vma = mm.vmaAt(addr);
      if (vma === undefined) return stop(report, SIGSEGV, Math.max(addr, start), "no mapping");
      if (!accessAllowed(vma, write)) {
        return stop(
          report,
          SIGSEGV,
          Math.max(addr, start),
          write ? "mapping is not writable" : "mapping is not readable",
        );
      }
    }
    let pte = mm.pt.get(vpn);
    if (pte === 0 || (write && !(pte & PTE_WRITE))) {
      const code = handleMmFault(k, task, vma, addr, write);
      if (code < 0) {
        if (code === VM_FAULT_SIGBUS)
          return stop(report, SIGBUS, Math.max(addr, start), "beyond the end of the file");
        if (code === VM_FAULT_OOM) return stop(report, SIGKILL, addr, "out of memory");
        return stop(report, SIGSEGV, addr, "bad access");
      }
      if (code & FAULT_MAJOR) {
        report.majflt++;
        task.majflt++;
      } else {
        report.minflt++;
        task.minflt++;
      }
      report.byKind[code & FAULT_KIND_MASK]!++;
      pte = mm.pt.get(vpn);
    }
    touch(mm, vpn, pte, write, softDirty);
    const pfn = ptePfn(mm.pt.get(vpn));
    if (write && word !== null) content[pfn] = add ? (content[pfn]! + word) >>> 0 : word;
    else report.words?.push(content[pfn]!);
    report.pages++;
  }
  return report;
}

function stop(report: AccessReport, signo: 7 | 9 | 11, addr: number, reason: string): AccessReport {
  report.signal = { signo, addr, reason };
  return report;
}

/**
 * The MMU's side of an access through a present PTE: it sets the accessed
 * bit, and on a store the dirty bit. A writable PTE's table is never
 * shared (page-table.ts), so setting the dirty bit needs no copy.
 */
function touch(mm: Mm, vpn: number, pte: number, write: boolean, softDirty: number): void {
  const slot = mm.pt.slots.get(Math.floor(vpn / PTRS_PER_PTE))!;
  const i = vpn % PTRS_PER_PTE;
  slot.young ??= new Uint32Array(PTRS_PER_PTE / 32);
  slot.young[i >>> 5]! |= 1 << (i & 31);
  if (write && !(pte & PTE_DIRTY)) slot.table.pte[i] = pte | PTE_DIRTY | softDirty;
}
