/**
 * File operations on the page cache (mm/filemap.c, mm/truncate.c): writing
 * a file's pages, truncating, dropping clean pages, and freeing the pages
 * of files nothing names or maps any more. Owns the rule that a cached page
 * is held by the cache (PG_CACHED) until deleted here or by reclaim.ts; the
 * Machine's file system calls are thin wrappers over these functions.
 */
import { PAGE_SIZE } from "./constants.js";
import type { Kernel } from "./kernel.js";
import type { Mm } from "./mm.js";
import {
  KIND_FILE,
  KIND_MASK,
  KIND_SHMEM,
  PG_CACHED,
  PG_DIRTY,
  PG_PRIVATE,
  type PhysMem,
} from "./phys.js";
import { failure, type Result, success } from "./result.js";
import {
  freeSwapAndCache,
  readSwapCacheAsync,
  type SwapState,
  swapCacheHit,
  swapinReadahead,
} from "./swap.js";
import { type Inode, pagesOf, utf8Bytes, type Vfs } from "./vfs.js";

/**
 * Reads page `index` of `inode` into the page cache (filemap_add_folio plus
 * the read): its word is the written-back one, or the file's initial word.
 * Returns its PFN, or -1 when no frame can be had.
 */
export function addToPageCache(k: Kernel, inode: Inode, index: number, pid: number): number {
  const word = inode.disk.get(index) ?? inode.initialWord(index);
  const pfn = k.allocFrame(inode.shmem ? KIND_SHMEM : KIND_FILE, word, pid);
  if (pfn < 0) return -1;
  k.phys.flags[pfn]! |= PG_CACHED;
  if (!inode.shmem) k.phys.vm.fileIn();
  inode.cache.set(index, pfn);
  k.vfs.noteCached(inode);
  return pfn;
}

/**
 * filemap_remove_folio: page `index` of `inode` leaves the cache and its
 * frame is freed. A frame of a shmem THP (huge-memory.ts) that nothing maps
 * (so no PMD maps the folio) splits the folio first, as truncation and
 * eviction split a large folio they do not take whole.
 */
export function deleteFromPageCache(phys: PhysMem, inode: Inode, index: number, pfn: number): void {
  if (phys.large.size > 0) {
    const head = phys.headOf(pfn);
    if (phys.large.has(head)) phys.splitLarge(head);
  }
  inode.cache.set(index, 0);
  phys.flags[pfn]! &= ~PG_CACHED;
  phys.free(pfn);
}

/**
 * truncate_setsize: the file becomes `size` bytes; cached pages beyond the
 * end that nobody maps leave the cache, written-back words beyond it are
 * forgotten.
 */
export function truncateInode(
  phys: PhysMem,
  vfs: Vfs,
  inode: Inode,
  size: number,
  swap: SwapState | null = null,
): void {
  const keep = pagesOf(size);
  for (const [index, pfn] of [...inode.cache.entries()]) {
    if (index < keep) continue;
    if (phys.mapcountOf(pfn) === 0) deleteFromPageCache(phys, inode, index, pfn);
  }
  if (swap !== null) freeSwappedPages(phys, swap, inode, keep);
  for (const index of [...inode.disk.keys()]) if (index >= keep) inode.disk.delete(index);
  inode.size = size;
  inode.mtime = vfs.now;
}

/**
 * generic_perform_write of `text` at the start of the file (the caller
 * opened it with O_TRUNC) or, if `append`, at its end: the pages it covers
 * are cached dirty (allocated as `pid`, which the OOM killer may answer).
 * When a page cannot be had the write stops there, as Linux's does: the
 * bytes before that page are written (a short write) and the rest are not,
 * so a write that gets no page changes nothing but the truncation; the
 * caller's retry of the rest would fail, so the result is ENOSPC.
 */
