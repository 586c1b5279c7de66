/*
 * 100-shmem-thp-placement: where mmap puts shared anonymous memory and
 * memfds when shmem THPs may be used.
 *
 * shmem_enabled=advise (the internal shmem mount's huge option is not
 * never): a 4 MiB MAP_SHARED|MAP_ANONYMOUS mapping and a 4 MiB memfd
 * mapping, placed by the kernel (no hint), start on a 2 MiB boundary
 * (shmem_get_unmapped_area: an area inflated by 2 MiB - 4 KiB, the start
 * moved up to the boundary); a 1 MiB one is not aligned and goes into the
 * hole the first one left above it.  Advised MADV_HUGEPAGE and written,
 * the 4 MiB ones are mapped by two PMDs each (2 faults, ShmemPmdMapped
 * 4096).  A private 4 MiB anonymous mapping is aligned as before
 * (thp_get_unmapped_area).
 *
 * truth: thp shmem_enabled=advise
 * mm/shmem.c shmem_get_unmapped_area; mm/mmap.c __get_unmapped_area.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("shared-anon");
    char *shared = map(4 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *small = map(1 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    advise(shared, 4 * MiB, MADV_HUGEPAGE, "madvise hugepage");
    mem_write("write-shared", shared, 4 * MiB);
    smaps("P", "shared", shared);
    smaps("P", "small", small);
    huge_meminfo("shared");

    step("memfd");
    int fd = memfd_create("placed", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 4 * MiB))
        die("memfd");
    char *mfd = map(4 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    advise(mfd, 4 * MiB, MADV_HUGEPAGE, "madvise hugepage");
    mem_write("write-memfd", mfd, 4 * MiB);
    smaps("P", "memfd", mfd);

    step("private");
    char *priv = map(4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    smaps("P", "private", priv);
    return truth_end();
}
