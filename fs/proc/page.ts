/**
 * /proc/kpagecount and /proc/kpageflags (fs/proc/page.c): one little-endian
 * u64 per PFN, at byte offset pfn * 8, for every frame of RAM.
 *
 * kpageflags follows stable_page_flags(): the frame's kind and PG_* flags
 * become KPF_* bits. Values seen on the capture machine, which these rules
 * give for the same states:
 *   anonymous page             0x5828       UPTODATE LRU MMAP ANON SWAPBACKED
 *   ... owned by one mapping   0x400005828  + OWNER_2 (PG_anon_exclusive)
 *   ... in the swap cache      0x2000007828 + SWAPCACHE, OWNER_PRIVATE (PG_swapcache)
 *   ... lazy-free (MADV_FREE)  0x400001828  no SWAPBACKED (PG_LAZYFREE)
 *   shmem page, dirty / clean  0x4838 / 0x4828
 *   file page, mapped          0x828        (+ DIRTY, + PRIVATE with buffer heads)
 *   zero page                  0x101000000  ZERO_PAGE RESERVED, kpagecount 0
 *   vDSO page, mapped          0x100000800  RESERVED MMAP
 *   free page                  0x400        BUDDY
 * A page accessed twice (folio_mark_accessed) is ACTIVE instead of
 * REFERENCED. Every page is order 0, so COMPOUND_* and THP never appear.
 */

import { HPAGE_PMD_NR, HUGE_ZERO_PFN, largeHead } from "../../src/kernel/huge-memory.js";
import { PG_KSM } from "../../src/kernel/ksm.js";
import {
  KIND_ANON,
  KIND_FREE,
  KIND_MASK,
  KIND_SHMEM,
  PG_ACTIVE,
  PG_ANON_EXCLUSIVE,
  PG_DIRTY,
  PG_HUGETLB,
  PG_LAZYFREE,
  PG_MLOCKED,
  PG_PRIVATE,
  PG_READAHEAD,
  PG_REFERENCED,
  PG_RESERVED,
  PG_SWAPCACHE,
  type PhysMem,
  ZERO_PFN,
} from "../../src/kernel/phys.js";

/* KPF_* bits 0-31 (include/uapi/linux/kernel-page-flags.h), in the low word. */
const KPF_REFERENCED = 1 << 2;
const KPF_UPTODATE = 1 << 3;
const KPF_DIRTY = 1 << 4;
const KPF_LRU = 1 << 5;
const KPF_ACTIVE = 1 << 6;
const KPF_RECLAIM = 1 << 9; // PG_reclaim, which PG_readahead shares
const KPF_BUDDY = 1 << 10;
const KPF_MMAP = 1 << 11;
const KPF_ANON = 1 << 12;
const KPF_SWAPCACHE = 1 << 13;
const KPF_SWAPBACKED = 1 << 14;
const KPF_COMPOUND_HEAD = 1 << 15;
const KPF_COMPOUND_TAIL = 1 << 16;
const KPF_HUGE = 1 << 17;
const KPF_UNEVICTABLE = 1 << 18;
const KPF_KSM = 1 << 21;
const KPF_ZERO_PAGE = 1 << 24;
const KPF_THP = 1 << 22;
/* Kernel-internal KPF_* bits 32-63 (include/linux/kernel-page-flags.h), in the high word. */
const KPF_HI_RESERVED = 1 << (32 - 32);
const KPF_HI_MLOCKED = 1 << (33 - 32);
const KPF_HI_OWNER_2 = 1 << (34 - 32);
const KPF_HI_PRIVATE = 1 << (35 - 32);
const KPF_HI_OWNER_PRIVATE = 1 << (37 - 32); // PG_owner_priv_1, which PG_swapcache is

/** A u64 as its two 32-bit halves (no BigInt on the read path). */
export interface U64 {
  lo: number;
  hi: number;
}

/** Computes one PFN's entry into `out` (reused across entries: no allocation per frame). */
export type PfnEntry = (pfn: number, out: U64) => void;

/**
 * stable_page_flags() of one frame, into `out`. Frames below firstUsable
 * are the kernel's (PG_reserved); among them the zero page and the vDSO
 * pages that user mappings reach. A free frame is PG_buddy (every free
 * page, head or not, reads BUDDY: is_free_buddy_page). Page-cache and
 * anonymous frames are up to date and on an LRU list (the unevictable one
 * when mlocked).
 */
