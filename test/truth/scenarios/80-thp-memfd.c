/*
 * 80-thp-memfd: memfd (shmem) mappings with shmem_enabled=advise: huge only
 * where MADV_HUGEPAGE was given.
 *
 * Two 4 MiB memfds, each mapped MAP_SHARED at an aligned address.  The
 * first is advised MADV_HUGEPAGE: writing it takes one fault per 2 MiB
 * (ShmemPmdMapped 4096, meminfo ShmemHugePages +4096).  The second is not:
 * 4 KiB pages (1024 faults, ShmemPmdMapped 0).  A read(2) of the file
 * afterwards changes nothing.
 *
 * truth: thp shmem_enabled=advise
 * mm/shmem.c shmem_huge_global_enabled (SHMEM_HUGE_ADVISE and VM_HUGEPAGE).
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

static char *memfd_map(const char *name)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 4 * MiB))
        die("memfd");
    char *p = map_at(4 * MiB, 0, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return p;
}

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("advised");
    char *huge = memfd_map("huge");
    advise(huge, 4 * MiB, MADV_HUGEPAGE, "madvise hugepage");
    mem_write("write-advised", huge, 4 * MiB);
    smaps("P", "huge", huge);
    pagemap("P", "huge", huge, 0);
    huge_meminfo("advised");

    step("not-advised");
    char *small = memfd_map("small");
    mem_write("write-not-advised", small, 4 * MiB);
    smaps("P", "small", small);
    pagemap("P", "small", small, 0);
    huge_meminfo("not-advised");
    return truth_end();
}
