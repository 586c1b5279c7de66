/**
 * The machine's invariants, checked by walking everything from scratch.
 * Tests (and `--check`) run this after every step; a violation is a kernel
 * bug. It is deliberately simple and independent of the fast paths it
 * checks: it counts PTEs itself rather than trusting any counter.
 */

import { checkMmUsers } from "./clone.js";
import { recountCommitted, sizeAccountedObjects } from "./commit.js";
import { PAGE_SIZE, TASK_SIZE, VM_HUGETLB, VM_PFNMAP, VM_SHARED } from "./constants.js";
import { checkHugePmds, isLargeFrame } from "./huge-memory.js";
import { fileIndex, HPAGE_ORDER, HPAGE_PAGES, HPAGE_SIZE } from "./hugetlb.js";
import type { Machine } from "./machine.js";
import type { Mm } from "./mm.js";
import {
  checkTableSharing,
  pteIsSwap,
  ptePfn,
  ptePresent,
  pteWrite,
  swapOffset,
  swapType,
  swpEntry,
} from "./page-table.js";
import {
  KIND_ANON,
  KIND_FILE,
  KIND_FREE,
  KIND_MASK,
  KIND_SHMEM,
  LRU_SEQ_LIMIT,
  NOT_ON_LRU,
  PG_ACTIVE,
  PG_ANON_EXCLUSIVE,
  PG_CACHED,
  PG_HUGETLB,
  PG_LAZYFREE,
  PG_RESERVED,
  PG_SWAPCACHE,
  pssShare,
  stampList,
  stampSeq,
  ZERO_PFN,
} from "./phys.js";
import { FOLIO_BATCH_SIZE } from "./swap.js";
import { checkVfork } from "./vfork.js";
import type { Inode } from "./vfs.js";
import type { Vma } from "./vma.js";
import { LRU_UNEVICTABLE, lruOf, lruSizes } from "./vmscan.js";

export interface InvariantReport {
  readonly violations: string[];
  /** Σ over every PTE of its page's Pss share (fixed point): what all smaps_rollup Pss sum to. */
  readonly pssFixed: number;
  /** Frames mapped by at least one PTE. */
  readonly mappedFrames: number;
}

/**
 * Checks every invariant; returns the violations found (empty when all hold).
 *
 * Frames are scanned up to `phys.highWater` only: the allocator has never
 * handed out a frame above it, so such a frame is free, unmapped and
 * uncached unless something points at it, and every pointer to one (a PTE,
 * a page-cache entry) is itself reported. This keeps a check in proportion
 * to the memory used, not to the simulated RAM.
 */
