/**
 * The story of one page (`explain PID ADDR`): its PTE, its frame, who maps
 * it, how smaps counts it and why (smaps_pte_entry -> smaps_account), and
 * what a write would do next (handle_mm_fault's paths, as fault.ts runs
 * them). Every statement is read from the machine; nothing is changed.
 */
import { hex, hexU64 } from "../../../fs/hex.js";
import { kpageflags, type U64 } from "../../../fs/proc/page.js";
import { vmaName } from "../../../fs/proc/task-mmu.js";
import {
  PAGE_SIZE,
  PMD_SIZE,
  VM_LOCKED,
  VM_PFNMAP,
  VM_SHARED,
  VM_SOFTDIRTY,
  VM_WRITE,
} from "../../../src/kernel/constants.js";
import { HUGE_ZERO_PFN } from "../../../src/kernel/huge-memory.js";
import { isVmHugetlb } from "../../../src/kernel/hugetlb.js";
import type { Machine } from "../../../src/kernel/machine.js";
import type { Mm } from "../../../src/kernel/mm.js";
import {
  pteDirty,
  pteIsSwap,
  pteNone,
  ptePfn,
  pteSoftDirty,
  pteSwpExclusive,
  pteWrite,
  swapOffset,
  swapType,
  swpEntry,
} from "../../../src/kernel/page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  KIND_SHMEM,
  PG_ANON_EXCLUSIVE,
  PG_CACHED,
  PG_DIRTY,
  PG_LAZYFREE,
  PG_MLOCKED,
  PG_PRIVATE,
  PG_READAHEAD,
  PG_REFERENCED,
  PG_RESERVED,
  ZERO_PFN,
} from "../../../src/kernel/phys.js";
import { type Mapping, mappingsOf } from "../../../src/kernel/rmap.js";
import type { Task } from "../../../src/kernel/task.js";
import { fileIndex, isAnonymous, type Vma } from "../../../src/kernel/vma.js";
import { vmaLabel, vmaPerms } from "../../../src/views/vma-label.js";
import { isNormal, type Page, pssSentence } from "./facts.js";
import { explainHugetlbPage, hugeSection } from "./huge.js";
import { ksmSection, ksmWriteSection } from "./ksm.js";
import { plural, section, wrap } from "./prose.js";
import { readSection, writeSection } from "./write.js";

/** Explains the page at `addr` of `task`, which lies in `vma`. */
export function explainPage(m: Machine, task: Task & { mm: Mm }, vma: Vma, at: number): string {
  const addr = Math.floor(at / PAGE_SIZE) * PAGE_SIZE;
  const vpn = addr / PAGE_SIZE;
  if (isVmHugetlb(vma))
    return explainHugetlbPage(
      m,
      task,
      vma,
      addr,
      heading({ m, task, vma, addr, pte: 0, pfn: -1, young: false }, at),
    );
  const pte = task.mm.pt.get(vpn);
  if (pteIsSwap(pte))
    return `${[...heading({ m, task, vma, addr, pte, pfn: -1, young: false }, at), "", ...swapSection(m, vma, pte)].join("\n")}\n`;
  const page: Page = {
    m,
    task,
    vma,
    addr,
    pte,
    pfn: ptePfn(pte),
    young: !pteNone(pte) && task.mm.pt.isYoung(vpn),
  };
  const mappers = pteNone(pte) ? [] : mappingsOf(m.tasks.values(), page.pfn);
  const lines = [
    ...heading(page, at),
    "",
    ...pteSection(page),
    ...(pteNone(pte) ? [] : ["", ...frameSection(page)]),
    ...hugeBlock(page),
    ...blank(ksmSection(page, mappers)),
    ...(pteNone(pte) || (vma.flags & VM_PFNMAP) !== 0 || onHugeZero(page)
      ? []
      : ["", ...mappedBy(page, mappers)]),
    "",
    ...smapsSection(page, mappers),
    "",
    ...(hugeZeroWrite(page) ?? ksmWriteSection(page) ?? writeSection(page, mappers)),
    ...(pteNone(pte) ? ["", ...readSection(page)] : []),
  ];
  return `${lines.join("\n")}\n`;
}

