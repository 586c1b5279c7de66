/*
 * 70-thp-fault: the first write into a 2 MiB-aligned private anonymous
 * region advised MADV_HUGEPAGE (THP enabled=madvise) maps a PMD-sized folio.
 *
 * 4 MiB region, aligned.  One byte written at its start: one fault maps the
 * whole first 2 MiB (smaps Rss 2048 kB, AnonHugePages 2048 kB, THPeligible
 * 1; pagemap of +0 and +0x1ff000 present with consecutive PFNs, kpageflags
 * THP and COMPOUND_HEAD on the head, COMPOUND_TAIL on the tails; meminfo
 * AnonHugePages +2048).  The other 4 KiB pages of that 2 MiB cost no fault.
 * Then the second 2 MiB: one fault again.  A read first (second region)
 * maps the huge zero page by PMD (use_zero_page=1; 1 fault; no Rss;
 * pagemap file=1 zero=1 kpagecount 0, kpageflags ZERO_PAGE+THP+COMPOUND),
 * then a write replaces it with a THP (1 fault; AnonHugePages 2048).
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/memory.c __handle_mm_fault -> create_huge_pmd; mm/huge_memory.c
 * do_huge_pmd_anonymous_page, __do_huge_pmd_anonymous_page,
 * thp_vma_allowable_orders (THPeligible), do_huge_zero_wp_pmd.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("map");
    char *buf = map_thp(4 * MiB);
    smaps("P", "buf", buf);
    huge_meminfo("map");

    step("write-first-byte");
    mem_write("write-first-byte", buf, 1);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, PAGE);
    pagemap("P", "buf", buf, HPAGE - PAGE);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("write-first-byte");

    step("write-first-2m");
    mem_write("write-first-2m", buf, HPAGE);

    step("write-second-2m");
    mem_write("write-second-2m", buf + HPAGE, HPAGE);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, HPAGE);
    status("P");
    huge_meminfo("write-second-2m");

    step("read-then-write");
    char *zero = map_thp(2 * MiB);
    mem_read("read-first", zero, HPAGE);
    smaps("P", "zero", zero);
    pagemap("P", "zero", zero, 0);
    pagemap("P", "zero", zero, PAGE);
    huge_meminfo("read-first");
    mem_write("write-after-read", zero, HPAGE);
    smaps("P", "zero", zero);
    pagemap("P", "zero", zero, 0);
    huge_meminfo("write-after-read");
    return truth_end();
}
