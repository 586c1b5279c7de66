/*
 * 40-swapin-read: swapped-out private pages are read back, then written.
 *
 * Right after MADV_PAGEOUT the pages are still in the swap cache, so the
 * read takes minor faults only.  A read maps the page and keeps its swap
 * slot (Swap stays counted in meminfo's SwapCached, not in smaps); the write
 * after it reuses the same frame (exclusive) and frees the slot.
 *
 * truth: needs swap
 * mm/memory.c do_swap_page, do_wp_page (wp_can_reuse_anon_folio).
 */
#include "../truth.h"
#include "../swap.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    swap_begin();

    step("pageout");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);
    swapmap("P", "buf", buf, 0);
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "pageout");

    step("read");
    mem_read("read-all", buf, 1 * MiB);
    swap_report("P", "buf", buf, "read");
    swapmap("P", "buf", buf, 0);
    swapmap("P", "buf", buf, 255 * PAGE);

    step("write");
    mem_write("write-all-again", buf, 1 * MiB);
    swap_report("P", "buf", buf, "write");
    swapmap("P", "buf", buf, 0);
    return truth_end();
}