/** Whether the page is the huge zero page, mapped by a huge PMD. */
const onHugeZero = (p: Page): boolean =>
  p.pfn === ZERO_PFN && p.task.mm.pt.isHuge(Math.floor(p.addr / PMD_SIZE));

/** A section after a blank line, or nothing when it is empty. */
const blank = (lines: readonly string[]): string[] => (lines.length === 0 ? [] : ["", ...lines]);

/** The huge-page section after a blank line, or nothing. */
function hugeBlock(p: Page): string[] {
  if (p.vma.flags & VM_PFNMAP) return [];
  const lines = hugeSection(p);
  return lines.length === 0 ? [] : ["", ...lines];
}

/** A write to the huge zero page (do_huge_pmd_wp_page), which is not the small zero page's story. */
function hugeZeroWrite(p: Page): string[] | null {
  if (!onHugeZero(p)) return null;
  if (!(p.vma.flags & VM_WRITE)) return null;
  return section("A write now: do_huge_pmd_wp_page, a new THP", [
    "The PMD maps the huge zero page read-only: the write fault allocates a zeroed 2 MiB folio and maps it by the PMD, writable and dirty (do_huge_zero_wp_pmd). 1 minor fault for all 512 pages; smaps: Rss, Pss, Private_Dirty, Anonymous and AnonHugePages grow by 2048 kB. With no 2 MiB of frames free, the PMD is split and the write takes one small page.",
  ]);
}

function heading(p: Page, at: number): string[] {
  const index = (p.addr - p.vma.start) / PAGE_SIZE;
  const pages = (p.vma.end - p.vma.start) / PAGE_SIZE;
  const where = at === p.addr ? hex(p.addr) : `${hex(at)} (the page at ${hex(p.addr)})`;
  return [
    `pid ${p.task.pid} (${p.task.comm}), address ${where}: page ${index} of ${pages} in`,
    `  ${vmaLabel(p.task.mm, p.vma)}`,
    ...movedNote(p.vma),
  ];
}

/**
 * An anonymous VMA whose offset is not its first address was moved by
 * mremap: it keeps the offset it had (vm_pgoff, the index its pages were
 * made with), so its pages are found where they were made.
 */
function movedNote(vma: Vma): string[] {
  const first = vma.pgoff * PAGE_SIZE;
  if (!isAnonymous(vma) || first === vma.start) return [];
  return wrap(
    `Moved by mremap: this memory was made at ${hex(first)}; an anonymous mapping keeps that offset (vm_pgoff) wherever it moves, and its page tables moved with it, not its pages.`,
    "  ",
  );
}

/* ---- a swap entry ---- */

/**
 * A swapped-out page: its slot, what holds the slot, and what the next
 * touch does (do_swap_page).
 */
function swapSection(m: Machine, vma: Vma, pte: number): string[] {
  const entry = swpEntry(pte);
  const area = m.swap.area(entry);
  const slot = swapOffset(pte);
  const entries = m.swap.entries(entry);
  const cached = m.swap.cachedPage(entry);
  const exclusive = pteSwpExclusive(pte);
  const holders = `${plural(entries, "swap entry", "swap entries")} (page-table entries of processes) name it${
    cached >= 0 ? `, and the swap cache holds its page in frame ${hex(cached)}` : ""
  }.`;
  const read =
    cached >= 0
      ? "a read finds the page in the swap cache: a minor fault maps that same frame, clean; the slot stays allocated."
      : "a read finds no page in the swap cache: a major fault reads the slot back into a new frame, which joins the swap cache; the slot stays allocated.";
  const mine = exclusive
    ? "The entry is exclusive (the page was this process's alone when it was swapped out), so the page is mapped writable."
    : "The entry is not exclusive (fork shared it, or the page was shared when it went out): the page is mapped read-only, and a write copies it unless this process is by then its only user.";
  const write =
    entries > 1
      ? "A write: other entries still name the slot, so this process gets its own copy of the page (do_wp_page); the slot keeps their data."
      : "A write: no other entry names the slot, so the page leaves the swap cache, the slot is freed, and the page is written in place.";
  return section(`PTE: swap entry, type ${swapType(pte)} (${area.path}), slot ${hex(slot)}`, [
    `The page is not in memory for this process: its data is in slot ${slot} of ${area.path}. ${holders}`,
    ...(vma.flags & VM_WRITE ? [mine] : []),
    `Next touch: ${read}`,
    write,
  ]);
}

