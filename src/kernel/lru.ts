/**
 * The tail of each LRU list: its oldest frames, in order, found from the
 * frames' lru stamps (phys.ts).
 *
 * A list's frames are those whose stamp names it; its order is their seqs.
 * A frame joins a list only with a seq above every seq given before, so the
 * oldest frames of a list, once found, stay its oldest until they leave: a
 * cache per list holds the oldest found at one scan (all frames of the list
 * with a seq below some bound), in order, each with its stamp; an entry
 * whose frame's stamp has changed since (freed, moved to another list or
 * to a head) is no longer on the list there, and is skipped. When a cache
 * runs out, one pass over the frames finds the next ones: a histogram of
 * the list's seqs picks the bound for about LRU_CACHE_SHARE of the list,
 * a second pass collects them. The caches are derived state: never saved,
 * rebuilt after a load or a renumbering; what lruOldest returns never
 * depends on whether a cache was there.
 */
import { LRU_SEQ_LIMIT, type PhysMem, stampSeq } from "./phys.js";

/** A refill takes at least this many of a list's oldest frames… */
const LRU_CACHE_MIN = 1024;
/** …or this share of the list (1/16), whichever is more: about 32 frame reads per page taken. */
const LRU_CACHE_SHIFT = 4;
/** Histogram buckets over the seqs given so far. */
const BUCKETS = 4096;

/**
 * One list's oldest frames: pfn and stamp pairs, in order; `next` is the
 * first not yet taken. It holds every frame of the list whose seq was
 * below `bound` at its refill and at least `from`.
 */
interface TailCache {
  readonly entries: Uint32Array;
  next: number;
  readonly bound: number;
  readonly generation: number;
}

const caches = new WeakMap<PhysMem, Array<TailCache | null>>();

/**
 * Takes up to `n` of the oldest frames of list `lru` (isolate_lru_folios
 * from the tail), oldest first. They keep their stamps (this model has no
 * isolated state) but are not taken again: the caller must move each one
 * it keeps to a list's head (PhysMem.lruAdd: putback) or free it.
 */
export function lruOldest(phys: PhysMem, lru: number, n: number): number[] {
  let perList = caches.get(phys);
  if (perList === undefined) {
    perList = [null, null, null, null, null];
    caches.set(phys, perList);
  }
  const taken: number[] = [];
  while (taken.length < n) {
    let cache: TailCache | null = perList[lru] ?? null;
    if (cache !== null && cache.generation !== phys.lruGeneration) cache = null;
    if (cache === null || cache.next >= cache.entries.length) {
      // The frames below the last bound are taken (not yet put back): the next are above it.
      cache = refill(phys, lru, cache === null ? 0 : cache.bound);
      perList[lru] = cache;
      if (cache.entries.length === 0) break;
    }
    const { entries } = cache;
    while (cache.next < entries.length && taken.length < n) {
      const pfn = entries[cache.next]!;
      const stamp = entries[cache.next + 1]!;
      cache.next += 2;
      if (phys.lruStamp(pfn) === stamp) taken.push(pfn);
    }
  }
  return taken;
}

/** The stamp that frames of list `lru` carry, less their seq. */
const listBase = (lru: number): number => (lru + 1) * LRU_SEQ_LIMIT;

/**
 * A new cache for list `lru`: its oldest frames with a seq of at least
 * `from`, in order (see the header).
 */
function refill(phys: PhysMem, lru: number, from: number): TailCache {
  const { firstUsable, highWater } = phys;
  const stamps = phys.lruStamps();
  const base = listBase(lru) + from;
  const top = listBase(lru) + LRU_SEQ_LIMIT;
  const width = Math.max(1, Math.ceil((phys.lruSeq + 1 - from) / BUCKETS));
  const histogram = new Uint32Array(BUCKETS);
  let size = 0;
  for (let pfn = firstUsable; pfn < highWater; pfn++) {
    const s = stamps[pfn]!;
    if (s < base || s >= top) continue;
    histogram[Math.floor((s - base) / width)]!++;
    size++;
  }
  const want = Math.max(LRU_CACHE_MIN, size >> LRU_CACHE_SHIFT);
  let buckets = BUCKETS;
  for (let b = 0, sum = 0; b < BUCKETS; b++) {
    sum += histogram[b]!;
    if (sum >= want) {
      buckets = b + 1;
      break;
    }
  }
  // No seq at or above the last given is covered: later joiners get those.
  const end = Math.min(from + buckets * width, phys.lruSeq + 1);
  const below = listBase(lru) + end;
  const found: number[] = [];
  for (let pfn = firstUsable; pfn < highWater; pfn++) {
    const s = stamps[pfn]!;
    if (s >= base && s < below) found.push(pfn);
  }
  found.sort((a, b) => stampSeq(stamps[a]!) - stampSeq(stamps[b]!));
  const entries = new Uint32Array(found.length * 2);
  found.forEach((pfn, i) => {
    entries[2 * i] = pfn;
    entries[2 * i + 1] = stamps[pfn]!;
  });
  return { entries, next: 0, bound: end, generation: phys.lruGeneration };
}
