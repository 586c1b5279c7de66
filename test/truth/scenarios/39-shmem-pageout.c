/*
 * 39-shmem-pageout: MADV_PAGEOUT of 1 MiB of written MAP_SHARED|MAP_ANONYMOUS
 * memory (shmem), then swap-in by read, then a write.
 *
 * shmem pages go to swap as anonymous ones do, but the PTEs are simply
 * cleared (the swap entry lives in the shmem file's page cache, not in the
 * page table): pagemap shows neither present nor swapped, and smaps' Swap
 * counts the file's swapped pages in the range (shmem_swap_usage).
 *
 * truth: needs swap
 * mm/shmem.c shmem_writeout, shmem_swapin_folio; fs/proc/task_mmu.c smap_gather_stats.
 */
#include "../truth.h"
#include "../swap.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    swap_begin();

    step("write");
    char *shm = map_shared_anon(1 * MiB);
    mem_write("write-all", shm, 1 * MiB);
    swap_report("P", "shm", shm, "write");

    step("pageout");
    pageout(shm, 1 * MiB);
    swap_report("P", "shm", shm, "pageout");
    swapmap("P", "shm", shm, 0);

    step("read-back");
    mem_read("read-all", shm, 1 * MiB);
    swap_report("P", "shm", shm, "read-back");
    swapmap("P", "shm", shm, 0);

    step("write-back");
    mem_write("write-all-again", shm, 1 * MiB);
    swap_report("P", "shm", shm, "write-back");
    swapmap("P", "shm", shm, 0);
    return truth_end();
}
