/*
 * 30-anon-vma-via-merge: a region that was never written can still have an
 * anon_vma, inherited by merging with a written neighbour; then fork copies
 * its zero-page PTEs.
 *
 * Region A (64 KiB, made with map_anon: "nh") is written.  Region B (1 MiB)
 * is then made with a plain mmap(PROT_READ|PROT_WRITE) right below A and
 * advised MADV_NOHUGEPAGE: now it has A's flags, so madvise merges it into
 * A's VMA, which has an anon_vma.  B is only read (zero page, its Rss stays
 * 0).  After fork C's part of the VMA already maps the zero page (copied
 * PTEs: C's read costs no fault), unlike scenario 20 where B is a VMA of its
 * own without an anon_vma and C has to fault.
 *
 * linux-semantics.md: 1.3 (merging), 4.1 (vma_needs_copy: anon_vma).
 */
#include "../truth.h"

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("setup");
    char *a = map_anon(64 * KiB);
    mem_write("write-a", a, 64 * KiB);
    char *b = map(MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (madvise(b, MiB, MADV_NOHUGEPAGE))
        die("madvise");
    smaps("P", "b", b);
    mem_read("read-b", b, MiB);
    smaps("P", "b", b);
    pagemap("P", "b", b, 0);

    step("fork");
    peer_spawn(&c);
    smaps("C", "b", b);
    pagemap("C", "b", b, 0);

    step("child-reads-b");
    peer_read(&c, "read-b", b, MiB);
    smaps("C", "b", b);
    return truth_end();
}