export function checkInvariants(m: Machine): InvariantReport {
  const v: string[] = [];
  const { phys } = m;
  const top = phys.highWater;
  const counted = new Uint32Array(top);
  const mms = new Set<Mm>();
  const swapCounted = new Map<number, number>();
  for (const task of m.tasks.values()) {
    if (task.mm === null || mms.has(task.mm)) continue;
    mms.add(task.mm);
    checkVmas(task.pid, task.mm, v);
    checkPtes(m, task.pid, task.mm, counted, swapCounted, v);
    checkHugePtes(m, task.pid, task.mm, counted, v);
  }
  checkHugetlbPool(m, mms, v);
  checkHugetlbNeeds(m, mms, v);
  for (const inode of m.vfs.cachedInodes())
    for (const entry of inode.swapped.values())
      swapCounted.set(entry, (swapCounted.get(entry) ?? 0) + 1);
  checkSwap(m, swapCounted, v);
  v.push(...checkTableSharing([...mms].map((mm) => mm.pt)));
  v.push(...checkHugePmds(m)); // huge PMDs, entire mapcounts, compound pages
  v.push(...checkVfork(m)); // vfork pairs (vfork.ts)
  v.push(...checkMmUsers(m.tasks)); // mm_users across groups (clone.ts)
  let pssFixed = 0;
  let mappedFrames = 0;
  let free = phys.nrFrames - top; // never allocated
  for (let pfn = 0; pfn < top; pfn++) {
    const flags = phys.flags[pfn]!;
    const mc = phys.mapcountOf(pfn);
    if (pfn >= phys.firstUsable && (flags & KIND_MASK) === KIND_FREE && !(flags & PG_RESERVED)) {
      free++;
      if (mc !== 0 || counted[pfn] !== 0)
        v.push(`pfn ${pfn} is free but mapped (${counted[pfn]} PTEs)`);
    }
    // own (PTE mappings) + the folio's entire count (PMD mappings, which
    // checkHugePmds counts against the PMDs): the walk counted both
    if (counted[pfn] !== mc)
      v.push(
        `pfn ${pfn}: mapcount ${phys.ownMapcount(pfn)} + ${phys.entireOf(pfn)} but ${counted[pfn]} entries map it`,
      );
    if (mc > 0) {
      mappedFrames++;
      pssFixed += mc * pssShare(mc);
    }
    if (
      (flags & KIND_MASK) === KIND_ANON &&
      mc === 0 &&
      !(flags & (PG_RESERVED | PG_SWAPCACHE | PG_HUGETLB)) &&
      !isLargeFrame(phys, pfn) // a partially mapped THP keeps its unmapped frames
    )
      v.push(`anonymous pfn ${pfn} leaked: mapped by nobody`);
    if (flags & PG_SWAPCACHE && !m.swap.entryOf.has(pfn))
      v.push(`pfn ${pfn} is marked swap-cached but no slot holds it`);
    if (flags & PG_LAZYFREE && ((flags & KIND_MASK) !== KIND_ANON || flags & PG_SWAPCACHE))
      v.push(`pfn ${pfn} is lazy-free but not an anonymous page out of the swap cache`);
  }
  checkLazyfreeBatch(m, v);
  if (free !== phys.nrFree) v.push(`nrFree is ${phys.nrFree} but ${free} frames are free`);
  v.push(...phys.checkAllocator()); // per-block counts, the free stack's live entries
  checkPageCache(m, v);
  checkCommit(m, mms, v);
  checkLru(m, v);
  checkLruOrder(m, v);
  m.ksm.check(m, v);
  return { violations: v, pssFixed, mappedFrames };
}

/**
 * Overcommit accounting: vm_committed_as equals the VM_ACCOUNT pages of
 * every live mm plus the size of every size-charged shmem object, and the
 * objects held charged are exactly those still mapped.
 */
function checkCommit(m: Machine, mms: ReadonlySet<Mm>, v: string[]): void {
  const want = recountCommitted(mms);
  if (m.commit.committed !== want)
    v.push(`vm_committed_as is ${m.commit.committed} pages but the mappings charge ${want}`);
  const mapped = sizeAccountedObjects(mms);
  for (const inode of m.commit.objects)
    if (!mapped.has(inode)) v.push(`shmem object ${inode.ino} still charged but mapped by nobody`);
  for (const inode of mapped)
    if (!m.commit.objects.has(inode)) v.push(`shmem object ${inode.ino} mapped but not charged`);
  if (m.commit.unchecked !== 0) v.push(`overcommit checks left off (${m.commit.unchecked})`);
}

/** VMAs sorted, page-aligned, non-empty, non-overlapping, below TASK_SIZE. */
function checkVmas(pid: number, mm: Mm, v: string[]): void {
  let prevEnd = 0;
  for (const vma of mm.vmas) {
    const at = () => `pid ${pid} vma ${vma.start.toString(16)}-${vma.end.toString(16)}`;
    if (vma.start % PAGE_SIZE !== 0 || vma.end % PAGE_SIZE !== 0)
      v.push(`${at()}: not page aligned`);
    if (vma.start >= vma.end) v.push(`${at()}: empty or inverted`);
    if (vma.start < prevEnd) v.push(`${at()}: overlaps or is out of order`);
    prevEnd = vma.end;
  }
}

