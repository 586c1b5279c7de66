/**
 * Page faults (mm/memory.c, mm/filemap.c) and the accesses that cause them.
 *
 * handleMmFault() dispatches like handle_pte_fault():
 *   PTE none, anonymous VMA      -> doAnonymousPage (zero page or new page)
 *   PTE none, special mapping    -> doSpecialFault
 *   PTE none, file/shmem, read   -> doReadFault (fault-around, read-ahead)
 *   PTE none, private, write     -> doCowFault (a private copy of the file page)
 *   PTE none, shared, write      -> doSharedFault
 *   PTE present, write-protected -> doWpPage (reuse, copy, or write-notify)
 *   PTE a swap entry             -> doSwapPage (swap cache or swap device)
 * The none-PTE cases go through the VMA's backing store (BackingStore:
 * anonymous, file, shmem, special), as vm_operations_struct's fault does.
 * A fault's state is a VmFault (struct vm_fault). It returns a code: a
 * FaultKind index, plus FAULT_MAJOR, or a negative error.
 */
import {
  PAGE_SIZE,
  PTRS_PER_PTE,
  TASK_SIZE,
  VM_EXEC,
  VM_LOCKED,
  VM_PFNMAP,
  VM_RAND_READ,
  VM_READ,
  VM_SEQ_READ,
  VM_SHARED,
  VM_SOFTDIRTY,
  VM_WRITE,
} from "./constants.js";
import type { FaultKind } from "./events.js";
import { addToPageCache, shmemSwapin } from "./filemap.js";
import {
  doHugePmdAnonymousPage,
  doHugePmdWpPage,
  HUGE_FALLBACK,
  HUGE_SPLIT,
  mthpAnonymousPage,
  shmemHugeFault,
  thpPolicyAllows,
} from "./huge-memory.js";
import type { Kernel } from "./kernel.js";
import { PG_KSM } from "./ksm.js";
import type { Mm } from "./mm.js";
import {
  mkPte,
  PTE_DIRTY,
  PTE_PRESENT,
  PTE_SOFT_DIRTY,
  PTE_WRITE,
  pteNone,
  ptePfn,
  ptePresent,
  pteSwpExclusive,
  regionOf,
  swpEntry,
} from "./page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  mlockFolio,
  PG_ANON_EXCLUSIVE,
  PG_DIRTY,
  PG_PRIVATE,
  PG_READAHEAD,
  PG_SWAPCACHE,
  ZERO_PFN,
} from "./phys.js";
import { releaseAnonPage, swapCacheHit, swapinReadahead } from "./swap.js";
import { pagesOf } from "./vfs.js";
import { fileIndex, newAnonVma, newVma, type Vma } from "./vma.js";

export const FAULT_KINDS: readonly FaultKind[] = [
  "zero-page",
  "new-page",
  "cow-copy",
  "reuse",
  "zero-copy",
  "file-read",
  "file-cow",
  "shared-write",
  "write-notify",
  "swap-in",
];
const ZERO_PAGE = 0;
const NEW_PAGE = 1;
const COW_COPY = 2;
const REUSE = 3;
const ZERO_COPY = 4;
const FILE_READ = 5;
const FILE_COW = 6;
const SHARED_WRITE = 7;
const WRITE_NOTIFY = 8;
const SWAP_IN = 9;
/** Added to a kind when the fault had to wait for I/O (or was retried): a major fault. */
export const FAULT_MAJOR = 16;
export const FAULT_KIND_MASK = 15;
/** Errors: the access lies beyond the file, or no memory could be found. */
export const VM_FAULT_SIGBUS = -2;
export const VM_FAULT_OOM = -3;

/** Who is faulting: the pid (for the OOM killer and tracing) and its mm. */
export interface Faulter {
  readonly pid: number;
  readonly mm: Mm;
}

/**
 * The state of the fault in progress (struct vm_fault), passed down its
 * handlers. A caller that faults many pages (the access loop) keeps one and
 * handleMmFault starts each fault afresh in it (begin), as Linux keeps its
 * vm_fault on the faulting path's stack.
 */
