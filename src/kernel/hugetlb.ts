/**
 * hugetlbfs and the huge page pool (mm/hugetlb.c), for 2 MiB pages only.
 *
 * The pool. `nr_hugepages` (boot option --hugepages N, /proc/sys/vm/
 * nr_hugepages, /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages)
 * takes order-9 folios from PhysMem.allocLarge when it grows (MemFree
 * falls) and gives free ones back when it shrinks (set_max_huge_pages: a
 * page in use or reserved stays, counted as surplus until it is freed).
 * Pool frames carry PG_HUGETLB: never on an LRU list, never swapped, not
 * counted in AnonPages, Mapped or Cached. A folio's state (mapcount,
 * PG_anon_exclusive, PG_dirty) lives on its head frame; each of its 512
 * frames keeps its own content word. Free pool pages are KIND_ANON |
 * PG_HUGETLB with mapcount 0; in use, KIND_ANON (private) or KIND_FILE
 * (shared: pagemap says file, kpageflags has no ANON).
 *
 * Mappings. mmap(MAP_HUGETLB) maps a new unlinked hugetlbfs file
 * ("/anon_hugepage (deleted)", dev 00:11) whose HugetlbFile (Inode.hugetlb)
 * holds its shared pages by index (the page cache of a hugetlbfs inode)
 * and its reservations. The VMA is VM_HUGETLB | VM_DONTEXPAND, never
 * accounted in Committed_AS. A private mapping's reservations belong to
 * the VMA that made them (HPAGE_RESV_OWNER): here the owner is named by
 * the anon_vma the mapping gets at mmap, which a split keeps and a fork
 * replaces, so a forked child never consumes its parent's reservations.
 *
 * Page tables. A huge page is mapped by a PMD-level entry (huge_pte). They
 * are kept in the mm's own table `Mm.hugePtes` (2 MiB page index -> entry),
 * encoded with page-table.ts's mkPte (pfn of the head, PTE_* bits), and
 * not in page-table.ts's PMD level, which belongs to transparent huge
 * pages; nothing of a hugetlb VMA is in the PTE tables. Accesses, faults,
 * fork, zap, smaps, pagemap and the snapshot reach them through this file.
 */
import {
  MAP_NORESERVE,
  MAX_MAP_COUNT,
  MREMAP_DONTUNMAP,
  MREMAP_FIXED,
  PAGE_SIZE,
  PMD_SIZE,
  TASK_SIZE,
  VM_HUGETLB,
  VM_SHARED,
  VM_WRITE,
} from "./constants.js";
import type { Kernel } from "./kernel.js";
import type { Mm } from "./mm.js";
import {
  mkPte,
  PTE_DIRTY,
  PTE_PRESENT,
  PTE_WRITE,
  ptePfn,
  ptePresent,
  pteWrite,
} from "./page-table.js";
import {
  KIND_ANON,
  KIND_FILE,
  KIND_MASK,
  PG_ANON_EXCLUSIVE,
  PG_DIRTY,
  PG_HUGETLB,
  type PhysMem,
} from "./phys.js";
import { failure, panic, type Result, success } from "./result.js";
import type { Inode } from "./vfs.js";
import { type AnonVma, copyVma, type Vma } from "./vma.js";

/** The huge page order and size (HPAGE_PMD_ORDER: 2 MiB on x86-64). */
export const HPAGE_ORDER = 9;
export const HPAGE_SIZE = PMD_SIZE;
export const HPAGE_PAGES = HPAGE_SIZE / PAGE_SIZE;

/** The huge page pool (struct hstate for 2 MiB pages). */
export class HugetlbPool {
  /** Head PFNs of the free pages, the next one to hand out last (LIFO). */
  readonly free: number[] = [];
  /** nr_huge_pages: every page of the pool, free or in use, surplus included. */
  total = 0;
  /** resv_huge_pages: pages promised to mappings, not yet faulted in. */
  resv = 0;
  /** surplus_huge_pages: pages beyond nr_hugepages, freed when they are released. */
  surplus = 0;
  /** The hugetlbfs files of live mappings, so the last unmap releases theirs (not saved: derived from the VMAs). */
  readonly files = new Set<Inode>();

