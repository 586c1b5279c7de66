/*
 * 77-thp-collapse: MADV_COLLAPSE (synchronous, khugepaged's work done in
 * the caller) of 4 KiB-mapped memory.
 *
 * An aligned 4 MiB region, not advised (THP enabled=madvise: 4 KiB pages on
 * fault), every page written: 1024 faults, AnonHugePages 0.  MADV_COLLAPSE
 * of all of it succeeds although the VMA is not advised: each 2 MiB of small
 * pages is copied into a new THP mapped by PMD (AnonHugePages 4096, new
 * PFNs, THP/COMPOUND flags), yet THPeligible stays 0 (it tells whether a
 * fault may allocate a THP, and MADV_COLLAPSE ignores "madvise").  No fault
 * on a write afterwards.  A half-written 2 MiB (256 pages present, 256 none)
 * collapses too (max_ptes_none does not apply: the holes become zeroed
 * parts of the THP, Rss 2048).  An "nh" VMA refuses: EINVAL.
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/khugepaged.c madvise_collapse, hpage_collapse_scan_pmd,
 * collapse_huge_page, __collapse_huge_page_copy; mm/huge_memory.c
 * __thp_vma_allowable_orders (TVA_IN_PF vs collapse).
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("write-small-pages");
    char *buf = map_at(4 * MiB, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mem_write("write-all", buf, 4 * MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    huge_meminfo("write-small-pages");

    step("collapse");
    printf("@call P madvise-collapse error=%s\n",
           madvise(buf, 4 * MiB, MADV_COLLAPSE) ? strerror(errno) : "none");
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, PAGE);
    huge_meminfo("collapse");
    mem_write("write-after-collapse", buf, 4 * MiB);

    step("collapse-half-written");
    char *half = map_at(2 * MiB, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mem_write("write-half", half, 1 * MiB);
    printf("@call P madvise-collapse-half error=%s\n",
           madvise(half, 2 * MiB, MADV_COLLAPSE) ? strerror(errno) : "none");
    smaps("P", "half", half);
    pagemap("P", "half", half, 1 * MiB);
    huge_meminfo("collapse-half");

    step("collapse-nohugepage");
    char *nh = map_anon(2 * MiB);
    mem_write("write-nh", nh, 2 * MiB);
    printf("@call P madvise-collapse-nh error=%s\n",
           madvise(nh, 2 * MiB, MADV_COLLAPSE) ? strerror(errno) : "none");
    smaps("P", "nh", nh);
    return truth_end();
}
