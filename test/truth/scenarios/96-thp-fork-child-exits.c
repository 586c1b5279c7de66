/*
 * 96-thp-fork-child-exits: a PMD-mapped THP shared by fork becomes the
 * parent's alone again when the child exits; the parent's write then
 * reuses the whole huge page.
 *
 * 4 MiB of THP written, fork, C exits without touching it.  P's PMDs are
 * still write-protected and the folios no longer AnonExclusive (pagemap
 * says exclusive=1: mapped once; kpageflags lacks bit 34).  P writes one
 * byte of the first 2 MiB: 1 fault that reuses the folio under its PMD (no
 * split, no copy: same PFN, AnonHugePages 4096, bit 34 back); writing all
 * 4 MiB then costs 1 fault, for the second 2 MiB.  A second fork copies
 * the PMDs again: the child's read of all 4 MiB takes no fault; both sides
 * Pss 2048, Shared_Dirty 4096, AnonHugePages 4096.
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/huge_memory.c do_huge_pmd_wp_page (folio exclusive or refcount 1:
 * reuse, pmd_mkwrite), copy_huge_pmd.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    struct peer c, d;

    truth_init();
    pin_cpu(0);
    huge_begin();
    peer_init(&c, "C");
    peer_init(&d, "D");

    step("fork-and-exit");
    char *buf = map_thp(4 * MiB);
    mem_write("write-all", buf, 4 * MiB);
    peer_spawn(&c);
    peer_exit(&c, 0);
    peer_reap(&c);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("fork-and-exit");

    step("parent-writes");
    mem_write("write-first-byte", buf, 1);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, PAGE);
    mem_write("write-all-again", buf, 4 * MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("parent-writes");

    step("fork-child-reads");
    peer_spawn(&d);
    peer_read(&d, "read-all", buf, 4 * MiB);
    smaps("P", "buf", buf);
    smaps("D", "buf", buf);
    pagemap("D", "buf", buf, 0);
    huge_meminfo("fork-child-reads");
    return truth_end();
}
