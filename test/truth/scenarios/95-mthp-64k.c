/*
 * 95-mthp-64k: multi-size THP.  At this machine's defaults every
 * hugepages-<size>kB/enabled except 2048kB ("inherit") is "never", so only
 * PMD THPs appear and smaps shows nothing of mTHP.  With
 * hugepages-64kB/enabled=always (set by run.sh): a 1 MiB "hg" region (too
 * small for a PMD) takes one fault per 64 KiB (1 + 15), each a 16-page
 * folio (kpageflags THP and COMPOUND_HEAD on +0 and +0x10000, TAIL on
 * +0x1000), and smaps has no line for it: AnonHugePages 0 (PMD mappings
 * only), THPeligible 1.  A 2 MiB aligned region still gets a PMD THP
 * (1 fault).  An unadvised region gets 64 KiB folios too (16 faults for
 * 1 MiB, THPeligible 1): a per-size "always" does not need the advice.
 *
 * truth: thp enabled=madvise defrag=madvise hugepages-64kB/enabled=always
 * mm/memory.c alloc_anon_folio, thp_vma_allowable_orders; fs/proc/task_mmu.c
 * smaps_account (AnonHugePages only for PMD mappings).
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("write-1m");
    char *buf = map_thp(1 * MiB);
    mem_write("write-first-byte", buf, 1);
    mem_write("write-all", buf, 1 * MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, PAGE);
    pagemap("P", "buf", buf, 16 * PAGE);
    huge_meminfo("write-1m");

    step("write-2m");
    char *big = map_thp(2 * MiB);
    mem_write("write-all", big, 2 * MiB);
    smaps("P", "big", big);
    huge_meminfo("write-2m");

    step("unadvised");
    char *plain = map_at(1 * MiB, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mem_write("write-all", plain, 1 * MiB);
    smaps("P", "plain", plain);
    return truth_end();
}
