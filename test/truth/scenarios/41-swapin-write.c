/*
 * 41-swapin-write: swapped-out private pages are written directly, first by
 * their only owner (reuse), then, for slots shared after fork, by the child
 * (copy).
 *
 * truth: needs swap
 * mm/memory.c do_swap_page (exclusive entries), do_wp_page.
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

    step("pageout");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);
    swapmap("P", "buf", buf, 0);
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "pageout");

    step("owner-write");
    mem_write("write-first-half", buf, 512 * KiB);
    swap_report("P", "buf", buf, "owner-write");
    swapmap("P", "buf", buf, 0);
    swapmap("P", "buf", buf, 128 * PAGE);

    step("fork");
    peer_spawn(&c);
    swap_report("P", "buf", buf, "fork");
    smaps("C", "buf", buf);
    rollup("C");
    swapmap("C", "buf", buf, 128 * PAGE);

    step("child-write");
    peer_write(&c, "child-write-second-half", buf + 512 * KiB, 512 * KiB);
    swap_report("P", "buf", buf, "child-write");
    smaps("C", "buf", buf);
    rollup("C");
    swapmap("P", "buf", buf, 128 * PAGE);
    swapmap("C", "buf", buf, 128 * PAGE);

    step("parent-write");
    mem_write("write-second-half", buf + 512 * KiB, 512 * KiB);
    swap_report("P", "buf", buf, "parent-write");
    swapmap("P", "buf", buf, 128 * PAGE);
    return truth_end();
}