/**
 * Counts every PTE into `counted`, and checks: PTEs lie inside VMAs; RSS
 * counters equal the PTEs of each kind; a writable PTE of a private mapping
 * maps an anonymous page that only it maps (the COW rule).
 */
function checkPtes(
  m: Machine,
  pid: number,
  mm: Mm,
  counted: Uint32Array,
  swapCounted: Map<number, number>,
  v: string[],
): void {
  const { phys } = m;
  const top = counted.length;
  const rss = [0, 0, 0, 0];
  let swapents = 0;
  // The VMA of the previous PTE is reused while addresses stay inside it.
  let vma: Vma | undefined;
  // Anonymous pages and swap entries are reached through their VMA's
  // anon_vma (rmap, fork's vma_needs_copy): a VMA holding one has one,
  // also after a split, a merge or an mremap move.
  const noAnonVma = (at: Vma, addr: number, what: string): void => {
    if (at.anonVma === null)
      v.push(`pid ${pid}: ${what} at ${addr.toString(16)} in a VMA without an anon_vma`);
  };
  mm.pt.walk(0, TASK_SIZE / PAGE_SIZE, {
    pteEntry(pte, i, span) {
      const addr = (span.base + i) * PAGE_SIZE;
      if (vma === undefined || addr < vma.start || addr >= vma.end) vma = mm.vmaAt(addr);
      if (vma === undefined) {
        v.push(`pid ${pid}: PTE at ${addr.toString(16)} outside every VMA`);
        return;
      }
      if (pteIsSwap(pte)) {
        const area = m.swap.areas[swapType(pte)];
        if (
          area === null ||
          area === undefined ||
          swapOffset(pte) < 1 ||
          swapOffset(pte) > area.slots
        )
          v.push(`pid ${pid}: swap entry at ${addr.toString(16)} names no slot`);
        else if (vma.flags & VM_SHARED)
          v.push(`pid ${pid}: swap entry at ${addr.toString(16)} in a shared mapping`);
        const entry = swpEntry(pte);
        swapCounted.set(entry, (swapCounted.get(entry) ?? 0) + 1);
        swapents++;
        noAnonVma(vma, addr, "a swap entry");
        return;
      }
      if (!ptePresent(pte)) {
        v.push(`pid ${pid}: PTE at ${addr.toString(16)} is neither none nor present`);
        return;
      }
      const pfn = ptePfn(pte);
      if (pfn === ZERO_PFN || vma.flags & VM_PFNMAP) {
        if (pteWrite(pte))
          v.push(`pid ${pid}: writable PTE to a special page at ${addr.toString(16)}`);
        return;
      }
      if (pfn >= top) {
        const why = pfn >= phys.nrFrames ? "beyond RAM" : "that was never allocated";
        v.push(`pid ${pid}: PTE at ${addr.toString(16)} maps pfn ${pfn} ${why}`);
        return;
      }
      counted[pfn]!++;
      const kind = phys.flags[pfn]! & KIND_MASK;
      rss[kind]!++;
      if (kind === KIND_ANON) noAnonVma(vma, addr, "an anonymous page");
      if (pteWrite(pte) && !(vma.flags & VM_SHARED)) {
        const exclusive =
          kind === KIND_ANON && phys.mapcountOf(pfn) === 1 && phys.anonExclusive(pfn);
        if (!exclusive)
          v.push(
            `pid ${pid}: writable private PTE at ${addr.toString(16)} maps a page that is not exclusively its own`,
          );
      }
    },
  });
  if (
    rss[KIND_ANON] !== mm.rssAnon ||
    rss[KIND_FILE] !== mm.rssFile ||
    rss[KIND_SHMEM] !== mm.rssShmem
  ) {
    v.push(
      `pid ${pid}: RSS counters ${mm.rssAnon}/${mm.rssFile}/${mm.rssShmem} but PTEs ${rss[KIND_ANON]}/${rss[KIND_FILE]}/${rss[KIND_SHMEM]}`,
    );
  }
  if (swapents !== mm.swapents)
    v.push(`pid ${pid}: VmSwap counter ${mm.swapents} but ${swapents} swap entries`);
}

