/**
 * What a write to the page would do next (and, where no PTE is, a read):
 * handle_mm_fault's paths in the order fault.ts (and mm/memory.c) tries them.
 */
import { VM_MAYWRITE, VM_SHARED, VM_WRITE } from "../../../src/kernel/constants.js";
import { pteDirty, pteNone, pteWrite } from "../../../src/kernel/page-table.js";
import {
  KIND_ANON,
  KIND_FILE,
  KIND_MASK,
  PG_ANON_EXCLUSIVE,
  PG_DIRTY,
  ZERO_PFN,
} from "../../../src/kernel/phys.js";
import type { Mapping } from "../../../src/kernel/rmap.js";
import { pagesOf } from "../../../src/kernel/vfs.js";
import { fileIndex, isAnonymous } from "../../../src/kernel/vma.js";
import { vmaPerms } from "../../../src/views/vma-label.js";
import { bytesText, type Page, pssShare } from "./facts.js";
import { plural, section } from "./prose.js";

export function writeSection(p: Page, mappers: readonly Mapping[]): string[] {
  const { vma, pte, m } = p;
  if (!(vma.flags & VM_WRITE))
    return section("A write now: SIGSEGV", [
      `The mapping is ${vmaPerms(vma)}: it has no write permission, so the fault handler finds an access error and the process gets SIGSEGV.`,
      vma.flags & VM_MAYWRITE
        ? "mprotect could make it writable."
        : "mprotect cannot make it writable (no VM_MAYWRITE).",
    ]);
  if (pteNone(pte)) return writeToNone(p);
  if (pteWrite(pte)) {
    const dirty = pteDirty(pte) || m.phys.flags[p.pfn]! & PG_DIRTY;
    return section("A write now: no fault", [
      "The PTE is present and writable: the MMU completes the store without the kernel, setting the PTE's dirty and accessed bits.",
      dirty
        ? "The page is dirty already, so smaps does not change."
        : "The page becomes dirty: smaps moves it from *_Clean to *_Dirty.",
    ]);
  }
  return writeProtected(p, mappers);
}

/** A write where no PTE is: do_anonymous_page, do_cow_fault or do_shared_fault. */
function writeToNone(p: Page): string[] {
  const { vma } = p;
  if (isAnonymous(vma))
    return section("A write now: do_anonymous_page, a new page", [
      "The PTE is none in anonymous memory: do_anonymous_page allocates a zeroed frame and maps it writable, dirty and young, with AnonExclusive set and map count 1.",
      "1 minor fault. smaps: Rss, Pss, Private_Dirty and Anonymous grow by 4 kB.",
    ]);
  const file = vma.file;
  if (file === null)
    return section("A write now: SIGSEGV", ["Special mappings cannot be written."]);
  const index = fileIndex(vma, p.addr);
  const size = pagesOf(file.size);
  if (index >= size)
    return section("A write now: SIGBUS", [
      `The page lies beyond the end of the file (page ${index}; the file has ${plural(size, "page")}): there is no page to map, and the process gets SIGBUS.`,
    ]);
  const cached = file.cache.get(index) !== 0;
  const io = file.shmem
    ? cached
      ? "The shmem page exists already."
      : "shmem_fault allocates a zeroed page for it."
    : cached
      ? "The file page is in the page cache already."
      : "The file page is not in the page cache: filemap_fault reads it (with its read-ahead window) first, which makes this a major fault.";
  if (!(vma.flags & VM_SHARED))
    return section("A write now: do_cow_fault, a private copy", [
      "The PTE is none in a private file mapping, and this is a write: do_fault calls do_cow_fault.",
      io,
      "The kernel copies the file page into a new anonymous frame and maps the copy writable and dirty, with AnonExclusive set; the page-cache page itself is not mapped.",
      "smaps: Rss, Pss, Private_Dirty and Anonymous grow by 4 kB.",
    ]);
  return section("A write now: do_shared_fault", [
    "The PTE is none in a shared mapping, and this is a write: do_fault calls do_shared_fault.",
    io,
    `The page-cache page is mapped writable and dirty${file.shmem ? "" : " after page_mkwrite"}, its PG_dirty is set, and its map count rises by 1.`,
    "smaps: Rss grows by 4 kB, as Private_Dirty if no other PTE maps the page, else Shared_Dirty; Anonymous does not change.",
  ]);
}

