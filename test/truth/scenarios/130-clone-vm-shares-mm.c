/*
 * 130-clone-vm-shares-mm: clone(CLONE_VM) without CLONE_VFORK: a second
 * process on the same mm, both running.
 *
 * C maps a 2 MiB buffer and a stack for K, then clones K with glibc's
 * clone(fn, stack, CLONE_VM | SIGCHLD).  K (its own PID, its own thread
 * group) writes the first MiB: 256 faults in K's stat, none in C's; the
 * pages are the one mm's, so C's and K's smaps and status show the same
 * Rss, RssAnon, Private_Dirty, and the same frames (pagemap: kpagecount 1,
 * exclusive).  C then reads that MiB with no fault (the PTEs are there),
 * writes the second (256 faults in C), and K reads it with none.
 *
 * linux-semantics.md: kernel/fork.c copy_mm (CLONE_VM: mmget, no copy).
 */
#include "../truth.h"
#include "../clone.h"

static long setup(void *arg)
{
    (void)arg;
    return (long)map_anon(2 * MiB);
}

int main(void)
{
    struct peer c, k;

    truth_init();
    peer_init(&c, "C");
    peer_init(&k, "K");
    peer_spawn(&c);
    peer_call(&c, clone_stack, NULL);
    char *buf = (char *)peer_call(&c, setup, NULL);

    step("1-cloned");
    clone_from(&c, &k);
    smaps("K", "buf", buf);
    status("C");
    status("K");
    pstat("C");
    pstat("K");

    step("2-child-writes");
    peer_write(&k, "write-K", buf, 1 * MiB);
    smaps("C", "buf", buf);
    smaps("K", "buf", buf);
    pagemap("C", "buf", buf, 0);
    pagemap("K", "buf", buf, 0);
    status("C");
    status("K");
    pstat("C");
    pstat("K");

    step("3-parent-reads-and-writes");
    peer_read(&c, "read-C", buf, 1 * MiB);
    peer_write(&c, "write-C", buf + 1 * MiB, 1 * MiB);
    peer_read(&k, "read-K", buf + 1 * MiB, 1 * MiB);
    smaps("K", "buf", buf);
    status("C");
    status("K");
    pstat("C");
    pstat("K");
    return truth_end();
}