export function kpageflags(phys: PhysMem, pfn: number, out: U64): void {
  const f = phys.flags[pfn]!;
  if (f & PG_HUGETLB) {
    hugetlbKpageflags(phys, pfn, out);
    return;
  }
  const mapped = phys.mapcountOf(pfn) > 0 ? KPF_MMAP : 0;
  if (pfn >= HUGE_ZERO_PFN && pfn < HUGE_ZERO_PFN + HPAGE_PMD_NR) {
    // The huge zero folio (huge-memory.ts): never mapped by count, not PG_reserved.
    out.lo =
      KPF_ZERO_PAGE | KPF_THP | (pfn === HUGE_ZERO_PFN ? KPF_COMPOUND_HEAD : KPF_COMPOUND_TAIL);
    out.hi = 0;
    return;
  }
  if (pfn < phys.firstUsable || f & PG_RESERVED) {
    out.lo = mapped | (pfn === ZERO_PFN ? KPF_ZERO_PAGE : 0);
    out.hi = KPF_HI_RESERVED;
    return;
  }
  const kind = f & KIND_MASK;
  if (kind === KIND_FREE) {
    out.lo = KPF_BUDDY;
    out.hi = 0;
    return;
  }
  let lo = KPF_UPTODATE | KPF_LRU | mapped;
  let hi = 0;
  if (kind === KIND_ANON) lo |= f & PG_LAZYFREE ? KPF_ANON : KPF_ANON | KPF_SWAPBACKED;
  if (kind === KIND_SHMEM) lo |= KPF_SWAPBACKED;
  if (f & PG_DIRTY) lo |= KPF_DIRTY;
  if (f & PG_KSM) lo |= KPF_KSM;
  if (f & PG_REFERENCED) lo |= KPF_REFERENCED;
  if (f & PG_ACTIVE) lo |= KPF_ACTIVE;
  if (f & PG_READAHEAD) lo |= KPF_RECLAIM;
  if (f & PG_PRIVATE) hi |= KPF_HI_PRIVATE;
  if (f & PG_SWAPCACHE) {
    lo |= KPF_SWAPCACHE;
    hi |= KPF_HI_OWNER_PRIVATE;
  }
  if (kind === KIND_ANON && phys.anonExclusive(pfn)) hi |= KPF_HI_OWNER_2;
  if (f & PG_MLOCKED) {
    lo |= KPF_UNEVICTABLE;
    hi |= KPF_HI_MLOCKED;
  }
  const head = largeHead(phys, pfn);
  if (head >= 0 && (kind === KIND_ANON || kind === KIND_SHMEM) && !(f & PG_HUGETLB))
    lo |= KPF_THP | (head === pfn ? KPF_COMPOUND_HEAD : KPF_COMPOUND_TAIL);
  out.lo = lo;
  out.hi = hi;
}

/**
 * A frame of a hugetlb folio (hugetlb.ts): the folio's flags, which live
 * on its head, as HUGE and COMPOUND_HEAD or _TAIL; never on an LRU list.
 * Seen: private 0x29808 (0x400029808 while AnonExclusive, tails
 * 0x400031808), shared 0x28818 (dirty from the start).
 */
function hugetlbKpageflags(phys: PhysMem, pfn: number, out: U64): void {
  const head = phys.headOf(pfn);
  const f = phys.flags[head]!;
  let lo = KPF_UPTODATE | KPF_HUGE | (pfn === head ? KPF_COMPOUND_HEAD : KPF_COMPOUND_TAIL);
  if (phys.mapcountOf(head) > 0) lo |= KPF_MMAP;
  const anon = (f & KIND_MASK) === KIND_ANON;
  if (anon) lo |= KPF_ANON;
  if (f & PG_DIRTY) lo |= KPF_DIRTY;
  out.lo = lo;
  out.hi = anon && f & PG_ANON_EXCLUSIVE ? KPF_HI_OWNER_2 : 0;
}

/**
 * kpagecount, into `out`: the frame's mapcount (0 for free frames and the
 * zero page, which takes no mapcount); a hugetlb folio's, for each of its frames.
 */
export function kpagecount(phys: PhysMem, pfn: number, out: U64): void {
  out.lo = phys.mapcountOf(phys.flags[pfn]! & PG_HUGETLB ? phys.headOf(pfn) : pfn);
  out.hi = 0;
}

/**
 * Entries [firstPfn, firstPfn + count) of a per-PFN file as little-endian
 * u64s; the caller has clipped the range to the frames that exist.
 */
export function pfnEntries(firstPfn: number, count: number, entry: PfnEntry): Uint8Array {
  const bytes = new Uint8Array(count * 8);
  const view = new DataView(bytes.buffer);
  const out: U64 = { lo: 0, hi: 0 };
  for (let n = 0; n < count; n++) {
    entry(firstPfn + n, out);
    view.setUint32(n * 8, out.lo >>> 0, true);
    view.setUint32(n * 8 + 4, out.hi >>> 0, true);
  }
  return bytes;
}