export class VmFault {
  vma: Vma = NO_VMA;
  /** NaN before the first fault: a double from the start, as vpns beyond 2^31 are (see PteSpan.base). */
  vpn = Number.NaN;
  write = false;
  /** Pages the fault mapped (fault-around maps several; the tracer reports it). */
  mapped = 0;
  /** The fault had to wait for I/O or be retried: a major fault. */
  major = false;

  constructor(
    readonly k: Kernel,
    readonly who: Faulter,
  ) {}

  /** Starts a fault on page `vpn` of `vma`. */
  begin(vma: Vma, vpn: number, write: boolean): this {
    this.vma = vma;
    this.vpn = vpn;
    this.write = write;
    this.mapped = 0;
    this.major = false;
    return this;
  }
}

/**
 * What a VmFault holds before its first fault: the top page of user space,
 * so its numbers are the doubles real VMAs hold (a VMA made with small
 * integers would give VMAs a hidden class that real ones then replace).
 */
const NO_VMA = newVma(TASK_SIZE - PAGE_SIZE, TASK_SIZE, 0, TASK_SIZE / PAGE_SIZE - 1);

/**
 * A VmFault that lives as long as this module, and is never used: it keeps
 * VmFault's hidden class alive between processes, as LIVE_SPAN does spans'
 * (page-table.ts). Faults' VmFaults live for one access, so after a process
 * exits none may be left, V8 would free the class, and every fault path
 * compiled against it would be thrown away ("reason: weak objects").
 */
export const LIVE_FAULT = new VmFault(null as unknown as Kernel, {
  pid: 0,
  mm: null as unknown as Mm,
});

const newFault = (k: Kernel, who: Faulter, vma: Vma, vpn: number, write: boolean): VmFault =>
  new VmFault(k, who).begin(vma, vpn, write);

/**
 * What backs a VMA's pages, as vm_operations_struct (or gVisor's Mappable)
 * does: anonymous memory, a regular file, shmem, or a special mapping. The
 * fault paths ask it instead of testing the VMA's kind.
 */
export interface BackingStore {
  /** A fault on a none PTE (do_anonymous_page, do_fault, special_mapping_fault). Returns a fault code. */
  fault(vmf: VmFault): number;
  /**
   * The page-cache page at `index`, found or brought in (filemap_fault,
   * shmem_fault); its PFN or a negative code. Sets vmf.major on I/O.
   */
  getPage(vmf: VmFault, index: number): number;
  /** Page flags a write through a shared mapping sets (page_mkwrite: a file page gets buffer heads). */
  readonly dirtyFlags: number;
  /** Writes through a shared writable mapping must be seen (page_mkwrite, dirty accounting). */
  readonly writenotify: boolean;
}

/** Anonymous memory: the zero page or a new page. */
const ANON_OPS: BackingStore = {
  fault: (vmf) => doAnonymousPage(vmf),
  getPage: () => VM_FAULT_SIGBUS,
  dirtyFlags: PG_DIRTY,
  writenotify: false,
};

/** [vdso] and [vvar]: the kernel's own frames (special_mapping_fault, vvar_fault). */
const SPECIAL_OPS: BackingStore = {
  fault: (vmf) => doSpecialFault(vmf),
  getPage: () => VM_FAULT_SIGBUS,
  dirtyFlags: PG_DIRTY,
  writenotify: false,
};

/** do_fault: a read maps the cached page, a private write copies it, a shared write dirties it. */
function doFault(vmf: VmFault): number {
  if (!vmf.write) return doReadFault(vmf);
  if (!(vmf.vma.flags & VM_SHARED)) return doCowFault(vmf);
  return doSharedFault(vmf);
}

/** A regular file (generic_file_vm_ops): read-ahead, write-notify, written pages get buffer heads. */
const FILE_OPS: BackingStore = {
  fault: doFault,
  getPage: (vmf, index) => filemapFault(vmf, index),
  dirtyFlags: PG_DIRTY | PG_PRIVATE,
  writenotify: true,
};

/** Shmem (shmem_vm_ops): no backing store, a missing page is allocated. */
const SHMEM_OPS: BackingStore = {
  fault: doFault,
  getPage: (vmf, index) => shmemFault(vmf, index),
  dirtyFlags: PG_DIRTY,
  writenotify: false,
};