/**
 * The CPU's lazyfree batch (swap.ts markLazyfree): fewer than a full batch,
 * each page once, each an anonymous page in use that is not lazy-free yet.
 */
function checkLazyfreeBatch(m: Machine, v: string[]): void {
  const batch = m.swap.lazyfreeBatch;
  if (batch.length >= FOLIO_BATCH_SIZE) v.push(`lazyfree batch holds ${batch.length} pages`);
  if (new Set(batch).size !== batch.length) v.push("lazyfree batch holds a page twice");
  for (const pfn of batch) {
    const f = m.phys.flags[pfn] ?? 0;
    if ((f & KIND_MASK) !== KIND_ANON || f & PG_LAZYFREE)
      v.push(`lazyfree batch holds pfn ${pfn}, not a swap-backed anonymous page`);
  }
}

/**
 * Swap: every slot's count equals the swap entries naming it; the swap
 * cache and its reverse map agree, and hold anonymous pages; a cached page
 * nothing maps is held for some entry (else it leaked); each area's
 * in-use figure is the slots that entries or the cache hold (so no slot
 * leaks once every process has exited).
 */
function checkSwap(m: Machine, swapCounted: Map<number, number>, v: string[]): void {
  const { phys, swap } = m;
  const inUse = new Map<number, Set<number>>();
  const use = (type: number, off: number): void => {
    let set = inUse.get(type);
    if (set === undefined) {
      set = new Set();
      inUse.set(type, set);
    }
    set.add(off);
  };
  for (const [entry, n] of swapCounted) {
    const area = swap.areas[swapType(entry)];
    if (area === null || area === undefined) continue;
    const off = swapOffset(entry);
    if (area.counts[off] !== n)
      v.push(`swap slot ${swapType(entry)}:${off}: count ${area.counts[off]} but ${n} entries`);
    use(swapType(entry), off);
  }
  for (const [pfn, entry] of swap.entryOf) {
    const area = swap.areas[swapType(entry)];
    const off = swapOffset(entry);
    if (area === null || area === undefined || area.cache.get(off) !== pfn) {
      v.push(`pfn ${pfn}: swap cache says slot ${swapType(entry)}:${off}, the slot disagrees`);
      continue;
    }
    const f = phys.flags[pfn]!;
    if (!(f & PG_SWAPCACHE) || ((f & KIND_MASK) !== KIND_ANON && (f & KIND_MASK) !== KIND_SHMEM))
      v.push(`pfn ${pfn} is in the swap cache but not a swap-cached anonymous or shmem page`);
    if (f & PG_CACHED) v.push(`pfn ${pfn} is in both the swap cache and a page cache`);
    if (phys.mapcountOf(pfn) === 0 && (swapCounted.get(entry) ?? 0) === 0)
      v.push(`pfn ${pfn} leaked in the swap cache: nothing maps it, no entry names its slot`);
    use(swapType(entry), off);
  }
  swap.areas.forEach((area, type) => {
    if (area === null) return;
    for (const [off, pfn] of area.cache)
      if (swap.entryOf.get(pfn) === undefined)
        v.push(`swap slot ${type}:${off}: cached pfn ${pfn} unknown`);
    const found = inUse.get(type)?.size ?? 0;
    if (area.inuse !== found)
      v.push(`swap area ${type}: ${area.inuse} slots in use but ${found} held`);
  });
}

