/*
 * 16-munmap-middle: munmap of the middle of a VMA splits it in two.
 *
 * A 16-page private anonymous buffer and a 16-page MAP_SHARED|MAP_ANONYMOUS
 * region are written; pages 4..7 of each are unmapped.  Each leaves a lower
 * and an upper VMA.  For private anonymous memory both parts show offset
 * 00000000; the shmem upper part starts at page 8 of its object and shows
 * offset 00008000.  Rss of each part counts only its pages.
 *
 * linux-semantics.md: 1.1 (offset column), 1.3.
 */
#include "../truth.h"

int main(void)
{
    truth_init();

    step("setup");
    char *buf = map_anon(16 * PAGE);
    char *shm = map_shared_anon(16 * PAGE);
    mem_write("write-buf", buf, 16 * PAGE);
    mem_write("write-shm", shm, 16 * PAGE);
    smaps("P", "buf", buf);
    smaps("P", "shm", shm);
    status("P");

    step("munmap-middles");
    if (munmap(buf + 4 * PAGE, 4 * PAGE) || munmap(shm + 4 * PAGE, 4 * PAGE))
        die("munmap");
    smaps("P", "buf-low", buf);
    smaps("P", "buf-hole", buf + 4 * PAGE);
    smaps("P", "buf-high", buf + 8 * PAGE);
    smaps("P", "shm-low", shm);
    smaps("P", "shm-hole", shm + 4 * PAGE);
    smaps("P", "shm-high", shm + 8 * PAGE);
    pagemap("P", "shm", shm, 8 * PAGE);
    status("P");
    return truth_end();
}