/** do_wp_page, in the order fault.ts (and mm/memory.c) tries its cases. */
function writeProtected(p: Page, mappers: readonly Mapping[]): string[] {
  const { vma, m, pfn } = p;
  if (vma.flags & VM_SHARED)
    return section("A write now: do_wp_page -> wp_page_shared (write-notify)", [
      "The PTE is read-only in a shared writable mapping, so do_wp_page calls wp_page_shared.",
      "The kernel sets the frame's PG_dirty and makes the PTE writable and dirty. The frame stays the same and no map count changes.",
      "1 minor fault. smaps: the page counts as *_Dirty.",
    ]);
  if (pfn === ZERO_PFN)
    return section("A write now: do_wp_page -> wp_page_copy of the zero page", [
      "The PTE maps the read-only zero page, so do_wp_page calls wp_page_copy. It allocates a zeroed frame (nothing to copy) and maps it writable and dirty, with AnonExclusive set.",
      "1 minor fault. smaps: Rss, Pss, Private_Dirty and Anonymous grow by 4 kB.",
    ]);
  const flags = m.phys.flagsSeen(pfn);
  const kind = flags & KIND_MASK;
  const mc = m.phys.mapcountOf(pfn);
  const rc = m.phys.refcount(pfn);
  if (kind === KIND_ANON && flags & PG_ANON_EXCLUSIVE)
    return section("A write now: do_wp_page -> wp_page_reuse", [
      "The PTE is read-only, but the page is anonymous and AnonExclusive: it belongs to this mapping alone.",
      "wp_page_reuse makes the PTE writable, dirty and young. Same frame, no copy; 1 minor fault.",
    ]);
  if (kind === KIND_ANON && rc === 1)
    return section("A write now: do_wp_page -> wp_page_reuse (ref count 1)", [
      "The PTE is read-only and AnonExclusive is clear: fork cleared it.",
      "But the ref count is 1: no other process holds the page any more (it exited, exec'd, or copied its own).",
      "So wp_can_reuse_anon_folio lets this process keep it: AnonExclusive is set again, and wp_page_reuse makes the PTE writable, dirty and young.",
      "Same frame, no copy; 1 minor fault. smaps counts the page as Private already, so it does not change.",
    ]);
  const others = mappers.filter((x) => !(x.pid === p.task.pid && x.addr === p.addr));
  if (kind === KIND_ANON) {
    const left = mc - 1;
    const alone =
      left === 1 && others.length === 1
        ? `pid ${others[0]!.pid} then maps it alone: its smaps counts it as Private at once, without it doing anything, and its next write will fault and reuse the page.`
        : `It stays Shared for the ${plural(left, "other mapping")}.`;
    return section("A write now: do_wp_page -> wp_page_copy, a copy", [
      `The PTE is read-only and the page is not this process's alone: AnonExclusive is clear and the ref count is ${rc}.`,
      "So wp_can_reuse_anon_folio refuses, and do_wp_page calls wp_page_copy.",
      "The kernel allocates a new frame, copies the 4 KiB into it and maps the copy writable, dirty and young, with AnonExclusive set.",
      `The old frame's map count drops to ${left}.`,
      left >= 1 ? alone : "",
      `1 minor fault. Here, the page moves to Private_Dirty and its Pss from ${bytesText(pssShare(mc))} to 4096 bytes.`,
    ]);
  }
  return section("A write now: do_wp_page -> wp_page_copy, a private copy", [
    `The PTE maps a ${kind === KIND_FILE ? "page-cache" : "shmem"} page read-only in a private mapping, so do_wp_page calls wp_page_copy.`,
    "The kernel copies the page into a new anonymous frame, mapped writable, dirty and young, with AnonExclusive set.",
    `The file page loses this mapping: its map count drops from ${mc} to ${mc - 1}.`,
    "1 minor fault. smaps: Rss is unchanged, Anonymous grows by 4 kB, and the page becomes Private_Dirty.",
  ]);
}

/** For a page with no PTE: what a read would do. */
export function readSection(p: Page): string[] {
  const { vma, m } = p;
  if (isAnonymous(vma))
    return section(
      "A read now: do_anonymous_page",
      m.config.zeroPage
        ? [
            "A read maps the shared zero page read-only: no new frame, and nothing for smaps to count.",
          ]
        : [
            "This kernel has no zero page: a read allocates a zeroed frame, mapped dirty if the mapping is writable.",
          ],
    );
  if (vma.file === null) return [];
  return section("A read now: do_read_fault", [
    "A read maps the page-cache page read-only, after reading it in if it is not cached (a major fault), and maps up to 15 cached neighbours with it (fault-around).",
  ]);
}