/* ---- the PTE ---- */

function pteSection(p: Page): string[] {
  if (pteNone(p.pte))
    return section("PTE: none (pte_none)", [
      "Nothing is mapped at this address: the page was never touched, or was unmapped since.",
    ]);
  const { pte, m } = p;
  const bits = [
    "present",
    pteWrite(pte) ? "writable" : "read-only",
    pteDirty(pte) ? "dirty" : "clean",
    p.young ? "young" : "old",
  ];
  // Without CONFIG_MEM_SOFT_DIRTY there is no such bit to show.
  if (m.config.softDirty)
    bits.push(pteSoftDirty(pte) || p.vma.flags & VM_SOFTDIRTY ? "soft-dirty" : "not soft-dirty");
  const why = [
    writableWhy(p),
    pteDirty(pte)
      ? "Dirty: a store went through this PTE (fork copies the bit into the child's PTE)."
      : "Clean: no store went through this PTE since it was made.",
    p.young
      ? "Young: accessed since the PTE was made or its bit was last cleared."
      : "Old: not accessed since fork copied it (copies start old) or since clear_refs.",
  ];
  return section(`PTE: ${bits.join(", ")}`, why);
}

/** Why the PTE is writable or not. */
function writableWhy(p: Page): string {
  const { vma, pte, m } = p;
  if (pteWrite(pte)) return "Writable: a store goes straight through the MMU.";
  if (!(vma.flags & VM_WRITE)) return `Read-only, as the mapping is (${vmaPerms(vma)}).`;
  if (vma.flags & VM_PFNMAP) return "Read-only: raw kernel memory.";
  if (p.pfn === ZERO_PFN) return "Read-only: the zero page is never writable.";
  if (vma.flags & VM_SHARED)
    return "Read-only in a shared writable mapping: the kernel wants to see the first write (write-notify), to mark the file page dirty.";
  const flags = m.phys.flagsSeen(p.pfn);
  if ((flags & KIND_MASK) !== KIND_ANON)
    return "Read-only: a private mapping maps file pages read-only, so that a write makes a private copy.";
  if (flags & PG_ANON_EXCLUSIVE)
    return "Read-only, though the page is this process's alone (AnonExclusive).";
  const mc = m.phys.mapcountOf(p.pfn);
  return mc >= 2
    ? "Read-only: fork write-protected it in every process that maps it, for copy-on-write."
    : "Read-only: fork write-protected it. The other process has let go of the page since, but the PTE stays read-only until a write faults.";
}

/* ---- the frame ---- */

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [PG_ANON_EXCLUSIVE, "AnonExclusive"],
  [PG_DIRTY, "PG_dirty"],
  [PG_REFERENCED, "PG_referenced"],
  [PG_MLOCKED, "PG_mlocked"],
  [PG_PRIVATE, "PG_private"],
  [PG_READAHEAD, "PG_readahead"],
  [PG_RESERVED, "PG_reserved"],
  [PG_CACHED, "in the page cache"],
  [PG_LAZYFREE, "lazy-free (no PG_swapbacked)"],
];

/** /proc/kpageflags of a frame as hex. */
function kpageflagsHex(m: Machine, pfn: number): string {
  const out: U64 = { lo: 0, hi: 0 };
  kpageflags(m.phys, pfn, out);
  return hexU64(out.hi, out.lo);
}

/** What the frame holds: anonymous memory, a page of a file, of shmem, of the vDSO. */
function owner(p: Page): string {
  const { vma, m } = p;
  const flags = m.phys.flags[p.pfn]!;
  const kind = flags & KIND_MASK;
  const file = vma.file;
  const index = file === null ? -1 : fileIndex(vma, p.addr);
  const name = file === null ? "" : `${file.path}${file.nlink === 0 ? " (deleted)" : ""}`;
  if (vma.special === "vdso") return "a page of the vDSO image (kernel memory)";
  if (kind === KIND_ANON)
    return file === null
      ? "anonymous memory"
      : `anonymous: a private copy of page ${index} of ${name}`;
  const cached = file !== null && file.cache.get(index) === p.pfn;
  const what = kind === KIND_SHMEM ? "shmem page" : "page-cache page";
  return cached ? `${what} ${index} of ${name}` : `a ${what}`;
}