/** The backing store of `vma` (its vm_ops). */
export function vmaOps(vma: Vma): BackingStore {
  if (vma.special !== null) return SPECIAL_OPS;
  if (vma.file === null) return ANON_OPS;
  return vma.file.shmem ? SHMEM_OPS : FILE_OPS;
}

/**
 * Resolves a fault on the page at `addr` of `vma` (handle_mm_fault). Access
 * rights are already checked. `pte` is the current entry, if the caller has
 * it; `state` a VmFault of `who`'s to reuse, if it keeps one.
 */
export function handleMmFault(
  k: Kernel,
  who: Faulter,
  vma: Vma,
  addr: number,
  write: boolean,
  pte = who.mm.pt.get(addr / PAGE_SIZE),
  state: VmFault | null = null,
): number {
  const vmf =
    state === null
      ? newFault(k, who, vma, addr / PAGE_SIZE, write)
      : state.begin(vma, addr / PAGE_SIZE, write);
  let code: number;
  if (ptePresent(pte)) code = wpPage(vmf, pte);
  else if (pteNone(pte)) code = noPage(vmf);
  else code = doSwapPage(vmf, pte);
  k.phys.vm.countFault(code >= 0 && (code & FAULT_MAJOR) !== 0);
  if (code >= 0 && k.trace !== null) traceFault(vmf, addr, code);
  return code;
}

/** The fault codes of huge-memory.ts's outcomes (HUGE_ZERO … HUGE_ZERO_COPY, HUGE_FILE_READ, HUGE_SHARED_WRITE). */
const HUGE_CODES = [ZERO_PAGE, NEW_PAGE, REUSE, ZERO_COPY, -1, FILE_READ, SHARED_WRITE];

/** A fault on a none PTE: a huge PMD where one may go (create_huge_pmd), else the VMA's own fault. */
function noPage(vmf: VmFault): number {
  const { k, vma, who } = vmf;
  let huge = HUGE_FALLBACK;
  if (thpPolicyAllows(k, vma))
    huge = doHugePmdAnonymousPage(k, who.mm, vma, vmf.vpn, vmf.write, who.pid);
  else if (vma.file?.shmem) huge = shmemNoPage(vmf);
  if (huge !== HUGE_FALLBACK) {
    vmf.mapped = PTRS_PER_PTE;
    return HUGE_CODES[huge]!;
  }
  return vmaOps(vma).fault(vmf);
}

/**
 * shmem THP (huge-memory.ts): a read maps as vm_page_prot, a write writable
 * and dirty. Out of line: noPage is inlined into every fault (PERFORMANCE.md).
 */
function shmemNoPage(vmf: VmFault): number {
  const { k, vma } = vmf;
  const bits = vmf.write ? PTE_PRESENT | PTE_WRITE | PTE_DIRTY | softDirty(k) : readBits(k, vma);
  return shmemHugeFault(k, vmf.who.mm, vma, vmf.vpn, bits);
}

/** A write to a present write-protected entry: under a huge PMD first do_huge_pmd_wp_page. */
function wpPage(vmf: VmFault, pte: number): number {
  const { k, vma, who } = vmf;
  if (who.mm.pt.isHuge(regionOf(vmf.vpn))) {
    const huge = doHugePmdWpPage(k, who.mm, vma, vmf.vpn);
    if (huge !== HUGE_SPLIT) {
      vmf.mapped = PTRS_PER_PTE;
      return HUGE_CODES[huge]!;
    }
  }
  return doWpPage(vmf, pte);
}

function traceFault(vmf: VmFault, addr: number, code: number): void {
  const { k, who } = vmf;
  const fault = FAULT_KINDS[code & FAULT_KIND_MASK]!;
  const pfn = ptePfn(who.mm.pt.get(vmf.vpn));
  k.trace!({
    kind: "fault",
    pid: who.pid,
    addr,
    fault,
    major: (code & FAULT_MAJOR) !== 0,
    pfn,
    mapped: vmf.mapped,
  });
}

const major = (vmf: VmFault): number => (vmf.major ? FAULT_MAJOR : 0);

