/**
 * When reclaim runs, and the allocator's slow path (__alloc_pages_slowpath).
 *
 * Reclaim proper (vmscan.ts) runs before a fault when fewer than
 * RECLAIM_RESERVE frames are free (reclaimBeforeFault): as a memory
 * cgroup at its limit reclaims SWAP_CLUSTER_MAX pages before charging one
 * more, it may unmap pages from every process (swap anon out, drop file
 * pages). It runs there, between faults, because a fault that has started
 * holds pages whose mappings must not change under it (Linux pins them with
 * references; this model has none).
 *
 * When no frame is free inside an allocation (allocFrameSlow), reclaim
 * takes no page the allocating process maps (its fault may hold it); then
 * every page-cache page nobody maps is dropped (dirty ones written back
 * first), through the same shrink_folio_list (vmscan.ts); only when none
 * is left does the OOM killer (oom.ts) choose a victim. The fast path (a
 * free frame) stays in Machine.allocFrame.
 */
import type { Kernel } from "./kernel.js";
import { selectVictim } from "./oom.js";
import type { Task } from "./task.js";
import { SWAP_CLUSTER_MAX, shrinkUnmappedPageCache, tryToFreePages } from "./vmscan.js";

/** Free frames below which a fault first reclaims: room for one fault's read-ahead and more. */
export const RECLAIM_RESERVE = 2 * SWAP_CLUSTER_MAX;

/**
 * Before a fault: with fewer than RECLAIM_RESERVE free frames, reclaims
 * SWAP_CLUSTER_MAX pages from the LRU lists, unmapping where it must.
 * Callers must reread the PTEs they hold (pages may have been swapped out
 * or dropped). Returns the pages freed.
 */
export function reclaimBeforeFault(k: Kernel): number {
  const { phys } = k;
  if (phys.nrFree >= RECLAIM_RESERVE || phys.vm.reclaimFruitlessAt === phys.vm.pgfree) return 0;
  // As should_reclaim_retry: a pass that freed nothing but moved pages
  // between the lists (activated young ones, deactivated old ones) has
  // prepared the next, which is tried; one that moved nothing will not do better.
  for (let retries = 0; retries < MAX_RECLAIM_RETRIES; retries++) {
    const moved = phys.vm.pgactivate + phys.vm.pgdeactivate;
    const freed = tryToFreePages(k, SWAP_CLUSTER_MAX, { mayUnmap: true, kswapd: false });
    if (freed > 0) return freed;
    if (phys.vm.pgactivate + phys.vm.pgdeactivate === moved) break;
  }
  // Not tried again until some page has been freed since (an exit, an
  // munmap), so a machine with nothing to reclaim does not scan at every fault.
  phys.vm.reclaimFruitlessAt = phys.vm.pgfree;
  return 0;
}

/** Passes of reclaim without progress before giving up (MAX_RECLAIM_RETRIES). */
const MAX_RECLAIM_RETRIES = 16;

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
  const keepMm = tasks.get(requesterPid)?.mm ?? null;
  for (;;) {
    const reclaimed =
      tryToFreePages(k, SWAP_CLUSTER_MAX, { mayUnmap: true, kswapd: false, keepMm }) ||
      shrinkUnmappedPageCache(k);
    if (reclaimed === 0) {
      const victim = selectVictim(tasks.values(), k.phys.nrFrames);
      if (victim === null) return -1;
      k.phys.vm.oomKill++;
      oomKill(victim);
      if (victim.pid === requesterPid) return -1;
    }
    const pfn = k.phys.alloc(kind, word);
    if (pfn >= 0) return pfn;
  }
}
