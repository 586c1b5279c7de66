/*
 * 79-thp-shmem-anon: shared anonymous memory (shmem) with
 * shmem_enabled=always.
 *
 * An aligned 4 MiB MAP_SHARED|MAP_ANONYMOUS region: the first write
 * allocates a PMD-sized shmem folio and maps it by PMD (one fault per
 * 2 MiB; smaps ShmemPmdMapped 2048, AnonHugePages 0, Private_Dirty 2048;
 * meminfo ShmemHugePages and ShmemPmdMapped +2048).  A child forked after
 * it has nothing mapped (shared VMAs' page tables are not copied at fork)
 * and maps the same folio by PMD on its first read (1 fault), and the
 * untouched second 2 MiB with a second fault: a new huge folio, clean
 * (Private_Clean 2048 in C).  munmap of one page in P's first 2 MiB zaps
 * the whole PMD of a file THP (no PTE table is made: P's remaining 1 MiB
 * VMA has Rss 0); the folio stays in the page cache, still PMD-mapped by C.
 *
 * truth: thp shmem_enabled=always
 * mm/shmem.c shmem_get_folio_gfp, shmem_allowable_huge_orders;
 * mm/memory.c do_set_pmd; mm/huge_memory.c __split_huge_pmd_locked (file:
 * zap only).
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    struct peer c;

    truth_init();
    pin_cpu(0);
    huge_begin();
    peer_init(&c, "C");

    step("write-first-2m");
    char *buf = map_at(4 * MiB, 0, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    mem_write("write-first-2m", buf, HPAGE);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, PAGE);
    huge_meminfo("write-first-2m");

    step("fork");
    peer_spawn(&c);
    smaps("C", "buf", buf);
    huge_meminfo("fork");

    step("child-reads-all");
    peer_read(&c, "read-all", buf, 4 * MiB);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("C", "buf", buf, 0);
    pagemap("C", "buf", buf, HPAGE);
    huge_meminfo("child-reads-all");

    step("munmap-one-page");
    if (munmap(buf + 1 * MiB, PAGE))
        die("munmap");
    smaps("P", "buf", buf);
    huge_meminfo("munmap-one-page");
    return truth_end();
}
