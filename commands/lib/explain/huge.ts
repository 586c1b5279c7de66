/**
 * Huge pages in explanations: why a page is (or is not) mapped huge, why a
 * mapping's THPeligible is what it is, and the story of a hugetlb page.
 * The rules are the kernel's (huge-memory.ts: thpPolicyAllows, pmdFits,
 * thpEligible; hugetlb.ts); this file only names the facts they read.
 */
import { hex } from "../../../fs/hex.js";
import {
  PMD_SIZE,
  PTRS_PER_PTE,
  VM_HUGEPAGE,
  VM_NOHUGEPAGE,
  VM_SHARED,
  VM_WRITE,
} from "../../../src/kernel/constants.js";
import {
  largeHead,
  pmdFits,
  showModes,
  THP_ENABLED_MODES,
  thpEligible,
  thpPolicyAllows,
} from "../../../src/kernel/huge-memory.js";
import { HPAGE_SIZE, hugePteAt, isVmHugetlb } from "../../../src/kernel/hugetlb.js";
import type { Machine } from "../../../src/kernel/machine.js";
import type { Mm } from "../../../src/kernel/mm.js";
import { pteDirty, ptePfn, ptePresent, pteWrite } from "../../../src/kernel/page-table.js";
import { KIND_ANON, KIND_MASK, PG_HUGETLB, ZERO_PFN } from "../../../src/kernel/phys.js";
import type { Task } from "../../../src/kernel/task.js";
import { fileIndex, type Vma } from "../../../src/kernel/vma.js";
import type { Page } from "./facts.js";
import { plural, section, wrap } from "./prose.js";

const MIB2 = PMD_SIZE;

/** The 2 MiB-aligned range holding `addr`: `0x7ffff7800000-0x7ffff7a00000`. */
const pmdRange = (addr: number): string => {
  const at = addr - (addr % MIB2);
  return `${hex(at)}-${hex(at + MIB2)}`;
};

/** What kind of memory the VMA is, for THP: private anonymous, shmem, file. */
function memoryKind(vma: Vma): string {
  if (vma.file === null && vma.special === null)
    return vma.flags & VM_SHARED ? "shared anonymous memory (shmem)" : "private anonymous memory";
  if (vma.special !== null) return "special kernel memory";
  return vma.flags & VM_SHARED ? "a shared file mapping" : "a private file mapping";
}

/** The THP mode and the VMA's hg/nh flags, as one sentence. */
function modeFacts(m: Machine, vma: Vma): string {
  const mode = showModes(THP_ENABLED_MODES, m.thp.enabled).trim();
  const flags =
    vma.flags & VM_NOHUGEPAGE
      ? "nh (MADV_NOHUGEPAGE) set"
      : vma.flags & VM_HUGEPAGE
        ? "hg (MADV_HUGEPAGE) set"
        : "neither hg nor nh set";
  return `THP mode: enabled is ${mode}; the VMA has ${flags}; it is ${memoryKind(vma)}.`;
}

/**
 * Why the policy (thpPolicyAllows: mode, VM flags, kind of memory) says
 * what it says about `vma`.
 */
function policyWhy(m: Machine, vma: Vma): string {
  if (thpPolicyAllows(m, vma))
    return m.thp.enabled === "always"
      ? "The policy allows a THP: mode always, and nothing forbids it."
      : "The policy allows a THP: mode madvise, and the VMA asked for one (hg).";
  if (vma.flags & VM_NOHUGEPAGE)
    return "The policy forbids a THP: MADV_NOHUGEPAGE (nh) wins over every mode.";
  if (vma.file !== null || vma.special !== null || vma.flags & VM_SHARED)
    return `The policy gives no anonymous THP to ${memoryKind(vma)}: here transparent huge pages come to private anonymous memory.`;
  if (m.thp.enabled === "never") return "The policy forbids a THP: the mode is never.";
  return "The policy gives no THP: in madvise mode only VMAs that asked with MADV_HUGEPAGE (hg) get one (madvise PID MAPPING hugepage).";
}

/** Whether an aligned 2 MiB fits in the VMA (pmdFits of the first boundary inside it). */
function fitWhy(vma: Vma): string {
  const first = Math.ceil(vma.start / MIB2) * MIB2;
  if (pmdFits(vma, first))
    return `An aligned 2 MiB fits: ${hex(first)}-${hex(first + MIB2)} lies inside the VMA.`;
  return `No aligned 2 MiB fits: the first 2 MiB boundary inside the VMA is ${hex(first)}, and ${hex(first + MIB2)} is past its end ${hex(vma.end)}.`;
}

/**
 * Why smaps prints THPeligible 0 or 1 for `vma` (thpEligible): a hugetlb
 * mapping, the policy, then whether an aligned 2 MiB fits.
 */
