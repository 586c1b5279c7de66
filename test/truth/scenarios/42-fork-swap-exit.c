/*
 * 42-fork-swap-exit: fork of a process whose 1 MiB is swapped out; the child
 * inherits the swap entries (slot count 2: SwapPss 512 each), reads a
 * quarter back, then exits.
 *
 * truth: needs swap
 * mm/memory.c copy_nonpresent_pte (swap_duplicate); fs/proc/task_mmu.c smaps_pte_entry (SwapPss).
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
    pageout(buf, 1 * MiB);
    swap_report("P", "buf", buf, "pageout");

    step("fork");
    peer_spawn(&c);
    swap_report("P", "buf", buf, "fork");
    smaps("C", "buf", buf);
    rollup("C");
    status("C");
    swapmap("P", "buf", buf, 0);
    swapmap("C", "buf", buf, 0);

    step("child-read");
    peer_read(&c, "child-read-quarter", buf, 256 * KiB);
    swap_report("P", "buf", buf, "child-read");
    smaps("C", "buf", buf);
    rollup("C");
    swapmap("P", "buf", buf, 0);
    swapmap("C", "buf", buf, 0);

    step("child-exit");
    peer_exit(&c, 0);
    swap_report("P", "buf", buf, "child-exit");
    swapmap("P", "buf", buf, 0);
    peer_reap(&c);
    meminfo("reaped");
    return truth_end();
}
