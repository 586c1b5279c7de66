/*
 * 18-dontfork-wipeonfork: MADV_DONTFORK and MADV_WIPEONFORK.
 *
 * Two written 1 MiB private anonymous regions: D with MADV_DONTFORK ("dc")
 * and W with MADV_WIPEONFORK ("wf").  After fork, C has no VMA at D at all
 * (and a smaller VmSize) and an empty W (Rss 0: no anon_vma, no PTEs).  C
 * reads W: fresh memory, so it reads zeros (zero page on this machine, Rss
 * stays 0); then C writes W: 256 faults, Rss 1024.  P is unaffected.
 *
 * linux-semantics.md: 4.1 (VM_DONTCOPY, VM_WIPEONFORK), 9.5.
 */
#include "../truth.h"

/* Apply madvise advice to p[0..len) or die. */
static void advise(char *p, size_t len, int advice)
{
    if (madvise(p, len, advice))
        die("madvise");
}

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("setup");
    char *d = map_anon(1 * MiB);
    advise(d, MiB, MADV_DONTFORK);
    char *w = map_anon(1 * MiB);
    advise(w, MiB, MADV_WIPEONFORK);
    mem_write("write-d", d, MiB);
    mem_write("write-w", w, MiB);
    smaps("P", "d", d);
    smaps("P", "w", w);
    status("P");

    step("fork");
    peer_spawn(&c);
    smaps("C", "d", d);
    smaps("C", "w", w);
    smaps("P", "d", d);
    smaps("P", "w", w);
    pagemap("C", "w", w, 0);
    status("C");

    step("child-reads-w");
    peer_read(&c, "read-w", w, MiB);
    smaps("C", "w", w);
    pagemap("C", "w", w, 0);

    step("child-writes-w");
    peer_write(&c, "write-w", w, MiB);
    smaps("C", "w", w);
    smaps("P", "w", w);
    pagemap("C", "w", w, 0);
    return truth_end();
}
