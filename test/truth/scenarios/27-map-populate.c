/*
 * 27-map-populate: MAP_POPULATE pre-faults a mapping inside mmap().
 *
 * A private anonymous 1 MiB mapping with MAP_POPULATE is resident and
 * dirty when mmap returns (the faults are taken by GUP and counted in
 * minflt); a later write costs nothing.  A shared anonymous one is
 * populated with read faults, so its pages start clean (Private_Clean) and a write then
 * costs no fault.  The shared one is mapped first, so that the private one
 * lands next to it and cannot merge with the loader's anonymous VMA below
 * libc (see truth.h map_anon).  No MADV_NOHUGEPAGE here: it could only come
 * after the populate; THP is "madvise" on this machine.
 *
 * linux-semantics.md: 7.0 (GUP faults count), 7.2, 3.3.
 */
#include "../truth.h"

int main(void)
{
    char *p, *s;

    truth_init();

    step("populate-shared");
    MEASURE("mmap-populate",
            s = mmap(NULL, MiB, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0));
    if (s == MAP_FAILED)
        die("mmap");
    smaps("P", "shm", s);
    mem_write("write-all", s, MiB);
    smaps("P", "shm", s);

    step("populate-private");
    MEASURE("mmap-populate",
            p = mmap(NULL, MiB, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0));
    if (p == MAP_FAILED)
        die("mmap");
    smaps("P", "priv", p);
    pagemap("P", "priv", p, 0);
    mem_write("write-all", p, MiB);
    smaps("P", "priv", p);
    status("P");
    return truth_end();
}
