/*
 * 34-mlock-file: mlock of a private read-only file mapping, then munlock.
 *
 * The cached 64 KiB file is mapped read-only and mlock'ed: the populate
 * reads every page (one fault maps all 16 by fault-around), the VMA gets
 * "lo", Locked 64 kB, VmLck 64 kB, and each page is MLOCKED and UNEVICTABLE.
 * The populate's touch (mark_page_accessed) finds the pages still
 * evictable and, as file_warm's munmap marked them once already, activates
 * them (REFERENCED cleared); the mlock batch then takes them off the active
 * list.  munlock puts them back on the inactive list: 0x828.
 *
 * linux-semantics.md: 2.2 (lo), 2.1 (Locked), 8.1 (VmLck).
 * mm/mlock.c mlock_folio; mm/gup.c FOLL_TOUCH.
 */
#include "../truth.h"

#define FILE_PATH "/tmp/cowsh-truth-34.dat"

int main(void)
{
    truth_init();
    unlink(FILE_PATH);

    step("map");
    file_truncate(FILE_PATH, 64 * KiB);
    file_warm(FILE_PATH, 64 * KiB);
    char *f = map_file(FILE_PATH, 64 * KiB, PROT_READ, MAP_PRIVATE);
    smaps("P", "file", f);

    step("mlock");
    MEASURE("mlock", if (mlock(f, 64 * KiB)) die("mlock"));
    smaps("P", "file", f);
    pagemap("P", "file", f, 0);
    status("P");

    step("munlock");
    if (munlock(f, 64 * KiB))
        die("munlock");
    smaps("P", "file", f);
    pagemap("P", "file", f, 0);
    status("P");

    unlink(FILE_PATH);
    return truth_end();
}