  /** The pages a fault without a reservation may take (available_huge_pages). */
  get available(): number {
    return this.free.length - this.resv;
  }
  /** In use: mapped or held by a hugetlbfs file. */
  get inUse(): number {
    return this.total - this.free.length;
  }
  /** nr_hugepages as read back: the persistent pages. */
  get persistent(): number {
    return this.total - this.surplus;
  }
}

/** What a hugetlbfs file holds (its page cache and its reservation map). */
export interface HugetlbFile {
  /** Shared mappings' pages: huge page index -> head PFN (the inode's page cache). */
  readonly pages: Map<number, number>;
  /** Indices reserved and not yet faulted in (the resv_map's regions). */
  readonly resv: Set<number>;
  /** A private mapping: the anon_vma of the VMAs that own the reservations; null when shared. */
  owner: AnonVma | null;
  /** Children's VMAs (by anon_vma) the owner took a page from: a fault there is SIGBUS (HPAGE_RESV_UNMAPPED). */
  readonly unmapped: Set<AnonVma>;
}

/* ---- the pool ---- */

/** Takes a free page from the pool for a fault, or -1 (alloc_hugetlb_folio's dequeue). */
function dequeue(pool: HugetlbPool, reserved: boolean): number {
  if (reserved) {
    if (pool.resv <= 0) panic("hugetlb: a reserved fault with no reservation left");
    pool.resv--;
  } else if (pool.available <= 0) return -1;
  const head = pool.free.pop();
  if (head === undefined) panic("hugetlb: reservations exceed the free pages");
  return head;
}

/**
 * Gives a page nobody maps or holds back (free_huge_folio): to the pool,
 * or, while the pool has surplus pages, to the page allocator.
 */
function freeHugePage(phys: PhysMem, pool: HugetlbPool, head: number): void {
  for (let pfn = head; pfn < head + HPAGE_PAGES; pfn++) {
    phys.flags[pfn] = KIND_ANON | PG_HUGETLB;
    phys.content[pfn] = 0;
  }
  if (pool.surplus > 0) {
    pool.surplus--;
    pool.total--;
    releaseToBuddy(phys, head);
  } else pool.free.push(head);
}

/**
 * `n` reservations given back (hugetlb_acct_memory(h, -n)): with them go
 * as many free surplus pages, which nobody needs any more
 * (return_unused_surplus_pages).
 */
function unreserve(phys: PhysMem, pool: HugetlbPool, n: number): void {
  let surplus = Math.min(n, pool.surplus);
  pool.resv -= n;
  for (; surplus > 0 && pool.free.length > 0; surplus--) {
    releaseToBuddy(phys, pool.free.shift()!);
    pool.surplus--;
    pool.total--;
  }
}

/** A pool page back to the page allocator (update_and_free_hugetlb_folio). */
function releaseToBuddy(phys: PhysMem, head: number): void {
  for (let pfn = head; pfn < head + HPAGE_PAGES; pfn++) phys.flags[pfn] = KIND_ANON;
  phys.freeLarge(head);
}

/**
 * A write of nr_hugepages (set_max_huge_pages): surplus pages in use become
 * persistent first, then new pages come from the page allocator while it
 * has aligned 2 MiB runs; shrinking frees free pages down to what is in use
 * or reserved, and what is in use beyond the count becomes surplus.
 * Returns the pages the pool holds now.
 */
export function setNrHugepages(phys: PhysMem, pool: HugetlbPool, count: number): number {
  while (pool.surplus > 0 && pool.persistent < count) pool.surplus--;
  while (pool.persistent < count) {
    const head = phys.allocLarge(KIND_ANON | PG_HUGETLB, 0, HPAGE_ORDER);
    if (head < 0) break;
    pool.total++;
    pool.free.push(head);
  }
  const minCount = Math.max(count, pool.resv + pool.inUse);
  while (pool.persistent > minCount && pool.free.length > 0) {
    releaseToBuddy(phys, pool.free.shift()!);
    pool.total--;
  }
  if (pool.persistent > count) pool.surplus += pool.persistent - count;
  return pool.persistent;
}

/* ---- mmap ---- */

/** A new hugetlbfs file's state (hugetlb_file_setup), private or shared. */
export const newHugetlbFile = (): HugetlbFile => ({
  pages: new Map(),
  resv: new Set(),
  owner: null,
  unmapped: new Set(),
});

/** The file's huge page index of the 2 MiB page holding `addr` in `vma`. */
export const fileIndex = (vma: Vma, addr: number): number =>
  Math.floor((vma.pgoff * PAGE_SIZE + (addr - vma.start)) / HPAGE_SIZE);