/** The soft-dirty bit a newly dirtied PTE gets (pte_mkdirty sets it on x86 when configured). */
const softDirty = (k: Kernel): number => (k.config.softDirty ? PTE_SOFT_DIRTY : 0);

/** Installs a PTE for a page just mapped at `vpn`: mapcount, RSS, young. */
function mapPage(vmf: VmFault, vpn: number, pfn: number, bits: number): void {
  const { k, who, vma } = vmf;
  who.mm.pt.install(vpn, mkPte(pfn, bits));
  k.phys.incMapcount(pfn);
  who.mm.addRss(k.phys.flags[pfn]! & KIND_MASK, 1);
  if (vma.flags & VM_LOCKED) mlockFolio(k.phys, pfn); // mlock_vma_folio
}

/** A new anonymous page owned by this mapping (folio_add_new_anon_rmap, exclusive). */
function newAnonPage(vmf: VmFault, word: number): number {
  const { k, vma } = vmf;
  vma.anonVma ??= newAnonVma();
  const pfn = k.allocFrame(KIND_ANON, word, vmf.who.pid);
  if (pfn >= 0) k.phys.flags[pfn]! |= PG_ANON_EXCLUSIVE;
  return pfn;
}

const writableDirty = (k: Kernel, vma: Vma): number =>
  vma.flags & VM_WRITE ? PTE_PRESENT | PTE_WRITE | PTE_DIRTY | softDirty(k) : PTE_PRESENT;

/**
 * mTHP sizes (huge-memory.ts): a folio of 16 kB … 1 MiB mapped by its PTEs
 * at once; false when none could be (a 4 KiB page then). Out of line, as
 * shmemNoPage.
 */
function mthpNoPage(vmf: VmFault): boolean {
  const { k, vma } = vmf;
  const nr = mthpAnonymousPage(k, vmf.who.mm, vma, vmf.vpn, writableDirty(k, vma));
  if (nr > 0) vmf.mapped = nr;
  return nr > 0;
}

/** do_anonymous_page: the zero page for a read (mainline), else a new zeroed page. */
function doAnonymousPage(vmf: VmFault): number {
  const { k, vma } = vmf;
  vmf.mapped = 1;
  if (!vmf.write && k.config.zeroPage) {
    vmf.who.mm.pt.install(vmf.vpn, mkPte(ZERO_PFN, PTE_PRESENT));
    return ZERO_PAGE;
  }
  if (k.thp.mthpOn && mthpNoPage(vmf)) return NEW_PAGE;
  const pfn = newAnonPage(vmf, 0);
  if (pfn < 0) return VM_FAULT_OOM;
  mapPage(vmf, vmf.vpn, pfn, writableDirty(k, vma));
  return NEW_PAGE;
}

/**
 * do_wp_page: a write to a present, write-protected PTE.
 * Shared mappings take the write-notify path. A private page is reused when
 * it is anonymous and exclusively ours (AnonExclusive, or refcount 1 as
 * wp_can_reuse_anon_folio checks); otherwise it is copied (wp_page_copy).
 */
function doWpPage(vmf: VmFault, pte: number): number {
  const { k, vma, vpn } = vmf;
  const { phys } = k;
  const { mm } = vmf.who;
  const pfn = ptePfn(pte);
  vmf.mapped = 1;
  if (vma.flags & VM_SHARED) {
    mm.pt.install(vpn, pte | PTE_WRITE | PTE_DIRTY | softDirty(k));
    phys.flags[pfn]! |= vmaOps(vma).dirtyFlags;
    return WRITE_NOTIFY;
  }
  if (pfn === ZERO_PFN) {
    const fresh = newAnonPage(vmf, 0);
    if (fresh < 0) return VM_FAULT_OOM;
    mapPage(vmf, vpn, fresh, writableDirty(k, vma));
    return ZERO_COPY;
  }
  const flags = phys.flags[pfn]!;
  if ((flags & KIND_MASK) === KIND_ANON && canReuseAnon(k, pfn, flags)) {
    phys.flags[pfn]! |= PG_ANON_EXCLUSIVE;
    mm.pt.install(vpn, pte | PTE_WRITE | PTE_DIRTY | softDirty(k));
    return REUSE;
  }
  const copy = newAnonPage(vmf, phys.content[pfn]!);
  if (copy < 0) return VM_FAULT_OOM;
  // folio_remove_rmap_pte on the old page; the copy takes its place in this PTE.
  mm.addRss(flags & KIND_MASK, -1);
  if (phys.decMapcount(pfn) === 0 && (flags & KIND_MASK) === KIND_ANON)
    releaseAnonPage(phys, k.swap, pfn);
  mapPage(vmf, vpn, copy, writableDirty(k, vma));
  return COW_COPY;
}

