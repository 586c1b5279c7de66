/*
 * 44-madvfree-reclaim: MADV_FREE on 1 MiB, a write to its first quarter,
 * then MADV_PAGEOUT of all of it.
 *
 * Reclaim discards the lazy-free pages that stayed clean (no swap slot,
 * the PTE cleared: a later read maps the zero page) and swaps out the
 * re-dirtied quarter.
 *
 * truth: needs swap
 * mm/vmscan.c shrink_folio_list; mm/rmap.c try_to_unmap_one (lazyfree discard).
 */
#include "../truth.h"
#include "../swap.h"

#ifndef MADV_FREE
#define MADV_FREE 8
#endif

int main(void)
{
    truth_init();
    pin_cpu(0);
    swap_begin();

    step("free");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);
    advise(buf, 1 * MiB, MADV_FREE, "madvise free");
    mem_write("write-quarter", buf, 256 * KiB);
    swap_report("P", "buf", buf, "free");

    step("pageout");
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "pageout");
    swapmap("P", "buf", buf, 0);
    swapmap("P", "buf", buf, 128 * PAGE);

    step("read-back");
    mem_read("read-all", buf, 1 * MiB);
    swap_report("P", "buf", buf, "read-back");
    swapmap("P", "buf", buf, 0);
    swapmap("P", "buf", buf, 128 * PAGE);
    return truth_end();
}