/**
 * hugetlb_reserve_pages for [from, to) (huge page indices) of `file`: every
 * index not already reserved (nor, when shared, present) is reserved now,
 * or nothing is and ENOMEM. MAP_NORESERVE reserves nothing.
 */
export function hugetlbReservePages(
  pool: HugetlbPool,
  file: HugetlbFile,
  from: number,
  to: number,
  mapFlags: number,
): Result<void> {
  if (mapFlags & MAP_NORESERVE) return success(undefined);
  const wanted: number[] = [];
  for (let i = from; i < to; i++) if (!file.resv.has(i) && !file.pages.has(i)) wanted.push(i);
  if (wanted.length > pool.available) return failure("ENOMEM", "not enough huge pages to reserve");
  for (const i of wanted) file.resv.add(i);
  pool.resv += wanted.length;
  return success(undefined);
}

/* ---- faults ---- */

/** What hugetlbFault returns besides a fault kind's name: no page could be had (VM_FAULT_SIGBUS). */
export type HugetlbFault = "new-page" | "reuse" | "cow-copy" | "write-notify" | "sigbus";

/** The entry mapping the huge page at `addr` in `mm`, or 0. */
export const hugePteAt = (mm: Mm, addr: number): number =>
  mm.hugePtes.get(Math.floor(addr / HPAGE_SIZE)) ?? 0;

/** Installs a huge entry and takes a mapping of its folio. */
function mapHuge(phys: PhysMem, mm: Mm, addr: number, head: number, bits: number): void {
  mm.hugePtes.set(Math.floor(addr / HPAGE_SIZE), mkPte(head, bits));
  phys.incMapcount(head);
}

/**
 * A fault on the huge page at `addr` of the VM_HUGETLB `vma` (hugetlb_fault):
 * no entry -> hugetlb_no_page (the shared page of the file, or a new page,
 * from the mapping's reservation if it holds one for that index, else from
 * what no one has reserved); a write to a write-protected entry ->
 * hugetlb_wp (shared: made writable; private: reused when ours alone, else
 * a copy of the whole 2 MiB). No page to be had: SIGBUS.
 */
export function hugetlbFault(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  addr: number,
  write: boolean,
): HugetlbFault {
  const pte = hugePteAt(mm, addr);
  if (!ptePresent(pte)) return hugetlbNoPage(k, mm, vma, addr, write);
  return hugetlbWp(k, mm, vma, addr, pte);
}

function hugetlbNoPage(k: Kernel, mm: Mm, vma: Vma, addr: number, write: boolean): HugetlbFault {
  const { phys, hugetlb: pool } = k;
  const file = vma.file!.hugetlb!;
  const index = fileIndex(vma, addr);
  if (vma.flags & VM_SHARED) {
    let head = file.pages.get(index);
    if (head === undefined) {
      const reserved = file.resv.delete(index);
      head = dequeue(pool, reserved);
      if (head < 0) return "sigbus";
      // hugetlb_add_to_page_cache marks the folio dirty
      for (let pfn = head; pfn < head + HPAGE_PAGES; pfn++)
        phys.flags[pfn] = KIND_FILE | PG_HUGETLB;
      phys.flags[head]! |= PG_DIRTY;
      file.pages.set(index, head);
    }
    const bits = vma.flags & VM_WRITE ? PTE_PRESENT | PTE_WRITE : PTE_PRESENT;
    mapHuge(phys, mm, addr, head, write ? bits | PTE_DIRTY : bits);
    return "new-page";
  }
  // the owner took this VMA's page on a failed COW: killed by SIGBUS (hugetlb_no_page)
  if (vma.anonVma !== null && file.unmapped.has(vma.anonVma)) return "sigbus";
  const reserved = vma.anonVma !== null && vma.anonVma === file.owner && file.resv.delete(index);
  const head = dequeue(pool, reserved);
  if (head < 0) return "sigbus";
  for (let pfn = head; pfn < head + HPAGE_PAGES; pfn++) phys.flags[pfn] = KIND_ANON | PG_HUGETLB;
  phys.flags[head]! |= PG_ANON_EXCLUSIVE;
  mapHuge(phys, mm, addr, head, write ? PTE_PRESENT | PTE_WRITE | PTE_DIRTY : PTE_PRESENT);
  return "new-page";
}