/**
 * wp_can_reuse_anon_folio: an anonymous page is ours to write when it is
 * AnonExclusive, or when we hold its only reference; a swap-cache page
 * whose slot no swap entry names leaves the swap cache first
 * (folio_free_swap), which may make it ours.
 */
function canReuseAnon(k: Kernel, pfn: number, flags: number): boolean {
  if (flags & PG_ANON_EXCLUSIVE) return true;
  if (flags & PG_KSM) return false; // a KSM page is never reused (folio_test_ksm)
  const { phys } = k;
  if (flags & PG_SWAPCACHE && phys.mapcountOf(pfn) === 1) k.swap.freeSwap(phys, pfn);
  return phys.refcount(pfn) === 1;
}

/**
 * do_swap_page: the PTE holds a swap entry. The page is looked up in the
 * swap cache (a minor fault, as right after MADV_PAGEOUT), or read from the
 * slot into a new page that joins the swap cache (a major fault). The entry
 * is dropped from its slot (swap_free). A write frees the slot when nothing
 * else holds the page (should_try_to_free_swap). The page is mapped writable
 * when the entry was exclusive or the page is ours alone; a write to a page
 * that is not goes on to do_wp_page (a copy, or a reuse).
 */
function doSwapPage(vmf: VmFault, pte: number): number {
  const { k, vma, vpn, who } = vmf;
  const { phys, swap } = k;
  const entry = swpEntry(pte);
  vmf.mapped = 1;
  let pfn = swap.cachedPage(entry);
  if (pfn < 0) {
    pfn = swapinReadahead(k, entry, who.pid);
    if (pfn < 0) return VM_FAULT_OOM;
    vmf.major = true;
  } else swapCacheHit(phys, swap, pfn);
  const exclusive = pteSwpExclusive(pte);
  swap.put(entry);
  who.mm.swapents--;
  if (vmf.write && phys.mapcountOf(pfn) === 0) swap.freeSwap(phys, pfn);
  let bits = PTE_PRESENT | (pte & PTE_SOFT_DIRTY);
  let write = vmf.write;
  // refcount 0 here: the fault's own reference is the page's only one.
  if (exclusive || phys.refcount(pfn) === 0) {
    if (vma.flags & VM_WRITE) {
      bits |= PTE_WRITE;
      if (write) {
        bits |= PTE_DIRTY | softDirty(k);
        write = false;
      }
    }
    phys.flags[pfn]! |= PG_ANON_EXCLUSIVE;
  }
  mapPage(vmf, vpn, pfn, bits);
  if (write) {
    const code = doWpPage(vmf, who.mm.pt.get(vpn));
    if (code < 0) return code;
  }
  return SWAP_IN + major(vmf);
}

/** [vdso] pages are real pages, mapped on use; [vvar] pages are raw PFNs. */
function doSpecialFault(vmf: VmFault): number {
  const { vma, vpn } = vmf;
  vmf.mapped = 1;
  const pfn = specialPfn(vma, vpn - vma.start / PAGE_SIZE);
  if (vma.flags & VM_PFNMAP) {
    vmf.who.mm.pt.install(vpn, mkPte(pfn, PTE_PRESENT));
  } else {
    mapPage(vmf, vpn, pfn, PTE_PRESENT);
  }
  return FILE_READ;
}

/** Kernel frames backing the special mappings (reserved at boot, see machine.ts). */
export const VDSO_PFN = 0xe10;
export const VVAR_PFN = 0xe20;
export const VVAR_VCLOCK_PFN = 0xe30;
function specialPfn(vma: Vma, index: number): number {
  if (vma.special === "vdso") return VDSO_PFN + index;
  if (vma.special === "vvar") return VVAR_PFN + index;
  return VVAR_VCLOCK_PFN + index;
}