export function performWrite(
  k: Kernel,
  file: Inode,
  text: string,
  append: boolean,
  pid: number,
): Result<void> {
  const before = append ? (file.text ?? "") : "";
  const start = utf8Bytes(before);
  const end = start + utf8Bytes(text);
  for (let index = Math.floor(start / PAGE_SIZE); index < pagesOf(end); index++) {
    if (!cachePageForWrite(k, file, index, pid)) {
      setText(k.vfs, file, before + utf8Prefix(text, index * PAGE_SIZE - start));
      return failure("ENOSPC");
    }
  }
  setText(k.vfs, file, before + text);
  return success(undefined);
}

/** write_begin/write_end for page `index`: cached (allocated if need be) and dirty. False if no frame. */
function cachePageForWrite(k: Kernel, file: Inode, index: number, pid: number): boolean {
  let pfn = file.cache.get(index);
  if (pfn === 0) pfn = addToPageCache(k, file, index, pid);
  if (pfn < 0) return false;
  k.phys.flags[pfn]! |= PG_DIRTY | PG_PRIVATE;
  return true;
}

function setText(vfs: Vfs, file: Inode, text: string): void {
  file.text = text;
  file.size = utf8Bytes(text);
  file.mtime = vfs.now;
}

/**
 * The longest start of `s` that takes at most `bytes` bytes in UTF-8. (A
 * short write may end inside a character; the file keeps whole characters.)
 */