function hugetlbWp(k: Kernel, mm: Mm, vma: Vma, addr: number, pte: number): HugetlbFault {
  const { phys, hugetlb: pool } = k;
  const key = Math.floor(addr / HPAGE_SIZE);
  const old = ptePfn(pte);
  if (vma.flags & VM_SHARED) {
    mm.hugePtes.set(key, pte | PTE_WRITE | PTE_DIRTY);
    return "write-notify";
  }
  const f = phys.flags[old]!;
  if ((f & KIND_MASK) === KIND_ANON && (f & PG_ANON_EXCLUSIVE || phys.mapcountOf(old) === 1)) {
    phys.flags[old] = f | PG_ANON_EXCLUSIVE;
    mm.hugePtes.set(key, pte | PTE_WRITE | PTE_DIRTY);
    return "reuse";
  }
  const copy = dequeue(pool, false);
  if (copy < 0) {
    // The reservation owner must not fail: the page is unmapped from the
    // processes that share it through fork, and the owner's write retried
    // (unmap_ref_private); anyone else gets SIGBUS.
    const file = vma.file!.hugetlb!;
    if (vma.anonVma === null || vma.anonVma !== file.owner) return "sigbus";
    unmapRefPrivate(k, mm, vma, addr, old);
    return hugetlbWp(k, mm, vma, addr, mm.hugePtes.get(key)!);
  }
  for (let i = 0; i < HPAGE_PAGES; i++) {
    phys.flags[copy + i] = KIND_ANON | PG_HUGETLB;
    phys.content[copy + i] = phys.content[old + i]!;
  }
  phys.flags[copy]! |= PG_ANON_EXCLUSIVE;
  // the old entry is replaced, not zapped: its dirty bit goes with it (scenario 83)
  dropMapping(k, old, pte & ~PTE_DIRTY);
  mapHuge(phys, mm, addr, copy, PTE_PRESENT | PTE_WRITE | PTE_DIRTY);
  return "cow-copy";
}

/**
 * unmap_ref_private: every other mm's entry mapping `head` at the same
 * page of the same hugetlbfs file (the owner's children) is removed, so
 * the owner is its only mapper, and those VMAs are marked: a later fault
 * there is SIGBUS (Linux logs "killed due to inadequate hugepage pool").
 */
function unmapRefPrivate(k: Kernel, mm: Mm, vma: Vma, addr: number, head: number): void {
  const index = fileIndex(vma, addr);
  for (const other of k.mms()) {
    if (other === mm) continue;
    for (const v of other.vmas) {
      if (v.file !== vma.file) continue;
      const at = v.start + index * HPAGE_SIZE - v.pgoff * PAGE_SIZE;
      if (at < v.start || at >= v.end) continue;
      const key = at / HPAGE_SIZE;
      const pte = other.hugePtes.get(key);
      if (pte === undefined || ptePfn(pte) !== head) continue;
      other.hugePtes.delete(key);
      dropMapping(k, head, pte);
      if (v.anonVma !== null) vma.file!.hugetlb!.unmapped.add(v.anonVma);
    }
  }
}

/**
 * One entry mapping `head` goes (hugetlb_remove_rmap, then the folio put):
 * a dirty entry dirties the folio (__unmap_hugepage_range's
 * folio_mark_dirty); a private page nobody maps any more
 * goes back to the pool (a shared one stays in its file).
 */
function dropMapping(k: Kernel, head: number, pte: number): void {
  const { phys } = k;
  if (pte & PTE_DIRTY) phys.flags[head]! |= PG_DIRTY;
  if (phys.decMapcount(head) === 0 && (phys.flags[head]! & KIND_MASK) === KIND_ANON)
    freeHugePage(phys, k.hugetlb, head);
}

/* ---- the MMU's view: accesses ---- */

/**
 * The frame a load or store at `addr` reaches in a VM_HUGETLB VMA, or -1
 * when it must fault first (no entry, or a store through a read-only one).
 */
export function hugetlbFrame(mm: Mm, addr: number, write: boolean): number {
  const key = Math.floor(addr / HPAGE_SIZE);
  const pte = mm.hugePtes.get(key) ?? 0;
  if (!ptePresent(pte) || (write && !pteWrite(pte))) return -1;
  if (write && !(pte & PTE_DIRTY)) mm.hugePtes.set(key, pte | PTE_DIRTY);
  return ptePfn(pte) + ((addr - key * HPAGE_SIZE) >>> 12);
}