function frameSection(p: Page): string[] {
  const { m, pfn } = p;
  if (p.vma.flags & VM_PFNMAP)
    return section(`Frame: PFN ${hex(pfn)}, raw kernel memory`, [
      "The mapping is VM_PFNMAP: there is no struct page to count, so vm_normal_page() returns NULL for it.",
    ]);
  if (pfn === ZERO_PFN && onHugeZero(p))
    return section(
      `Frame: PFN ${hex(HUGE_ZERO_PFN + (p.addr % PMD_SIZE) / PAGE_SIZE)}, a page of the huge zero page`,
      [
        "Kernel memory full of zeros, 2 MiB of it, mapped read-only by one PMD where untouched THP-eligible memory was read (do_huge_pmd_anonymous_page). pagemap shows its own frames, after the huge zero page's first PFN.",
        "It takes no map count: vm_normal_page() returns NULL for it.",
      ],
    );
  if (pfn === ZERO_PFN)
    return section(`Frame: PFN ${hex(pfn)}, the shared zero page`, [
      "Kernel memory full of zeros, mapped read-only wherever untouched anonymous memory was read (do_anonymous_page, mainline).",
      "It takes no map count: its PTE is special, so vm_normal_page() returns NULL for it.",
    ]);
  const flags = m.phys.flagsSeen(pfn);
  const names = FLAG_NAMES.filter(([bit]) => flags & bit).map(([, name]) => name);
  const mc = m.phys.mapcountOf(pfn);
  const rc = m.phys.refcount(pfn);
  const extra =
    rc === mc
      ? "its map count: nothing else holds it"
      : flags & PG_CACHED
        ? "map count + 1 for the page cache"
        : "map count + 1 held by the kernel";
  const kind = flags & KIND_MASK;
  return section(`Frame: PFN ${hex(pfn)}, ${owner(p)}`, [
    `Flags: ${names.length === 0 ? "none of note" : names.join(", ")} (kpageflags ${kpageflagsHex(m, pfn)}).`,
    kind === KIND_ANON && !(flags & PG_ANON_EXCLUSIVE)
      ? "AnonExclusive is clear: fork cleared it, so no mapping owns the page outright."
      : "",
    `Map count ${mc}: ${plural(mc, "PTE")} in all processes ${mc === 1 ? "maps" : "map"} it.`,
    `Ref count ${rc} = ${extra}.`,
    lazyFreeSentence(p, flags),
  ]);
}

/** What MADV_FREE left on the page: what reclaim and the next write will do with it. */
function lazyFreeSentence(p: Page, flags: number): string {
  const batch = p.m.swap.lazyfreeBatch;
  if (!(flags & PG_LAZYFREE)) {
    const at = batch.indexOf(p.pfn);
    return at < 0
      ? ""
      : `MADV_FREE queued it in the CPU's lazyfree batch (${batch.length} of 31 pages): it is still swap-backed, so LazyFree does not count it yet; the next lru_add_drain (a madvise, munmap or exit, reclaim, or the batch filling up) makes it lazy-free.`;
  }
  const dirty = pteDirty(p.pte) || (flags & PG_DIRTY) !== 0;
  return dirty
    ? "Lazy-free (MADV_FREE), but written since (the PTE or the page is dirty): LazyFree no longer counts it, and reclaim will keep it, swap-backed again, and activate it."
    : "Lazy-free (MADV_FREE) and clean: LazyFree counts it. Reclaim (MADV_PAGEOUT, memory pressure) discards it without writing it anywhere, and the next touch finds no page: a read maps the zero page, a write a new zeroed page. A write before that takes no fault, sets the PTE's dirty bit, and cancels the discard.";
}

/** Where to list mappings: at most this many, then a count of the rest. */
const MAX_LISTED = 8;

