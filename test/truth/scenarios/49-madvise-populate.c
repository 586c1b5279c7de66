/*
 * 49-madvise-populate: MADV_POPULATE_READ and MADV_POPULATE_WRITE (5.14+).
 *
 * madvise_populate faults the range in as get_user_pages does
 * (faultin_page_range: FOLL_TOUCH, FOLL_WRITE for _WRITE), and GUP's faults
 * count in minflt as MAP_POPULATE's do (27).  POPULATE_READ of untouched
 * private anonymous memory maps the zero page (Rss 0); POPULATE_WRITE then
 * replaces it with new pages.  On shared anonymous memory POPULATE_READ
 * allocates clean pages, POPULATE_WRITE dirty ones.  On lazy-free memory
 * (MADV_FREE) POPULATE_WRITE takes no fault: GUP's touch marks the folio
 * dirty (not the PTE), so LazyFree drops to 0.
 *
 * truth: needs swap
 * (only so that MADV_FREE runs as in 43 and 44.)
 * mm/madvise.c madvise_populate; mm/gup.c faultin_page_range, follow_page_pte.
 */
#include "../truth.h"
#include "../swap.h"

#ifndef MADV_FREE
#define MADV_FREE 8
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int main(void)
{
    truth_init();
    pin_cpu(0);
    swap_begin();

    step("populate-read");
    char *buf = map_anon(1 * MiB);
    MEASURE("populate-read", advise(buf, 1 * MiB, MADV_POPULATE_READ, "populate read"));
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);

    step("populate-write");
    MEASURE("populate-write", advise(buf, 1 * MiB, MADV_POPULATE_WRITE, "populate write"));
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);

    step("shared");
    char *shm = map_shared_anon(1 * MiB);
    MEASURE("populate-read", advise(shm, 512 * KiB, MADV_POPULATE_READ, "populate read"));
    MEASURE("populate-write", advise(shm + 512 * KiB, 512 * KiB, MADV_POPULATE_WRITE,
                                     "populate write"));
    smaps("P", "shm", shm);
    pagemap("P", "shm", shm, 0);
    pagemap("P", "shm", shm, 128 * PAGE);

    step("lazyfree");
    advise(buf, 1 * MiB, MADV_FREE, "madvise free");
    MEASURE("populate-write", advise(buf, 256 * KiB, MADV_POPULATE_WRITE, "populate write"));
    smaps("P", "buf", buf);
    rollup("P");
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 128 * PAGE);
    return truth_end();
}
