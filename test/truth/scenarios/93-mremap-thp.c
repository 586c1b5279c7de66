/*
 * 93-mremap-thp: mremap of PMD-mapped THPs.
 *
 * 4 MiB of THP written.  Moved to another 2 MiB-aligned address: the PMDs
 * move whole (move_huge_pmd), AnonHugePages 4096 at the new place, same
 * PFNs, no fault.  Moved again to an address 1 MiB past a boundary: a PMD
 * cannot map there; the PMDs are split on the way (split_huge_pmd in
 * move_page_tables) and the pages moved as PTEs: AnonHugePages 0, Rss 4096,
 * the folios stay whole (kpageflags THP) but PTE-mapped.
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/mremap.c move_page_tables, move_pgt_entry (HPAGE_PMD);
 * mm/huge_memory.c move_huge_pmd, __split_huge_pmd.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("setup");
    char *buf = map_thp(4 * MiB);
    mem_write("write-all", buf, 4 * MiB);
    pagemap("P", "buf", buf, 0);
    huge_meminfo("setup");

    step("move-aligned");
    char *dst = map_at(4 * MiB, 0, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    char *p __attribute__((unused));
    MEASURE("move-aligned", p = remap(buf, 4 * MiB, 4 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED, dst));
    smaps("P", "buf", buf);
    smaps("P", "dst", dst);
    pagemap("P", "dst", dst, 0);
    huge_meminfo("move-aligned");

    step("move-unaligned");
    char *odd = map_at(4 * MiB, 1 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    MEASURE("move-unaligned", p = remap(dst, 4 * MiB, 4 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED, odd));
    smaps("P", "odd", odd);
    pagemap("P", "odd", odd, 0);
    pagemap("P", "odd", odd, 1 * MiB);
    huge_meminfo("move-unaligned");
    mem_write("write-moved", odd, 4 * MiB);
    return truth_end();
}
