/*
 * 82-hugetlb-shared: a shared MAP_HUGETLB mapping of 4 MiB, written by P,
 * then read by a forked child.
 *
 * mmap reserves both pages (Rsvd 2, "ms"+"ht" in VmFlags).  P writes the
 * first 2 MiB (1 fault): a hugetlb page mapped by one process counts as
 * Private_Hugetlb 2048, by more than one as Shared_Hugetlb.  Fork copies no
 * shared hugetlb page table (C's pagemap not present).  C's read of all
 * 4 MiB takes 2 faults: the first page is now Shared_Hugetlb on both
 * sides, the second, allocated by C from the reservation (Rsvd 0, Free 2),
 * Private_Hugetlb in C.  Rss/Pss count none of it.
 *
 * truth: hugepages 4
 * mm/hugetlb.c hugetlb_no_page (shared: page cache of the hugetlbfs inode),
 * copy_hugetlb_page_range; fs/proc/task_mmu.c smaps_hugetlb_range.
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

    step("mmap");
    char *buf = map_at(4 * MiB, 0, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    smaps("P", "buf", buf);
    huge_meminfo("mmap");

    step("write-first-2m");
    mem_write("write-first-2m", buf, HPAGE);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    huge_meminfo("write-first-2m");

    step("fork");
    peer_spawn(&c);
    smaps("C", "buf", buf);
    pagemap("C", "buf", buf, 0);
    huge_meminfo("fork");

    step("child-reads-all");
    peer_read(&c, "read-all", buf, 4 * MiB);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("C", "buf", buf, 0);
    pagemap("C", "buf", buf, HPAGE);
    huge_meminfo("child-reads-all");

    step("child-exits");
    peer_exit(&c, 0);
    peer_reap(&c);
    smaps("P", "buf", buf);
    huge_meminfo("child-exits");
    return truth_end();
}
