/*
 * 72-thp-munmap-partial: munmap of one 4 KiB page in the middle of a
 * PMD-mapped THP, and of a whole 2 MiB-aligned huge page.
 *
 * 6 MiB region, three THPs.  munmap of the page at +1 MiB splits the VMA in
 * two and the PMD into 511 PTEs (__split_huge_pmd from the VMA split,
 * vma_adjust_trans_huge); the folio stays whole but is now PTE-mapped and
 * partially mapped, queued for the deferred split (deferred_split_folio):
 * AnonHugePages drops by 2048 while Rss drops only by 4.  munmap of the
 * third, aligned 2 MiB drops a whole PMD (zap_huge_pmd) and frees its folio.
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/huge_memory.c vma_adjust_trans_huge, __split_huge_pmd, zap_huge_pmd,
 * deferred_split_folio; mm/rmap.c folio_remove_rmap_ptes.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("setup");
    char *buf = map_thp(6 * MiB);
    mem_write("write-all", buf, 6 * MiB);
    smaps("P", "buf", buf);
    huge_meminfo("setup");

    step("munmap-one-page");
    if (munmap(buf + 1 * MiB, PAGE))
        die("munmap");
    smaps("P", "buf", buf);
    smaps("P", "buf-tail", buf + 1 * MiB + PAGE);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 1 * MiB - PAGE);
    pagemap("P", "buf", buf, 1 * MiB);
    pagemap("P", "buf", buf, 1 * MiB + PAGE);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("munmap-one-page");

    step("munmap-third-2m");
    if (munmap(buf + 2 * HPAGE, HPAGE))
        die("munmap");
    smaps("P", "buf-tail", buf + 1 * MiB + PAGE);
    smaps("P", "buf-third", buf + 2 * HPAGE);
    huge_meminfo("munmap-third-2m");

    step("write-hole-neighbours");
    mem_write("write-first-2m-again", buf, 1 * MiB);
    smaps("P", "buf", buf);
    status("P");
    return truth_end();
}
