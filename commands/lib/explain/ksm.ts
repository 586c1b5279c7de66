/**
 * KSM pages in explanations: what ksmd merged into the frame, how smaps
 * and /sys/kernel/mm/ksm count it, and why a write always copies it.
 */
import { VM_WRITE } from "../../../src/kernel/constants.js";
import { PG_KSM } from "../../../src/kernel/ksm.js";
import type { Mapping } from "../../../src/kernel/rmap.js";
import type { Page } from "./facts.js";
import { plural, section } from "./prose.js";

/** Whether the page is a KSM page (folio_test_ksm). */
export const isKsmPage = (p: Page): boolean =>
  p.pfn >= 0 && (p.m.phys.flags[p.pfn]! & PG_KSM) !== 0;

/** The KSM section of a page's story, or nothing when it is not a KSM page. */
export function ksmSection(p: Page, mappers: readonly Mapping[]): string[] {
  if (!isKsmPage(p)) return [];
  const mc = p.m.phys.mapcountOf(p.pfn);
  const pids = new Set(mappers.map((x) => x.pid));
  const ksm = p.m.ksm;
  return section("KSM page: merged by ksmd", [
    `ksmd found pages of equal content in mergeable memory (madvise ... mergeable) and made them all map this one write-protected frame: ${plural(mc, "mapping")} in ${plural(pids.size, "process", "processes")} now share it, whatever fork did or did not share.`,
    "smaps counts it in each mapping's KSM line (and Shared, its Pss divided by the map count).",
    `ksmd's counters (as of its last scan): pages_shared ${ksm.pagesShared} (KSM pages), pages_sharing ${ksm.pagesSharing} (the mappings they save).`,
  ]);
}

/** What a write to a KSM page does: always a copy (break COW), or null for the usual story. */
export function ksmWriteSection(p: Page): string[] | null {
  if (!isKsmPage(p) || !(p.vma.flags & VM_WRITE)) return null;
  const mc = p.m.phys.mapcountOf(p.pfn);
  return section("A write now: do_wp_page -> wp_page_copy (a KSM page is never reused)", [
    "The PTE is read-only, and wp_can_reuse_anon_folio refuses a KSM page whatever its map count: the writer gets a private copy of the 4 KiB (breaking COW), 1 minor fault.",
    mc > 1
      ? `The KSM page stays for the ${plural(mc - 1, "other mapping")}; smaps' KSM drops by 4 kB here.`
      : "This was its last mapping: the KSM page is freed, and ksmd drops its stable node when it next meets it.",
  ]);
}
