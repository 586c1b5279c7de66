/*
 * 76-thp-nohugepage: MADV_NOHUGEPAGE, and regions never advised, with THP
 * enabled=madvise.
 *
 * An aligned 4 MiB region without advice: THPeligible 0, 4 KiB faults
 * (512 per 2 MiB), no AnonHugePages.  A THP region written, then advised
 * MADV_NOHUGEPAGE on its second half: the VMA splits ("nh" instead of
 * "hg"), the PMD of the second 2 MiB stays (the advice does not split
 * existing huge pages), THPeligible 0 there.  After MADV_DONTNEED of that
 * half, a new write faults 4 KiB pages.
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/huge_memory.c hugepage_madvise, thp_vma_allowable_orders;
 * mm/khugepaged.c (VM_NOHUGEPAGE excludes the VMA).
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("unadvised");
    char *plain = map_at(4 * MiB, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mem_write("write-plain", plain, 4 * MiB);
    smaps("P", "plain", plain);
    pagemap("P", "plain", plain, 0);
    huge_meminfo("unadvised");

    step("nohugepage-after-write");
    char *buf = map_thp(4 * MiB);
    mem_write("write-all", buf, 4 * MiB);
    advise(buf + HPAGE, HPAGE, MADV_NOHUGEPAGE, "madvise nohugepage");
    smaps("P", "buf", buf);
    smaps("P", "buf-nh", buf + HPAGE);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("nohugepage-after-write");

    step("dontneed-and-rewrite");
    advise(buf + HPAGE, HPAGE, MADV_DONTNEED, "madvise dontneed");
    mem_write("rewrite-nh", buf + HPAGE, HPAGE);
    smaps("P", "buf-nh", buf + HPAGE);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("dontneed-and-rewrite");
    return truth_end();
}
