/*
 * 47-swapoff: swapoff while 1 MiB of a parent's pages, shared with a child
 * through inherited swap entries, is swapped out.
 *
 * swapoff reads every slot back and puts the page into every PTE that held
 * its entry, without a fault in either process; the two processes then share
 * one frame per slot.  The scenario swaps the harness's file back on.
 *
 * truth: needs swap
 * mm/swapfile.c try_to_unuse, unuse_pte.
 */
#include "../truth.h"
#include "../swap.h"
#include <sys/swap.h>

int main(void)
{
    struct peer c;
    truth_init();
    pin_cpu(0);
    swap_begin();
    peer_init(&c, "C");

    step("pageout-fork");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);
    pageout(buf, 1 * MiB);
    peer_spawn(&c);
    swap_report("P", "buf", buf, "pageout-fork");
    smaps("C", "buf", buf);
    rollup("C");

    step("swapoff");
    if (swapoff(SWAPFILE))
        die("swapoff");
    swap_report("P", "buf", buf, "swapoff");
    smaps("C", "buf", buf);
    rollup("C");
    pstat("C");
    swapmap("P", "buf", buf, 0);
    swapmap("C", "buf", buf, 0);

    step("read");
    mem_read("read-all", buf, 1 * MiB);
    peer_read(&c, "child-read-all", buf, 1 * MiB);
    smaps("P", "buf", buf);

    if (swapon(SWAPFILE, SWAP_FLAG_PREFER | 32767))
        die("swapon");
    return truth_end();
}
