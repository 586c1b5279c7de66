/*
 * 88-ksm-unmerge: MADV_UNMERGEABLE breaks every merged page of the range
 * out again, at once, in the caller (break_ksm: an unsharing fault for each
 * page, counted as the caller's minor faults: 32).
 *
 * 64 identical pages merged, then MADV_UNMERGEABLE of the first 32: the VMA
 * splits ("mg" only on the second half); each page of the first half gets
 * a private copy that is *clean* (Private_Clean 128: an unshare fault
 * copies without dirtying), exclusive; the KSM page's mapcount 32.  The
 * ksm counters are stale until ksmd scans (it is stopped, run=0, for these
 * records): pages_sharing still 63.  Then the rest: KSM 0, Private_Clean
 * 256; once ksmd runs again it drops the unmapped KSM page (all counters 0,
 * ksm_stat rmap items 0) and, with no mergeable page left anywhere, stops
 * scanning (full_scans stays put).
 *
 * truth: ksm
 * mm/ksm.c ksm_madvise (MADV_UNMERGEABLE), unmerge_ksm_pages, break_ksm.
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
    advise(buf, 64 * PAGE, MADV_MERGEABLE, "madvise mergeable");
    ksm_wait(3);
    ksm_record("merged");

    step("unmerge-first-half");
    ksm_run(0);
    MEASURE("unmerge-first-half", advise(buf, 32 * PAGE, MADV_UNMERGEABLE, "madvise unmergeable"));
    smaps("P", "buf", buf);
    smaps("P", "buf-second", buf + 32 * PAGE);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 32 * PAGE);
    ksm_record("unmerge-first-half");
    ksm_files("P");

    step("unmerge-rest");
    MEASURE("unmerge-rest", advise(buf + 32 * PAGE, 32 * PAGE, MADV_UNMERGEABLE, "madvise unmergeable"));
    smaps("P", "buf", buf);
    ksm_record("unmerge-rest");
    ksm_run(1);
    ksm_wait_or_idle(3);
    ksm_record("unmerge-rest-scanned");
    ksm_files("P");
    return truth_end();
}