/** Every page-cache entry is a cached file/shmem frame, and every cached frame is in a cache once. */
function checkPageCache(m: Machine, v: string[]): void {
  const { phys } = m;
  const seen = new Set<number>();
  for (const inode of m.vfs.cachedInodes()) {
    for (const [index, pfn] of inode.cache.entries()) {
      const kind = phys.flags[pfn]! & KIND_MASK;
      if (!(phys.flags[pfn]! & PG_CACHED) || (kind !== KIND_FILE && kind !== KIND_SHMEM)) {
        v.push(`${inode.path} page ${index}: pfn ${pfn} is not a cached file page`);
      }
      if (seen.has(pfn)) v.push(`pfn ${pfn} is in the page cache twice`);
      seen.add(pfn);
    }
  }
  for (let pfn = phys.firstUsable; pfn < phys.highWater; pfn++) {
    if (phys.flags[pfn]! & PG_CACHED && !seen.has(pfn))
      v.push(`pfn ${pfn} is marked cached but no file holds it`);
  }
}

/** Throws if an invariant is broken (xv6's panic), listing up to ten violations. */
export function assertInvariants(m: Machine): InvariantReport {
  const r = checkInvariants(m);
  if (r.violations.length > 0) {
    throw new Error(
      `invariants broken:\n${r.violations.slice(0, 10).join("\n")}${r.violations.length > 10 ? `\n… ${r.violations.length - 10} more` : ""}`,
    );
  }
  return r;
}

/**
 * The LRU lists (vmscan.ts), whose membership follows from the flags: each
 * frame in use is on exactly one list, a free or kernel frame on none; the
 * flags agree with the list (no active or lazily freeable page among the
 * unevictable ones, lazy-free only on anonymous pages, a page on the
 * unevictable list is mlocked); and the lists' sizes add up to the frames
 * in use, the figures meminfo and vmstat print.
 */
function checkLru(m: Machine, v: string[]): void {
  const { phys } = m;
  const sizes = lruSizes(phys);
  let inUse = 0;
  for (let pfn = phys.firstUsable; pfn < phys.highWater; pfn++) {
    const f = phys.flags[pfn]!;
    const kind = f & KIND_MASK;
    if (kind === KIND_FREE) {
      if (f !== KIND_FREE) v.push(`free pfn ${pfn} keeps page flags ${f.toString(16)}`);
      continue;
    }
    if (f & PG_HUGETLB) continue; // the hugetlb pool's: on no list (checkHugetlbPool)
    inUse++;
    if (f & PG_LAZYFREE && kind !== KIND_ANON)
      v.push(`pfn ${pfn} is lazily freeable but not anonymous`);
    if (lruOf(f) === LRU_UNEVICTABLE && f & PG_ACTIVE)
      v.push(`pfn ${pfn} is both unevictable and active`);
  }
  const listed = sizes.reduce((a, b) => a + b, 0);
  if (listed !== inUse) v.push(`the LRU lists hold ${listed} pages but ${inUse} frames are in use`);
}

/**
 * The LRU lists' order (phys.ts: lru stamps): each list holds exactly the
 * frames whose flags say so (a frame's stamp names the list lruOf gives,
 * and a free or kernel frame has none), no two frames share a place (seqs
 * distinct), and no place is later than the last one given. (A frame the
 * bump pointer handed out that has not moved since has its place from its
 * run, and its list from its flags: those two cannot disagree.)
 */
