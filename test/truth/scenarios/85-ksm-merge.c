/*
 * 85-ksm-merge: KSM merges identical pages of a MADV_MERGEABLE region.
 *
 * 1 MiB (256 pages) all written alike (one byte per page, as touch_write),
 * plus 64 pages each with its own content, in one region of 320 pages
 * advised MADV_MERGEABLE ("mg" in VmFlags).  After ksmd has scanned twice
 * (ksm_wait(3)) the 256 identical pages map one KSM page: pages_shared 1,
 * pages_sharing 255 (max_page_sharing is 256 here, so one stable node
 * suffices); the 64 unique pages stay in the unstable tree
 * (pages_unshared 64).  smaps: KSM 1024 kB, Rss 1280, Pss 260 (256 for
 * the unique pages + 256 x 4096/256 bytes for the merged), Shared_Dirty
 * 1024, Anonymous 1280; pagemap: the same PFN at +0 and +0x1000,
 * kpagecount 256, kpageflags KSM (bit 21), not exclusive; ksm_stat
 * ksm_rmap_items 320, ksm_merging_pages 256.  After munmap, ksmd drops
 * the KSM page and, with no mergeable page left, stops scanning.
 *
 * truth: ksm
 * mm/ksm.c ksm_do_scan, cmp_and_merge_page, try_to_merge_with_ksm_page,
 * stable_tree_search, unstable_tree_search_insert; fs/proc/task_mmu.c (KSM).
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    huge_begin();

    step("write");
    char *buf = map_anon(320 * PAGE);
    mem_write("write-same", buf, 1 * MiB);
    mem_write_unique("write-unique", buf + 1 * MiB, 64 * PAGE);
    smaps("P", "buf", buf);
    ksm_record("write");

    step("mergeable");
    advise(buf, 320 * PAGE, MADV_MERGEABLE, "madvise mergeable");
    ksm_wait(3);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, PAGE);
    pagemap("P", "buf", buf, 1 * MiB);
    ksm_record("merged");
    ksm_files("P");
    status("P");

    step("exit-frees");
    if (munmap(buf, 320 * PAGE))
        die("munmap");
    ksm_wait_or_idle(3);
    ksm_record("after-munmap");
    ksm_files("P");
    return truth_end();
}
