/**
 * Page reclaim (mm/vmscan.c) and the allocator's slow path
 * (__alloc_pages_slowpath): when no frame is free, the page-cache pages
 * nobody maps are freed (dirty ones written back first); when none is left,
 * the OOM killer (oom.ts) chooses a victim. Owns the order of those steps;
 * the fast path (a free frame) stays in Machine.allocFrame.
 */
import { deleteFromPageCache } from "./filemap.js";
import type { Kernel } from "./kernel.js";
import { selectVictim } from "./oom.js";
import { PG_DIRTY, type PhysMem } from "./phys.js";
import type { Task } from "./task.js";
import type { Vfs } from "./vfs.js";

/**
 * shrink_page_list over the whole page cache: frees every cached page of a
 * regular file that no PTE maps, writing a dirty one back to `disk` first.
 * Shmem pages stay (there is no swap). Returns how many were freed.
 */
function shrinkPageCache(phys: PhysMem, vfs: Vfs): number {
  let freed = 0;
  for (const inode of vfs.cachedInodes()) {
    for (const [index, pfn] of [...inode.cache.entries()]) {
      if (phys.mapcountOf(pfn) !== 0 || inode.shmem) continue;
      if (phys.flags[pfn]! & PG_DIRTY) inode.disk.set(index, phys.content[pfn]!);
      deleteFromPageCache(phys, inode, index, pfn);
      freed++;
    }
  }
  return freed;
}

/**
 * After the fast path found no free frame: reclaim, else kill the task
 * oom.ts chooses (by `oomKill`, which logs and reaps it) and retry. Returns
 * the frame, or -1 when nothing is left to reclaim or kill, or when the
 * victim was `requesterPid` itself.
 */
export function allocFrameSlow(
  k: Kernel,
  tasks: ReadonlyMap<number, Task>,
  kind: number,
  word: number,
  requesterPid: number,
  oomKill: (victim: Task) => void,
): number {
  for (;;) {
    if (shrinkPageCache(k.phys, k.vfs) === 0) {
      const victim = selectVictim(tasks.values(), k.phys.nrFrames);
      if (victim === null) return -1;
      oomKill(victim);
      if (victim.pid === requesterPid) return -1;
    }
    const pfn = k.phys.alloc(kind, word);
    if (pfn >= 0) return pfn;
  }
}
