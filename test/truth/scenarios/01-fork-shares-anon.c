/*
 * 01-fork-shares-anon: fork of a written private anonymous buffer.
 *
 * P writes all of a 16 MiB private anonymous buffer (4096 faults,
 * Private_Dirty), then forks C.  Fork copies the PTEs (the VMA has an
 * anon_vma), so every page now has mapcount 2: both sides show
 * Shared_Dirty 16384 kB and Pss 8192 kB, the pagemap exclusive bit and
 * AnonExclusive (kpageflags bit 34) are cleared, and C's Referenced is ~0
 * because its copied PTEs are old.
 *
 * linux-semantics.md: 3.1-3.4 (accounting, Pss), 4.1-4.3 (fork), 9.1 A-C.
 */
#include "../truth.h"

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("mmap");
    char *buf = map_anon(16 * MiB);
    smaps("P", "buf", buf);

    step("write-all");
    mem_write("write-all", buf, 16 * MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    status("P");

    step("fork");
    peer_spawn(&c);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);
    status("P");
    status("C");
    pstat("P");
    pstat("C");
    return truth_end();
}
