/*
 * 97-ksm-two-processes: KSM merges identical pages of two processes that
 * share nothing else (as KSM is used for: many VMs with the same pages).
 *
 * P forks C before either has written anything; each then writes its own
 * 128 pages, all alike (one byte 1 per page), in its own mergeable copy of
 * the region (no page is shared by fork: the region was never written
 * before the fork).  After two scans all 256 pages map one KSM page:
 * pages_shared 1, pages_sharing 255; each side KSM 512, Rss 512, Pss 2
 * (128 x 4096/256 bytes), Shared_Dirty 512; both pagemaps show the same
 * PFN, kpagecount 256; each process's ksm_merging_pages 128.  Then C exits:
 * P's Pss and the KSM page's mapcount follow (kpagecount 128); the counters
 * change once ksmd has scanned again (pages_sharing 127).
 *
 * truth: ksm
 * mm/ksm.c cmp_and_merge_page, try_to_merge_two_pages, stable_tree_insert;
 * ksm_exit.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    struct peer c;

    truth_init();
    huge_begin();
    peer_init(&c, "C");

    step("fork-then-write");
    char *buf = map_anon(128 * PAGE);
    advise(buf, 128 * PAGE, MADV_MERGEABLE, "madvise mergeable");
    peer_spawn(&c);
    mem_write("write-same", buf, 128 * PAGE);
    peer_write(&c, "write-same", buf, 128 * PAGE);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);

    step("merged");
    ksm_wait(3);
    ksm_run(0);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);
    pagemap("C", "buf", buf, 127 * PAGE);
    ksm_record("merged");
    ksm_files("P");
    ksm_files("C");

    step("child-exits");
    peer_exit(&c, 0);
    peer_reap(&c);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    ksm_record("child-exits");
    ksm_run(1);
    ksm_wait(3);
    ksm_record("child-exits-scanned");
    ksm_files("P");
    return truth_end();
}