/* ---- zap, exit, fork ---- */

/**
 * __unmap_hugepage_range over [start, end) of `vma` (2 MiB aligned): every
 * entry goes; with `close` (munmap, exit: the range stops being mapped)
 * the reservations of the range a private owner had not used are given
 * back too (hugetlb_vm_op_close's share of the range).
 */
export function unmapHugepageRange(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  start: number,
  end: number,
  close: boolean,
): void {
  const file = vma.file!.hugetlb!;
  const owner = !(vma.flags & VM_SHARED) && vma.anonVma !== null && vma.anonVma === file.owner;
  for (let addr = start; addr < end; addr += HPAGE_SIZE) {
    const key = addr / HPAGE_SIZE;
    const pte = mm.hugePtes.get(key);
    if (pte === undefined) continue;
    mm.hugePtes.delete(key);
    const head = ptePfn(pte);
    const anon = (k.phys.flags[head]! & KIND_MASK) === KIND_ANON;
    dropMapping(k, head, pte);
    // the owner's reservation comes back with the page it frees, so nobody
    // steals the page it may fault in again (folio_set_hugetlb_restore_reserve,
    // then free_huge_folio; not for a surplus page)
    const freed = anon && k.phys.mapcountOf(head) === 0;
    if (owner && freed && !close && k.hugetlb.surplus === 0) {
      const index = fileIndex(vma, addr);
      if (!file.resv.has(index) && k.hugetlb.available > 0) {
        file.resv.add(index);
        k.hugetlb.resv++;
      }
    }
  }
  if (close && owner) {
    let given = 0;
    for (let addr = start; addr < end; addr += HPAGE_SIZE)
      if (file.resv.delete(fileIndex(vma, addr))) given++;
    unreserve(k.phys, k.hugetlb, given);
  }
}

/**
 * A hugetlbfs file no mapping holds any more is released (the last fput of
 * an unlinked inode: remove_inode_hugepages): its pages go back to the
 * pool and its reservations are given back.
 */
export function releaseHugetlbFile(k: Kernel, file: HugetlbFile): void {
  for (const head of file.pages.values()) {
    if (k.phys.mapcountOf(head) !== 0) panic("hugetlb: releasing a file whose page is mapped");
    freeHugePage(k.phys, k.hugetlb, head);
  }
  file.pages.clear();
  unreserve(k.phys, k.hugetlb, file.resv.size);
  file.resv.clear();
}

/** Releases every hugetlbfs file of the pool that no VMA of `mms` maps any more. */
export function releaseHugetlbOrphans(k: Kernel, mms: Iterable<Mm>): void {
  const files = k.hugetlb.files;
  if (files.size === 0) return;
  const mapped = new Set<Inode>();
  for (const mm of mms) for (const vma of mm.vmas) if (vma.file?.hugetlb) mapped.add(vma.file);
  for (const inode of files) {
    if (mapped.has(inode)) continue;
    releaseHugetlbFile(k, inode.hugetlb!);
    files.delete(inode);
  }
}

/**
 * copy_hugetlb_page_range for one private VMA: the child maps the same
 * pages, write-protected on both sides, and they lose AnonExclusive
 * (hugetlb_try_dup_anon_rmap). Shared hugetlb VMAs are not copied (fork's
 * vma_needs_copy: no anon_vma); the child faults them in.
 */
export function copyHugetlbPageRange(phys: PhysMem, parent: Mm, child: Mm, vma: Vma): void {
  for (let addr = vma.start; addr < vma.end; addr += HPAGE_SIZE) {
    const key = addr / HPAGE_SIZE;
    const pte = parent.hugePtes.get(key);
    if (pte === undefined) continue;
    const head = ptePfn(pte);
    const ro = pte & ~PTE_WRITE;
    parent.hugePtes.set(key, ro);
    child.hugePtes.set(key, ro);
    phys.incMapcount(head);
    phys.flags[head]! &= ~PG_ANON_EXCLUSIVE;
  }
}

/** Whether a VMA is a hugetlb mapping (is_vm_hugetlb_page). */
export const isVmHugetlb = (vma: Vma): boolean => (vma.flags & VM_HUGETLB) !== 0;

