/*
 * 36-pageout-private: MADV_PAGEOUT of 1 MiB of written private anonymous
 * memory that only this process maps.
 *
 * Every page is written to swap (Swap 1024 kB, SwapPss 1024, Rss 0, VmSwap
 * 1024 kB); each PTE now holds a swap entry (pagemap bit 62, type and
 * offset).  Once Writeback reaches 0 the pages are still in the swap cache
 * (SwapCached) until reclaim drops them.  A second MADV_PAGEOUT of the
 * now-empty range changes nothing.
 *
 * truth: needs swap
 * mm/madvise.c madvise_cold_or_pageout_pte_range; mm/vmscan.c reclaim_pages.
 */
#include "../truth.h"
#include "../swap.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    swap_begin();

    step("write");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);
    swap_report("P", "buf", buf, "write");
    swapmap("P", "buf", buf, 0);

    step("pageout");
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "pageout");
    swapmap("P", "buf", buf, 0);
    swapmap("P", "buf", buf, PAGE);
    swapmap("P", "buf", buf, 255 * PAGE);

    step("pageout-again");
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "pageout-again");

    step("munmap");
    if (munmap(buf, 1 * MiB))
        die("munmap");
    rollup("P");
    status("P");
    meminfo("munmap");
    return truth_end();
}
