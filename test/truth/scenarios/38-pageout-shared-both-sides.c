/*
 * 38-pageout-shared-both-sides: after fork the child writes the first half
 * of 1 MiB (its own copies), then both processes call MADV_PAGEOUT on all
 * of it.
 *
 * Each side swaps out only the pages it maps alone (the parent's originals
 * of the first half, the child's copies); the still-shared second half
 * stays resident in both.  Then each reads everything back.
 *
 * truth: needs swap
 * mm/madvise.c madvise_cold_or_pageout_pte_range.
 */
#include "../truth.h"
#include "../swap.h"

int main(void)
{
    struct peer c;
    struct range r; /* set before the fork: the child reads its own copy */
    truth_init();
    pin_cpu(0);
    swap_begin();
    peer_init(&c, "C");

    step("fork");
    char *buf = map_anon(1 * MiB);
    r.p = buf;
    r.len = 1 * MiB;
    mem_write("write-all", buf, 1 * MiB);
    peer_spawn(&c);
    peer_write(&c, "child-write-half", buf, 512 * KiB);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);

    step("parent-pageout");
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "parent-pageout");
    smaps("C", "buf", buf);
    rollup("C");

    step("child-pageout");
    peer_call(&c, pageout_fn, &r);
    wait_writeback();
    swap_report("P", "buf", buf, "child-pageout");
    smaps("C", "buf", buf);
    rollup("C");
    status("C");
    swapmap("P", "buf", buf, 0);
    swapmap("C", "buf", buf, 0);
    swapmap("P", "buf", buf, 128 * PAGE);
    swapmap("C", "buf", buf, 128 * PAGE);

    step("read-back");
    mem_read("parent-read-all", buf, 1 * MiB);
    peer_read(&c, "child-read-all", buf, 1 * MiB);
    swap_report("P", "buf", buf, "read-back");
    smaps("C", "buf", buf);
    rollup("C");
    swapmap("P", "buf", buf, 0);
    swapmap("C", "buf", buf, 0);
    return truth_end();
}
