/*
 * 37-pageout-shared-one-side: MADV_PAGEOUT by one of two processes that
 * share 1 MiB of anonymous pages after fork.
 *
 * The parent's pageout skips every page mapped by more than one process
 * (madvise leaves other mappings of a folio alone): nothing is swapped.
 * Once the child has exited the same call swaps all 256 pages out.
 *
 * truth: needs swap
 * mm/madvise.c madvise_cold_or_pageout_pte_range (folio_maybe_mapped_shared).
 */
#include "../truth.h"
#include "../swap.h"

int main(void)
{
    struct peer c;
    truth_init();
    pin_cpu(0);
    swap_begin();
    peer_init(&c, "C");

    step("fork");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);
    peer_spawn(&c);
    swap_report("P", "buf", buf, "fork");
    smaps("C", "buf", buf);

    step("parent-pageout");
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "parent-pageout");
    smaps("C", "buf", buf);
    rollup("C");
    swapmap("P", "buf", buf, 0);
    swapmap("C", "buf", buf, 0);

    step("child-exit");
    peer_exit(&c, 0);
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "after-exit-pageout");
    swapmap("P", "buf", buf, 0);
    peer_reap(&c);
    return truth_end();
}
