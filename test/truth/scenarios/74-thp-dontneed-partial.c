/*
 * 74-thp-dontneed-partial: MADV_DONTNEED of 4 KiB and of 1 MiB inside a
 * PMD-mapped THP, and of a whole aligned 2 MiB.
 *
 * 6 MiB region, three THPs.  DONTNEED of one page of the first: the PMD is
 * split (zap_pmd_range -> __split_huge_pmd), one PTE zapped; the folio is
 * partially mapped (deferred split queue), Rss -4, AnonHugePages -2048.
 * DONTNEED of 1 MiB of the second: 256 PTEs zapped.  DONTNEED of the whole
 * third: the PMD is zapped (zap_huge_pmd), the folio freed.  A write to a
 * zapped page afterwards faults in a 4 KiB page (the range is PTE-mapped
 * now); to the zapped whole 2 MiB, a new THP.
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/memory.c zap_pmd_range; mm/huge_memory.c zap_huge_pmd,
 * __split_huge_pmd, deferred_split_folio.
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
    huge_meminfo("setup");

    step("dontneed-one-page");
    advise(buf + 1 * MiB, PAGE, MADV_DONTNEED, "madvise dontneed");
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 1 * MiB);
    huge_meminfo("dontneed-one-page");

    step("dontneed-1m-of-second");
    advise(buf + HPAGE, 1 * MiB, MADV_DONTNEED, "madvise dontneed");
    smaps("P", "buf", buf);
    huge_meminfo("dontneed-1m");

    step("dontneed-third-2m");
    advise(buf + 2 * HPAGE, HPAGE, MADV_DONTNEED, "madvise dontneed");
    smaps("P", "buf", buf);
    huge_meminfo("dontneed-third");

    step("write-again");
    mem_write("write-zapped-page", buf + 1 * MiB, PAGE);
    mem_write("write-zapped-1m", buf + HPAGE, 1 * MiB);
    mem_write("write-zapped-2m", buf + 2 * HPAGE, HPAGE);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 1 * MiB);
    pagemap("P", "buf", buf, HPAGE);
    pagemap("P", "buf", buf, 2 * HPAGE);
    huge_meminfo("write-again");
    return truth_end();
}
