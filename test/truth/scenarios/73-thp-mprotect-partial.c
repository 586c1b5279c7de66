/*
 * 73-thp-mprotect-partial: mprotect(PROT_READ) of 1 MiB inside a PMD-mapped
 * THP, of a whole aligned 2 MiB, and back.
 *
 * 4 MiB region, two THPs.  mprotect of [+512K, +1536K) splits the VMA in
 * three and the first PMD into PTEs (vma_adjust_trans_huge); the folio stays
 * whole (THP/COMPOUND flags) and fully mapped, across three VMAs: Rss
 * unchanged, AnonHugePages 0 for the first 2 MiB (the third VMA, which also
 * holds the second THP, shows 2048 for it; meminfo -2048).  mprotect of the
 * whole aligned second 2 MiB keeps its PMD (change_huge_pmd): its VMA
 * [r--p 2048K] shows AnonHugePages 2048, THPeligible 1; VMAs smaller than an
 * aligned 2 MiB show THPeligible 0.  Read-write again: the VMAs merge back
 * into one; the first 2 MiB stays PTE-mapped (AnonHugePages 2048, no fault
 * on a write).
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/mprotect.c change_pmd_range; mm/huge_memory.c change_huge_pmd,
 * vma_adjust_trans_huge.
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
    huge_meminfo("setup");

    step("mprotect-middle-of-first-2m");
    if (mprotect(buf + 512 * KiB, 1 * MiB, PROT_READ))
        die("mprotect");
    smaps("P", "buf", buf);
    smaps("P", "buf-ro", buf + 512 * KiB);
    smaps("P", "buf-tail", buf + 1536 * KiB);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 512 * KiB);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("mprotect-middle");

    step("mprotect-second-2m");
    if (mprotect(buf + HPAGE, HPAGE, PROT_READ))
        die("mprotect");
    smaps("P", "buf-tail", buf + 1536 * KiB);
    smaps("P", "buf-second", buf + HPAGE);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("mprotect-second");

    step("mprotect-all-rw");
    if (mprotect(buf, 4 * MiB, PROT_READ | PROT_WRITE))
        die("mprotect");
    smaps("P", "buf", buf);
    mem_write("write-all-again", buf, 4 * MiB);
    smaps("P", "buf", buf);
    huge_meminfo("mprotect-all-rw");
    return truth_end();
}