/* ---- what /proc reads ---- */

/** smaps_hugetlb_range: the kB of huge pages `vma` maps, mapped once (private) or more (shared). */
export function hugetlbSmaps(phys: PhysMem, mm: Mm, vma: Vma): { shared: number; private: number } {
  const out = { shared: 0, private: 0 };
  for (let addr = vma.start; addr < vma.end; addr += HPAGE_SIZE) {
    const pte = mm.hugePtes.get(addr / HPAGE_SIZE) ?? 0;
    if (!ptePresent(pte)) continue;
    if (phys.mapcountOf(ptePfn(pte)) > 1) out.shared += HPAGE_SIZE / 1024;
    else out.private += HPAGE_SIZE / 1024;
  }
  return out;
}

/** pagemap_hugetlb_range for the 4 KiB page at `addr`: its frame, whether shared (file), mapped once; null if not mapped. */
export function hugetlbPagemap(
  phys: PhysMem,
  mm: Mm,
  addr: number,
): { pfn: number; file: boolean; exclusive: boolean } | null {
  const key = Math.floor(addr / HPAGE_SIZE);
  const pte = mm.hugePtes.get(key) ?? 0;
  if (!ptePresent(pte)) return null;
  const head = ptePfn(pte);
  return {
    pfn: head + ((addr - key * HPAGE_SIZE) >>> 12),
    file: (phys.flags[head]! & KIND_MASK) !== KIND_ANON,
    exclusive: phys.mapcountOf(head) === 1,
  };
}

/* ---- mremap (mm/mremap.c, since 5.17) ---- */

/** What mremap asks of a hugetlb mapping: mremap.ts's request, its lengths page-aligned. */
export interface HugetlbRemapRequest {
  readonly addr: number;
  readonly oldLen: number;
  readonly newLen: number;
  /** MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP. */
  readonly flags: number;
  readonly newAddr: number;
}

/** Rounds `n` up to a multiple of the huge page size (ALIGN(len, huge_page_size(h))). */
const hugeAlignUp = (n: number): number => Math.ceil(n / HPAGE_SIZE) * HPAGE_SIZE;

/**
 * mremap(2) of the VM_HUGETLB `vma` at req.addr, after check_mremap_params
 * (scenario 98). align_hugetlb first: both lengths are rounded up to
 * 2 MiB; the old address, and the new address whatever the flags, must
 * be 2 MiB-aligned, and the mapping cannot grow (its reservation cannot be
 * split): EINVAL. Then as any mapping: equal lengths and no new address
 * change nothing; a shorter one unmaps the tail; MREMAP_DONTUNMAP is
 * refused (VM_DONTEXPAND); MREMAP_FIXED unmaps the destination and moves
 * the VMA (copy_vma, same file offset and anon_vma) and its 2 MiB entries
 * (move_hugetlb_page_tables): no fault, the same pages, the same bits,
 * the pool unchanged. The reservations of the pages never touched go with
 * the new VMA (clear_vma_resv_huge_pages on the old one before it is
 * unmapped). `unmap` is mman.ts's unmapRange.
 */
export function hugetlbMremap(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  req: HugetlbRemapRequest,
  unmap: (k: Kernel, mm: Mm, start: number, len: number) => unknown,
): Result<{ addr: number; populate: null }> {
  const { addr, flags } = req;
  const oldLen = hugeAlignUp(req.oldLen);
  const newLen = hugeAlignUp(req.newLen);
  if (addr % HPAGE_SIZE !== 0) return failure("EINVAL", "not at a huge page boundary");
  if (req.newAddr % HPAGE_SIZE !== 0)
    return failure("EINVAL", "new address not at a huge page boundary");
  if (newLen > oldLen) return failure("EINVAL", "a hugetlb mapping cannot grow");
  const done = { addr, populate: null };
  if (!(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))) {
    if (newLen < oldLen) unmap(k, mm, addr + newLen, oldLen - newLen);
    return success(done);
  }
  const to = req.newAddr;
  if (newLen > TASK_SIZE || to > TASK_SIZE - newLen)
    return failure("EINVAL", "new range beyond the address space");
  if (addr + oldLen > to && to + newLen > addr)
    return failure("EINVAL", "old and new ranges overlap");
  if (flags & MREMAP_DONTUNMAP) return failure("EINVAL", "MREMAP_DONTUNMAP of a special mapping");
  if (newLen > vma.end - addr) return failure("EFAULT", "old range spans several mappings");
  if (mm.vmas.length >= MAX_MAP_COUNT - 3) return failure("ENOMEM", "too many mappings");
  unmap(k, mm, to, newLen);
  if (newLen < oldLen) unmap(k, mm, addr + newLen, oldLen - newLen);
  const source = mm.vmaAt(addr)!;
  moveHugetlbVma(k, mm, source, addr, newLen, to, unmap);
  return success({ addr: to, populate: null });
}