/** The PTE bits a file page gets when mapped by a read (vm_page_prot): writable only for shared mappings without write-notify. */
function readBits(k: Kernel, vma: Vma): number {
  return vma.flags & VM_SHARED && vma.flags & VM_WRITE && !wantsWritenotify(k, vma)
    ? PTE_PRESENT | PTE_WRITE
    : PTE_PRESENT;
}

/**
 * vma_wants_writenotify: a shared writable mapping whose writes the kernel
 * must see: those whose backing store asks (regular files: page_mkwrite,
 * dirty accounting), and any mapping whose soft-dirty tracking was reset.
 */
export function wantsWritenotify(k: Kernel, vma: Vma): boolean {
  if (!(vma.flags & VM_SHARED) || !(vma.flags & VM_WRITE)) return false;
  if (k.config.softDirty && !(vma.flags & VM_SOFTDIRTY)) return true;
  return vmaOps(vma).writenotify;
}

/** do_read_fault: fault-around first; if that did not map the page, get it and map it. */
function doReadFault(vmf: VmFault): number {
  const { k, who, vma, vpn } = vmf;
  vmf.mapped = faultAround(vmf);
  if (!pteNone(who.mm.pt.get(vpn))) return FILE_READ;
  const pfn = vmaOps(vma).getPage(vmf, fileIndex(vma, vpn * PAGE_SIZE));
  if (pfn < 0) return pfn;
  if (vmf.major) {
    // The fault dropped its lock for I/O and is retried: fault-around now finds the pages read.
    vmf.mapped = faultAround(vmf);
    if (!pteNone(who.mm.pt.get(vpn))) return FILE_READ | FAULT_MAJOR;
  }
  mapPage(vmf, vpn, pfn, readBits(k, vma));
  vmf.mapped++;
  return FILE_READ | major(vmf);
}

/** do_cow_fault: a write to a private file mapping where no page is mapped yet: copy the file page. */
function doCowFault(vmf: VmFault): number {
  const { k, vma, vpn } = vmf;
  vmf.mapped = 1;
  const filePfn = vmaOps(vma).getPage(vmf, fileIndex(vma, vpn * PAGE_SIZE));
  if (filePfn < 0) return filePfn;
  const pfn = newAnonPage(vmf, k.phys.content[filePfn]!);
  if (pfn < 0) return VM_FAULT_OOM;
  mapPage(vmf, vpn, pfn, writableDirty(k, vma));
  return FILE_COW | major(vmf);
}

/** do_shared_fault: a write to a shared mapping where no page is mapped yet: map it writable and dirty. */
function doSharedFault(vmf: VmFault): number {
  const { k, vma, vpn } = vmf;
  vmf.mapped = 1;
  const ops = vmaOps(vma);
  const pfn = ops.getPage(vmf, fileIndex(vma, vpn * PAGE_SIZE));
  if (pfn < 0) return pfn;
  mapPage(vmf, vpn, pfn, PTE_PRESENT | PTE_WRITE | PTE_DIRTY | softDirty(k));
  k.phys.flags[pfn]! |= ops.dirtyFlags;
  return SHARED_WRITE | major(vmf);
}

/** shmem_fault: the page-cache page at `index`; shmem has no backing store, so a missing page is allocated, clean. */
function shmemFault(vmf: VmFault, index: number): number {
  const inode = vmf.vma.file!;
  if (index >= pagesOf(inode.size)) return VM_FAULT_SIGBUS;
  let pfn = inode.cache.get(index);
  if (pfn === 0) {
    if (inode.swapped.size > 0 && inode.swapped.has(index)) {
      // shmem_swapin_folio: from the swap cache, or read (a major fault).
      pfn = shmemSwapin(vmf.k, inode, index, vmf.who.pid);
      if (vmf.k.swap.lastRead) vmf.major = true;
    } else pfn = addToPageCache(vmf.k, inode, index, vmf.who.pid);
  }
  return pfn < 0 ? VM_FAULT_OOM : pfn;
}

