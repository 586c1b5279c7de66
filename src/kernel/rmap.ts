/**
 * Reverse mapping the slow way: which PTEs, in which processes, map a frame.
 *
 * Linux finds them through the frame's anon_vma or address_space
 * (rmap_walk). This model keeps no reverse links, so the walk reads every
 * live mm's page tables. It is for explanations (`explain`), never for a
 * hot path. Pure: it reads, changes nothing.
 */
import { PAGE_SIZE, TASK_SIZE } from "./constants.js";
import type { Mm } from "./mm.js";
import { ptePfn, ptePresent } from "./page-table.js";
import type { Task } from "./task.js";
import type { Vma } from "./vma.js";

/** One PTE mapping the frame. */
export interface Mapping {
  readonly pid: number;
  readonly mm: Mm;
  /** The VMA holding the address; undefined would mean a PTE outside every VMA (a bug). */
  readonly vma: Vma | undefined;
  readonly addr: number;
  /** The other tasks using the same mm (threads, a vfork or CLONE_VM child): this one PTE is theirs too. */
  readonly sharers: readonly number[];
}

/**
 * Every present PTE mapping `pfn`, in PID order then address order. A PTE
 * table shared after fork is read once for each mm using it, as each mm
 * maps the frame (and counts in its map count) on its own; an mm several
 * tasks use is read once, under its lowest PID, naming the others.
 */
export function mappingsOf(tasks: Iterable<Task>, pfn: number): Mapping[] {
  const found: Mapping[] = [];
  const live = [...tasks].filter((t) => t.mm !== null).sort((a, b) => a.pid - b.pid);
  const walked = new Set<Mm>();
  for (const task of live) {
    const mm = task.mm!;
    // An mm several tasks use is one set of page tables: walked once, under its lowest PID.
    if (walked.has(mm)) continue;
    walked.add(mm);
    const sharers = live.filter((t) => t.mm === mm && t !== task).map((t) => t.pid);
    mm.pt.walk(0, TASK_SIZE / PAGE_SIZE, {
      pteEntry(pte, i, span) {
        if (!ptePresent(pte) || ptePfn(pte) !== pfn) return;
        const addr = (span.base + i) * PAGE_SIZE;
        found.push({ pid: task.pid, mm, vma: mm.vmaAt(addr), addr, sharers });
      },
    });
  }
  return found;
}