/**
 * move_vma for a hugetlb VMA: the new VMA, the entries moved to it, then
 * the old range unmapped with its reservations kept for the new VMA.
 * total_vm's peak is as it was before (move_vma restores hiwater_vm).
 */
function moveHugetlbVma(
  k: Kernel,
  mm: Mm,
  vma: Vma,
  addr: number,
  len: number,
  to: number,
  unmap: (k: Kernel, mm: Mm, start: number, len: number) => unknown,
): void {
  const hiwaterVm = mm.hiwaterVm;
  const moved = copyVma(vma, {
    start: to,
    end: to + len,
    pgoff: vma.pgoff + (addr - vma.start) / PAGE_SIZE,
  });
  mm.mergeAround(mm.insert(moved));
  for (let off = 0; off < len; off += HPAGE_SIZE) {
    const from = (addr + off) / HPAGE_SIZE;
    const pte = mm.hugePtes.get(from);
    if (pte === undefined) continue;
    mm.hugePtes.delete(from);
    mm.hugePtes.set((to + off) / HPAGE_SIZE, pte);
  }
  // clear_vma_resv_huge_pages: closing the old range gives back nothing
  const file = vma.file!.hugetlb!;
  const kept: number[] = [];
  for (let off = 0; off < len; off += HPAGE_SIZE) {
    const index = fileIndex(vma, addr + off);
    if (file.resv.delete(index)) kept.push(index);
  }
  unmap(k, mm, addr, len);
  for (const index of kept) file.resv.add(index);
  mm.hiwaterVm = hiwaterVm;
}

/* ---- mprotect (mm/mprotect.c -> hugetlb_change_protection) ---- */

/**
 * hugetlb_change_protection over [start, end) of `vma`, whose flags are
 * the new ones: every entry takes the VMA's page protection, its dirty bit
 * kept. A shared writable mapping's entries are writable (hugetlbfs needs
 * no write notification); a private one's never are (PAGE_COPY): after
 * mprotect back to read-write, a write fault reuses a page of its own, or
 * copies one still shared after fork (scenario 99).
 */
export function hugetlbChangeProtection(mm: Mm, vma: Vma, start: number, end: number): void {
  const writable = (vma.flags & (VM_WRITE | VM_SHARED)) === (VM_WRITE | VM_SHARED);
  for (let addr = start; addr < end; addr += HPAGE_SIZE) {
    const key = addr / HPAGE_SIZE;
    const pte = mm.hugePtes.get(key);
    if (pte === undefined) continue;
    mm.hugePtes.set(key, writable ? pte | PTE_WRITE : pte & ~PTE_WRITE);
  }
}

/* ---- page-table pages (VmPTE, PageTables, the OOM killer's badness) ---- */

/**
 * The page-table pages of `mm` as mm_pgtables_bytes() counts them, its
 * huge entries included: an entry is a PMD entry, so it needs no PTE table
 * but the PMD table (and the PUD table) over it; VmPTE grows by 4 kB only
 * when that 1 GiB had no table yet (scenario 99). Here the table lives as
 * long as an entry is in it; Linux frees it with the VMA (free_pgtables),
 * so it stays after MADV_DONTNEED of every entry, where cowsh's falls.
 */
export const pageTablePagesOf = (mm: Mm): number => mm.pt.pageTablePages(mm.hugePtes.keys());

/**
 * mm->hugetlb_usage in 4 KiB pages (status's HugetlbPages): 512 for each
 * huge entry, counted as Linux adds them at a fault, a fork's copy or a
 * COW copy and takes them off at a zap; a move changes nothing (checked on
 * this machine's kernel: 2048 kB per page touched, shared ones included).
 */
export const hugetlbUsagePages = (mm: Mm): number => mm.hugePtes.size * HPAGE_PAGES;