export function thpEligibleLines(m: Machine, mm: Mm, vma: Vma): string[] {
  const eligible = thpEligible(m, vma);
  const title = `THPeligible:    ${String(eligible ? 1 : 0).padStart(8)}`;
  if (isVmHugetlb(vma))
    return [
      title,
      ...wrap(
        "A hugetlb mapping (VM_HUGETLB) has its own 2 MiB pages from the pool, never transparent ones: KernelPageSize 2048 kB, and its pages count in Private_Hugetlb or Shared_Hugetlb, not in Rss.",
        "  ",
      ),
    ];
  const huge = mm.pt.hugeKeys().filter((key) => key * MIB2 >= vma.start && key * MIB2 < vma.end);
  const mapped =
    huge.length === 0
      ? "No huge PMD maps any of it now."
      : `${plural(huge.length, "huge PMD")} ${huge.length === 1 ? "maps" : "map"} ${huge.length * 2} MiB of it now (AnonHugePages, if anonymous).`;
  const sentences = [modeFacts(m, vma), policyWhy(m, vma)];
  if (thpPolicyAllows(m, vma)) sentences.push(fitWhy(vma));
  sentences.push(
    eligible
      ? "So a fault in an aligned 2 MiB of it that has no page table yet may map a THP: THPeligible 1."
      : "So no fault here maps a THP: THPeligible 0.",
    mapped,
  );
  return [title, ...wrap(sentences.join(" "), "  ")];
}

/**
 * A page's huge-page story: mapped by a huge PMD, part of a split THP, or
 * small and why. Nothing for the common case of a small page where THP
 * never came into question (mode madvise, and the VMA neither asked for
 * huge pages nor refused them): the mapping's explanation says that.
 */
export function hugeSection(p: Page): string[] {
  const { m, vma, addr, task } = p;
  const key = Math.floor(addr / MIB2);
  const index = (addr % MIB2) / 4096;
  if (task.mm.pt.isHuge(key)) {
    if (p.pfn === ZERO_PFN)
      return section(`Huge page: the huge zero page, by one PMD over ${pmdRange(addr)}`, [
        "A read of untouched memory in a THP-eligible 2 MiB mapped the huge zero page: one read-only PMD entry for 2 MiB of zeros, no frame of this process's, nothing in Rss.",
        "A write replaces it with a new THP (do_huge_zero_wp_pmd), or, if no 2 MiB of frames is free, splits the PMD and takes one small page.",
      ]);
    const head = ptePfn(task.mm.pt.get(key * PTRS_PER_PTE));
    const entire = m.phys.entireOf(head);
    return section(`Huge page: a THP mapped by one PMD over ${pmdRange(addr)}`, [
      `One PMD entry maps the whole 2 MiB: an order-9 folio of 512 frames, head PFN ${hex(head)}; this page is its ${index === 0 ? "head" : `tail frame ${index}`}.`,
      `${plural(entire, "PMD")} in all processes ${entire === 1 ? "maps" : "map"} the folio whole (its entire mapcount); smaps counts the 2 MiB in AnonHugePages.`,
      entire > 1
        ? "A write through this read-only PMD splits it into 512 PTEs and copies only the page written (do_huge_pmd_wp_page falls back to do_wp_page); the folio stays whole."
        : "",
    ]);
  }
  const head = p.pfn >= 0 && p.pfn !== ZERO_PFN ? largeHead(m.phys, p.pfn) : -1;
  if (head >= 0 && !(m.phys.flags[head]! & PG_HUGETLB))
    return section(`Huge page: a frame of a THP, mapped by a PTE (its PMD was split)`, [
      `The frame is page ${p.pfn - head} of the order-9 folio at PFN ${hex(head)}, but a PTE maps it, not a PMD: the PMD was split (a write after fork, or munmap, mprotect or madvise of part of the 2 MiB).`,
      "The folio stays whole and in memory while any of its frames is mapped; AnonHugePages no longer counts it here.",
    ]);
  const asked = (vma.flags & (VM_HUGEPAGE | VM_NOHUGEPAGE)) !== 0;
  if (!thpPolicyAllows(m, vma) && !asked && m.thp.enabled !== "always") return [];
  const why = [modeFacts(m, vma), policyWhy(m, vma)];
  if (thpPolicyAllows(m, vma)) {
    if (!pmdFits(vma, addr))
      why.push(
        `But the aligned 2 MiB around this page, ${pmdRange(addr)}, does not fit in the VMA, so a fault here takes a small page.`,
      );
    else if (!task.mm.pt.hasTable(key))
      why.push(
        "The aligned 2 MiB around it fits and has no page table yet: the first touch maps a THP (a write: a new 2 MiB folio; a read: the huge zero page).",
      );
    else
      why.push(
        `The aligned 2 MiB around it fits, but its PMD already points to a page table: a page of ${pmdRange(addr)} was touched before it became eligible, or its PMD was split, or no 2 MiB of free frames was found (thp_fault_fallback). madvise ... collapse copies it into one THP.`,
      );
  }
  return section("Huge page: no, a 4 KiB page", why);
}

/* ---- hugetlb ---- */