/**
 * filemap_fault: the page-cache page at `index`, found or read in. Returns
 * its PFN, or a negative error; sets vmf.major if it needed I/O or a
 * retry. A page that is not cached is read with its read-around window
 * (do_sync_mmap_readahead); hitting a page marked PG_readahead starts the
 * next window (do_async_mmap_readahead) and, because that drops the
 * fault's lock, makes the fault a retried, major one.
 */
function filemapFault(vmf: VmFault, index: number): number {
  const { k, vma } = vmf;
  const pid = vmf.who.pid;
  const inode = vma.file!;
  if (index >= pagesOf(inode.size)) return VM_FAULT_SIGBUS;
  let pfn = inode.cache.get(index);
  if (pfn !== 0) {
    const ra = vma.ra!;
    if (ra.mmapMiss > 0) ra.mmapMiss--;
    if (!(k.phys.flags[pfn]! & PG_READAHEAD) || vma.flags & VM_RAND_READ) return pfn;
    k.phys.flags[pfn]! &= ~PG_READAHEAD;
    vmf.major = true;
    return asyncReadahead(k, vma, pid) < 0 ? VM_FAULT_OOM : pfn;
  }
  vmf.major = true;
  if (syncReadahead(k, vma, index, pid) < 0) return VM_FAULT_OOM;
  pfn = inode.cache.get(index);
  if (pfn === 0) pfn = addToPageCache(k, inode, index, pid);
  return pfn < 0 ? VM_FAULT_OOM : pfn;
}

/** Reads pages [start, start + count) that are not cached, clamped to EOF; marks `mark` PG_readahead. */
function readPages(
  k: Kernel,
  vma: Vma,
  start: number,
  count: number,
  mark: number,
  pid: number,
): number {
  const inode = vma.file!;
  const end = Math.min(start + count, pagesOf(inode.size));
  for (let index = start; index < end; index++) {
    if (inode.cache.get(index) !== 0) continue;
    const pfn = addToPageCache(k, inode, index, pid);
    if (pfn < 0) return VM_FAULT_OOM;
    if (index === mark) k.phys.flags[pfn]! |= PG_READAHEAD;
  }
  return 0;
}

const MMAP_LOTSAMISS = 100;

/** do_sync_mmap_readahead: read-around centred on the fault, or just the page. */
function syncReadahead(k: Kernel, vma: Vma, index: number, pid: number): number {
  const raPages = (k.config.readaheadKb * 1024) / PAGE_SIZE;
  const ra = vma.ra!;
  if (vma.flags & VM_RAND_READ || raPages === 0) return readPages(k, vma, index, 1, -1, pid);
  if (vma.flags & VM_SEQ_READ) {
    Object.assign(ra, { start: index, size: raPages, asyncSize: raPages });
    return readPages(k, vma, index, raPages, index, pid);
  }
  if (ra.mmapMiss < MMAP_LOTSAMISS * 10) ra.mmapMiss++;
  if (ra.mmapMiss > MMAP_LOTSAMISS) return readPages(k, vma, index, 1, -1, pid);
  ra.start = Math.max(0, index - raPages / 2);
  ra.size = raPages;
  ra.asyncSize = raPages / 4;
  return readPages(k, vma, ra.start, ra.size, ra.start + ra.size - ra.asyncSize, pid);
}

/** page_cache_async_ra at the expected index: the next window, ramped up (get_next_ra_size). */
function asyncReadahead(k: Kernel, vma: Vma, pid: number): number {
  const raPages = (k.config.readaheadKb * 1024) / PAGE_SIZE;
  const ra = vma.ra!;
  const cur = ra.size;
  ra.start += ra.size;
  ra.size = cur < raPages / 16 ? 4 * cur : cur <= raPages / 2 ? 2 * cur : raPages;
  ra.asyncSize = ra.size;
  return readPages(k, vma, ra.start, ra.size, ra.start, pid);
}

/**
 * do_fault_around / filemap_map_pages: maps the cached, up-to-date pages of
 * the 16-page window around `vpn` that are not mapped yet. The window is
 * aligned in the address space and clamped to the VMA and to the PTE table;
 * pages beyond EOF and pages marked PG_readahead are skipped. Returns the
 * number of pages mapped.
 */