function checkLruOrder(m: Machine, v: string[]): void {
  const { phys } = m;
  for (let pfn = 0; pfn < phys.firstUsable; pfn++)
    if (phys.lruStamp(pfn) !== 0) v.push(`kernel pfn ${pfn} is on an LRU list`);
  const seqs: number[] = [];
  for (let pfn = phys.firstUsable; pfn < phys.highWater; pfn++) {
    const stamp = phys.lruStamp(pfn);
    const list = lruOf(phys.flags[pfn]!);
    if (stampList(stamp) !== list) {
      v.push(`pfn ${pfn} is on LRU list ${stampList(stamp)} but its flags say ${list}`);
      continue;
    }
    if (list === NOT_ON_LRU) continue;
    const seq = stampSeq(stamp);
    if (seq === 0 || seq > phys.lruSeq || phys.lruSeq >= LRU_SEQ_LIMIT)
      v.push(`pfn ${pfn}'s LRU place ${seq} is not one given (last ${phys.lruSeq})`);
    seqs.push(seq);
  }
  seqs.sort((a, b) => a - b);
  for (let i = 1; i < seqs.length; i++)
    if (seqs[i] === seqs[i - 1]) v.push(`two frames share LRU place ${seqs[i]}`);
}

/**
 * An mm's huge entries (hugetlb.ts), counted into `counted` at their
 * folio's head: each lies inside a VM_HUGETLB VMA and maps the head of an
 * order-9 hugetlb folio; a writable one of a private mapping maps a page
 * that is exclusively its own (the COW rule).
 */
function checkHugePtes(m: Machine, pid: number, mm: Mm, counted: Uint32Array, v: string[]): void {
  const { phys } = m;
  for (const [key, pte] of mm.hugePtes) {
    const addr = key * HPAGE_SIZE;
    const at = `pid ${pid}: huge entry at ${addr.toString(16)}`;
    const vma = mm.vmaAt(addr);
    if (vma === undefined || !(vma.flags & VM_HUGETLB) || vma.end < addr + HPAGE_SIZE) {
      v.push(`${at} outside every hugetlb VMA`);
      continue;
    }
    const head = ptePfn(pte);
    if (!ptePresent(pte) || head >= counted.length || !(phys.flags[head]! & PG_HUGETLB)) {
      v.push(`${at} maps no hugetlb page`);
      continue;
    }
    if (phys.orderOf(head) !== HPAGE_ORDER) v.push(`${at} maps pfn ${head}, not a folio's head`);
    counted[head]!++;
    const f = phys.flags[head]!;
    if (pteWrite(pte) && !(vma.flags & VM_SHARED)) {
      const mine =
        (f & KIND_MASK) === KIND_ANON && f & PG_ANON_EXCLUSIVE && phys.mapcountOf(head) === 1;
      if (!mine) v.push(`${at} is writable but its page is not exclusively its own`);
    }
  }
}

/**
 * The hugetlb pool: free + in use = total (HugePages_Total), in use being
 * the folios mapped or held by a hugetlbfs file; every frame marked
 * PG_HUGETLB belongs to one of them; free pages are unmapped; the
 * reservations are the files' unfaulted reserved indices, and fit in the
 * free pages; the pool's files are exactly those some VMA maps.
 */