/** Explains the 4 KiB at `addr` of a hugetlb mapping: its 2 MiB page, the pool, smaps, the next write. */
export function explainHugetlbPage(
  m: Machine,
  task: Task & { mm: Mm },
  vma: Vma,
  addr: number,
  heading: readonly string[],
): string {
  const { phys, hugetlb: pool } = m;
  const start = addr - (addr % HPAGE_SIZE);
  const nth = (start - vma.start) / HPAGE_SIZE;
  const count = (vma.end - vma.start) / HPAGE_SIZE;
  const pte = hugePteAt(task.mm, addr);
  const file = vma.file!.hugetlb!;
  const index = Math.floor(fileIndex(vma, start) / PTRS_PER_PTE);
  const shared = (vma.flags & VM_SHARED) !== 0;
  const reserved = file.resv.has(index);
  const owner = !shared && vma.anonVma !== null && vma.anonVma === file.owner;
  const poolLine = `The pool: HugePages_Total ${pool.total}, HugePages_Free ${pool.free.length}, HugePages_Rsvd ${pool.resv} (${plural(pool.available, "page")} free for a fault without a reservation).`;
  const lines = [
    ...heading,
    "",
    ...section(
      `Huge page: hugetlb, 2 MiB page ${nth} of ${count} at ${hex(start)}-${hex(start + HPAGE_SIZE)}`,
      [
        `A ${shared ? "shared" : "private"} MAP_HUGETLB mapping: a PMD-level entry maps each 2 MiB page from the hugetlb pool, never a PTE table, never a THP.`,
      ],
    ),
    "",
  ];
  if (!ptePresent(pte)) {
    const from = reserved
      ? shared
        ? "the page reserved for this index of the file at mmap"
        : owner
          ? "the page this mapping reserved at mmap"
          : "a page of the pool"
      : "a free page nobody reserved";
    lines.push(
      ...section("Entry: none", [
        `Nothing is mapped here yet${shared && file.pages.has(index) ? ", but the file holds the page: a touch maps it" : ""}.`,
        poolLine,
        `A touch faults in ${from}${reserved ? "" : "; if none is left, the process gets SIGBUS"}.`,
      ]),
    );
    return `${lines.join("\n")}\n`;
  }
  const head = ptePfn(pte);
  const mc = phys.mapcountOf(head);
  const frame = head + (addr - start) / 4096;
  const anon = (phys.flags[head]! & KIND_MASK) === KIND_ANON;
  lines.push(
    ...section(
      `Entry: present, ${pteWrite(pte) ? "writable" : "read-only"}, ${pteDirty(pte) ? "dirty" : "clean"}`,
      [
        `It maps the hugetlb page at PFN ${hex(head)} (512 frames, order 9); this 4 KiB is its frame ${hex(frame)}.`,
        `Map count ${mc} (kept on the head): ${plural(mc, "entry", "entries")} in all processes ${mc === 1 ? "maps" : "map"} the page.`,
        anon
          ? "A private page: anonymous, this mapping's (or shared with a fork child until a write)."
          : `A page of the hugetlbfs file (index ${index}), shared by every mapping of it.`,
        poolLine,
      ],
    ),
    "",
    ...section(`In smaps: ${mc > 1 ? "Shared_Hugetlb" : "Private_Hugetlb"} 2048 kB, not Rss`, [
      `smaps_hugetlb_range counts the whole 2 MiB, as ${mc > 1 ? "Shared (mapped more than once)" : "Private (mapped once)"}; hugetlb pages are not in Rss, Pss or AnonPages, and KernelPageSize is 2048 kB.`,
    ]),
    "",
    ...hugetlbWriteSection(vma, pte, mc, anon, pool.available, owner),
  );
  return `${lines.join("\n")}\n`;
}

/** What a write does to a present hugetlb entry (hugetlb_wp). */
function hugetlbWriteSection(
  vma: Vma,
  pte: number,
  mc: number,
  anon: boolean,
  available: number,
  owner: boolean,
): string[] {
  if (!(vma.flags & VM_WRITE))
    return section("A write now: SIGSEGV", ["The mapping has no write permission."]);
  if (pteWrite(pte))
    return section("A write now: no fault", [
      "The entry is writable: the store goes straight through.",
    ]);
  if (vma.flags & VM_SHARED)
    return section("A write now: the entry is made writable", [
      "A shared page is written in place.",
    ]);
  if (anon && mc === 1)
    return section("A write now: reuse", [
      "The page is this process's alone: hugetlb_wp makes the entry writable, no copy.",
    ]);
  if (available > 0)
    return section("A write now: a 2 MiB copy", [
      "The page is shared with a fork child (or parent): hugetlb_wp copies all 2 MiB into a new pool page, one fault for 512 pages of data.",
    ]);
  return section("A write now: no free huge page for the copy", [
    owner
      ? "This mapping owns the reservation: the kernel takes the page away from the processes it forked (unmap_ref_private; they get SIGBUS when they touch it) and writes in place."
      : "The pool has no free page: the process gets SIGBUS.",
  ]);
}
