/*
 * 71-thp-fork-cow: fork of a process with two PMD-mapped THPs, then a write
 * by each side, each into its own huge page.
 *
 * Fork copies the PMDs (copy_huge_pmd): both sides map both folios
 * (Rss 4096, Pss 2048, AnonHugePages 4096, Shared_Dirty 4096 each side;
 * kpagecount 2).  P then writes one byte of the first 2 MiB: the write
 * fault on a shared PMD-mapped anonymous THP splits the PMD
 * (do_huge_pmd_wp_page -> __split_huge_pmd) and copies only the one 4 KiB
 * page that was written (wp_page_copy); P's other 511 PTEs still map the
 * old folio read-only.  C then writes one byte of the second 2 MiB: the
 * same on its side.  The folios are not split (still THP/compound in
 * kpageflags) but are PTE-mapped where split: AnonHugePages drops by 2048 on
 * the writer's side only; Pss 2050 each side (4 kB private + the rest
 * shared).  meminfo AnonHugePages stays 4096 while any process still maps a
 * folio by PMD; writing the rest of the first 2 MiB costs 511 faults, 511
 * more copies.  After C exits, P's Pss 4096, AnonHugePages 2048.
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/huge_memory.c copy_huge_pmd, do_huge_pmd_wp_page, __split_huge_pmd;
 * mm/memory.c wp_page_copy; fs/proc/task_mmu.c smaps_pmd_entry.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

static void both(char *buf)
{
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);
    pagemap("P", "buf", buf, PAGE);
    pagemap("C", "buf", buf, PAGE);
    pagemap("P", "buf", buf, HPAGE);
    pagemap("C", "buf", buf, HPAGE);
    pagemap("P", "buf", buf, HPAGE + PAGE);
    pagemap("C", "buf", buf, HPAGE + PAGE);
    huge_meminfo("both");
}

int main(void)
{
    struct peer c;

    truth_init();
    pin_cpu(0);
    huge_begin();
    peer_init(&c, "C");

    step("setup");
    char *buf = map_thp(4 * MiB);
    mem_write("write-all", buf, 4 * MiB);
    peer_spawn(&c);
    both(buf);

    step("parent-writes-one-byte");
    mem_write("parent-write", buf, 1);
    both(buf);

    step("parent-writes-rest-of-first-2m");
    mem_write("parent-write-rest", buf, HPAGE);
    both(buf);

    step("child-writes-one-byte-of-second-2m");
    peer_write(&c, "child-write", buf + HPAGE, 1);
    both(buf);
    status("P");
    status("C");

    step("child-exits");
    peer_exit(&c, 0);
    peer_reap(&c);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("child-exits");
    return truth_end();
}
