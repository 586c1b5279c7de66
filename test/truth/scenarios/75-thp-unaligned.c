/*
 * 75-thp-unaligned: a VMA that does not start on a 2 MiB boundary gets a
 * huge page only where a whole aligned 2 MiB fits inside it.
 *
 * A 5 MiB region 1 MiB past a 2 MiB boundary, [+1M, +6M), holds two
 * aligned 2 MiB, [+2M, +4M) and [+4M, +6M).  Writing every page: 256 4 KiB
 * faults for the head 1 MiB, one THP fault for each aligned 2 MiB (2):
 * AnonHugePages 4096 of Rss 5120.  A 3 MiB region at +1 MiB gets one THP
 * (257 faults).  An aligned 1 MiB region gets none (256 faults) and shows
 * THPeligible 0: no aligned 2 MiB fits in it.
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/huge_memory.c thp_vma_suitable_order (the aligned range must fit in
 * the VMA); mm/memory.c __handle_mm_fault.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("write-5m-at-1m");
    char *buf = map_thp_at(5 * MiB, 1 * MiB);
    mem_write("write-head-1m", buf, 1 * MiB);
    mem_write("write-rest", buf + 1 * MiB, 4 * MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 1 * MiB);
    pagemap("P", "buf", buf, 3 * MiB);
    huge_meminfo("write-5m-at-1m");

    step("write-3m-at-1m");
    char *small = map_thp_at(3 * MiB, 1 * MiB);
    mem_write("write-all", small, 3 * MiB);
    smaps("P", "small", small);
    huge_meminfo("write-3m-at-1m");

    step("write-1m-aligned");
    char *tiny = map_thp(1 * MiB);
    mem_write("write-all", tiny, 1 * MiB);
    smaps("P", "tiny", tiny);
    huge_meminfo("write-1m-aligned");
    return truth_end();
}
