/*
 * 87-ksm-fork: fork of a process with merged KSM pages.
 *
 * 64 identical pages merged (pages_shared 1, pages_sharing 63).  Fork copies
 * the PTEs: the KSM page's mapcount is 128; both sides show KSM 256 kB,
 * Shared_Dirty 256, Pss 2 (64 x 4096/128 bytes).  The child is mergeable
 * too ("mg" and MMF_VM_MERGEABLE are inherited, ksm_fork adds it to ksmd's
 * list) but has no rmap items until ksmd scans it: its ksm_stat says 0
 * and pages_sharing stays 63 until then (ksmd stopped, run=0); after two
 * scans pages_sharing 127, C's ksm_merging_pages 64.  C writes one page: a
 * COW copy (KSM 252, Pss 5 in C, kpagecount 127); the counters change only
 * after the next scans.
 *
 * truth: ksm
 * mm/ksm.c ksm_fork (__ksm_enter), mm/memory.c copy_present_pte,
 * do_wp_page.
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

    step("merge");
    char *buf = map_anon(64 * PAGE);
    mem_write("write-same", buf, 64 * PAGE);
    advise(buf, 64 * PAGE, MADV_MERGEABLE, "madvise mergeable");
    ksm_wait(3);
    ksm_record("merged");

    step("fork");
    ksm_run(0);
    peer_spawn(&c);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);
    ksm_record("fork");
    ksm_files("C");

    step("scanned-after-fork");
    ksm_run(1);
    ksm_wait(3);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    ksm_record("scanned-after-fork");
    ksm_files("P");
    ksm_files("C");

    step("child-writes-one-page");
    ksm_run(0);
    peer_write(&c, "child-write", buf, 1);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);
    ksm_record("child-writes");
    ksm_run(1);
    ksm_wait(3);
    ksm_record("child-writes-scanned");
    ksm_files("C");
    return truth_end();
}
