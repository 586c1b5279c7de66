/*
 * 29-fork-copies-file-ptes: fork copies every present PTE of a private
 * file VMA that has an anon_vma, and none of one that has not.
 *
 * Two cached 1 MiB files.  F1 is mapped MAP_PRIVATE rw, read at +0 (16
 * pages by fault-around) and written at +4K (one COW copy: the VMA now has
 * an anon_vma).  F2 is mapped MAP_PRIVATE read-only and read at +0 (16
 * pages, no anon_vma).  After fork C's F1 has Rss 64 (the 15 file pages
 * Shared_Clean, the anonymous copy Shared_Dirty), C's F2 has Rss 0.
 *
 * linux-semantics.md: 4.1 (vma_needs_copy table), 4.2, 9.5.
 */
#include "../truth.h"

#define FILE1 "/tmp/cowsh-truth-29a.dat"
#define FILE2 "/tmp/cowsh-truth-29b.dat"

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");
    unlink(FILE1);
    unlink(FILE2);

    step("setup");
    file_truncate(FILE1, (off_t)MiB);
    file_warm(FILE1, MiB);
    file_truncate(FILE2, (off_t)MiB);
    file_warm(FILE2, MiB);
    char *f1 = map_file(FILE1, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    char *f2 = map_file(FILE2, MiB, PROT_READ, MAP_PRIVATE);
    mem_read("read-f1-0", f1, 1);
    mem_write("write-f1-4k", f1 + PAGE, 1);
    mem_read("read-f2-0", f2, 1);
    smaps("P", "f1", f1);
    smaps("P", "f2", f2);

    step("fork");
    peer_spawn(&c);
    smaps("P", "f1", f1);
    smaps("C", "f1", f1);
    smaps("P", "f2", f2);
    smaps("C", "f2", f2);
    pagemap("C", "f1", f1, 0);
    pagemap("C", "f1", f1, PAGE);
    pagemap("C", "f2", f2, 0);
    status("C");

    unlink(FILE1);
    unlink(FILE2);
    return truth_end();
}