function mappedBy(p: Page, mappers: readonly Mapping[]): string[] {
  const pids = new Set(mappers.map((x) => x.pid));
  const title = `Mapped by: ${plural(mappers.length, "PTE")} in ${plural(pids.size, "process", "processes")} (a walk of every page table)`;
  const lines = [title];
  for (const x of mappers.slice(0, MAX_LISTED)) {
    const name = x.vma === undefined ? "no VMA!" : (vmaName(x.mm, x.vma) ?? vmaLabel(x.mm, x.vma));
    const self = x.mm === p.task.mm && x.addr === p.addr ? " (this one)" : "";
    lines.push(`  pid ${x.pid} at ${hex(x.addr)} in ${name}${self}`);
    if (x.sharers.length > 0)
      lines.push(`    the same mm as pid ${x.sharers.join(", ")}: one PTE for all of them`);
  }
  if (mappers.length > MAX_LISTED) lines.push(`  and ${mappers.length - MAX_LISTED} more`);
  const mc = p.m.phys.mapcountOf(p.pfn);
  if (isNormal(p) && mc !== mappers.length)
    lines.push(
      ...wrap(
        `The walk found ${mappers.length} but the map count is ${mc}: an invariant is broken.`,
        "  ",
      ),
    );
  return lines;
}

/* ---- smaps ---- */

function smapsSection(p: Page, mappers: readonly Mapping[]): string[] {
  if (pteNone(p.pte))
    return section("In smaps: nothing", ["Only present PTEs count: this page adds nothing."]);
  if (!isNormal(p))
    return section("In smaps: nothing, not even Rss", [
      "vm_normal_page() returns NULL for this PTE, so smaps_pte_entry skips it.",
    ]);
  const { m, pfn, pte, vma } = p;
  const flags = m.phys.flags[pfn]!;
  const kind = flags & KIND_MASK;
  const mc = m.phys.mapcountOf(pfn);
  const shared = mc >= 2;
  const dirtyBit = pteDirty(pte);
  const pgDirty = (flags & PG_DIRTY) !== 0;
  const dirty = dirtyBit || pgDirty;
  const referenced = p.young || (flags & PG_REFERENCED) !== 0;
  const category = `${shared ? "Shared" : "Private"}_${dirty ? "Dirty" : "Clean"}`;
  const fields = ["Rss", "Pss"];
  if (dirty) fields.push("Pss_Dirty");
  if (referenced) fields.push("Referenced");
  if (kind === KIND_ANON) fields.push("Anonymous");
  if (vma.flags & VM_LOCKED) fields.push("Locked");
  const sentences = [
    shared
      ? `Shared: ${mc} PTEs map the frame${samePidNote(p, mappers)}. smaps counts a page as Private only when at most one PTE maps it, in any process; MAP_SHARED or MAP_PRIVATE does not matter.`
      : `Private: only this PTE maps the frame${vma.flags & VM_SHARED ? ", even though the mapping is MAP_SHARED" : ""}. smaps calls a page Shared only when 2 or more PTEs map it.`,
    dirtyBit && pgDirty
      ? "Dirty: the PTE's dirty bit is set, and so is the frame's PG_dirty."
      : dirtyBit
        ? "Dirty: the PTE's dirty bit is set."
        : pgDirty
          ? "Dirty: the PTE is clean, but the frame's PG_dirty is set (written through another mapping or by write(2), and not written back since)."
          : "Clean: neither the PTE's dirty bit nor the frame's PG_dirty is set.",
    p.young
      ? "Referenced, because the PTE is young."
      : referenced
        ? "Referenced, because the frame's PG_referenced is set."
        : "Not Referenced: the PTE is old and PG_referenced is clear.",
    kind === KIND_ANON
      ? "Anonymous, because the frame is anonymous."
      : kind === KIND_SHMEM
        ? "Not Anonymous: shmem is a file, even behind MAP_SHARED|MAP_ANONYMOUS."
        : "Not Anonymous: a file page.",
    pssSentence(mc),
    "smaps adds it to the mapping's sum and prints sum >> 22 in kB (12 bits of fixed point, then 10 for kB).",
  ];
  return section(`In smaps: ${category}; counted in ${fields.join(", ")}`, sentences);
}

/** ", all of them in this process" when every mapper is the same process. */
function samePidNote(p: Page, mappers: readonly Mapping[]): string {
  return mappers.length > 1 && mappers.every((x) => x.pid === p.task.pid)
    ? ", all of them in this process"
    : "";
}