function utf8Prefix(s: string, bytes: number): string {
  let n = 0;
  let end = 0;
  for (const ch of s) {
    n += utf8Bytes(ch);
    if (n > bytes) break;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** invalidate_mapping_pages: drops the file's clean, unmapped cached pages; how many. */
export function invalidateCleanPages(phys: PhysMem, inode: Inode): number {
  if (inode.shmem) return 0;
  let dropped = 0;
  for (const [index, pfn] of [...inode.cache.entries()]) {
    if (phys.mapcountOf(pfn) !== 0 || phys.flags[pfn]! & PG_DIRTY) continue;
    deleteFromPageCache(phys, inode, index, pfn);
    dropped++;
  }
  return dropped;
}

/** Whether some VMA of `mms` maps `inode`. */
export function isMapped(inode: Inode, mms: Iterable<Mm>): boolean {
  for (const mm of mms) if (mm.vmas.some((v) => v.file === inode)) return true;
  return false;
}

/**
 * Frees an unlinked, unmapped file's cached pages (iput of the last
 * reference), and a shmem object's swapped pages with their slots
 * (shmem_evict_inode).
 */
export function releaseInodePages(
  phys: PhysMem,
  inode: Inode,
  swap: SwapState | null = null,
): void {
  for (const [index, pfn] of [...inode.cache.entries()]) {
    if (phys.mapcountOf(pfn) === 0) deleteFromPageCache(phys, inode, index, pfn);
  }
  if (swap !== null) freeSwappedPages(phys, swap, inode, 0);
}

/** Frees the shmem objects and deleted files that no mapping holds any more. */
export function collectOrphans(
  phys: PhysMem,
  vfs: Vfs,
  mms: () => Iterable<Mm>,
  swap: SwapState | null = null,
): void {
  for (const inode of vfs.cachedInodes()) {
    if (inode.nlink === 0 && !isMapped(inode, mms())) releaseInodePages(phys, inode, swap);
  }
}

/** shmem_undo_range's swap part: the swapped pages from index `from` on lose their slots. */
function freeSwappedPages(phys: PhysMem, swap: SwapState, inode: Inode, from: number): void {
  for (const [index, entry] of [...inode.swapped]) {
    if (index < from) continue;
    inode.swapped.delete(index);
    freeSwapAndCache(phys, swap, entry);
  }
}

/**
 * shmem_writeout, for page `index` of shmem object `inode` that reclaim
 * has just unmapped (MADV_PAGEOUT): a dirty page gets a swap slot, leaves
 * the page cache for the swap cache, and is written; the object's page
 * cache keeps the swap entry instead (its one count on the slot), so no
 * PTE ever holds one: pagemap shows nothing, smaps counts it in Swap but
 * not in SwapPss or VmSwap (scenario 39). A clean page holds only zeros:
 * it is dropped (a later read gets a new zeroed page). Without a free slot
 * the page stays, unmapped. Returns what happened: SHMEM_DROPPED (the frame
 * is free), SHMEM_SWAPPED (the page is in the swap cache, written, its frame
 * still held there) or SHMEM_KEPT.
 */
export function shmemWriteout(k: Kernel, inode: Inode, index: number, pfn: number): number {
  const { phys, swap } = k;
  if (!(phys.flags[pfn]! & PG_DIRTY)) {
    deleteFromPageCache(phys, inode, index, pfn);
    return SHMEM_DROPPED;
  }
  const entry = swap.allocSlot();
  if (entry < 0) return SHMEM_KEPT;
  inode.cache.set(index, 0);
  phys.flags[pfn]! &= ~PG_CACHED;
  swap.addToCache(phys, pfn, entry);
  swap.dup(entry);
  inode.swapped.set(index, entry);
  swap.writePage(phys, pfn);
  return SHMEM_SWAPPED;
}

/** shmemWriteout's outcomes. */
export const SHMEM_KEPT = -1;
export const SHMEM_DROPPED = 0;
export const SHMEM_SWAPPED = 1;

/**
 * shmem_swapin_folio: page `index` of `inode` comes back from swap: from
 * the swap cache, or read from its slot (`swap.lastRead` says which: a
 * major fault). It leaves the swap cache for the page cache, dirty (its
 * slot is freed: swap_free). Returns its PFN, or -1 without a frame.
 */
export function shmemSwapin(k: Kernel, inode: Inode, index: number, pid: number): number {
  const { phys, swap } = k;
  const entry = inode.swapped.get(index)!;
  let pfn = swap.cachedPage(entry);
  if (pfn >= 0) {
    swapCacheHit(phys, swap, pfn);
    swap.lastRead = false;
  } else pfn = swapinReadahead(k, entry, pid, KIND_SHMEM);
  if (pfn < 0) return -1;
  phys.setFlags(pfn, (phys.flags[pfn]! & ~KIND_MASK) | KIND_SHMEM);
  swap.deleteFromCache(phys, pfn);
  inode.swapped.delete(index);
  swap.put(entry);
  phys.flags[pfn]! |= PG_CACHED | PG_DIRTY;
  inode.cache.set(index, pfn);
  k.vfs.noteCached(inode);
  return pfn;
}

/**
 * POSIX_FADV_WILLNEED on pages [first, last) of a regular file
 * (force_page_cache_ra): the pages not cached are read in, at most the
 * read-ahead window's worth (ra_pages), without a PG_readahead mark.
 */
export function fadviseWillneed(
  k: Kernel,
  inode: Inode,
  first: number,
  last: number,
  pid: number,
): void {
  const raPages = (k.config.readaheadKb * 1024) / PAGE_SIZE;
  const end = Math.min(last, first + Math.max(raPages, 1), pagesOf(inode.size));
  for (let index = first; index < end; index++) {
    if (inode.cache.get(index) !== 0) continue;
    if (addToPageCache(k, inode, index, pid) < 0) return;
  }
}

/**
 * shmem_swapin_range: the swapped pages of [first, last) of a shmem
 * object are read into the swap cache (not back into the object: that is
 * the next fault's).
 */
export function shmemSwapinRange(
  k: Kernel,
  inode: Inode,
  first: number,
  last: number,
  pid: number,
): void {
  for (const [index, entry] of [...inode.swapped]) {
    if (index < first || index >= last) continue;
    const pfn = readSwapCacheAsync(k, entry, pid, KIND_SHMEM);
    if (pfn >= 0) k.phys.setFlags(pfn, (k.phys.flags[pfn]! & ~KIND_MASK) | KIND_SHMEM);
  }
}
