/*
 * 104-ksm-mremap: mremap breaks the KSM pages of the range it moves.
 *
 * 64 identical pages in a MADV_MERGEABLE region, merged by ksmd into one
 * KSM page (pages_shared 1, pages_sharing 63).  A move of the region
 * (MAYMOVE|FIXED) first unmerges it (prep_move_vma's
 * ksm_madvise(MADV_UNMERGEABLE)): 64 minor faults, the new place holds 64
 * private copies (KSM 0 kB, Anonymous 256, exclusive), the VMA keeps "mg";
 * ksmd merges them again at the new place on its next scans.
 *
 * truth: ksm
 * mm/mremap.c prep_move_vma; mm/ksm.c ksm_madvise, unmerge_ksm_pages.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    huge_begin();

    step("merge");
    char *buf = map_anon(64 * PAGE);
    mem_write("write-same", buf, 64 * PAGE);
    char *dst = map_anon(64 * PAGE);
    advise(buf, 64 * PAGE, MADV_MERGEABLE, "madvise mergeable");
    ksm_wait(3);
    smaps("P", "buf", buf);
    ksm_record("merged");

    step("move");
    char *p __attribute__((unused));
    MEASURE("move", p = remap(buf, 64 * PAGE, 64 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst));
    smaps("P", "dst", dst);
    pagemap("P", "dst", dst, 0);
    pagemap("P", "dst", dst, PAGE);
    ksm_files("P");

    step("remerge");
    ksm_wait(3);
    smaps("P", "dst", dst);
    pagemap("P", "dst", dst, 0);
    ksm_record("remerged");
    ksm_files("P");
    return truth_end();
}
