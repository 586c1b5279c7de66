/*
 * 86-ksm-write-after-merge: a write to a merged KSM page breaks COW.
 *
 * 64 identical pages merged (pages_shared 1, pages_sharing 63, KSM 256 kB,
 * Pss 4 kB).  P writes one page: one write fault copies the KSM page into
 * a new private page (a KSM folio is never reused): KSM 252, Pss 7,
 * kpagecount of the KSM page 63; the ksm counters do not change at the
 * write (pages_sharing still 63: they change only when ksmd scans; ksmd is
 * stopped, run=0, from the write to these records).  The page written
 * holds the same content again (one byte 1 per page), so two more scans
 * merge it back: KSM 256, same KSM page.
 *
 * truth: ksm
 * mm/memory.c do_wp_page (folio_test_ksm -> copy), wp_page_copy;
 * mm/ksm.c remove_rmap_item_from_tree, cmp_and_merge_page.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    huge_begin();

    step("merge");
    char *buf = map_anon(64 * PAGE);
    mem_write("write-same", buf, 64 * PAGE);
    advise(buf, 64 * PAGE, MADV_MERGEABLE, "madvise mergeable");
    ksm_wait(3);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    ksm_record("merged");

    step("write-one-page");
    ksm_run(0);
    mem_write("write-one", buf, 1);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, PAGE);
    ksm_record("written");
    ksm_files("P");

    step("scanned-again");
    ksm_run(1);
    ksm_wait(3);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    ksm_record("scanned-again");
    ksm_files("P");
    return truth_end();
}
