/*
 * 43-madvfree-write: MADV_FREE on 1 MiB of written private memory, then a
 * write to its first quarter.
 *
 * MADV_FREE clears the PTEs' dirty bits and marks the folios lazy-free
 * through a per-CPU batch (LazyFree counts a page once it is no longer
 * swap-backed).  A write re-dirties the PTE and takes no fault; the page
 * then no longer counts as LazyFree.
 *
 * truth: needs swap
 * (MADV_FREE itself works without swap; with swap on it is what a reclaim
 * would do next that changes, scenario 44.)
 * mm/madvise.c madvise_free_pte_range; mm/swap.c folio_mark_lazyfree.
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

    step("write");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);

    step("free");
    advise(buf, 1 * MiB, MADV_FREE, "madvise free");
    swap_report("P", "buf", buf, "free");
    swapmap("P", "buf", buf, 0);

    step("write-quarter");
    mem_write("write-quarter", buf, 256 * KiB);
    swap_report("P", "buf", buf, "write-quarter");
    swapmap("P", "buf", buf, 0);
    swapmap("P", "buf", buf, 255 * PAGE);
    return truth_end();
}