function checkHugetlbPool(m: Machine, mms: ReadonlySet<Mm>, v: string[]): void {
  const { phys, hugetlb: pool } = m;
  const heads = new Set<number>();
  for (const head of pool.free) {
    if (heads.has(head)) v.push(`hugetlb: free page ${head} listed twice`);
    heads.add(head);
    if (phys.mapcountOf(head) !== 0) v.push(`hugetlb: free page ${head} is mapped`);
  }
  const mappedFiles = new Set<Inode>();
  for (const mm of mms) {
    for (const vma of mm.vmas) {
      if (!(vma.flags & VM_HUGETLB)) continue;
      if (vma.file?.hugetlb === undefined) v.push("hugetlb: a VM_HUGETLB VMA without its file");
      else mappedFiles.add(vma.file);
    }
    for (const pte of mm.hugePtes.values()) heads.add(ptePfn(pte));
  }
  let resv = 0;
  for (const inode of mappedFiles) {
    if (!pool.files.has(inode)) v.push(`hugetlb: file ${inode.ino} mapped but not in the pool`);
    for (const head of inode.hugetlb!.pages.values()) heads.add(head);
    resv += inode.hugetlb!.resv.size;
  }
  for (const inode of pool.files)
    if (!mappedFiles.has(inode)) v.push(`hugetlb: file ${inode.ino} held but mapped by nobody`);
  if (heads.size !== pool.total)
    v.push(`hugetlb: HugePages_Total ${pool.total} but ${heads.size} pages free or in use`);
  if (resv !== pool.resv) v.push(`hugetlb: HugePages_Rsvd ${pool.resv} but ${resv} reserved`);
  if (pool.resv > pool.free.length) v.push("hugetlb: more pages reserved than free");
  if (pool.surplus > pool.total) v.push("hugetlb: more surplus pages than pages");
  let frames = 0;
  for (let pfn = phys.firstUsable; pfn < phys.highWater; pfn++)
    if (phys.flags[pfn]! & PG_HUGETLB) frames++;
  if (frames !== heads.size * HPAGE_PAGES)
    v.push(`hugetlb: ${frames} frames marked hugetlb for ${heads.size} pages`);
  for (const head of heads)
    if (!(phys.flags[head]! & PG_HUGETLB) || phys.orderOf(head) !== HPAGE_ORDER)
      v.push(`hugetlb: pool page ${head} is not an order-9 hugetlb folio`);
}

/**
 * What the hugetlb pool's counters stand for, against what the mappings
 * still need. Surplus pages are freed as soon as nothing holds them
 * (free_huge_folio, return_unused_surplus_pages), so while there are any,
 * the free pages are no more than the reservations. A reserved index is
 * one not faulted in yet: of a shared file, no page of the file holds it;
 * of a private one, a VMA of its owner (the anon_vma that reserved) covers
 * it and has no entry there. Each entry of a shared mapping maps the
 * file's page at its index, each of a private mapping an anonymous page.
 */
function checkHugetlbNeeds(m: Machine, mms: ReadonlySet<Mm>, v: string[]): void {
  const { phys, hugetlb: pool } = m;
  if (pool.surplus > 0 && pool.free.length > pool.resv)
    v.push(
      `hugetlb: ${pool.free.length} free pages with ${pool.surplus} surplus and ${pool.resv} reserved`,
    );
  const ownerNeeds = new Map<Inode, Set<number>>();
  for (const mm of mms) {
    for (const vma of mm.vmas) {
      const file = vma.file?.hugetlb;
      if (file === undefined) continue;
      const shared = (vma.flags & VM_SHARED) !== 0;
      const owner = !shared && vma.anonVma !== null && vma.anonVma === file.owner;
      for (let addr = vma.start; addr < vma.end; addr += HPAGE_SIZE) {
        const index = fileIndex(vma, addr);
        const pte = mm.hugePtes.get(addr / HPAGE_SIZE);
        if (pte === undefined) {
          if (owner) {
            const needs = ownerNeeds.get(vma.file!) ?? new Set<number>();
            needs.add(index);
            ownerNeeds.set(vma.file!, needs);
          }
          continue;
        }
        const head = ptePfn(pte);
        const at = `hugetlb: entry at ${addr.toString(16)}`;
        if (shared && file.pages.get(index) !== head)
          v.push(`${at} maps pfn ${head}, not its file's page ${file.pages.get(index)}`);
        if (!shared && (phys.flags[head]! & KIND_MASK) !== KIND_ANON)
          v.push(`${at} of a private mapping maps a page that is not anonymous`);
      }
    }
  }
  for (const inode of pool.files) {
    const file = inode.hugetlb!;
    for (const index of file.resv) {
      if (file.owner === null) {
        if (file.pages.has(index))
          v.push(`hugetlb: file ${inode.ino} index ${index} reserved and in the file`);
      } else if (!ownerNeeds.get(inode)?.has(index))
        v.push(`hugetlb: file ${inode.ino} index ${index} reserved but no owner VMA needs it`);
    }
  }
}
