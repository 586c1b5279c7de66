/*
 * 48-swapin-major: a swap-in that has to read the device.
 *
 * After MADV_PAGEOUT the pages stay in the swap cache, so reading them back
 * takes minor faults (40).  A read keeps each page's slot and leaves the page
 * clean; a second MADV_PAGEOUT then needs no write: the page is unmapped and
 * dropped from the swap cache at once (SwapCached falls back to 0 while the
 * slots stay used).  Reading it back now reads the device: 33 or 34 major
 * faults, the other pages of the 256 coming in by swap read-ahead (minor
 * faults on pages the read-ahead put in the swap cache), as new frames.
 *
 * truth: needs swap
 * mm/memory.c do_swap_page (swapin_readahead, VM_FAULT_MAJOR); mm/vmscan.c shrink_folio_list.
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
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "pageout");

    step("read");
    mem_read("read-all", buf, 1 * MiB);
    swap_report("P", "buf", buf, "read");
    swapmap("P", "buf", buf, 0);

    step("pageout-clean");
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "pageout-clean");
    swapmap("P", "buf", buf, 0);

    step("read-from-device");
    mem_read("read-all-again", buf, 1 * MiB);
    swap_report("P", "buf", buf, "read-from-device");
    swapmap("P", "buf", buf, 0);

    step("write");
    mem_write("write-all", buf, 1 * MiB);
    swap_report("P", "buf", buf, "write");
    return truth_end();
}