function faultAround(vmf: VmFault): number {
  const { k, who, vma, vpn } = vmf;
  const nrPages = k.config.faultAroundBytes / PAGE_SIZE;
  if (nrPages <= 1) return 0;
  const inode = vma.file!;
  const pteOff = vpn % PTRS_PER_PTE;
  const vmaOff = vpn - vma.start / PAGE_SIZE;
  const fromPte = Math.max(pteOff - (pteOff % nrPages), pteOff - Math.min(pteOff, vmaOff));
  const toPte = Math.min(fromPte + nrPages, PTRS_PER_PTE, pteOff + vma.end / PAGE_SIZE - vpn);
  const base = regionOf(vpn) * PTRS_PER_PTE;
  const eof = pagesOf(inode.size);
  const bits = readBits(k, vma);
  let mapped = 0;
  for (let i = fromPte; i < toPte; i++) {
    const v = base + i;
    if (!pteNone(who.mm.pt.get(v))) continue;
    const index = fileIndex(vma, v * PAGE_SIZE);
    if (index >= eof) break;
    const pfn = inode.cache.get(index);
    if (pfn === 0 || k.phys.flags[pfn]! & PG_READAHEAD) continue;
    mapPage(vmf, v, pfn, bits);
    mapped++;
  }
  return mapped;
}

/** Whether the VMA allows the access (access_error on x86: any of r/w/x allows a read). */
export function accessAllowed(vma: Vma, write: boolean): boolean {
  return write ? (vma.flags & VM_WRITE) !== 0 : (vma.flags & (VM_READ | VM_WRITE | VM_EXEC)) !== 0;
}

/**
 * Makes the page at `addr` resident in a state a capture recorded, without
 * fault-around or read-ahead (exec's replay of a real program's start-up):
 * "f"/"m" a file or shmem page-cache page, "a" an anonymous page (a private
 * copy of the file page in a file VMA; written, so dirty), "z" what a read
 * of untouched anonymous memory maps, "p" a raw PFN page. Special mappings
 * map their own pages whatever the state. Returns 0, or -1 when memory ran out.
 */
export function prefaultPage(
  k: Kernel,
  who: Faulter,
  vma: Vma,
  addr: number,
  state: string,
): number {
  const vpn = addr / PAGE_SIZE;
  const vmf = newFault(k, who, vma, vpn, false);
  const pte = who.mm.pt.get(vpn);
  if (vmaOps(vma) === SPECIAL_OPS) {
    if (pteNone(pte)) doSpecialFault(vmf);
    return 0;
  }
  if (state === "z") return pteNone(pte) && doAnonymousPage(vmf) < 0 ? -1 : 0;
  if (state === "a") return prefaultAnon(vmf, pte);
  if (!pteNone(pte)) return 0;
  const index = fileIndex(vma, addr);
  const pfn = vma.file!.cache.get(index) || addToPageCache(k, vma.file!, index, who.pid);
  if (pfn < 0) return -1;
  mapPage(vmf, vpn, pfn, readBits(k, vma));
  return 0;
}

function prefaultAnon(vmf: VmFault, pte: number): number {
  const { k, who, vma, vpn } = vmf;
  const old = ptePresent(pte) ? ptePfn(pte) : -1;
  if (old >= 0 && old !== ZERO_PFN && k.phys.kind(old) === KIND_ANON) return 0;
  let word = 0;
  if (vma.file !== null) {
    const index = fileIndex(vma, vpn * PAGE_SIZE);
    const filePfn = vma.file.cache.get(index) || addToPageCache(k, vma.file, index, who.pid);
    if (filePfn < 0) return -1;
    word = k.phys.content[filePfn]!;
  }
  const pfn = newAnonPage(vmf, word);
  if (pfn < 0) return -1;
  if (old >= 0 && old !== ZERO_PFN) {
    who.mm.addRss(k.phys.kind(old), -1);
    k.phys.decMapcount(old);
  }
  const bits = PTE_PRESENT | PTE_DIRTY | softDirty(k) | (vma.flags & VM_WRITE ? PTE_WRITE : 0);
  mapPage(vmf, vpn, pfn, bits);
  return 0;
}
