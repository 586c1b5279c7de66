/*
 * 81-hugetlb-private: a private MAP_HUGETLB mapping of 4 MiB (two 2 MiB
 * hugetlb pages) from a pool of 4.
 *
 * mmap reserves both pages at once (HugePages_Rsvd 2, Free 4); smaps
 * KernelPageSize/MMUPageSize 2048 kB, "ht" in VmFlags, THPeligible 0.
 * The first write to a byte faults in one whole 2 MiB page (1 fault; Rsvd
 * 1, Free 3; smaps Private_Hugetlb 2048 kB, Rss 0: hugetlb pages are not
 * counted in Rss/Pss; kpageflags HUGE and COMPOUND_HEAD).  The second page
 * likewise.  munmap gives both back (Free 4, Rsvd 0).
 *
 * truth: hugepages 4
 * mm/hugetlb.c hugetlb_reserve_pages, hugetlb_no_page, alloc_hugetlb_folio;
 * fs/proc/task_mmu.c smaps_hugetlb_range.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("pool");
    huge_meminfo("pool");

    step("mmap");
    char *buf = map_at(4 * MiB, 0, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    smaps("P", "buf", buf);
    huge_meminfo("mmap");

    step("write-first-byte");
    mem_write("write-first-byte", buf, 1);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, PAGE);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("write-first-byte");

    step("write-all");
    mem_write("write-all", buf, 4 * MiB);
    smaps("P", "buf", buf);
    status("P");
    huge_meminfo("write-all");

    step("munmap");
    if (munmap(buf, 4 * MiB))
        die("munmap");
    huge_meminfo("munmap");
    return truth_end();
}
